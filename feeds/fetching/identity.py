"""Item identity: which feed items are "the same item", and whether an item was edited.

Every item gets a tuple of **identity keys**, strongest first (``FeedItem.keys``); the first is its
``fingerprint``:

* ``g:<hash>`` from the guid (RSS ``guid``, Atom ``id``, RSS 1.0 ``rdf:about``), when present;
* ``u:<hash>`` from the canonical link (:func:`canonical_url`, scheme ignored), when present and
  specific: a site's home page (path "/", no query), the feed's own site link, or a link shared by
  distinct entries of the same document identifies nothing and is left out;
* ``t:<hash>`` from the normalised title and the publication date, when the item has a date,
  or when it has neither guid nor link (then the title alone, the weakest identity).

Hashes are 128 bits (32 hex digits) of SHA-256. Keys are unique **within one feed** only (guids such
as ``"1234"`` collide across feeds), so the seen-store must scope them by feed.

How the watcher should use them: an item is *seen* when **any** of its keys is in the feed's
seen set, and when an item is handled **all** its keys are added. That survives reordering,
restarts, a feed that changes every guid (its links still match), a feed that switches http→https,
and a feed that adds tracking parameters to its links. Keys start with their kind (``g``/``u``/``t``),
so a stricter watcher can choose to trust only some kinds.

Repeated guids inside one document (:func:`dedupe`): entries that repeat a guid *and* the same link
and title are one item shown twice; the first is kept and the rest dropped. When entries share a
guid but differ (a CMS that gives every item the site URL as guid), the guid is not an identity at
all: it is dropped from every entry that carries it, and those entries are identified by link or
title/date. Dropping it from all of them (not just the later ones) matters: otherwise the next new
item to appear first in the feed would inherit an already-seen guid key and be silently skipped.

:func:`content_hash` hashes what a reader sees (title and text), so the watcher can tell an edited
item (same identity, different content hash) from a new one; edits are never re-sent.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Protocol, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "ysclid",
        "_openstat",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "ncid",
        "spm",
        "s_cid",
        "rss",
        "from_rss",
        "utm",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "__twitter", "oly_", "vero_", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}


class HasContent(Protocol):
    title: str
    text: str


@functools.lru_cache(maxsize=8192)  # pure, and a feed's links come back at every poll
def canonical_url(url: str) -> str:
    """A canonical form of ``url`` for identity: scheme and host lower-cased, default port, user
    info and fragment dropped, tracking parameters (utm_*, fbclid, gclid, yclid, ref, ...) removed,
    remaining query parameters sorted, empty path as "/", percent-escapes normalised.

    Not meant for fetching (a few servers care about parameter order). Non-URLs come back
    stripped and otherwise unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if not scheme or not parts.netloc:
        return url
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    path = _normalise_escapes(parts.path) or "/"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query.sort()
    return urlunsplit((scheme, host, path, urlencode(query, quote_via=quote), ""))


_SPACES = re.compile(r"\s+")


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def _normalise_escapes(path: str) -> str:
    # Decode then re-encode so "%7E", "~" and "%7e" compare equal; keep "/" and reserved chars.
    return quote(unquote(path), safe="/:@!$&'()*+,;=~-._%")


def _h(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}"


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title or "").casefold()
    return _SPACES.sub(" ", text).strip()


def link_key(link: str) -> str:
    canon = canonical_url(link)
    return _h("u", canon.split(":", 1)[1] if "://" in canon else canon)


def _is_homepage(link: str) -> bool:
    try:
        parts = urlsplit(canonical_url(link))
    except ValueError:
        return False
    return bool(parts.netloc) and parts.path in ("", "/") and not parts.query


def identity_keys(
    guid: str | None,
    link: str | None,
    title: str | None,
    published: datetime | None,
) -> tuple[str, ...]:
    """The identity keys of one item, strongest first (see the module doc). Never empty."""
    keys: list[str] = []
    if guid and guid.strip():
        keys.append(_h("g", guid.strip()))
    if link and link.strip() and not _is_homepage(link):
        keys.append(link_key(link))
    norm = normalise_title(title or "")
    if published is not None:
        when = published.astimezone(UTC).replace(microsecond=0).isoformat()
        keys.append(_h("t", f"{norm}\n{when}"))
    elif not keys:
        keys.append(_h("t", f"{norm}\n"))
    return tuple(keys)


def content_hash(item: HasContent) -> str:
    """128-bit hash of what a reader sees: normalised title and text (whitespace-insensitive)."""
    # " ".join(str.split()) is _SPACES.sub(" ", ...).strip(): str.isspace is re's \s, in C
    text = " ".join(unicodedata.normalize("NFKC", item.text or "").split())
    title = " ".join(unicodedata.normalize("NFKC", item.title or "").split())
    return hashlib.sha256(f"{title}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


class _Raw(Protocol):
    guid: str | None
    link: str | None
    title: str


R = TypeVar("R", bound=_Raw)


def dedupe(
    entries: Sequence[R], site_link: str | None = None
) -> tuple[list[R], set[str], set[str]]:
    """Handle repeated guids and shared links in one document (see the module doc).

    Returns the entries to keep (order preserved), the guids and the canonical links that must not
    be used as an identity in this document (a link shared by distinct entries, or the feed's own
    site link, identifies nothing).
    """
    counts = Counter(e.guid for e in entries if e.guid)
    unreliable: set[str] = set()
    kept: list[R] = []
    firsts: dict[str, R] = {}
    for e in entries:
        if not e.guid or counts[e.guid] == 1:
            kept.append(e)
            continue
        first = firsts.get(e.guid)
        if first is None:
            firsts[e.guid] = e
            kept.append(e)
        elif _same_entry(first, e):
            continue
        else:
            unreliable.add(e.guid)
            kept.append(e)
    by_link: dict[str, set[tuple[str | None, str]]] = {}
    for e in kept:
        if e.link:
            by_link.setdefault(canonical_url(e.link), set()).add((e.guid, normalise_title(e.title)))
    bad_links = {link for link, owners in by_link.items() if len(owners) > 1}
    if site_link:
        bad_links.add(canonical_url(site_link))
    return kept, unreliable, bad_links


def _same_entry(a: _Raw, b: _Raw) -> bool:
    la = canonical_url(a.link) if a.link else None
    lb = canonical_url(b.link) if b.link else None
    return la == lb and normalise_title(a.title) == normalise_title(b.title)


def any_seen(keys: Iterable[str], seen: set[str] | frozenset[str]) -> bool:
    """Convenience for in-memory checks: True when any identity key is in ``seen``."""
    return any(k in seen for k in keys)
