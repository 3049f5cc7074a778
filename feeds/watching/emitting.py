"""Scanning a feed's new items and telling the news: full text where the feed carries only a
teaser, the mention engine (in the worker processes when there are any), and each alert appended
to the stream and the timelines, or merged into the earlier alert of the same story.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from feeds.fetching.fetcher import Fetcher
from feeds.fetching.fulltext import fetch_full_text, needs_full_text
from feeds.fetching.items import FeedItem
from feeds.fetching.sources import FeedSource
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert, AlertStream
from feeds.watching.analysis import EngineHost
from feeds.watching.engine_pool import EnginePool
from feeds.watching.outcomes import Stats
from feeds.watching.stories import Stories
from feeds.watching.timeline import Timeline

log = logging.getLogger(__name__)


class Emitter:
    """Scans items and emits their alerts, counting both in ``stats`` (the watcher's)."""

    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        engine: EngineHost,
        stats: Stats,
        max_full_text: int,
        on_alert: Callable[[Alert], None] | None = None,
    ) -> None:
        self.storage = storage
        self.fetcher = fetcher
        self.engine = engine
        self.stats = stats
        self.max_full_text = max_full_text
        self.on_alert = on_alert
        self.stream = AlertStream(storage.redis, storage.keys)
        self.stories = Stories(storage.redis, storage.keys)
        self.timeline = Timeline(storage.redis, storage.keys)

    async def alert_items(
        self,
        source: FeedSource,
        items: list,
        pool: EnginePool | None,
        emit: bool = True,
    ) -> tuple[int, list[tuple[FeedItem, Alert | None]]]:
        """Scan ``items`` (oldest first) and emit their alerts; the number emitted, and each item
        with its alert (None: it named nobody tracked)."""
        gate = asyncio.Semaphore(self.max_full_text)

        async def text_of(item) -> str:
            if not needs_full_text(item, source.full_text):
                return item.text
            async with gate:
                return await fetch_full_text(self.fetcher, item.link) or item.text

        texts = await asyncio.gather(*(text_of(i) for i in items))
        # in the worker processes when there are any: the scans then leave this process's core to
        # the event loop
        alerts = await self.engine.analyse_all(items, texts, source, pool)
        self.stats.scanned += len(items)
        count = 0
        for alert in alerts if emit else ():  # oldest first
            if alert is not None and await self.emit(alert):
                count += 1
        return count, list(zip(items, alerts, strict=True))

    async def emit(self, alert: Alert, own_story: bool = False) -> bool:
        """Append a news alert, or merge it into the earlier alert of the same story.
        ``own_story``: the alert is a story of its own whatever its link or title (an edited
        post's alert for the targets it names anew: the first version's story told the rest)."""
        earlier = None if own_story else await self.stories.claim(alert)
        if earlier is None:  # a new story: on the stream and the timelines in one round trip
            async with self.storage.redis.pipeline(transaction=False) as pipe:
                self.stream.append_in(pipe, alert)
                self.timeline.record_alert_in(pipe, alert)
                await pipe.execute()
        elif earlier.kind == "sources":
            alert = earlier
            await self.stream.append(alert)
            await self.timeline.update_sources(alert)
        else:
            return False  # this source was already listed: handled before a crash
        self.stats.alerts += alert.kind == "news"
        if self.on_alert is not None:
            try:
                self.on_alert(alert)
            except Exception:
                log.exception("alert callback failed")
        return alert.kind == "news"
