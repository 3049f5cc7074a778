"""Polling one feed: its lease and state read in one round trip with the polls starting together,
the fetch (a channel within the preview host's budget), the body parsed only when it changed, the
new items scanned and their alerts emitted, a channel's renames, older pages and edited posts, and
the state and next check written as the lease is freed.

:class:`FeedPoller` holds what a poll needs (the stores, the engine, the fetcher);
:class:`~feeds.watching.watcher.Watcher` adds the schedule: which feeds are due, poll cycles, the
worker processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from feeds.fetching import channels, schedule
from feeds.fetching.fetch_result import FetchResult
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.items import FeedItem, ParsedFeed, keys_only
from feeds.fetching.parsing import THREAD_THRESHOLD, parse_feed, parse_feed_async
from feeds.fetching.sources import FeedSource, FeedState, FeedStore
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.storage.leases import LeaseKeeper
from feeds.watching.alerts import Alert, news_alert_id
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
from feeds.watching.emitting import Emitter
from feeds.watching.engine_pool import EnginePool
from feeds.watching.outcomes import PollOutcome, Stats
from feeds.watching.poll_trips import Poll, PollTrips, unclocked
from feeds.watching.seen import SeenStore
from feeds.watching.watcher_config import WatcherConfig

log = logging.getLogger(__name__)

SEEN_REFRESH = 6 * 3600.0  # an unchanged body rewrites its items' seen keys at most this often


class FeedPoller:
    """One feed at a time (see the module docstring); any number of polls run at once."""

    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        config: WatcherConfig | None = None,
        *,
        on_alert: Callable[[Alert], None] | None = None,
        rng: random.Random | None = None,
        on_notice: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.storage = storage
        self.on_notice = on_notice  # tells the admins (bot/telegram/admin_notices.py) too
        self.fetcher = fetcher
        self.config = config or WatcherConfig()
        self.feeds = FeedStore(storage)
        self.seen = SeenStore(storage.redis, storage.keys, self.config.seen_ttl)
        self.leases = LeaseKeeper(storage.redis, self.config.lease_ttl)
        self.trips = PollTrips(storage, self.feeds, self.leases)
        self.pacer = HostPacer(storage.redis, storage.keys, self.config.channel_host_rate)
        self.engine = EngineHost(RegistryStore(storage))
        self.rng = rng or random.Random()
        self.stats = Stats()
        self.emitter = Emitter(
            storage, fetcher, self.engine, self.stats, self.config.max_full_text, on_alert
        )
        self.stream, self.stories = self.emitter.stream, self.emitter.stories
        self.timeline = self.emitter.timeline
        self._pool: EnginePool | None = None  # worker processes, started when needed
        # per feed: digest of the last body handled, its parse hints and its items' seen keys, so
        # a 200 with the very same body (no ETag support, or a changed ETag only) skips parsing
        self._last_body: dict[str, tuple[bytes, ParsedFeed]] = {}

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
    async def _opened(self, feed_id: str, wait: float) -> AsyncIterator[Poll | None]:
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
        poll = Poll(taken.source, taken.state, taken.due, read=unclocked(taken.state))
        try:
            yield poll
        except BaseException:
            await self.trips.release(taken)
            raise
        await self.trips.finish(poll.finish(taken, self.seen))

    async def _handle(
        self, poll: Poll, source: FeedSource, result: FetchResult, channel: bool = False
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
                self._last_body[source.id] = (digest, keys_only(parsed))
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
        self, poll: Poll, parsed: ParsedFeed, look: PageLook, result: FetchResult
    ) -> ParsedFeed:
        """A channel's page (``feeds/watching/channel_watch.py``): a renamed channel's posts up to
        the newest seen before are taken stock of (ids go on through a rename; links and guids do
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
        poll: Poll,
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
        poll: Poll,
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
            alerts, scanned = await self.emitter.alert_items(
                source, list(reversed(wanted)), self._pool
            )
        if memo is not None:
            alerts += await self._channel_posts(poll, source, memo, before, items, changed, scanned)
        poll.mark_seen(items, now)
        state.seen_refreshed = now
        state.last_items, state.last_new = len(items), len(new)
        return PollOutcome(source.id, "ok", new=len(new), alerts=alerts)

    async def _known(self, poll: Poll, source: FeedSource, items: list[FeedItem]) -> list[bool]:
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
        poll: Poll,
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
            _, rescanned = await self.emitter.alert_items(source, changed, self._pool, emit=False)
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
        return await self.emitter.emit(edit, own_story=True)
