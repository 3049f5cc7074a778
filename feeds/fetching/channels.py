"""Public Telegram channels as sources: their web preview (``https://t.me/s/NAME``) read as a feed.

Most Belarusian outlets publish first, and some only, on public channels. A channel's preview page
shows its latest posts (about 20, oldest first) without a login; RSS bridges read it the same way.
The page's structure (see ../shared/reference/telegram-channels.md, checked against RSS-Bridge's
Telegram bridge): each post is a ``div.tgme_widget_message`` whose ``data-post`` is "NAME/ID"; its
text is ``div.tgme_widget_message_text`` (inline HTML); its date ``time[datetime]`` in the post's
date link; a forwarded post has a ``tgme_widget_message_forwarded_from`` header; media-only posts
have no text block and are skipped. A channel without a public preview (private, or no such
channel) answers with its contact page: no posts at all.

Everything after parsing is the feed pipeline's: identity, seen sets, the mention engine, stories.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import lxml.html

DEFAULT_WEB = "https://t.me"
# where previews are read from, process-wide (TELEGRAM_WEB_URL: a mirror, or a test's local server)
_web = DEFAULT_WEB


def use_web(url: str) -> None:
    """Read channel previews from ``url`` (``load_settings`` calls this with TELEGRAM_WEB_URL)."""
    global _web
    _web = url.rstrip("/") or DEFAULT_WEB


def web_url() -> str:
    """Where previews are read from in this process (``use_web``)."""
    return _web


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_HOSTS = frozenset({"t.me", "telegram.me", "www.t.me"})
# paths of t.me that are not channels
_RESERVED = frozenset({"s", "joinchat", "addstickers", "share", "proxy", "socks", "iv", "c"})
MAX_POST_TEXT = 20_000


def channel_name(text: str) -> str | None:
    """The channel a source names: "@name", "t.me/name", "https://t.me/name", "https://t.me/s/name"
    (all the same source), or None when it names no public channel."""
    text = text.strip()
    if text.startswith("@"):
        name = text[1:]
        return name if _NAME.fullmatch(name) else None
    if "://" not in text and text.split("/", 1)[0].lower() in _HOSTS:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in _HOSTS:
        return None
    path = [p for p in parts.path.split("/") if p]
    if path[:1] == ["s"]:
        path = path[1:]
    if len(path) != 1 or path[0].lower() in _RESERVED or not _NAME.fullmatch(path[0]):
        return None
    return path[0]


def preview_url(name: str, base: str | None = None) -> str:
    """The preview page of a channel: ``{TELEGRAM_WEB_URL}/s/{name}``."""
    return f"{(base or _web).rstrip('/')}/s/{name}"


def preview_channel(url: str, base_url: str | None = None) -> str | None:
    """The channel whose preview page ``url`` is (``{TELEGRAM_WEB_URL}/s/NAME``, query ignored)."""
    return _preview_channel(url, base_url or _web)


@functools.lru_cache(maxsize=8192)  # asked at every poll of every feed
def _preview_channel(url: str, base_url: str) -> str | None:
    base = urlsplit(base_url)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc.lower()) != (base.scheme, base.netloc.lower()):
        return None
    prefix = base.path.rstrip("/") + "/s/"
    if not parts.path.startswith(prefix):
        return None
    name = parts.path[len(prefix) :].strip("/")
    return name if _NAME.fullmatch(name) else None


@dataclass(frozen=True, slots=True)
class Post:
    """One post of a channel's preview page."""

    id: int
    link: str  # https://t.me/NAME/ID
    html: str  # the text block's inner HTML (links and formatting dropped later)
    published: datetime | None
    forwarded_from: str = ""
    edited: bool = False
    article: str | None = None  # the first link out of Telegram: the article the post shares


@dataclass(frozen=True, slots=True)
class Page:
    """A preview page: its channel's title and posts, oldest first; ``is_preview`` False when the
    page is not a preview at all (a contact page of a private or unknown channel, a challenge)."""

    title: str
    posts: tuple[Post, ...]
    is_preview: bool
    before: int | None = None  # the id the page's "more" link pages back from


def parse_page(body: bytes | str, name: str) -> Page:
    """Posts of a preview page; never raises for bad input (an unreadable page is no preview)."""
    try:
        root = lxml.html.fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        return Page("", (), False)
    title = _text(root.xpath('//div[contains(@class,"tgme_channel_info_header_title")]'))
    title = title or _attr(root.xpath('//meta[@property="og:title"]/@content'))
    blocks = root.xpath(
        '//div[contains(concat(" ",@class," ")," tgme_widget_message ")][@data-post]'
    )
    if not blocks:
        return Page(title, (), False)
    posts: list[Post] = []
    for block in blocks:
        owner, _, number = block.get("data-post", "").partition("/")
        if not number.isdigit():
            continue
        texts = block.xpath('.//div[contains(concat(" ",@class," ")," tgme_widget_message_text ")]')
        if not texts:
            continue  # media only
        html = lxml.html.tostring(texts[-1], encoding="unicode")[:MAX_POST_TEXT]
        when = _attr(
            block.xpath('.//a[contains(@class,"tgme_widget_message_date")]//time/@datetime')
        )
        forwarded = _text(
            block.xpath('.//*[contains(@class,"tgme_widget_message_forwarded_from_name")]')
        )
        meta = _text(block.xpath('.//*[contains(@class,"tgme_widget_message_meta")]'))
        hrefs = texts[-1].xpath(".//a/@href") + block.xpath(
            './/a[contains(@class,"tgme_widget_message_link_preview")]/@href'
        )
        posts.append(
            Post(
                id=int(number),
                link=f"https://t.me/{owner or name}/{number}",
                html=html,
                published=_datetime(when),
                forwarded_from=forwarded,
                edited="edited" in meta.lower(),
                article=_article(hrefs),
            )
        )
    more = root.xpath('//*[contains(@class,"tme_messages_more")]/@data-before')
    before = int(more[0]) if more and str(more[0]).isdigit() else None
    posts.sort(key=lambda p: p.id)
    return Page(title, tuple(posts), True, before)


def _article(hrefs: list) -> str | None:
    """The first absolute http(s) link that leaves Telegram (a hashtag, a mention or a link to
    another post is no article)."""
    for href in hrefs:
        href = str(href).strip()
        parts = urlsplit(href)
        host = (parts.hostname or "").lower()
        if parts.scheme in ("http", "https") and host and host not in _HOSTS and len(href) <= 2048:
            return href
    return None


def _text(nodes: list) -> str:
    return " ".join(nodes[0].text_content().split()) if nodes else ""


def _attr(values: list) -> str:
    return str(values[0]).strip() if values else ""


def _datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


# Cheap looks at a page without parsing it: which posts it holds, and what they say. The page also
# carries view counters that change at every visit, so its bytes are no sign of news. Plain
# ``bytes.find`` scans: a page is looked at on every poll, and this is six times a regex's speed.
_DATA_POST = b'data-post="'
_TEXT_CLASS = b"tgme_widget_message_text"
_OWNER = re.compile(rb"[A-Za-z0-9_]{1,64}")


def look(body: bytes) -> tuple[str, list[int], bytes]:
    """Without parsing the page: the channel its posts belong to (by their ``data-post``; ""
    when none), their ids (media-only posts included, in page order), and a signature that
    changes when a post is added, deleted or edited and with nothing else (not the views)."""
    digest = hashlib.blake2b(digest_size=16)
    owner, ids = "", []
    at = body.find(_DATA_POST)
    while at >= 0:
        end = body.find(b'"', at + len(_DATA_POST))
        if end < 0:
            break
        name, _, number = body[at + len(_DATA_POST) : end].partition(b"/")
        if number.isdigit() and len(number) <= 12 and _OWNER.fullmatch(name):
            digest.update(name + b"/" + number)
            owner = name.decode()
            ids.append(int(number))
        at = body.find(_DATA_POST, end)
    at = body.find(_TEXT_CLASS)
    while at >= 0:
        start = body.find(b">", at)
        end = body.find(b"</div>", start) if start >= 0 else -1
        if end < 0:
            break
        digest.update(body[start + 1 : end])
        at = body.find(_TEXT_CLASS, end)
    return owner, ids, digest.digest()
