"""How a delivery ends, and the duplicate guard around it: what the sender's courier calls once
Telegram answered (or the delivery was decided without asking).

- **Guard**: ``sending:<consumer>`` before the call (short TTL), ``sent`` once Telegram accepted
  the message (:meth:`Settler.guards`, :meth:`Settler.release`).
- **Accepted**: marked ``sent``, acked and deleted in one script, the acks of one round trip in
  one call (group commit: :meth:`Settler.done`).
- **Not now**: back to the delayed set with its due time (:meth:`Settler.defer`), or back on its
  lane at once when the sender stops (:meth:`Settler.hand_back`).
- **Never**: dead-lettered (:meth:`Settler.dead`), given up on an unreachable chat, which goes
  inactive after ``block_after`` answers in a row (:meth:`Settler.gone`), or held while Telegram
  refuses the bot itself (:meth:`Settler.fatal`).
- **Counted**: a broadcast's delivery in its broadcast, per chat (:meth:`Settler.settle`), and
  every outcome in this process's ``totals`` and the shared counters (:meth:`Settler.count`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable

from feeds.storage.connection import Storage
from subscriptions.broadcast import Outcome as BroadcastOutcome
from subscriptions.broadcast_store import BroadcastStore
from subscriptions.deliveries import GROUP, Delivery, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.outcomes import FAILS_TTL, Outcome, count, day_of
from subscriptions.ratelimit import RateLimiter
from subscriptions.sender_config import SenderConfig
from subscriptions.store import SubscriptionStore

log = logging.getLogger("vestka.sender")

# KEYS: guard 1..n, chat hash 1..n. ARGV: owner, sending ttl ms, heartbeat key prefix.
# For each delivery of a batch: sent / inactive / busy (a live owner has it) / go (ours now).
GUARD_BEGIN = """
local n = #KEYS / 2
local out = {}
for i = 1, n do
  local v = redis.call('GET', KEYS[i])
  local state = 'go'
  if v == 'sent' then
    state = 'sent'
  elseif redis.call('HGET', KEYS[n + i], 'active') == '0' then
    state = 'inactive'
  elseif v then
    local owner = string.sub(v, 9)
    if owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then state = 'busy' end
  end
  if state == 'go' then redis.call('SET', KEYS[i], 'sending:' .. ARGV[1], 'PX', ARGV[2]) end
  out[i] = state
end
return table.concat(out, ' ')
"""

# KEYS: guard. ARGV: owner. Drop our own ``sending`` mark (never someone else's, never ``sent``).
GUARD_RELEASE = """
if redis.call('GET', KEYS[1]) == 'sending:' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


# KEYS: (guard, lane stream, chat failures) per message. ARGV: sent ttl s, group, entry ids.
# Accepted by Telegram: mark sent first, then ack (a claimer then skips it); a batch in one call.
DONE = """
for i = 1, #KEYS / 3 do
  redis.call('SET', KEYS[3 * i - 2], 'sent', 'EX', ARGV[1])
  redis.call('XACK', KEYS[3 * i - 1], ARGV[2], ARGV[2 + i])
  redis.call('XDEL', KEYS[3 * i - 1], ARGV[2 + i])
  redis.call('DEL', KEYS[3 * i])
end
return 1
"""

# KEYS: guard, lane stream, chat failures. ARGV: entry id, failures ttl s, group.
# Chat unreachable: give this message up, count the answer; returns how many in a row.
GONE = """
redis.call('DEL', KEYS[1])
redis.call('XACK', KEYS[2], ARGV[3], ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
local n = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[2])
return n
"""


class Settler:
    """The endings of one sender's deliveries (see the module docstring); ``totals`` counts them in
    this process, ``on_sent(delivery, monotonic_time)`` hears each accepted message."""

    def __init__(
        self,
        storage: Storage,
        config: SenderConfig,
        limiter: RateLimiter,
        on_sent: Callable[[Delivery, float], None] | None = None,
    ) -> None:
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)
        self.config = config
        self.consumer = config.consumer
        self.queue = DeliveryQueue(storage)
        self.limiter = limiter
        self.subscriptions = SubscriptionStore(storage)
        self.broadcasts = BroadcastStore(storage)
        self.on_sent = on_sent
        self.totals: Counter[str] = Counter()
        self._guard_begin = self.redis.register_script(GUARD_BEGIN)
        self._guard_release = self.redis.register_script(GUARD_RELEASE)
        self._done_script = self.redis.register_script(DONE)
        self._gone_script = self.redis.register_script(GONE)
        self._unflushed: Counter[str] = Counter()  # counters not yet added in Redis
        self._acks: list[tuple] = []  # accepted messages waiting for their ack round trip
        self._acking: asyncio.Task | None = None
        self._fatal_logged = 0.0

    async def guards(self, deliveries: list[Delivery]) -> list[str]:
        keys = [self.keys.delivery_guard(d.id) for d in deliveries]
        keys += [self.keys.chat(d.chat_id) for d in deliveries]
        states = await self._guard_begin(
            keys=keys,
            args=[self.consumer, self.config.sending_ttl_ms, self.keys.sender_alive("")],
        )
        return (states.decode() if isinstance(states, bytes) else str(states)).split(" ")

    async def release(self, delivery_id: str) -> None:
        await self._guard_release(
            keys=[self.keys.delivery_guard(delivery_id)], args=[self.consumer]
        )

    async def done(self, lane: Lane, entry_id: str, delivery: Delivery) -> None:
        keys = self.keys
        done = asyncio.get_running_loop().create_future()
        self._acks.append(
            (
                keys.delivery_guard(delivery.id),
                keys.deliveries(lane),
                keys.chat_failures(delivery.chat_id),
                entry_id,
                done,
            )
        )
        if self._acking is None:
            self._acking = asyncio.create_task(self._ack_batches())
        await done
        self.count("sent")
        await self.settle(delivery, "sent")
        if self.on_sent is not None:
            self.on_sent(delivery, time.monotonic())

    async def _ack_batches(self) -> None:
        """Group commit: the acks that piled up during one round trip go in the next one."""
        try:
            while self._acks:
                batch, self._acks = self._acks, []
                try:
                    await self._run_done(batch)
                except Exception as exc:
                    for *_, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                for *_, done in batch:
                    if not done.done():
                        done.set_result(None)
        finally:
            self._acking = None

    async def _run_done(self, batch: list) -> None:
        keys = [key for guard, stream, fails, _, _ in batch for key in (guard, stream, fails)]
        entry_ids = [entry_id for _, _, _, entry_id, _ in batch]
        await self._done_script(keys=keys, args=[self.config.sent_ttl, GROUP, *entry_ids])

    async def finish(self, lane: Lane, entry_id: str, counter: str) -> None:
        """Ack without sending (already sent, or the chat is inactive)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xack(self.keys.deliveries(lane), GROUP, entry_id)
            pipe.xdel(self.keys.deliveries(lane), entry_id)
            await pipe.execute()
        self.count(counter)

    async def defer(
        self, lane: Lane, entry_id: str, delivery: Delivery, seconds: float, counter: str | None
    ) -> None:
        await self.release(delivery.id)
        delivery.not_before = time.time() + seconds
        await self.queue.defer(lane, entry_id, delivery)
        if counter:
            self.count(counter)

    async def hand_back(self, lane: Lane, entry_id: str, delivery: Delivery) -> None:
        """Stopping before the request went out: back on the lane at once, guard released (a
        cancelled broadcast's delivery is dropped instead)."""
        with contextlib.suppress(Exception):
            await self.release(delivery.id)
            if await self.cancelled(delivery):
                await self.finish(lane, entry_id, "cancelled")
                return
            await self.queue.requeue(lane, entry_id, delivery)
            self.totals["handed_back"] += 1  # local only

    async def gone(self, lane: Lane, entry_id: str, delivery: Delivery, outcome: Outcome) -> None:
        """403 or chat not found: give this message up; after ``block_after`` in a row the chat goes
        inactive and its queued deliveries are dropped."""
        chat_id = delivery.chat_id
        in_a_row = await self._gone_script(
            keys=[
                self.keys.delivery_guard(delivery.id),
                self.keys.deliveries(lane),
                self.keys.chat_failures(chat_id),
            ],
            args=[entry_id, FAILS_TTL, GROUP],
        )
        self.count("blocked", "failed")
        await self.settle(delivery, "blocked")
        log.debug("chat %s: %s (%d in a row)", chat_id, outcome.reason, in_a_row)
        if in_a_row != self.config.block_after:
            return
        chat = await self.subscriptions.chat(chat_id)
        if chat is not None and chat.active:
            chat.active, chat.inactive_reason = False, outcome.reason
            await self.subscriptions.save_chat(chat)
        dropped = await self.queue.drop_chat(chat_id)
        self.count("deactivated")
        log.info(
            "a chat is unreachable (%s, %d answers in a row): marked inactive, %d queued dropped",
            outcome.reason,
            in_a_row,
            dropped,
        )

    async def dead(self, lane: Lane, entry_id: str, delivery: Delivery, outcome: Outcome) -> None:
        await self.release(delivery.id)
        await self.queue.dead_letter(lane, entry_id, delivery, outcome.error)
        self.count("dead", "failed")
        await self.settle(delivery, "failed")
        log.warning("a delivery was parked in the dead-letter stream: %s", outcome.error)

    async def fatal(self, lane: Lane, entry_id: str, delivery: Delivery, outcome: Outcome) -> None:
        """401/404: the token or API URL is wrong. Keep the message, make everyone wait."""
        await self.limiter.pause_all(self.config.fatal_pause)
        await self.defer(lane, entry_id, delivery, self.config.fatal_pause, None)
        if time.monotonic() - self._fatal_logged > 60:
            self._fatal_logged = time.monotonic()
            log.error(
                "Telegram refuses the bot (%s): check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL; "
                "deliveries wait",
                outcome.error,
            )

    async def cancelled(self, delivery: Delivery) -> bool:
        """A broadcast delivery whose broadcast was cancelled (one HGET, remembered once true)."""
        return delivery.kind == "broadcast" and await self.broadcasts.is_cancelled(delivery.ref)

    async def settle(self, delivery: Delivery, outcome: BroadcastOutcome) -> None:
        """Count a settled broadcast delivery in its broadcast (idempotent per chat)."""
        if delivery.kind != "broadcast":
            return
        try:
            await self.broadcasts.record(delivery.ref, outcome, delivery.chat_id)
        except Exception as exc:  # the message went out; the count is what is lost
            log.warning("sender: counting a broadcast delivery failed (%s)", type(exc).__name__)

    def count(self, *names: str) -> None:
        """Count outcomes here and (within ``promote_every``) in Redis, in one batch."""
        for name in names:
            self.totals[name] += 1
            self._unflushed[name] += 1

    async def flush_counters(self) -> None:
        if not self._unflushed:
            return
        counts, self._unflushed = self._unflushed, Counter()
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for name, n in counts.items():
                    count(pipe, self.keys, self._day(), name, n)
                await pipe.execute()
        except Exception:
            self._unflushed.update(counts)  # next time
            raise

    def _day(self) -> str:
        return day_of(time.time(), self.config.zone)
