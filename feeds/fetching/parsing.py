"""Feed parsing: raw bytes + response headers -> plain-text items with identities.

    parsed = await parse_feed_async(result.body, result.headers, result.url)
    if not parsed.is_feed: ...            # parsed.bozo says why (HTML page, empty, not XML)
    for item in parsed.items:             # document order, repeated guids handled
        item.fingerprint, item.keys       # identity (see feeds.fetching.identity)
        item.content_hash                 # tells an edit from a new item
        item.title, item.text             # plain text: no tags, entities decoded, no scripts
        item.link                         # absolute http(s) URL or None
        item.published                    # aware UTC datetime or None

Everything a feed says is hostile until proven otherwise: feedparser sanitises the HTML, then
:func:`html_to_text` reduces it to plain text (script/style/... contents dropped) and
:func:`defang` removes anything still shaped like a tag or a ``javascript:`` URL. The output is
still *text*, not HTML: whoever renders it for Telegram must escape it.

Character sets. feedparser follows RFC 3023 (headers over the XML prefix, ``text/xml`` means
us-ascii), which goes wrong for many real servers. Before handing bytes to feedparser we decide the
encoding ourselves when we can: valid UTF-8 wins over any single-byte declaration; a declared
charset that decodes is trusted unless it is a Western single-byte one and the bytes read as
Cyrillic prose in cp1251 or koi8-r (classic "ÐÑÐµÐ·Ð¸Ð´ÐµÐ½Ñ" mojibake); undeclared or
undecodable bytes are tried as cp1251 / koi8-r (lower-case ratio picks between them). When we
decide, the body is transcoded to UTF-8 and the declarations rewritten; otherwise feedparser
decides (BOMs, UTF-16/32, CJK charsets...). ``ParsedFeed.encoding`` says what was used.
"""

from __future__ import annotations

import asyncio
import calendar
import io
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import feedparser

from feeds.fetching import channels, fastparse
from feeds.fetching.channel_feed import _parse_channel
from feeds.fetching.encoding import _transcode, choose_encoding
from feeds.fetching.html_text import html_to_text
from feeds.fetching.items import MAX_ITEMS, MAX_TITLE, ParsedFeed, _items, _Raw

T = TypeVar("T")
THREAD_THRESHOLD = 32 * 1024  # bodies at least this large go to the worker processes, if any
# Bodies up to this size are parsed on the event loop (about 10 ms at most); larger ones in a
# thread. A thread costs more CPU than it saves for a feed of ordinary size (the two threads take
# turns at the interpreter lock), and keeps the loop free only for large bodies.
INLINE_PARSE = 128 * 1024
FAST_PATH = True  # lxml for plain well-formed feeds (fetching.fastparse); False: feedparser only


def _lower_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in (headers or {}).items():
        out[str(k).lower()] = v if isinstance(v, str) else str(v)
    return out


def newest(entries: list[T], date: Callable[[T], datetime | None]) -> tuple[list[T], int]:
    """At most ``MAX_ITEMS`` entries: the newest by date where dated (undated ones after them, in
    document order), returned in document order; and how many were left out."""
    if len(entries) <= MAX_ITEMS:
        return list(entries), 0
    stamps = [date(e) for e in entries]
    order = sorted(
        range(len(entries)),
        key=lambda i: (stamps[i] is None, -(stamps[i].timestamp() if stamps[i] else 0.0), i),
    )
    chosen = sorted(order[:MAX_ITEMS])
    return [entries[i] for i in chosen], len(entries) - MAX_ITEMS


def _datetime(entry: Mapping) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime.fromtimestamp(calendar.timegm(t), tz=UTC)
            except (OverflowError, ValueError, TypeError, OSError):
                continue
    return None


def _absolute_http(link: str | None, base: str) -> str | None:
    if not link or not isinstance(link, str):
        return None
    link = link.strip()
    try:
        absolute = urljoin(base, link) if base else link
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(c) < 0x21 for c in absolute) or len(absolute) > 4096:
        return None
    return absolute


def _entry_html(entry: Mapping) -> list[str]:
    candidates = [c.get("value", "") for c in entry.get("content") or [] if isinstance(c, Mapping)]
    candidates.append(entry.get("summary", "") or "")
    return candidates


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head


def parse_feed(
    body: bytes,
    headers: Mapping[str, str] | None,
    base_url: str,
    known: frozenset[str] | None = None,
) -> ParsedFeed:
    """Parse a feed document; never raises for bad input (problems land in ``bozo``).

    ``known``: identity keys already seen (a hint, e.g. the previous parse's keys); an item with
    one of them gets no text and no content hash (``text_skipped``), which saves converting the
    HTML of items that will not be read.
    """
    hdrs = _lower_headers(headers)
    if not body or not body.strip():
        return ParsedFeed(title="", items=[], bozo="empty document", is_feed=False)
    channel = channels.preview_channel(base_url)
    if channel is not None:
        return _parse_channel(body, channel, known)
    if "content-location" in hdrs:
        hdrs["content-location"] = urljoin(base_url, hdrs["content-location"])
    else:
        hdrs["content-location"] = base_url
    enc, why = choose_encoding(body, hdrs)
    data = body
    notes = [f"encoding: {why}"]
    if enc is not None:
        data, hdrs = _transcode(body, hdrs, enc)
    doc = fastparse.extract(data, hdrs) if FAST_PATH else None
    if doc is not None:
        site = _absolute_http(doc.link, base_url)
        raws = []
        kept_entries, over_cap = newest(doc.entries, _datetime)
        for entry in kept_entries:
            guid = entry.id
            guid = guid.strip()[:2048] if isinstance(guid, str) and guid.strip() else None
            raws.append(
                _Raw(
                    guid=guid,
                    link=_absolute_http(entry.link, base_url),
                    title=html_to_text(entry.title, limit=MAX_TITLE),
                    text="",
                    published=_datetime(entry),
                    html=[*entry.content, entry.summary],
                )
            )
        feed_title, language, ttl, encoding, bozo = (
            doc.title,
            doc.language,
            doc.ttl,
            doc.encoding,
            doc.bozo,
        )
        notes.append("parser: fast path")
    else:
        try:
            d = feedparser.parse(
                io.BytesIO(data),
                response_headers=hdrs,
                resolve_relative_uris=True,
                sanitize_html=True,
            )
        except Exception as exc:  # feedparser is robust, but a crash must not take the feed down
            return ParsedFeed(
                title="",
                items=[],
                bozo=f"parser crashed: {type(exc).__name__}: {exc}",
                is_feed=False,
            )
        bozo = None
        if d.get("bozo"):
            exc = d.get("bozo_exception")
            bozo = f"{type(exc).__name__}: {exc}" if exc else "not well-formed"
        entries = list(d.get("entries") or [])
        version = d.get("version") or ""
        feed = d.get("feed") or {}
        if not version and not entries:
            return _not_a_feed(body, hdrs, enc, bozo)
        site = _absolute_http(feed.get("link"), base_url)
        raws = []
        kept_entries, over_cap = newest(entries, _datetime)
        for entry in kept_entries:
            guid = entry.get("id")
            guid = guid.strip()[:2048] if isinstance(guid, str) and guid.strip() else None
            raws.append(
                _Raw(
                    guid=guid,
                    link=_absolute_http(entry.get("link"), base_url),
                    title=html_to_text(str(entry.get("title", "") or ""), limit=MAX_TITLE),
                    text="",
                    published=_datetime(entry),
                    html=_entry_html(entry),
                )
            )
        feed_title, language, ttl = feed.get("title", ""), feed.get("language"), feed.get("ttl")
        encoding = d.get("encoding")
    return _items(
        raws,
        known,
        site=site,
        title=feed_title,
        bozo=bozo,
        language=language,
        ttl=ttl,
        encoding=enc or encoding,
        over_cap=over_cap,
        notes=notes,
    )


def _not_a_feed(body: bytes, hdrs: Mapping[str, str], enc: str | None, bozo: str | None):
    if _looks_like_html(body):
        m = re.search(rb"<title[^>]*>(.*?)</title", body[:65536], re.IGNORECASE | re.DOTALL)
        raw_title = m.group(1).decode(enc or "utf-8", errors="replace") if m else ""
        title = html_to_text(raw_title)[:200]
        ctype = hdrs.get("content-type", "").split(";")[0] or "no content type"
        msg = f"not a feed: got an HTML page ({ctype})"
        if title:
            msg += f" titled {title!r}"
        msg += "; the URL may point to a web page, or the site served an anti-bot challenge"
    else:
        msg = "not a feed: no RSS, Atom or RDF document found"
        if bozo:
            msg += f" ({bozo})"
    return ParsedFeed(title="", items=[], bozo=msg, is_feed=False, encoding=enc)


async def parse_feed_async(
    body: bytes,
    headers: Mapping[str, str] | None,
    base_url: str,
    known: frozenset[str] | None = None,
) -> ParsedFeed:
    """:func:`parse_feed`, in a worker thread when the body is large enough to block the loop
    (``INLINE_PARSE``)."""
    if len(body) <= INLINE_PARSE:
        return parse_feed(body, headers, base_url, known)
    return await asyncio.to_thread(parse_feed, body, headers, base_url, known)
