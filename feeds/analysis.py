"""The mention engine as the watchers hold it: compiled from the registry in Redis, rebuilt in the
background when the registry version changes and swapped in whole (a scan never sees half of it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from feeds.alerts import TEXT_EXCERPT, Alert, AlertSource, news_alert_id
from feeds.parsing import FeedItem
from feeds.registry.models import AnyTarget
from feeds.registry.store import RegistryStore
from feeds.sources import FeedSource

log = logging.getLogger(__name__)


class Engine(Protocol):
    def scan(self, text: str, title: str | None = None, lang: str | None = None) -> Any: ...


EngineFactory = Callable[[Sequence[AnyTarget]], Engine]


def default_engine_factory(targets: Sequence[AnyTarget]) -> Engine:
    from feeds.mentions import compile_registry  # the engine issue's entry point

    return compile_registry(list(targets))


class EngineHost:
    """Holds the current engine and the registry version it was built from."""

    def __init__(self, registry: RegistryStore, factory: EngineFactory | None = None) -> None:
        self.registry = registry
        self.factory = factory or default_engine_factory
        self.engine: Engine | None = None
        self.version: int | None = None
        self.names: dict[str, str] = {}
        self._rebuild: asyncio.Task | None = None
        self.rebuilds = 0

    async def load(self) -> None:
        """Build the engine now (start-up)."""
        version = await self.registry.version()
        targets = await self.registry.all()
        engine = await asyncio.to_thread(self.factory, targets)
        self._swap(engine, version, targets)

    def _swap(self, engine: Engine, version: int, targets: Sequence[AnyTarget]) -> None:
        self.engine, self.version = engine, version
        self.names = {t.id: t.display_name for t in targets}
        self.rebuilds += 1
        log.info("mention engine built: registry version %d, %d targets", version, len(targets))

    async def check(self) -> None:
        """Start a background rebuild when the registry version moved (cheap: one GET)."""
        if self._rebuild is not None and not self._rebuild.done():
            return
        if await self.registry.version() != self.version:
            self._rebuild = asyncio.create_task(self._rebuild_now(), name="engine-rebuild")

    async def _rebuild_now(self) -> None:
        try:
            version = await self.registry.version()
            targets = await self.registry.all()
            engine = await asyncio.to_thread(self.factory, targets)
            self._swap(engine, version, targets)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("mention engine rebuild failed; keeping the previous one")

    async def wait_rebuilt(self) -> None:
        if self._rebuild is not None:
            await asyncio.shield(self._rebuild)

    async def close(self) -> None:
        if self._rebuild is not None and not self._rebuild.done():
            self._rebuild.cancel()

    def analyse(self, item: FeedItem, text: str, source: FeedSource) -> Alert | None:
        """One alert for an item naming at least one prisoner or facility, else None."""
        assert self.engine is not None, "load() first"
        result = self.engine.scan(text, title=item.title or None, lang=source.lang or None)
        if not (result.prisoners or result.facilities):
            return None
        ids = [*result.prisoners, *result.facilities]
        return Alert(
            id=news_alert_id(source.id, item.fingerprint),
            kind="news",
            title=item.title,
            link=item.link,
            text=text[:TEXT_EXCERPT],
            published=item.published,
            sources=[
                AlertSource(
                    feed_id=source.id,
                    feed_name=source.name,
                    feed_url=source.url,
                    link=item.link,
                    title=item.title,
                    published=item.published,
                    lang=source.lang,
                )
            ],
            prisoners=list(result.prisoners),
            facilities=list(result.facilities),
            events=[str(e) for e in result.events],
            summary=result.summary,
            names={i: self.names.get(i, i) for i in ids},
            mentions=result.to_json(),
        )
