"""A parsed feed and its items: plain text with identity keys (``feeds.fetching.identity``), the
same for a feed document and a channel's preview page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from feeds.fetching import identity
from feeds.fetching.html_text import html_to_text

MAX_ITEMS = 1000  # a feed's newest entries kept (by date where dated, else document order)
MAX_TITLE = 1000


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


def keys_only(parsed: ParsedFeed) -> ParsedFeed:
    """What a watcher needs of a parse to tell the same body again (``FeedPoller._same_body``):
    the hints and each item's seen keys (titles kept for the title key; texts dropped, so the cache
    stays small)."""
    items = [
        FeedItem(
            guid=None,
            link=None,
            title=i.title,
            text="",
            published=None,
            fingerprint=i.fingerprint,
            keys=i.keys,
        )
        for i in parsed.items
    ]
    return ParsedFeed(
        title=parsed.title,
        items=items,
        bozo=None,
        is_feed=True,
        ttl_minutes=parsed.ttl_minutes,
    )
