"""The Redis round trips of polls, shared between the polls that need them at about the same time.

A poll goes to Redis twice: at its start, to take its feed's lease and read the feed's source, state
and due time; at its end, to write what it learned and free the lease. A round trip per feed each
time cost more CPU than the fetch itself when the feed answered 304 (issue 16). So:

* polls that start in the same tick of the event loop take their leases and read, all of them, in
  one script call (:data:`_TAKE`), up to :data:`BATCH` feeds a call;
* polls that end within :data:`WINDOW` of each other write in one pipeline: what each queued (seen
  items, a channel's post memo), then one script call (:data:`_FINISH`) that stores their states
  and due times and frees their leases;
* a 304 that changes nothing but the clock writes only the clock: the due time, and the time and
  count of the poll in one short field of ``FeedKeys.feed_checked`` (``FeedStore`` folds it into the
  state it reads), never the whole state;
* held leases are renewed by one task (``feeds.storage.leases.LeaseKeeper``).

A lease is still taken with ``SET NX PX`` and freed by compare-and-delete, now inside the scripts:
two watchers never poll one feed at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from redis.asyncio.client import Pipeline

from feeds.fetching.items import FeedItem
from feeds.fetching.keys import FeedKeys
from feeds.fetching.sources import FeedSource, FeedState, FeedStore
from feeds.storage.connection import Storage
from feeds.storage.leases import LeaseKeeper
from feeds.watching.channel_watch import PostMemo
from feeds.watching.seen import SeenStore

BATCH = 200  # feeds per script call
WINDOW = 0.01  # seconds a finished poll's writes wait for others to share their round trip

# KEYS: sources, state, checked, due, then one lease key per feed; ARGV: ttl ms, token, then one
# feed id per lease key. Per feed five answers: taken (1/0), source, state, checked, due score.
_TAKE = """
local out = {}
for i = 5, #KEYS do
  local id = ARGV[i - 2]
  if redis.call('set', KEYS[i], ARGV[2], 'NX', 'PX', ARGV[1]) then
    out[#out + 1] = 1
    out[#out + 1] = redis.call('hget', KEYS[1], id)
    out[#out + 1] = redis.call('hget', KEYS[2], id)
    out[#out + 1] = redis.call('hget', KEYS[3], id)
    out[#out + 1] = redis.call('zscore', KEYS[4], id)
  else
    out[#out + 1] = 0
    out[#out + 1] = false
    out[#out + 1] = false
    out[#out + 1] = false
    out[#out + 1] = false
  end
end
return out
"""

# KEYS: state, checked, due, then one lease key per feed; ARGV: five per feed: id, token, state
# JSON, checked, due time ('' = leave as it is). The due time only moves a feed still scheduled
# (XX: one removed or paused meanwhile is not put back).
_FINISH = """
for i = 4, #KEYS do
  local a = (i - 4) * 5
  local id = ARGV[a + 1]
  if ARGV[a + 3] ~= '' then redis.call('hset', KEYS[1], id, ARGV[a + 3]) end
  if ARGV[a + 4] ~= '' then redis.call('hset', KEYS[2], id, ARGV[a + 4]) end
  if ARGV[a + 5] ~= '' then redis.call('zadd', KEYS[3], 'XX', ARGV[a + 5], id) end
  if redis.call('get', KEYS[i]) == ARGV[a + 2] then redis.call('del', KEYS[i]) end
end
return #KEYS - 3
"""


@dataclass
class Taken:
    """A feed's lease, held, and what its poll read in the same call."""

    feed_id: str
    key: str
    token: str
    source: FeedSource | None
    state: FeedState
    due: float | None


@dataclass
class Finish:
    """What a poll writes as it frees its lease: ``state`` (None: the clock only, or nothing),
    ``queue`` (commands it queues first on the shared pipeline: seen items, a post memo)."""

    taken: Taken
    state: FeedState | None = None
    clock: FeedState | None = None  # a quiet poll: its time, count and next due time only
    queue: Callable[[Pipeline], None] | None = None


class PollTrips:
    def __init__(self, storage: Storage, feeds: FeedStore, keeper: LeaseKeeper) -> None:
        self.redis = storage.redis
        self.keys = FeedKeys.of(storage.keys)
        self.feeds = feeds
        self.keeper = keeper
        self._take = self.redis.register_script(_TAKE)
        self._finish = self.redis.register_script(_FINISH)
        self._takes: list[tuple[str, asyncio.Future[Taken | None]]] = []
        self._finishes: list[tuple[Finish, asyncio.Future[None]]] = []
        self._take_soon: asyncio.Handle | None = None
        self._finish_soon: asyncio.TimerHandle | None = None
        self._running: set[asyncio.Task] = set()  # the batches under way (a task needs a holder)
        self.round_trips = 0  # script calls and pipelines sent (the bench reports them)

    # -- start of a poll --------------------------------------------------------------------------
    async def take(self, feed_id: str) -> Taken | None:
        """The feed's lease and reads, or None when another watcher holds it. Calls made in the
        same tick share one script call."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Taken | None] = loop.create_future()
        self._takes.append((feed_id, future))
        if self._take_soon is None:
            self._take_soon = loop.call_soon(self._start, self._take_now)
        return await future

    def _start(self, step: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.ensure_future(step())
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _take_now(self) -> None:
        self._take_soon = None
        waiting, self._takes = self._takes, []
        for start in range(0, len(waiting), BATCH):
            await self._take_batch(waiting[start : start + BATCH])

    async def _take_batch(self, batch: list[tuple[str, asyncio.Future[Taken | None]]]) -> None:
        k = self.keys
        ids = [feed_id for feed_id, _ in batch]
        leases = [k.feed_lease(feed_id) for feed_id in ids]
        token = self.keeper.token()
        try:
            self.round_trips += 1
            answers = await self._take(
                keys=[k.feed_sources, k.feed_state, k.feed_checked, k.feeds_due, *leases],
                args=[self.keeper.ttl_ms, token, *ids],
            )
        except BaseException as exc:
            if _failed(batch, exc):
                return
            raise
        for n, (feed_id, future) in enumerate(batch):
            taken, source, state, checked, due = answers[5 * n : 5 * n + 5]
            if not taken:
                result = None
            else:
                self.keeper.hold(leases[n], token)
                result = Taken(
                    feed_id,
                    leases[n],
                    token,
                    *self.feeds.parse_read([source, state, checked, due]),
                )
            if future.done():  # the poll was cancelled meanwhile: free what it would have held
                if result is not None:
                    self.keeper.drop(result.key)
                    orphan: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                    orphan.add_done_callback(lambda f: f.cancelled() or f.exception())
                    self._finishes.append((Finish(result), orphan))
                    self._schedule_finish()
                continue
            future.set_result(result)

    # -- end of a poll ----------------------------------------------------------------------------
    async def finish(self, finish: Finish) -> None:
        """Write what the poll learned and free its lease, in a round trip shared with the polls
        that end within :data:`WINDOW`."""
        self.keeper.drop(finish.taken.key)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._finishes.append((finish, future))
        self._schedule_finish()
        await future

    async def release(self, taken: Taken) -> None:
        """Free a lease without writing anything (the poll failed)."""
        await self.finish(Finish(taken))

    def _schedule_finish(self) -> None:
        loop = asyncio.get_running_loop()
        if len(self._finishes) >= BATCH:
            if self._finish_soon is not None:
                self._finish_soon.cancel()
            self._finish_soon = None
            self._start(self._finish_now)
        elif self._finish_soon is None:
            self._finish_soon = loop.call_later(WINDOW, self._start, self._finish_now)

    async def _finish_now(self) -> None:
        self._finish_soon = None
        batch, self._finishes = self._finishes, []
        if not batch:
            return
        k = self.keys
        args: list[str | float] = []
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for finish, _ in batch:
                    if finish.queue is not None:
                        finish.queue(pipe)
                    args += self._finish_args(finish)
                leases = [finish.taken.key for finish, _ in batch]
                await self._finish(
                    keys=[k.feed_state, k.feed_checked, k.feeds_due, *leases],
                    args=args,
                    client=pipe,
                )
                self.round_trips += 1
                await pipe.execute()
        except BaseException as exc:
            if _failed(batch, exc):
                return
            raise
        for _, future in batch:
            if not future.done():
                future.set_result(None)

    @staticmethod
    def _finish_args(finish: Finish) -> list[str | float]:
        state, clock = finish.state, finish.clock
        written = state if state is not None else clock
        due = written.next_check if written is not None else None
        return [
            finish.taken.feed_id,
            finish.taken.token,
            state.model_dump_json() if state is not None else "",
            FeedStore.checked_value(clock) if clock is not None else "",
            repr(due) if due is not None else "",
        ]


def _failed(batch: list, exc: BaseException) -> bool:
    """Hand a failed round trip's error to every poll waiting on it; True when the batch may
    end quietly (an ``Exception``), False when the error must go on (a cancellation)."""
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)
    return isinstance(exc, Exception)


CLOCK = {"last_check", "last_success", "polls", "next_check"}  # what every successful poll moves


@dataclass
class Poll:
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
            and unclocked(self.state) == self.read
        ):
            return Finish(taken, clock=self.state)
        return Finish(taken, state=self.state, queue=queue)


def unclocked(state: FeedState) -> dict:
    """A state's fields but the clock: what a quiet poll leaves as it was."""
    return {k: v for k, v in state.__dict__.items() if k not in CLOCK}
