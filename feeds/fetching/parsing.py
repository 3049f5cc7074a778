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
import codecs
import hashlib
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import feedparser

from feeds.fetching import channels, fastparse, identity

T = TypeVar("T")
MAX_ITEMS = 1000  # a feed's newest entries kept (by date where dated, else document order)
THREAD_THRESHOLD = 32 * 1024  # bodies at least this large go to the worker processes, if any
# Bodies up to this size are parsed on the event loop (about 10 ms at most); larger ones in a
# thread. A thread costs more CPU than it saves for a feed of ordinary size (the two threads take
# turns at the interpreter lock), and keeps the loop free only for large bodies.
INLINE_PARSE = 128 * 1024
MAX_TITLE = 1000
MAX_TEXT = 100_000
FAST_PATH = (
    True  # lxml for plain well-formed feeds (feeds.fetching.fastparse); False: feedparser only
)


@dataclass(frozen=True)
class FeedItem:
    guid: str | None
    link: str | None
    title: str
    text: str
    published: datetime | None
    fingerprint: str
    keys: tuple[str, ...] = ()
    content_hash: str = ""
    canonical_link: str | None = None
    # True when parse_feed was told this item's keys were already seen (``known``): ``text`` and
    # ``content_hash`` were not computed ("" here); parse again without ``known`` to get them
    text_skipped: bool = False
    # a channel post's outbound link (the article it shares): the alert links it, and a feed's
    # item of the same article joins the same story; ``link`` stays the post's own
    article: str | None = None
    # a channel post's version: a digest of its text block as served, which an edit changes
    # (computed without converting the text, so a page read with ``known`` still has it)
    version: str = ""


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    items: list[FeedItem]
    bozo: str | None  # feedparser's complaint, or why this is not a feed; None when clean
    is_feed: bool
    link: str | None = None  # the site's URL
    language: str | None = None
    ttl_minutes: int | None = None  # RSS <ttl>, a scheduling hint
    encoding: str | None = None
    dropped: int = 0  # exact repeats of an entry removed
    over_cap: int = 0  # entries beyond MAX_ITEMS, left out (the oldest)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# HTML -> text


_SKIP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
     "head", "title", "select", "textarea", "applet", "frameset", "noembed", "noframes", "xmp",
     "plaintext"}
)  # fmt: skip
_BLOCK = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "pre", "tr", "table", "section", "article", "header", "footer", "figure", "figcaption",
     "hr", "dd", "dt", "dl", "aside", "nav", "main", "address"}
)  # fmt: skip
_VOID = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr",
     "param", "track", "embed"}
)  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_TAGLIKE = re.compile(r"</?[a-zA-Z!?][^<>]*>?")  # a tag name follows "<" at once: "a < b" is text
_BAD_SCHEME = re.compile(r"(?i)\b(?:java|vb|live)\s*script\s*:|\bdata\s*:\s*text/html")


def defang(text: str) -> str:
    """Remove anything in plain text still shaped like a tag or a script URL (repeat until stable)."""
    for _ in range(5):
        # every match of _TAGLIKE holds a "<" and every match of _BAD_SCHEME a ":" (cheap checks
        # first: the case-insensitive scheme pattern is slow on long text)
        new = _TAGLIKE.sub("", text) if "<" in text else text
        new = _BAD_SCHEME.sub("", new) if ":" in new else new
        if new == text:
            break
        text = new
    return text


def html_to_text(html: str, *, limit: int = MAX_TEXT) -> str:
    """Plain text of an HTML fragment: tags stripped, entities decoded, script/style contents
    dropped, block elements as line breaks, whitespace collapsed, markup leftovers removed.

    Double-escaped HTML (``&amp;lt;p&amp;gt;``, common in feeds) decodes to text that still holds
    tags; it is run through once more so those tags, and script contents, go too.
    """
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return defang(_clean(html))[:limit]  # what the HTML parser would give, without it
    text = _extract(html)
    if _TAGLIKE.search(text):
        text = _extract(text)
    return defang(text)[:limit]


def _extract(html: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient, but never let one item break a feed
        parser.parts = [re.sub(r"<[^>]*>", " ", html)]
    return _clean("".join(parser.parts))


# never spans a line break; a single space is left alone (matching every space was most of the
# time a parse spent cleaning text)
_HSPACE = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_BLANKS = re.compile(r"\n{3,}")


def _clean(text: str) -> str:
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    text = text.replace("\xa0", " ").replace("\r", "\n")
    lines = [line.strip() for line in _HSPACE.sub(" ", text).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


# ---------------------------------------------------------------------------------------------
# Character sets

_XML_DECL = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([^\"']*)\2", re.IGNORECASE)
_CYRILLIC_SINGLE = frozenset({"cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "mac-cyrillic"})
_WESTERN_SINGLE = frozenset({"latin-1", "iso8859-1", "cp1252", "iso8859-15", "ascii", "mac-roman"})
_WORD = re.compile(r"[^\W\d_]+")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def _header_charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([^\"';,\s]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


def _decodes(body: bytes, enc: str) -> bool:
    try:
        body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_cyrillic(c: str) -> bool:
    return "\u0400" <= c <= "\u04ff"


def guess_cyrillic(body: bytes) -> str | None:
    """cp1251 or koi8-r when ``body`` reads as Cyrillic prose in one of them, else None."""
    best: tuple[float, str] | None = None
    for enc in ("cp1251", "koi8-r"):
        text = body.decode(enc, errors="replace")
        cyr_words = [w for w in _WORD.findall(text) if any(_is_cyrillic(c) for c in w)]
        if len(cyr_words) < 2:
            continue
        pure = [w for w in cyr_words if all(_is_cyrillic(c) for c in w)]
        if len(pure) < 0.8 * len(cyr_words):
            continue
        letters = sum(len(w) for w in pure)
        lower = sum(c.islower() for w in pure for c in w)
        ratio = lower / letters if letters else 0.0
        if ratio >= 0.5 and (best is None or ratio > best[0]):
            best = (ratio, enc)
    return best[1] if best else None


def choose_encoding(body: bytes, headers: Mapping[str, str]) -> tuple[str | None, str]:
    """The encoding we impose (or None to let feedparser decide) and a note on why."""
    head = body[:4]
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        b"\x00" in body[:64]
    ):
        return None, "byte-order mark or UTF-16/32: left to feedparser"
    if not any(b >= 0x80 for b in body):
        return None, "ASCII only"
    header_cs = _codec(_header_charset(headers.get("content-type", "")))
    m = _XML_DECL.match(body[:512])
    decl_cs = _codec(m.group(3).decode("ascii", "replace")) if m else None
    declared = header_cs or decl_cs
    if _decodes(body, "utf-8"):
        return "utf-8", "valid UTF-8"
    if declared and declared != "utf-8" and _decodes(body, declared):
        if declared in _CYRILLIC_SINGLE:
            return declared, f"declared {declared}"
        if declared not in _WESTERN_SINGLE:
            return None, f"declared {declared}: left to feedparser"
        guess = guess_cyrillic(body)
        if guess and _western_mojibake(body, declared):
            return guess, f"declared {declared}, but the text is Cyrillic in {guess}"
        return declared, f"declared {declared}"
    guess = guess_cyrillic(body)
    if guess:
        why = f"declared {declared} does not decode" if declared else "no charset declared"
        return guess, f"{why}; detected {guess}"
    return None, "undetected: left to feedparser"


def _western_mojibake(body: bytes, declared: str) -> bool:
    text = body.decode(declared, errors="replace")
    words = [w for w in _WORD.findall(text) if any(ord(c) > 0x7F for c in w)]
    if not words:
        return False
    # Western prose has a few accented letters per word; cp1251 read as latin-1 has mostly them.
    high = sum(sum(ord(c) > 0x7F for c in w) for w in words)
    total = sum(len(w) for w in words)
    return high / total > 0.6


def _transcode(body: bytes, headers: Mapping[str, str], enc: str) -> tuple[bytes, dict]:
    text = body.decode(enc, errors="replace")
    data = text.encode("utf-8")
    data = _XML_DECL.sub(lambda m: m.group(1) + m.group(2) + b"utf-8" + m.group(2), data, 1)
    hdrs = dict(headers)
    ctype = hdrs.get("content-type", "").split(";", 1)[0].strip() or "application/xml"
    hdrs["content-type"] = f"{ctype}; charset=utf-8"
    return data, hdrs


# ---------------------------------------------------------------------------------------------
# Parsing


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


@dataclass
class _Raw:
    guid: str | None
    link: str | None
    title: str
    text: str
    published: datetime | None
    # the HTML the text comes from; converted only for items that need it (see ``known``)
    html: list[str] = field(default_factory=list)
    article: str | None = None
    version: str = ""

    def finish_text(self) -> str:
        if self.html:
            texts = [html_to_text(c) for c in self.html if c]
            self.text, self.html = max(texts, key=len, default=""), []
        return self.text


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


def _items(
    raws: list[_Raw],
    known: frozenset[str] | None,
    *,
    site: str | None,
    title: object,
    bozo: str | None,
    language: object = None,
    ttl: object = None,
    encoding: str | None = None,
    over_cap: int = 0,
    notes: list[str] | None = None,
) -> ParsedFeed:
    """Items with their identity keys (shared by feeds and channel previews)."""
    notes = notes if notes is not None else []
    kept, bad_guids, bad_links = identity.dedupe(raws, site_link=site)
    items = []
    for r in kept:
        canon = identity.canonical_url(r.link) if r.link else None
        keys = identity.identity_keys(
            None if r.guid in bad_guids else r.guid,
            None if canon in bad_links else r.link,
            r.title,
            r.published,
        )
        skip = known is not None and any(k in known for k in keys)
        if not skip:
            r.finish_text()
        items.append(
            FeedItem(
                guid=r.guid,
                link=r.link,
                title=r.title,
                text=r.text,
                published=r.published,
                fingerprint=keys[0],
                keys=keys,
                content_hash="" if skip else identity.content_hash(r),
                canonical_link=canon,
                text_skipped=skip,
                article=r.article,
                version=r.version,
            )
        )
    if over_cap:
        notes.append(f"{over_cap} older item(s) beyond the newest {MAX_ITEMS} left out")
    if bad_guids:
        notes.append(f"{len(bad_guids)} guid(s) shared by different entries; not used as identity")
    return ParsedFeed(
        title=html_to_text(str(title or ""), limit=MAX_TITLE),
        items=items,
        bozo=bozo,
        is_feed=True,
        link=site,
        language=(language or None),
        ttl_minutes=int(ttl) if isinstance(ttl, str) and ttl.strip().isdigit() else None,
        encoding=encoding,
        dropped=len(raws) - len(kept),
        over_cap=over_cap,
        notes=notes,
    )


def _parse_channel(body: bytes, name: str, known: frozenset[str] | None) -> ParsedFeed:
    """A channel's preview page as a feed: one item per post with text (``feeds.fetching.channels``)."""
    page = channels.parse_page(body, name)
    if not page.is_preview:
        why = "no posts: the channel is private, renamed or does not exist, or this is no preview"
        return ParsedFeed(
            title=page.title, items=[], bozo=f"not a channel preview ({why})", is_feed=False
        )
    raws = []
    posts = page.posts[-MAX_ITEMS:]  # the newest, as for a feed
    for post in reversed(posts):  # newest first, as feeds list them
        title = _first_sentence(_first_line(post.html))[:MAX_TITLE]
        html = post.html
        if post.forwarded_from:  # who a forwarded post came from stays with it
            html = f"<p>Forwarded from {escape(post.forwarded_from)}</p>{html}"
        raws.append(
            _Raw(
                guid=f"tg:{post.link.removeprefix('https://t.me/')}",
                link=post.link,
                title=title,
                text="",
                published=post.published,
                html=[html],
                article=post.article,
                version=hashlib.blake2b(post.html.encode(), digest_size=8).hexdigest(),
            )
        )
    return _items(
        raws,
        known,
        site=f"https://t.me/{name}",
        title=page.title or f"@{name}",
        bozo=None,
        over_cap=len(page.posts) - len(posts),
        notes=["parser: channel preview"],
    )


_LINE_BREAK = re.compile(r"<br\b[^>]*>|</(?:p|div)>", re.I)
TITLE_HTML = 800  # markup a post's title is read from at most (a title: one sentence, <= 300)


def _first_line(html: str) -> str:
    """A post's first non-empty line as text, read from its first ``TITLE_HTML`` characters of
    markup only: every poll reads every post's title (identity keys), and converting whole posts
    for it cost more than the rest of reading the page."""
    head = html[:TITLE_HTML]
    start = 0
    for found in _LINE_BREAK.finditer(head):
        line = html_to_text(head[start : found.start()])
        if line.strip():
            return line.splitlines()[0]
        start = found.end()
    return next((line for line in html_to_text(head[start:]).splitlines() if line.strip()), "")


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


def _first_sentence(line: str) -> str:
    """A post's title: its first line, cut at its first sentence when the line is long."""
    if len(line) <= 120:
        return line
    cut = _SENTENCE_END.search(line, 40)
    return line[: cut.start()] if cut and cut.start() <= 300 else line[:300]


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
