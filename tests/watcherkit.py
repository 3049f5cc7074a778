"""Helpers for the watcher tests: RSS documents, a watcher on the local feed server, alert reads."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from feeds.alerts import Alert, AlertStream
from feeds.fetcher import Fetcher, FetchPolicy
from feeds.registry.bundled import bundled_targets
from feeds.registry.store import RegistryStore
from feeds.sources import FeedSource, FeedStore, feed_id_for
from feeds.storage import Storage
from feeds.watcher import Watcher, WatcherConfig

BIALIATSKI = "Палітвязня Алеся Бяляцкага перавялі ў калонію №9 у Горках, паведамляе Вясна."
NOBODY = "У Мінску прайшоў канцэрт сімфанічнага аркестра; квіткі раскупілі за дзень."


@dataclass
class Item:
    title: str
    text: str = NOBODY
    guid: str | None = None
    link: str | None = None
    date: datetime | None = None


def rss(items: Sequence[Item], title: str = "Test feed", ttl: int | None = None) -> bytes:
    parts = []
    for item in items:
        xml = f"<item><title>{escape(item.title)}</title><description>{escape(item.text)}</description>"
        if item.guid is not None:
            xml += f"<guid isPermaLink='false'>{escape(item.guid)}</guid>"
        if item.link is not None:
            xml += f"<link>{escape(item.link)}</link>"
        if item.date is not None:
            xml += f"<pubDate>{format_datetime(item.date)}</pubDate>"
        parts.append(xml + "</item>")
    ttl_xml = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{escape(title)}</title><link>https://example.org/</link>{ttl_xml}"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def ago(hours: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def numbered(n: int, prefix: str = "a", text: str = NOBODY, hours: float = 100) -> list[Item]:
    return [
        Item(
            f"Story {prefix}{i} about things number {i}",
            text,
            guid=f"{prefix}{i}",
            link=f"https://example.org/{prefix}/{i}",
            date=ago(hours + i),
        )
        for i in range(n)
    ]


async def add_feed(storage: Storage, url: str, name: str = "", **kw) -> FeedSource:
    source = FeedSource(id=feed_id_for(url), url=url, name=name or url, **kw)
    await FeedStore(storage).put(source)
    return source


@asynccontextmanager
async def watcher_on(
    storage: Storage, *, seed: bool = True, on_alert=None, **config
) -> AsyncIterator[Watcher]:
    if seed:
        await RegistryStore(storage).merge(bundled_targets())
    policy = FetchPolicy(
        allow_private=True, total_timeout=3.0, connect_timeout=1.0, trust_env=False
    )
    settings = {"poll_interval": 60.0, "max_full_text": 2, **config}
    async with (
        Fetcher(policy) as fetcher,
        Watcher(storage, fetcher, WatcherConfig(**settings), on_alert=on_alert) as watcher,
    ):
        yield watcher


async def alerts(storage: Storage) -> list[Alert]:
    return [a for _, a in await AlertStream(storage.redis, storage.keys).read()]


async def news(storage: Storage) -> list[Alert]:
    return [a for a in await alerts(storage) if a.kind == "news"]
