"""The watcher loop: due feeds -> fetch -> parse -> new items -> mention engine -> alerts.

Any number of watchers (tasks or processes) share one Redis: the schedule is a sorted set of due
times, and a short lease per feed (``feeds.storage.leases``) makes sure one watcher fetches a feed
at a time. Each poll is its own task, bounded by ``max_polls``, so a feed that times out, answers
500 or serves garbage only costs its own slot: it never delays or breaks the others. A poll's Redis
work is shared with the polls around it (``feeds.watching.poll_trips``): the leases and reads of
polls that start together go in one script call, the writes of polls that end together in one
pipeline, and a 304 that changes nothing writes only its clock; a changed feed adds its seen check
and its alerts. With worker processes the parsing and the mention scans happen there, leaving this
process's core to the event loop; the workers share one compiled engine
(``feeds.watching.engine_pool``).

``run(stop)`` loops until ``stop`` is set; ``once()`` polls every unpaused feed once, due or not.
Every ``cycle_every`` seconds ``run`` closes a *poll cycle*: one log line (feeds polled, changed,
failed, items, alerts, duration), the counts added to ``WatchKeys.watcher_counters`` and the time in
``WatchKeys.watcher_cycle`` (health checks read it). Redis away: the loop waits with backoff and
goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable

from feeds.fetching.fetcher import Fetcher
from feeds.registry.sync import RegistrySync
from feeds.storage.connection import Backoff, Storage, is_connection_error
from feeds.watching import heap
from feeds.watching.alerts import Alert
from feeds.watching.feed_poll import FeedPoller
from feeds.watching.keys import WatchKeys
from feeds.watching.outcomes import PollOutcome, Stats
from feeds.watching.watcher_config import WatcherConfig

log = logging.getLogger(__name__)

CYCLE_COUNTS = ("polled", "changed", "unchanged", "failed", "items", "alerts")

# Workers cost memory (each holds the parser and an engine): they start only when this process
# spent at least this share of a poll cycle's wall time on the CPU (half a core: polls would soon
# queue behind parsing and scans). A thousand feeds polled every five minutes take about 1 %.
WORKERS_AT = 0.5
REGISTRY_SYNC_CHECK = 60.0  # seconds between looks at whether a registry URL is due


class Watcher(FeedPoller):
    """Polls the due feeds, each in a task of its own (see the module docstring); one feed's poll is
    :class:`~feeds.watching.feed_poll.FeedPoller`'s."""

    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        config: WatcherConfig | None = None,
        *,
        on_alert: Callable[[Alert], None] | None = None,
        rng: random.Random | None = None,
        registry_sync: RegistrySync | None = None,
        on_notice: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(storage, fetcher, config, on_alert=on_alert, rng=rng, on_notice=on_notice)
        self.registry_sync = registry_sync  # REGISTRY_URL, looked at every minute
        self._sync_task: asyncio.Task | None = None
        self._slots = asyncio.Semaphore(self.config.max_polls)
        self._inflight: dict[str, asyncio.Task] = {}
        self._skip_until: dict[str, float] = {}  # feeds another watcher holds: look again later
        self._pool_size = self.config.parse_processes or _auto_processes()
        self._cycle: Counter[str] = Counter()  # this poll cycle's counts, not yet in Redis
        self._cycle_started: float | None = None
        self._cpu_mark = time.process_time()  # this process's CPU seconds at the cycle's start
        self._cycles = 0  # poll cycles closed (feeds/watching/heap.py settles the heap every few)

    async def __aenter__(self) -> Watcher:
        await self.engine.load()
        if self.config.parse_processes > 0:
            self.start_workers()
        await self.stream.ensure_group()  # alerts from now on wait for the first sender
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        tasks = list(self._inflight.values())
        if self._sync_task is not None:
            tasks.append(self._sync_task)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.leases.close()
        await self.engine.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _new_pool(self) -> None:
        """Workers for the current build; this process lends them its engine."""
        self._pool = self.engine.pool(self._pool_size)
        self.engine.lend()  # the workers scan from now on

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (and their zygote's); empty while there are none."""
        return self._pool.pids() if self._pool is not None else []

    def _renew_pool(self) -> None:
        """Replace the worker pool when the registry changed (its engine is the previous build)
        or a worker died; the old pool finishes the calls it has, then goes."""
        pool = self._pool
        if pool is None or (pool.tag == self.engine.tag and not pool.broken):
            return
        log.info("worker pool renewed (%s)", "a worker died" if pool.broken else "new registry")
        self._new_pool()
        pool.shutdown(wait=False)

    async def run(self, stop: asyncio.Event) -> None:
        last_registry_check = 0.0
        last_sync_check = 0.0
        last_trim = 0.0
        backoff = Backoff("watcher", logger=log)
        while not stop.is_set():
            now = time.time()
            try:
                await self._cycle_tick(now)
                if now - last_registry_check >= self.config.registry_check:
                    last_registry_check = now
                    await self._guarded(self.engine.check())
                self._renew_pool()
                if now - last_sync_check >= REGISTRY_SYNC_CHECK:
                    last_sync_check = now
                    self._start_registry_sync()
                if now - last_trim >= 3600:
                    last_trim = now
                    await self._guarded(self.stream.trim())
                wait = await self._schedule(now)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis away (or a bug): wait, then carry on
                if not is_connection_error(exc):
                    log.exception("watcher loop step failed")
                await backoff.wait(stop, exc)
                continue
            backoff.reset()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
        with contextlib.suppress(Exception):
            await self._cycle_tick(time.time(), final=True)

    def _start_registry_sync(self) -> None:
        """Sync the registry URLs that are due, in a task of its own: a slow source never holds up
        the feeds."""
        if self.registry_sync is None or (self._sync_task and not self._sync_task.done()):
            return
        self._sync_task = asyncio.create_task(
            self._guarded(self.registry_sync.sync_due()), name="registry-sync"
        )

    async def _schedule(self, now: float) -> float:
        """Spawn polls of due feeds; return how long to wait before looking again."""
        free = self.config.max_polls - len(self._inflight)
        if free > 0:
            due = await self.feeds.due(now, limit=free + len(self._inflight) + 100)
            for feed_id in due:
                if (
                    feed_id not in self._inflight
                    and self._skip_until.get(feed_id, 0.0) <= now
                    and len(self._inflight) < self.config.max_polls
                ):
                    self._spawn(feed_id, force=False)
        wait = self.config.idle_wait
        next_due = await self.feeds.next_due_at()
        if next_due is not None:
            wait = min(wait, max(0.2, next_due - time.time()))
        return wait

    def _tally(self, outcome: PollOutcome) -> None:
        cycle = self._cycle
        cycle["polled"] += 1
        if outcome.status == "error":
            cycle["failed"] += 1
        elif outcome.new > 0:
            cycle["changed"] += 1
        else:
            cycle["unchanged"] += 1
        cycle["items"] += outcome.new
        cycle["alerts"] += outcome.alerts

    async def _cycle_tick(self, now: float, final: bool = False) -> None:
        """Close the poll cycle when it is due (the first call only marks the start)."""
        if self._cycle_started is None:
            self._cycle_started = now
            await self._record_cycle(now, Counter())
            return
        if not final and now - self._cycle_started < self.config.cycle_every:
            return
        counts = self._cycle
        self._cycle = Counter()
        try:
            await self._record_cycle(now, counts)
        except Exception:
            self._cycle.update(counts)  # counted next time
            raise
        duration = now - self._cycle_started
        self._cycle_started = now
        self._workers_if_busy(duration)
        self._cycles += 1
        heap.settle() if self._cycles % heap.SETTLE_EVERY == 0 else heap.freeze()
        fields = {name: counts.get(name, 0) for name in CYCLE_COUNTS}
        level = logging.INFO if counts.get("polled") else logging.DEBUG
        log.log(level, "poll cycle", extra={**fields, "duration": round(duration, 1)})

    def _workers_if_busy(self, duration: float) -> None:
        """Start the worker processes when the cycle just closed kept this process busy
        (``WORKERS_AT``); automatic mode only."""
        busy, self._cpu_mark = time.process_time() - self._cpu_mark, time.process_time()
        if self._pool is not None or self._pool_size == 0 or duration <= 0:
            return
        if busy / duration >= WORKERS_AT:
            log.info(
                "watcher busy %.0f %% of the last cycle: starting %d worker processes",
                100 * busy / duration,
                self._pool_size,
            )
            self.start_workers()

    def start_workers(self) -> None:
        """Start the worker processes now (the automatic mode does when a cycle was busy)."""
        if self._pool is None and self._pool_size > 0:
            self._new_pool()

    async def _record_cycle(self, now: float, counts: Counter[str]) -> None:
        keys = WatchKeys.of(self.storage.keys)
        async with self.storage.redis.pipeline(transaction=False) as pipe:
            for name, n in counts.items():
                pipe.hincrby(keys.watcher_counters, name, n)
            fields = {name: counts.get(name, 0) for name in CYCLE_COUNTS}
            pipe.hset(keys.watcher_cycle, mapping={"at": now, **fields})
            await pipe.execute()

    async def once(self) -> Stats:
        """Poll every unpaused feed once (due or not), wait for all, return the stats."""
        await self.engine.check()
        await self.engine.wait_rebuilt()
        self._renew_pool()
        for feed_id in await self.feeds.unpaused_ids():
            if feed_id not in self._inflight:
                self._spawn(feed_id, force=True)
        while self._inflight:
            await asyncio.gather(*list(self._inflight.values()), return_exceptions=True)
        heap.freeze()  # what the cycle left (feeds' last bodies, states) is long-lived
        return self.stats

    def _spawn(self, feed_id: str, force: bool) -> None:
        task = asyncio.create_task(self._poll_task(feed_id, force), name=f"poll-{feed_id}")
        self._inflight[feed_id] = task
        task.add_done_callback(lambda _t, f=feed_id: self._inflight.pop(f, None))

    async def _poll_task(self, feed_id: str, force: bool) -> None:
        try:
            outcome = await self.poll(feed_id, force=force, slot=self._slots)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one broken feed never stops the loop
            if is_connection_error(exc):
                log.warning("feed %s: poll failed, storage unavailable", feed_id)
            else:
                log.exception("feed %s: poll failed", feed_id)
            outcome = PollOutcome(feed_id, "error", message=f"{type(exc).__name__}: {exc}")
            self._skip_until[feed_id] = time.time() + 30.0
            self.stats.outcomes.append(outcome)
            self._tally(outcome)
            return
        if outcome.status == "skipped":
            self._skip_until[feed_id] = time.time() + 1.0
        else:
            self._skip_until.pop(feed_id, None)
            self.stats.outcomes.append(outcome)
            self._tally(outcome)
            del self.stats.outcomes[:-2000]

    async def _guarded(self, coro) -> None:
        try:
            await coro
        except Exception:
            log.warning("watcher housekeeping failed", exc_info=True)


def _auto_processes() -> int:
    """One worker per core but the watcher's own (its event loop, fetches and Redis calls keep
    one busy), at most 4; none on one core. Each worker costs an interpreter's memory."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores - 1, 4) if cores >= 2 else 0
