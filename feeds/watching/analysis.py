"""The mention engine as the watchers hold it: compiled from the registry in Redis, rebuilt in the
background when the registry version changes and swapped in whole (a scan never sees half of it).

Scans are CPU-bound, and a watcher process's one core also runs the event loop, the fetches and
every Redis call. So when the watcher has worker processes (``feeds.watching.engine_pool``), new
items are scanned there (the workers share one engine of the same build). Without workers, a feed's
few new items are scanned on the event loop (a few milliseconds), and a large batch in one thread
of this process (off the event loop; the engine's memo caches see one thread at a time).
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import secrets
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from feeds.fetching.items import FeedItem
from feeds.fetching.sources import FeedSource
from feeds.mentions import Engine, ScanResult, compile_registry
from feeds.registry.models import AnyTarget
from feeds.registry.store import RegistryStore
from feeds.watching import heap, workers
from feeds.watching.alerts import TEXT_EXCERPT, Alert, AlertSource, news_alert_id
from feeds.watching.engine_pool import EnginePool
from feeds.watching.workers import Doc

log = logging.getLogger(__name__)


INLINE_SCAN = 64 * 1024  # characters of new items scanned on the event loop (about 15 ms)


class EngineHost:
    """Holds the current engine, the registry version it was built from, and a build tag."""

    def __init__(self, registry: RegistryStore) -> None:
        self.registry = registry
        self.engine: Engine | None = None
        self.version: int | None = None
        self.names: dict[str, str] = {}
        self.rebuilds = 0
        # tag, and the targets it compiled, pickled: the worker pool's zygote compiles the same
        # build from them, and a few hundred KB of bytes weigh less than thousands of models
        self._build: tuple[str, bytes] = ("", pickle.dumps([]))
        self._rebuild: asyncio.Task | None = None
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="scan")
        self._scanning = 0  # scans under way in the scan thread
        self._compiling = asyncio.Lock()

    async def load(self) -> None:
        """Build the engine now (start-up)."""
        version = await self.registry.version()
        targets = await self.registry.all()
        engine = await asyncio.to_thread(compile_registry, targets)
        self._swap(engine, version, targets)

    def lend(self) -> None:
        """The worker processes hold the current build: let this process's copy of the engine go
        (about 10 MB with Viasna's export). Should this process have to scan after all (the
        workers died, or hold the previous build), :meth:`current_engine` compiles it again."""
        if self.engine is not None:
            self.engine = None
            heap.settle()

    async def current_engine(self) -> Engine:
        """The current build's engine in this process, compiled again if it was lent."""
        async with self._compiling:  # polls that need it together wait for one compile
            while self.engine is None:
                tag, pickled = self._build
                engine = await asyncio.get_running_loop().run_in_executor(
                    self._thread,
                    compile_registry,
                    pickle.loads(pickled),  # noqa: S301 -- our own
                )
                if self._build[0] == tag:  # not replaced by a rebuild meanwhile
                    self.engine = engine
            return self.engine

    def _swap(self, engine: Engine, version: int, targets: Sequence[AnyTarget]) -> None:
        self.engine, self.version = engine, version
        self._build = (secrets.token_hex(8), pickle.dumps(list(targets), pickle.HIGHEST_PROTOCOL))
        self.names = {t.id: t.display_name for t in targets}
        self.rebuilds += 1
        heap.settle()  # the previous engine goes; the new one leaves the collector's sight
        log.info("mention engine built: registry version %d, %d targets", version, len(targets))

    @property
    def tag(self) -> str:
        """The current build's tag: a worker pool serves one build
        (``feeds.watching.engine_pool``)."""
        return self._build[0]

    def pool(self, size: int) -> EnginePool:
        """Worker processes holding the current build, compiled once for them all."""
        return EnginePool(size, *self._build)

    async def check(self) -> None:
        """Start a background rebuild when the registry version moved (cheap: one GET)."""
        if self._rebuild is not None and not self._rebuild.done():
            return
        if await self.registry.version() != self.version:
            self._rebuild = asyncio.create_task(self._rebuild_now(), name="engine-rebuild")

    async def _rebuild_now(self) -> None:
        try:
            await self.load()
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
        self._thread.shutdown(wait=False, cancel_futures=True)

    # -- scanning -------------------------------------------------------------------------------
    def analyse(self, item: FeedItem, text: str, source: FeedSource) -> Alert | None:
        """One alert for an item naming at least one prisoner or facility, else None (here, now)."""
        assert self.engine is not None, "load() first"
        result = workers.scan_one(self.engine, text, item.title or None, source.lang or None)
        return self.alert_for(item, text, source, result)

    async def analyse_all(
        self,
        items: Sequence[FeedItem],
        texts: Sequence[str],
        source: FeedSource,
        pool: EnginePool | None = None,
    ) -> list[Alert | None]:
        """:meth:`analyse` for a feed's new items: in ``pool`` (worker processes) when given and
        it holds the current build, else here."""
        docs = [(text, item.title or None) for item, text in zip(items, texts, strict=True)]
        lang = source.lang or None
        results = None
        if pool is not None and pool.tag == self.tag:
            results = await self._scan_in(pool, docs, lang)
        if results is None:  # no workers, or theirs is the previous build (about to go)
            results = await self._scan_here(docs, lang)
        return [
            self.alert_for(item, text, source, result)
            for item, text, result in zip(items, texts, results, strict=True)
        ]

    async def _scan_here(self, docs: list[Doc], lang: str | None) -> list[ScanResult]:
        """Scan on the event loop when the texts are few and short (``INLINE_SCAN``: at most a
        few milliseconds, and a thread would cost more CPU than it saves), else in the scan
        thread; never both at once (the engine's memo caches see one thread at a time)."""
        engine = self.engine or await self.current_engine()
        if not self._scanning and sum(len(text) for text, _title in docs) <= INLINE_SCAN:
            return workers.scan_all(engine, docs, lang)
        loop = asyncio.get_running_loop()
        self._scanning += 1
        try:
            return await loop.run_in_executor(self._thread, workers.scan_all, engine, docs, lang)
        finally:
            self._scanning -= 1

    async def _scan_in(
        self, pool: EnginePool, docs: list[Doc], lang: str | None
    ) -> list[ScanResult] | None:
        """Scan in the workers; ``None`` when they hold another build or one of them died (the
        watcher replaces the pool; these items are scanned here meanwhile, not lost)."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, workers.scan, self.tag, docs, lang)
        except BrokenProcessPool:
            return None

    def alert_for(
        self, item: FeedItem, text: str, source: FeedSource, result: ScanResult
    ) -> Alert | None:
        if not (result.prisoners or result.facilities or result.ambiguous):
            return None
        namesakes = [list(group) for group in result.ambiguous]
        ids = [*result.prisoners, *result.facilities, *(i for g in namesakes for i in g)]
        link = item.article or item.link  # a channel post that shares an article: the article
        return Alert(
            id=news_alert_id(source.id, item.fingerprint),
            kind="news",
            title=item.title,
            link=link,
            text=text[:TEXT_EXCERPT],
            published=item.published,
            sources=[
                AlertSource(
                    feed_id=source.id,
                    feed_name=source.name,
                    feed_url=source.url,
                    link=link,
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
            namesakes=namesakes,
        )
