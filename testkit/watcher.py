"""A watcher on the test's own Redis, fetching from the local feed server (private addresses
allowed), and reads of the alerts it made. Feed documents are in ``testkit.rss``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from feeds.fetching.fetch_result import FetchPolicy
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.sources import FeedSource, FeedStore, feed_id_for
from feeds.registry.bundled import bundled_targets
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert, AlertStream
from feeds.watching.watcher import Watcher
from feeds.watching.watcher_config import WatcherConfig


async def add_feed(storage: Storage, url: str, name: str = "", **kw) -> FeedSource:
    source = FeedSource(id=feed_id_for(url), url=url, name=name or url, **kw)
    await FeedStore(storage).put(source)
    return source


@asynccontextmanager
async def watcher_on(
    storage: Storage, *, seed: bool = True, on_alert=None, on_notice=None, **config
) -> AsyncIterator[Watcher]:
    if seed:
        await RegistryStore(storage).merge(bundled_targets())
    policy = FetchPolicy(
        allow_private=True, total_timeout=3.0, connect_timeout=1.0, trust_env=False
    )
    settings = {"poll_interval": 60.0, "max_full_text": 2, **config}
    async with (
        Fetcher(policy) as fetcher,
        Watcher(
            storage, fetcher, WatcherConfig(**settings), on_alert=on_alert, on_notice=on_notice
        ) as watcher,
    ):
        yield watcher


async def alerts(storage: Storage) -> list[Alert]:
    return [a for _, a in await AlertStream(storage.redis, storage.keys).read()]


async def news(storage: Storage) -> list[Alert]:
    return [a for a in await alerts(storage) if a.kind == "news"]
