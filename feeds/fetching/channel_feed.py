"""A public channel's preview page as a feed: one item per post with text, titled by its first
sentence (``feeds.fetching.channels`` reads the page)."""

from __future__ import annotations

import hashlib
import re
from html import escape

from feeds.fetching import channels
from feeds.fetching.html_text import html_to_text
from feeds.fetching.items import MAX_ITEMS, MAX_TITLE, ParsedFeed, _items, _Raw


def _parse_channel(body: bytes, name: str, known: frozenset[str] | None) -> ParsedFeed:
    """A channel's preview page as a feed: one item per post with text
    (``feeds.fetching.channels``)."""
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
