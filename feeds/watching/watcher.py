"""The watcher loop: due feeds -> fetch -> parse -> new items -> mention engine -> alerts.

Any number of watchers (tasks or processes) share one Redis: the schedule is a sorted set of due
times, and a short lease per feed (``feeds.storage.leases``) makes sure one watcher fetches a feed at a
time. Each poll is its own task, bounded by ``max_polls``, so a feed that times out, answers 500
or serves garbage only costs its own slot: it never delays or breaks the others. A poll's Redis work
is shared with the polls around it (``feeds.watching.poll_trips``): the leases and reads of polls that start
together go in one script call, the writes of polls that end together in one pipeline, and a 304
that changes nothing writes only its clock; a changed feed adds its seen check and its alerts. With
worker processes the parsing and the mention scans happen there, leaving this process's core to
the event loop; the workers share one compiled engine (``feeds.watching.engine_pool``).

``run(stop)`` loops until ``stop`` is set; ``once()`` polls every unpaused feed once, due or not.
Every ``cycle_every`` seconds ``run`` closes a *poll cycle*: one log line (feeds polled, changed,
failed, items, alerts, duration), the counts added to ``WatchKeys.watcher_counters`` and the time in
``WatchKeys.watcher_cycle`` (health checks read it). Redis away: the loop waits with backoff and goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from redis.asyncio.client import Pipeline

from feeds.fetching import channels, schedule
from feeds.fetching.fetch_result import FetchResult
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.fulltext import fetch_full_text, needs_full_text
from feeds.fetching.items import FeedItem, ParsedFeed
from feeds.fetching.parsing import THREAD_THRESHOLD, parse_feed, parse_feed_async
from feeds.fetching.sources import FeedSource, FeedState, FeedStore
from feeds.registry.store import RegistryStore
from feeds.registry.sync import RegistrySync
from feeds.storage.connection import Backoff, Storage, is_connection_error
from feeds.storage.leases import LeaseKeeper
from feeds.watching import heap
from feeds.watching.alerts import Alert, AlertStream, news_alert_id
from feeds.watching.analysis import EngineHost
from feeds.watching.channel_watch import (
    NOT_SCANNED,
    HostPacer,
    PageLook,
    PostMemo,
    edited,
    older_posts,
    post_number,
)
from feeds.watching.engine_pool import EnginePool
from feeds.watching.keys import WatchKeys
from feeds.watching.poll_trips import Finish, PollTrips, Taken
from feeds.watching.seen import SeenStore
from feeds.watching.stories import Stories
from feeds.watching.timeline import Timeline

log = logging.getLogger(__name__)

CLOCK = {"last_check", "last_success", "polls", "next_check"}  # what every successful poll moves
CYCLE_COUNTS = ("polled", "changed", "unchanged", "failed", "items", "alerts")


# Workers cost memory (each holds the parser and an engine): they start only when this process
# spent at least this share of a poll cycle's wall time on the CPU (half a core: polls would soon
# queue behind parsing and scans). A thousand feeds polled every five minutes take about 1 %.
WORKERS_AT = 0.5
REGISTRY_SYNC_CHECK = 60.0  # seconds between looks at whether a registry URL is due
SEEN_REFRESH = 6 * 3600.0  # an unchanged body rewrites its items' seen keys at most this often


@dataclass(frozen=True)
class WatcherConfig:
    """Plain values from settings (``bot/`` builds this; ``feeds/`` never reads settings)."""

    poll_interval: float = 300.0
    backfill_hours: float = 0.0
    seen_ttl: float = 60 * 86400.0
    lease_ttl: float = 30.0  # renewed while held
    max_polls: int = 40  # poll tasks in flight (each may hold a Redis connection; the pool has 100)
    max_full_text: int = 4  # article pages fetched at once per feed
    registry_check: float = 2.0  # seconds between registry version checks
    parse_processes: int = 0  # >0: a process pool of this size parses large feeds and scans new
    # items; 0: automatic (one worker per core but one, at most 4, on a machine of 2 cores or more,
    # started once a poll cycle kept this process busy WORKERS_AT of the time; none on 1 core)
    idle_wait: float = 1.0  # longest sleep between schedule checks
    cycle_every: float = 60.0  # seconds per poll cycle (one summary line, counters, heartbeat)
    channel_min_interval: float = 300.0  # a public channel is polled at most this often
    channel_host_rate: float = 2.0  # request starts a second to the preview host, all watchers


@dataclass
class PollOutcome:
    feed_id: str
    status: str  # "ok", "not_modified", "error", "skipped"
    new: int = 0
    alerts: int = 0
    message: str = ""


@dataclass
class _Poll:
    """One poll of one feed as read when its lease was taken, and the writes it queues for the
    round trip that frees the lease."""

    source: FeedSource | None
    state: FeedState
    due: float | None
    seen: Sequence[FeedItem] | None = None  # items whose seen keys to (re)write
    seen_at: float = 0.0
    save: bool = False  # write ``state`` (the poll ran to its end)
    seen_up_to: int | None = None  # a renamed channel: its posts up to this id were seen before
    memo: tuple[PostMemo, dict] | None = None  # a channel's post memo to write, and its entries
    read: dict | None = None  # the state as read, less its clock: to tell a quiet poll

    def mark_seen(self, items: Sequence[FeedItem], now: float) -> None:
        self.seen, self.seen_at = items, now

    def finish(self, taken: Taken, seen: SeenStore) -> Finish:
        """What the poll writes as it frees its lease: the items it saw, a channel's post memo,
        and the whole state when anything but the clock changed, else (a quiet poll: a 304 that
        changed nothing else) the clock alone."""
        queue = None
        if self.seen is not None or self.memo is not None:
            items, at, memo = self.seen, self.seen_at, self.memo

            def queue(pipe: Pipeline) -> None:
                if items is not None:
                    seen.mark_in(pipe, taken.feed_id, items, at)
                if memo is not None:
                    memo[0].write_in(pipe, memo[1])

        if not self.save:
            return Finish(taken, queue=queue)
        if (
            queue is None
            and self.read is not None
            and self.state.last_success == self.state.last_check
            and _unclocked(self.state) == self.read
        ):
            return Finish(taken, clock=self.state)
        return Finish(taken, state=self.state, queue=queue)


@dataclass
class Stats:
    polls: int = 0
    errors: int = 0
    items: int = 0
    scanned: int = 0
    alerts: int = 0
    outcomes: list[PollOutcome] = field(default_factory=list)


class Watcher:
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
        self.storage = storage
        self.registry_sync = registry_sync  # REGISTRY_URL, looked at every minute
        self._sync_task: asyncio.Task | None = None
        self.on_notice = (
            on_notice  # tells the admins (bot/telegram/admin_notices.py), besides the stream
        )
        self.fetcher = fetcher
        self.config = config or WatcherConfig()
        self.feeds = FeedStore(storage)
        self.seen = SeenStore(storage.redis, storage.keys, self.config.seen_ttl)
        self.leases = LeaseKeeper(storage.redis, self.config.lease_ttl)
        self.trips = PollTrips(storage, self.feeds, self.leases)
        self.stream = AlertStream(storage.redis, storage.keys)
        self.stories = Stories(storage.redis, storage.keys)
        self.pacer = HostPacer(storage.redis, storage.keys, self.config.channel_host_rate)
        self.timeline = Timeline(storage.redis, storage.keys)
        self.engine = EngineHost(RegistryStore(storage))
        self.on_alert = on_alert
        self.rng = rng or random.Random()
        self.stats = Stats()
        self._slots = asyncio.Semaphore(self.config.max_polls)
        self._inflight: dict[str, asyncio.Task] = {}
        self._pool: EnginePool | None = None  # worker processes, started when needed
        self._skip_until: dict[str, float] = {}  # feeds another watcher holds: look again later
        # per feed: digest of the last body handled, its parse hints and its items' seen keys, so
        # a 200 with the very same body (no ETag support, or a changed ETag only) skips parsing
        self._last_body: dict[str, tuple[bytes, ParsedFeed]] = {}
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

    # -- loops --------------------------------------------------------------------------------
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

    # -- poll cycles --------------------------------------------------------------------------
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

    # -- one feed -----------------------------------------------------------------------------
    async def poll(
        self, feed_id: str, force: bool = False, slot: asyncio.Semaphore | None = None
    ) -> PollOutcome:
        """Poll one feed now (``force``: due or not, waiting for another watcher's lease).
        ``slot``: entered once the lease is taken, for the fetch and what follows; the leases of
        polls started together are taken together (one round trip), whatever the slots."""
        wait = 2 * self.config.lease_ttl if force else 0.0
        async with self._opened(feed_id, wait) as poll:
            if poll is None:
                return PollOutcome(feed_id, "skipped", message="leased by another watcher")
            if not force and (poll.due is None or poll.due > time.time()):
                return PollOutcome(feed_id, "skipped", message="polled meanwhile")
            source, state = poll.source, poll.state
            if source is None or source.paused:
                return PollOutcome(feed_id, "skipped", message="removed or paused")
            async with slot or contextlib.nullcontext():
                url = state.url or source.url
                channel = channels.preview_channel(source.url) is not None
                if channel:
                    await self.pacer.turn(urlsplit(url).hostname or "")  # the host's budget
                result = await self.fetcher.fetch(
                    url, etag=state.etag, last_modified=state.last_modified
                )
                outcome = await self._handle(poll, source, result, channel)
            poll.save = True
            self.stats.polls += 1
            return outcome

    @contextlib.asynccontextmanager
    async def _opened(self, feed_id: str, wait: float) -> AsyncIterator[_Poll | None]:
        """The feed's lease, taken in the call that reads its source, state and due time, shared
        with the polls starting in the same tick (``None``: another watcher holds it, after
        ``wait`` seconds of trying); kept while the block runs; freed in the round trip that
        writes what the poll queued (seen items, state), shared with the polls ending about then
        (``feeds/watching/poll_trips.py``). A poll that fails only frees the lease."""
        deadline = time.monotonic() + wait
        while (taken := await self.trips.take(feed_id)) is None:
            if time.monotonic() >= deadline:
                yield None
                return
            await asyncio.sleep(0.05)
        poll = _Poll(taken.source, taken.state, taken.due, read=_unclocked(taken.state))
        try:
            yield poll
        except BaseException:
            await self.trips.release(taken)
            raise
        await self.trips.finish(poll.finish(taken, self.seen))

    async def _handle(
        self, poll: _Poll, source: FeedSource, result: FetchResult, channel: bool = False
    ) -> PollOutcome:
        state = poll.state
        now = time.time()
        state.last_check = now
        if result.permanent_redirect:
            state.url = result.permanent_redirect
        if result.is_error:
            return await self._failed(source, state, result.message, result.retry_after, now)
        parsed: ParsedFeed | None = None
        look = None
        if result.ok and channel:
            look = PageLook.of(result.body)  # a channel: its posts, not its view counters
        if result.ok:
            digest = (
                look.signature if look else hashlib.blake2b(result.body, digest_size=16).digest()
            )
            last = self._last_body.get(source.id)
            if last is not None and last[0] == digest and state.polls > 0 and not state.baseline:
                return self._same_body(poll, source, result, last[1], now)
            # the last parse's keys: items still carrying them were marked seen then, so the
            # parse may skip their text (checked against the seen set in _items all the same).
            # Not for a channel: an edited post keeps its keys, and its text is what changed.
            hint = (
                frozenset(k for i in last[1].items for k in i.keys) if last and not look else None
            )
            parsed = await self._parse(result, hint)
            if parsed.is_feed:
                self._last_body[source.id] = (digest, _keys_only(parsed))
            if not parsed.is_feed:
                return await self._failed(source, state, parsed.bozo or "not a feed", None, now)
        state.etag, state.last_modified = result.etag, result.last_modified
        outcome = PollOutcome(source.id, result.status)
        if parsed is not None:
            if look is not None:
                parsed = await self._channel_page(poll, parsed, look, result)
            outcome = await self._items(poll, source, parsed, now, result, look is not None)
            state.title = parsed.title or state.title
        self._succeeded(state, result, parsed, now)
        return outcome

    async def _channel_page(
        self, poll: _Poll, parsed: ParsedFeed, look: PageLook, result: FetchResult
    ) -> ParsedFeed:
        """A channel's page (``feeds/watching/channel_watch.py``): a renamed channel's posts up to the
        newest seen before are taken stock of (ids go on through a rename; links and guids do
        not); when every post on the page is new, the older pages down to the last one seen are
        read."""
        state = poll.state
        state.note = ""
        first = state.polls == 0 or state.baseline
        if state.channel and look.owner and look.owner.lower() != state.channel.lower():
            state.note = f"renamed: @{state.channel} is now @{look.owner}; took stock of its posts"
            log.info("channel %s: %s", result.url, state.note)
            if state.newest_post is None:
                state.baseline = True
            poll.seen_up_to = state.newest_post
        elif not first and state.newest_post is not None and look.ids:
            older, why = await older_posts(
                self.fetcher, self.pacer, result.url, min(look.ids), state.newest_post
            )
            state.note = why
            if older:
                guids = {i.guid for i in older}
                parsed = replace(
                    parsed, items=[i for i in parsed.items if i.guid not in guids] + older
                )
        state.channel = look.owner or state.channel
        if look.ids:
            state.newest_post = max(look.ids)
        return parsed

    def _same_body(
        self,
        poll: _Poll,
        source: FeedSource,
        result: FetchResult,
        keys: ParsedFeed,
        now: float,
    ) -> PollOutcome:
        """A 200 whose body is byte for byte the last one handled (a channel: the same posts):
        nothing new, nothing to parse. The items' seen keys are refreshed as a parse would, but
        only every ``SEEN_REFRESH`` seconds: they live for weeks, and a source without
        validators (every channel) answers 200 at every poll."""
        state = poll.state
        state.etag, state.last_modified = result.etag, result.last_modified
        self.stats.items += len(keys.items)
        if now - (state.seen_refreshed or 0.0) >= SEEN_REFRESH:
            poll.mark_seen(keys.items, now)
            state.seen_refreshed = now
        state.last_items, state.last_new = len(keys.items), 0
        self._succeeded(state, result, keys, now)
        return PollOutcome(source.id, "ok", message="same body")

    async def _parse(self, result: FetchResult, known: frozenset[str] | None = None) -> ParsedFeed:
        if self._pool is not None and len(result.body) >= THREAD_THRESHOLD:
            loop = asyncio.get_running_loop()
            with contextlib.suppress(BrokenProcessPool):  # a worker died: parse here this once
                return await loop.run_in_executor(
                    self._pool, parse_feed, result.body, dict(result.headers), result.url, known
                )
        return await parse_feed_async(result.body, result.headers, result.url, known)

    def _succeeded(
        self, state: FeedState, result: FetchResult, parsed: ParsedFeed | None, now: float
    ) -> None:
        state.polls += 1
        state.errors = 0
        state.failing_since = state.flagged_at = None
        state.last_success = now
        hints = schedule.Hints(
            ttl_minutes=parsed.ttl_minutes if parsed else None,
            max_age=result.max_age,
            expires=result.expires,
            retry_after=result.retry_after,
        )
        interval = self.config.poll_interval
        when = datetime.fromtimestamp(now, UTC)
        delay = schedule.next_delay_after_success(interval, hints, when, self.rng)
        if state.channel:  # a public channel (feeds/watching/channel_watch.py): Telegram's pace
            delay = max(delay, self.config.channel_min_interval)
        state.next_check = now + delay

    async def _failed(
        self, source: FeedSource, state: FeedState, message: str, retry_after, now: float
    ) -> PollOutcome:
        self.stats.errors += 1
        state.errors += 1
        state.last_error, state.last_error_at = message[:500], now
        state.failing_since = state.failing_since or now
        delay = schedule.next_delay_after_error(
            self.config.poll_interval, state.errors, retry_after, self.rng
        )
        state.next_check = now + delay
        log.info("feed %s (%s): %s; next try in %.0f s", source.id, source.url, message, delay)
        if schedule.should_flag(state.failing_since, state.flagged_at, now):
            state.flagged_at = now
            await self._notify_admins(source, state)
        return PollOutcome(source.id, "error", message=message)

    async def _notify_admins(self, source: FeedSource, state: FeedState) -> None:
        hours = (time.time() - (state.failing_since or time.time())) / 3600
        text = f"feed {source.label} ({source.id}) has failed for {hours:.0f} h: {state.last_error}"
        log.warning("%s", text)
        await self.storage.redis.xadd(
            self.storage.keys.admin_notices,
            {"kind": "feed_failing", "feed_id": source.id, "text": text},
            maxlen=1000,
            approximate=True,
        )
        if self.on_notice is not None:
            await self.on_notice(text)

    async def _items(
        self,
        poll: _Poll,
        source: FeedSource,
        parsed: ParsedFeed,
        now: float,
        result: FetchResult,
        channel: bool = False,
    ) -> PollOutcome:
        state = poll.state
        items = parsed.items
        self.stats.items += len(items)
        memo = PostMemo(self.storage.redis, self.storage.keys, source.id) if channel else None
        before = await memo.read() if memo else {}
        known = await self._known(poll, source, items)
        new = [item for item, k in zip(items, known, strict=True) if not k]
        changed = edited(items, known, before)
        if any(i.text_skipped for i in (*new, *changed)):
            # the hint was wrong (seen set trimmed or lost), or a channel's post was edited
            parsed = await self._parse(result)
            items = parsed.items
            known = await self._known(poll, source, items)
            new = [item for item, k in zip(items, known, strict=True) if not k]
            changed = edited(items, known, before)
        if state.polls == 0 or state.baseline:
            cutoff = now - self.config.backfill_hours * 3600
            wanted = [i for i in new if i.published and i.published.timestamp() >= cutoff]
            wanted = wanted if self.config.backfill_hours > 0 else []
            state.baseline = False
        else:  # never alert an item dated before the seen TTL: we may have forgotten it
            stale = now - self.config.seen_ttl
            wanted = [i for i in new if not (i.published and i.published.timestamp() < stale)]
        alerts, scanned = 0, []
        if wanted:
            alerts, scanned = await self._alert_items(source, list(reversed(wanted)))
        if memo is not None:
            alerts += await self._channel_posts(poll, source, memo, before, items, changed, scanned)
        poll.mark_seen(items, now)
        state.seen_refreshed = now
        state.last_items, state.last_new = len(items), len(new)
        return PollOutcome(source.id, "ok", new=len(new), alerts=alerts)

    async def _known(self, poll: _Poll, source: FeedSource, items: list[FeedItem]) -> list[bool]:
        """Which items were seen before (a renamed channel's posts up to the rename count)."""
        known = await self.seen.known(source.id, items) if items else []
        if poll.seen_up_to is not None:
            known = [
                k or (post_number(i) or 0) <= poll.seen_up_to
                for i, k in zip(items, known, strict=True)
            ]
        return known

    async def _channel_posts(
        self,
        poll: _Poll,
        source: FeedSource,
        memo: PostMemo,
        before: dict[str, tuple[str, frozenset[str] | None]],
        items: list[FeedItem],
        changed: list[FeedItem],
        scanned: list[tuple[FeedItem, Alert | None]],
    ) -> int:
        """Remember what each post on a channel's page named; an edit (``changed``) that names
        someone new alerts once, for the new ones only (``feeds/watching/channel_watch.py``)."""
        now: dict[str, tuple[str, frozenset[str] | None]] = {}
        for item in items:
            now[item.guid or ""] = before.get(item.guid or "", (item.version, NOT_SCANNED))
        for item, alert in scanned:
            now[item.guid or ""] = (item.version, frozenset(alert.targets if alert else ()))
        count = 0
        if changed:
            _, rescanned = await self._alert_items(source, changed, emit=False)
            for item, alert in rescanned:
                named = before[item.guid or ""][1] or frozenset()
                targets = frozenset(alert.targets) if alert else frozenset()
                fresh = targets - named
                if (
                    alert is not None
                    and fresh
                    and await self._emit_edit(source, item, alert, fresh)
                ):
                    count += 1
                now[item.guid or ""] = (item.version, named | targets)
        if now != before:
            poll.memo = (memo, now)  # written with the poll's state, as it frees the lease
        return count

    async def _emit_edit(
        self, source: FeedSource, item: FeedItem, alert: Alert, fresh: frozenset[str]
    ) -> bool:
        """An edited post's alert, for the targets it names anew."""
        edit = alert.model_copy(
            update={
                "id": news_alert_id(source.id, f"{item.fingerprint}\nedit\n{item.version}"),
                "prisoners": [p for p in alert.prisoners if p in fresh],
                "facilities": [f for f in alert.facilities if f in fresh],
                "namesakes": [g for g in alert.namesakes if fresh & set(g)],
            }
        )
        return await self.emit(edit, own_story=True)

    async def _alert_items(
        self, source: FeedSource, items: list, emit: bool = True
    ) -> tuple[int, list[tuple[FeedItem, Alert | None]]]:
        """Scan ``items`` (oldest first) and emit their alerts; the number emitted, and each item
        with its alert (None: it named nobody tracked)."""
        gate = asyncio.Semaphore(self.config.max_full_text)

        async def text_of(item) -> str:
            if not needs_full_text(item, source.full_text):
                return item.text
            async with gate:
                return await fetch_full_text(self.fetcher, item.link) or item.text

        texts = await asyncio.gather(*(text_of(i) for i in items))
        # in the worker processes when there are any: the scans then leave this process's core to
        # the event loop
        alerts = await self.engine.analyse_all(items, texts, source, self._pool)
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


def _unclocked(state: FeedState) -> dict:
    """A state's fields but the clock: what a quiet poll leaves as it was."""
    return {k: v for k, v in state.__dict__.items() if k not in CLOCK}


def _auto_processes() -> int:
    """One worker per core but the watcher's own (its event loop, fetches and Redis calls keep
    one busy), at most 4; none on one core. Each worker costs an interpreter's memory."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores - 1, 4) if cores >= 2 else 0


def _keys_only(parsed: ParsedFeed) -> ParsedFeed:
    """What :meth:`Watcher._same_body` needs of a parse: the hints and each item's seen keys
    (titles kept for the title key; texts dropped, so the cache stays small)."""
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
