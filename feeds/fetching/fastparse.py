"""A fast path for well-formed, plain RSS 2.0 / RSS 1.0 / Atom 1.0 documents, with lxml.

feedparser costs ~20 ms for a 44 KB feed, mostly its SAX handlers and its sgmllib sanitiser run on
every text field. Most real feeds are well-formed XML with a handful of ordinary elements, so
:func:`extract` reads them with ``lxml.etree`` and gives :func:`feeds.fetching.parsing.parse_feed`
the same values feedparser would (``entry.id``, ``link``, ``title``, ``summary``, ``content``,
dates, ``feed.title/link/language/ttl``, ``encoding``, ``bozo``). It is *conservative*: anything it
does not model exactly -- a DOCTYPE or entity declaration, ``xml:base``, an element that feedparser
maps to one of those fields but we do not (``dc:title``, ``atom:*`` inside RSS items, Atom ``xhtml``
content, base64, a repeated field...), a parse error -- returns ``None`` and the caller uses
feedparser. ``tests/test_fastparse.py`` checks that both paths give the same items.

Exactness where feedparser transforms values: the same charset conversion
(``feedparser.encodings.convert_to_utf8``), URI resolution (``_urljoin`` against the
Content-Location), date parser (``_parse_date``), sanitiser (``_sanitize_html``, run only on values
that contain markup or an ampersand -- on anything else it is the identity), the latin-1/UTF-8 and
cp1252 repairs, and the "looks like HTML" guess for RSS titles.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import convert_to_utf8
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin as XMLParserMixin
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin, make_safe_absolute_uri, resolve_relative_uris
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
    load_dtd=False,
)
_UNSUPPORTED = (
    b"<!DOCTYPE",
    b"<!doctype",
    b"<!Doctype",
    b"<!ENTITY",
    b"xml:base",
    b"xml:lang",
    b"base64",
)
_C1 = re.compile("[\x80-\x9f]")

# Item children that feedparser does not map to any field we read (so they can be ignored).
_RSS_IGNORED = frozenset(
    {"category", "author", "comments", "enclosure", "source", DC + "creator", DC + "subject",
     "{http://purl.org/rss/1.0/modules/slash/}comments",
     "{http://wellformedweb.org/CommentAPI/}commentrss",
     "{http://wellformedweb.org/CommentAPI/}comment"}
)  # fmt: skip
_RSS_FIELDS = frozenset({"title", "link", "guid", "description", "pubdate", CONTENT + "encoded"})
_RSS1_FIELDS = frozenset({RSS1 + "title", RSS1 + "link", RSS1 + "description", DC + "date"})
_ATOM_IGNORED = frozenset({ATOM + "author", ATOM + "contributor", ATOM + "category"})
_NESTED_OK = frozenset({ATOM + "author", ATOM + "contributor"})  # name/email/uri inside
_ATOM_FIELDS = frozenset(
    {ATOM + "title", ATOM + "id", ATOM + "link", ATOM + "summary", ATOM + "content",
     ATOM + "published", ATOM + "updated"}
)  # fmt: skip


class Unsupported(Exception):
    """Not something the fast path models exactly: use feedparser."""


@dataclass
class Entry:
    id: str | None
    link: str | None
    title: str
    summary: str
    content: list[str]
    published: Any  # time.struct_time or None
    updated: Any

    def get(self, key: str, default: Any = None) -> Any:  # the feedparser-entry subset we read
        return {
            "published_parsed": self.published,
            "updated_parsed": self.updated,
        }.get(key, default)


@dataclass
class Document:
    title: str
    link: str | None
    language: str | None
    ttl: str | None
    entries: list[Entry]
    encoding: str
    bozo: str | None


def extract(data: bytes, headers: dict[str, str]) -> Document | None:
    """The fields feedparser would give for ``data``, or None when only feedparser can tell."""
    if any(marker in data for marker in _UNSUPPORTED) or headers.get("content-language"):
        return None
    result: dict[str, Any] = {"bozo": False}
    try:
        utf8 = convert_to_utf8(dict(headers), data, result)
        if not result.get("encoding"):
            return None
        root = etree.fromstring(utf8, _PARSER)
        base = make_safe_absolute_uri(headers.get("content-location", "")) or ""
        doc = _Reader(base).read(root)
    except (Unsupported, etree.XMLSyntaxError, ValueError, TypeError, LookupError):
        return None
    bozo = None
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        bozo = f"{type(exc).__name__}: {exc}" if exc else "not well-formed"
    doc.encoding, doc.bozo = result["encoding"], bozo
    return doc


def _leaf(el) -> str:
    """Text of an element that must hold only text (feedparser strips it)."""
    if len(el):
        raise Unsupported("markup inside a text element")
    return (el.text or "").strip()


def _repair(value: str) -> str:
    """feedparser's last steps on every value: the latin-1-as-UTF-8 fix and cp1252 mapping."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_cp1252) if _C1.search(value) else value


class _Reader:
    def __init__(self, base: str) -> None:
        self.base = base

    def html(self, value: str, ctype: str = "text/html") -> str:
        if "<" in value or "&" in value:
            value = resolve_relative_uris(value, self.base, "utf-8", ctype)
            value = _sanitize_html(value, "utf-8", ctype)
        return _repair(value)

    def uri(self, value: str) -> str:
        return _repair(_urljoin(self.base, value)) if value else value

    def read(self, root) -> Document:
        tag = root.tag
        if tag == "rss":
            channel = [c for c in root if c.tag == "channel"]
            if len(channel) != 1:
                raise Unsupported("rss without one channel")
            for el in (*root, *channel[0]):
                if (
                    isinstance(el.tag, str)
                    and el.tag != "item"
                    and el.tag.endswith(("}item", "item"))
                ):
                    raise Unsupported("an item element in a namespace, or outside the channel")
            return self.rss(channel[0], [c for c in channel[0] if c.tag == "item"])
        if tag == RDF + "RDF":
            channel = [c for c in root if c.tag == RSS1 + "channel"]
            if len(channel) != 1:
                raise Unsupported("rdf without one channel")
            return self.rss1(channel[0], [c for c in root if c.tag == RSS1 + "item"])
        if tag == ATOM + "feed":
            return self.atom(root)
        raise Unsupported(f"root {tag!r}")

    # -- channel ------------------------------------------------------------------------------
    def _channel(self, channel, ns: str, allowed: frozenset[str]) -> tuple[str, str | None, ...]:
        fields: dict[str, str] = {}
        for child in channel:
            if not isinstance(child.tag, str):
                continue
            name = child.tag
            if name in allowed:
                if name in fields:
                    raise Unsupported(f"repeated channel {name}")
                fields[name] = _leaf(child)
            elif name.startswith(("{http://www.w3.org/2005/Atom}", DC)) and not (
                name == ATOM + "link" and child.get("rel") == "self"
            ):
                raise Unsupported(f"channel {name}")
        title = fields.get(ns + "title", "")
        title = self.html(title) if XMLParserMixin.looks_like_html(title) else _repair(title)
        link = fields.get(ns + "link")
        return title, (self.uri(link) if link else None), fields

    def rss(self, channel, items) -> Document:
        allowed = frozenset({"title", "link", "language", "ttl"})
        for child in channel:
            if (
                isinstance(child.tag, str)
                and child.tag != child.tag.lower()
                and (child.tag.lower() in allowed or child.tag.lower() == "item")
            ):
                raise Unsupported("mixed-case channel element")
        title, link, fields = self._channel(channel, "", allowed)
        entries = [self.rss_item(i) for i in items]
        return Document(
            title=title,
            link=link,
            language=_repair(fields["language"]) if fields.get("language") else None,
            ttl=fields.get("ttl"),
            entries=entries,
            encoding="",
            bozo=None,
        )

    def rss1(self, channel, items) -> Document:
        allowed = frozenset({RSS1 + "title", RSS1 + "link"})
        title, link, _ = self._channel(channel, RSS1, allowed)
        return Document(title, link, None, None, [self.rss1_item(i) for i in items], "", None)

    def atom(self, feed) -> Document:
        fields: dict[str, Any] = {}
        links = []
        for child in feed:
            if not isinstance(child.tag, str):
                continue
            if child.tag == ATOM + "title":
                if "title" in fields or child.get("type", "text") not in ("text", "html"):
                    raise Unsupported("atom feed title")
                fields["title"] = (_leaf(child), child.get("type", "text"))
            elif child.tag == ATOM + "link":
                links.append(child)
        if feed.get("{http://www.w3.org/XML/1998/namespace}lang"):
            raise Unsupported("xml:lang on the feed")  # feedparser reports it as the language
        title, ttype = fields.get("title", ("", "text"))
        title = self.html(title) if ttype == "html" else _repair(title)
        return Document(
            title=title,
            link=self._atom_link(links),
            language=None,
            ttl=None,
            entries=[self.atom_entry(e) for e in feed if e.tag == ATOM + "entry"],
            encoding="",
            bozo=None,
        )

    # -- items --------------------------------------------------------------------------------
    def _children(
        self, item, fields: frozenset[str], ignored: frozenset[str], norm: Callable[[str], str]
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for child in item:
            if not isinstance(child.tag, str):
                continue
            name = norm(child.tag)
            if name in fields:
                if name in found:
                    raise Unsupported(f"repeated {name}")
                found[name] = child
            elif name not in ignored or (len(child) and name not in _NESTED_OK):
                raise Unsupported(f"item element {child.tag}")
        return found

    def rss_item(self, item) -> Entry:
        for key in item.attrib:
            if key.startswith(RDF):
                raise Unsupported("rdf attribute on an RSS 2.0 item")
        found = self._children(item, _RSS_FIELDS, _RSS_IGNORED, _lower_local)
        guid_el = found.get("guid")
        link = _leaf(found["link"]) if "link" in found else None
        guid = None
        if guid_el is not None:
            attrs = {k.lower(): v for k, v in guid_el.attrib.items()}
            permalink = attrs.get("ispermalink", "true") == "true"
            guid = _leaf(guid_el)
            guid = self.uri(guid) if permalink else _repair(guid)
            if permalink and link is None:
                link = guid
            elif link is not None:
                link = self._rss_link(link)
        elif link is not None:
            link = self._rss_link(link)
        title = _leaf(found["title"]) if "title" in found else ""
        title = self.html(title) if XMLParserMixin.looks_like_html(title) else _repair(title)
        content = (
            [self.html(_leaf(found[CONTENT + "encoded"]))] if CONTENT + "encoded" in found else []
        )
        summary = self.html(_leaf(found["description"])) if "description" in found else ""
        return Entry(
            id=guid or None if guid_el is not None else None,
            link=link,
            title=title,
            summary=summary,
            content=content,
            published=_parse_date(_leaf(found["pubdate"])) if "pubdate" in found else None,
            updated=None,
        )

    def _rss_link(self, value: str) -> str:
        out = self.uri(value) if value else value
        out = out.replace("&amp;", "&")
        return re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", out)

    def rss1_item(self, item) -> Entry:
        found = self._children(item, _RSS1_FIELDS, frozenset({DC + "creator", DC + "subject"}), str)
        about = item.get(RDF + "about")
        link = _leaf(found[RSS1 + "link"]) if RSS1 + "link" in found else None
        title = _leaf(found[RSS1 + "title"]) if RSS1 + "title" in found else ""
        title = self.html(title) if XMLParserMixin.looks_like_html(title) else _repair(title)
        summary = (
            self.html(_leaf(found[RSS1 + "description"])) if RSS1 + "description" in found else ""
        )
        return Entry(
            id=_repair(about) if about else None,
            link=self._rss_link(link) if link else link,
            title=title,
            summary=summary,
            content=[],
            published=None,
            updated=_parse_date(_leaf(found[DC + "date"])) if DC + "date" in found else None,
        )

    def _atom_link(self, links) -> str | None:
        chosen = None
        for el in links:
            if len(el) or (el.text and el.text.strip()):
                raise Unsupported("atom link with content")
            rel = el.get("rel", "alternate")
            ltype = el.get("type", "text/html")
            if rel == "alternate" and ltype in ("text/html", "application/xhtml+xml"):
                if chosen is not None:
                    raise Unsupported("several alternate links")
                chosen = el.get("href")
                if not chosen:
                    raise Unsupported("alternate link without href")
            elif rel not in ("self", "related", "enclosure", "via", "replies", "edit"):
                raise Unsupported(f"atom link rel {rel}")
        if chosen is None:
            raise Unsupported("no alternate link (feedparser may take the id)")
        return self.uri(chosen)

    def _atom_text(self, el) -> str:
        ctype = el.get("type", "text")
        if ctype not in ("text", "html") or el.get("src") or el.get("mode"):
            raise Unsupported(f"atom text of type {ctype}")
        value = _leaf(el)
        return self.html(value) if ctype == "html" else _repair(value)

    def atom_entry(self, entry) -> Entry:
        links = [c for c in entry if c.tag == ATOM + "link"]
        found = self._children(
            entry, _ATOM_FIELDS - {ATOM + "link"}, _ATOM_IGNORED | {ATOM + "link"}, str
        )
        ident = _leaf(found[ATOM + "id"]) if ATOM + "id" in found else None
        return Entry(
            id=self.uri(ident) if ident else None,
            link=self._atom_link(links),
            title=self._atom_text(found[ATOM + "title"]) if ATOM + "title" in found else "",
            summary=self._atom_text(found[ATOM + "summary"]) if ATOM + "summary" in found else "",
            content=[self._atom_text(found[ATOM + "content"])] if ATOM + "content" in found else [],
            published=(
                _parse_date(_leaf(found[ATOM + "published"]))
                if ATOM + "published" in found
                else None
            ),
            updated=_parse_date(_leaf(found[ATOM + "updated"]))
            if ATOM + "updated" in found
            else None,
        )


def _lower_local(tag: str) -> str:
    if tag.startswith("{"):
        return tag
    return tag.lower()
