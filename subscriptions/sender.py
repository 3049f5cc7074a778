"""The sender: reads the delivery queue and posts each message straight to the Bot API.

One ``Sender`` is one consumer in the ``senders`` group. Any number of them (in one process or many)
share the queue, the rate limits (``ratelimit.py``) and the duplicate guard, all in Redis:

- **Duplicate guard**, one key per delivery id: ``sending:<consumer>`` (SET before the call, short
  TTL), then ``sent`` (kept for days) once Telegram accepted the message. A sender that meets
  ``sent`` acks without sending; one that meets ``sending`` from a live owner leaves the entry to it;
  ``sending`` from a dead owner (no heartbeat) is taken over and sent again. So the only possible
  repeats are the messages a killed sender had in flight, and nothing is lost.
- **Acks** only after Telegram accepted the message or the sender gave up (dead letter, chat gone).
  Entries a dead sender left pending are claimed (XAUTOCLAIM) after ``claim_idle_ms``.
- **Waiting** never holds a message in memory for long: a 429, a backoff or a busy chat moves the
  delivery to the delayed set (``DeliveryQueue.defer``) and any sender puts it back when due.
- **Error policy**: see ``outcomes.py``.
- **Broadcasts** are settled through their ``BroadcastStore``: a delivery of a cancelled broadcast is
  acked unsent (checked right before its request, so a cancel also stops what a sender already
  holds), and every settled one is counted there as ``sent``, ``failed`` or ``blocked``: the
  admin's progress and final report count what Telegram answered, nothing else.

Hooks for pipeline benchmarks: ``on_sent(delivery, monotonic_time)`` is called after each accepted
message, and ``totals`` counts outcomes in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import secrets
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from feeds.storage.connection import Storage
from subscriptions.broadcast import BroadcastStore
from subscriptions.broadcast import Outcome as BroadcastOutcome
from subscriptions.deliveries import GROUP, Delivery, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.outcomes import BLOCK_AFTER, FAILS_TTL, Kind, Outcome, classify, count, day_of
from subscriptions.outcomes import network_error as network_outcome
from subscriptions.ratelimit import Decision, RateConfig, RateLimiter
from subscriptions.splitting import plain_text, split_message
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


CONSUMER_TIDY_EVERY = 300.0  # seconds between sweeps of dead consumers
CONSUMER_IDLE_MS = 3_600_000  # a consumer idle this long, owning nothing, without heartbeat: gone


def default_consumer() -> str:
    return f"{socket.gethostname()[:20]}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass
class SenderConfig:
    api_url: str = field(repr=False)  # "{TELEGRAM_API_URL}/bot{token}": a secret, never logged
    consumer: str = field(default_factory=default_consumer)
    concurrency: int = 32  # requests in flight
    claim_idle_ms: int = 60_000  # a pending entry idle this long belongs to a dead sender
    claim_every: float = 5.0
    max_attempts: int = 8  # timeouts/5xx before the dead-letter stream
    backoff_base: float = 2.0
    backoff_max: float = 600.0
    sending_ttl_ms: int = 120_000
    sent_ttl: int = 7 * 86400
    request_timeout: float = 8.0
    inline_wait: float = 1.5  # a chat busy for longer than this: defer instead of holding a slot
    parts_wait: float = 4.0  # between the parts of a split message, hold the slot this long
    block_after: int = BLOCK_AFTER
    paid_broadcasts: bool = False
    zone: ZoneInfo = UTC  # type: ignore[assignment]
    heartbeat_ttl_ms: int = 15_000
    read_block_ms: int = 200
    promote_every: float = 0.25
    grace: float = 7.0  # on stop: in-flight requests get this long to finish
    fatal_pause: float = 30.0


class _Stopping(Exception):
    """Raised inside a delivery when the sender stops before the message went out."""


@dataclass
class _Piece:
    params: dict[str, Any]
    part_id: str | None = None  # set for the parts of a split message


class Sender:
    def __init__(
        self,
        storage: Storage,
        config: SenderConfig,
        rates: RateConfig | None = None,
        on_sent: Callable[[Delivery, float], None] | None = None,
    ) -> None:
        self.storage = storage
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)
        self.config = config
        self.consumer = config.consumer
        self.queue = DeliveryQueue(storage)
        self.limiter = RateLimiter(storage, rates)
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
        self._tasks: dict[str, asyncio.Task] = {}  # entry id -> task
        self._posting: set[str] = set()  # entry ids whose request is on the wire
        self._gates = {lane: asyncio.Lock() for lane in Lane}
        self._stopping = asyncio.Event()  # stop reading, hand back what is not on the wire
        self._closed = asyncio.Event()  # in-flight work is over: helpers end
        self._session: aiohttp.ClientSession | None = None
        self._alive_key = self.keys.sender_alive(self.consumer)
        self._fatal_logged = 0.0

    # -- the loop ------------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; then stop reading, let requests on the wire finish, hand
        the rest back to the queue, and return (well within 10 s)."""
        await self.queue.ensure_groups()
        await self._beat()
        timeout = aiohttp.ClientTimeout(total=self.config.request_timeout)
        connector = aiohttp.TCPConnector(
            limit=self.config.concurrency, keepalive_timeout=60, ttl_dns_cache=300
        )
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=timeout, json_serialize=_dumps
        )
        helpers = [
            asyncio.create_task(self._heartbeat(), name="sender-heartbeat"),
            asyncio.create_task(self._maintenance(), name="sender-maintenance"),
        ]
        log.info("sender %s started (%d in flight at most)", self.consumer, self.config.concurrency)
        try:
            await self._read_loop(stop)
        finally:
            self._stopping.set()
            await self._drain()
            self._closed.set()
            _, stuck = await asyncio.wait(helpers, timeout=2.0)
            for task in stuck:
                task.cancel()
            with contextlib.suppress(Exception):
                await self.flush_counters()
            await self._session.close()
            with contextlib.suppress(Exception):
                await self.redis.delete(self._alive_key)
                await self.redis.zrem(self.keys.sender_beats, self.consumer)
            log.info("sender %s stopped: %s", self.consumer, dict(self.totals))

    async def _read_loop(self, stop: asyncio.Event) -> None:
        batch = max(1, self.config.concurrency // 4)
        last_read = 0.0
        while not stop.is_set():
            free = self.config.concurrency - len(self._tasks)
            # Read in batches (one XREADGROUP per few messages), but at least every 50 ms while a
            # slot is free, so an alert never waits long behind a busy sender.
            if free <= 0 or (free < batch and time.monotonic() - last_read < 0.05):
                await asyncio.wait(
                    list(self._tasks.values()), timeout=0.05, return_when=asyncio.FIRST_COMPLETED
                )
                continue
            last_read = time.monotonic()
            try:
                entries = await self.queue.read(
                    self.consumer, count=free, block_ms=self.config.read_block_ms
                )
            except Exception as exc:  # Redis away for a moment: retry, never crash the role
                log.warning("sender: reading the queue failed (%s); retrying", type(exc).__name__)
                await _sleep_or(stop, 1.0)
                continue
            await self._start(entries)

    async def _start(self, entries: list[tuple[Lane, str, Delivery]]) -> int:
        """Take the guards of a batch in one call, then deliver each in a task of its own."""
        entries = [e for e in entries if e[1] not in self._tasks]
        if not entries:
            return 0
        try:
            states = await self._guards([d for _, _, d in entries])
            slots = await self._first_slots(entries, states)
        except Exception as exc:  # they stay pending; a claim retries them
            log.warning("sender: taking guards failed (%s)", type(exc).__name__)
            return 0
        for (lane, entry_id, delivery), state, slot in zip(entries, states, slots, strict=True):
            task = asyncio.create_task(self._handle(lane, entry_id, delivery, state, slot))
            self._tasks[entry_id] = task
            task.add_done_callback(lambda _t, e=entry_id: self._tasks.pop(e, None))
        return len(entries)

    async def _drain(self) -> None:
        tasks = list(self._tasks.values())
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=self.config.grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=2.0)

    async def _heartbeat(self) -> None:
        while not await _sleep_or(self._closed, self.config.heartbeat_ttl_ms / 3000):
            with contextlib.suppress(Exception):
                await self._beat()

    async def _beat(self) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(self._alive_key, "1", px=self.config.heartbeat_ttl_ms)
            pipe.zadd(self.keys.sender_beats, {self.consumer: time.time()})  # health checks
            await pipe.execute()

    async def _maintenance(self) -> None:
        """Put due delayed deliveries back on their lanes; claim what dead senders left."""
        last_claim = 0.0
        last_tidy = time.monotonic()
        while not self._closed.is_set():
            try:
                await self.flush_counters()
                await self.queue.promote_due()
                now = time.monotonic()
                if now - last_claim >= self.config.claim_every:
                    last_claim = now
                    await self.claim_once()
                if now - last_tidy >= CONSUMER_TIDY_EVERY:
                    last_tidy = now
                    await self.queue.forget_consumers(CONSUMER_IDLE_MS)
            except Exception as exc:
                log.warning("sender maintenance failed (%s); retrying", type(exc).__name__)
            await _sleep_or(self._closed, self.config.promote_every)

    async def claim_once(self) -> int:
        """Claim entries idle for ``claim_idle_ms`` (a dead sender's) and deliver them."""
        if self._stopping.is_set():
            return 0
        claimed = await self.queue.claim_stale(
            self.consumer, self.config.claim_idle_ms, count=max(1, self.config.concurrency * 2)
        )
        started = await self._start(claimed)
        if started:
            log.info("claimed %d deliveries left pending by another sender", started)
        return started

    # -- one delivery ----------------------------------------------------------------------------
    async def _handle(
        self,
        lane: Lane,
        entry_id: str,
        delivery: Delivery,
        state: str,
        slot: Decision | None = None,
    ) -> None:
        try:
            if state == "busy":  # its live owner is sending it and will ack it
                return
            if state in ("sent", "inactive"):
                await self._finish(
                    lane, entry_id, "duplicates_skipped" if state == "sent" else "dropped"
                )
                # sent: counted already unless its sender died before counting (counts are per
                # chat, so this never counts twice); inactive: the chat blocked the bot meanwhile
                await self._settle(delivery, "sent" if state == "sent" else "blocked")
                return
            await self._deliver(lane, entry_id, delivery, slot)
        except (_Stopping, asyncio.CancelledError):
            if entry_id in self._posting:
                # On the wire when cancelled: it stays pending and its guard says ``sending`` by
                # us, so whoever claims it after we are gone sends it again (at most one repeat).
                self._posting.discard(entry_id)
            else:
                await asyncio.shield(self._hand_back(lane, entry_id, delivery))
        except Exception:
            log.exception("sender: a delivery failed unexpectedly; it stays pending for a retry")

    async def _first_slots(
        self, entries: list[tuple[Lane, str, Delivery]], states: list[str]
    ) -> list[Decision | None]:
        """Ask the limiter for the whole batch at once (per lane): one call, not one per send."""
        slots: list[Decision | None] = [None] * len(entries)
        if self._stopping.is_set():
            return slots
        for lane in Lane:
            picked = [
                i
                for i, ((entry_lane, _, _), state) in enumerate(zip(entries, states, strict=True))
                if entry_lane is lane and state == "go"
            ]
            if picked:
                chats = [entries[i][2].chat_id for i in picked]
                for i, decision in zip(
                    picked, await self.limiter.acquire_many(chats, lane), strict=True
                ):
                    slots[i] = decision
        return slots

    async def _guards(self, deliveries: list[Delivery]) -> list[str]:
        keys = [self.keys.delivery_guard(d.id) for d in deliveries]
        keys += [self.keys.chat(d.chat_id) for d in deliveries]
        states = await self._guard_begin(
            keys=keys,
            args=[self.consumer, self.config.sending_ttl_ms, self.keys.sender_alive("")],
        )
        return (states.decode() if isinstance(states, bytes) else str(states)).split(" ")

    async def _release(self, delivery_id: str) -> None:
        await self._guard_release(
            keys=[self.keys.delivery_guard(delivery_id)], args=[self.consumer]
        )

    async def _deliver(
        self, lane: Lane, entry_id: str, delivery: Delivery, slot: Decision | None
    ) -> None:
        pieces = [_Piece(dict(delivery.params))]
        migrations = 0
        while pieces:
            piece = pieces[0]
            inline = self.config.parts_wait if piece.part_id else self.config.inline_wait
            slot_at = await self._wait_turn(lane, entry_id, delivery, inline, slot)
            if slot_at is None:
                return
            slot = None
            if await self._cancelled(delivery):
                await self._release(delivery.id)
                await self._finish(lane, entry_id, "cancelled")
                return
            outcome = await self._post(lane, entry_id, delivery, piece.params)
            if outcome.answered:
                self.limiter.pacing.observe(time.monotonic() - slot_at)
            kind = outcome.kind
            if kind is Kind.OK:
                pieces.pop(0)
                if piece.part_id:
                    await self.redis.set(
                        self.keys.delivery_guard(piece.part_id), "sent", ex=self.config.sent_ttl
                    )
                continue
            if kind is Kind.FLOOD:
                everyone = await self.limiter.flood(delivery.chat_id, outcome.retry_after)
                if everyone:
                    log.warning("global flood: every sender waits %.0f s", outcome.retry_after)
                await self._defer(lane, entry_id, delivery, outcome.retry_after, "rate_limited")
                return
            if kind is Kind.MIGRATED and outcome.new_chat_id is not None and migrations < 2:
                migrations += 1
                moved = await self.subscriptions.migrate(delivery.chat_id, outcome.new_chat_id)
                log.info("a group became a supergroup: %d subscriptions moved, resending", moved)
                self._count("migrated")
                delivery.chat_id = outcome.new_chat_id
                continue
            if kind is Kind.TOO_LONG and piece.part_id is None and delivery.method == "sendMessage":
                parts = await self._split(delivery, piece.params)
                if parts is not None:
                    pieces = parts
                    self._count("split")
                    continue
            if kind is Kind.BAD_HTML and piece.params.get("parse_mode"):
                params = dict(piece.params)
                params.pop("parse_mode")
                params.pop("entities", None)
                for name in ("text", "caption"):
                    if isinstance(params.get(name), str):
                        params[name] = plain_text(params[name])
                piece.params = params
                if piece.part_id is None:
                    delivery.params = params  # a requeue keeps the plain version
                self._count("plain")
                continue
            if kind is Kind.GONE:
                await self._gone(lane, entry_id, delivery, outcome)
                return
            if kind is Kind.RETRY:
                delivery.attempts += 1
                if delivery.attempts < self.config.max_attempts:
                    delay = min(
                        self.config.backoff_max, self.config.backoff_base * 2**delivery.attempts
                    )
                    delay *= random.uniform(0.8, 1.2)
                    await self._defer(lane, entry_id, delivery, delay, "retried")
                    return
            if kind is Kind.FATAL:
                await self._fatal(lane, entry_id, delivery, outcome)
                return
            await self._dead(lane, entry_id, delivery, outcome)
            return
        await self._done(lane, entry_id, delivery)

    async def _split(self, delivery: Delivery, params: dict) -> list[_Piece] | None:
        text = params.get("text")
        if not isinstance(text, str):
            return None
        html = str(params.get("parse_mode") or "").lower() == "html"
        texts = split_message(text, html=html)
        if len(texts) < 2:
            return None
        ids = [f"{delivery.id}#{k}" for k in range(1, len(texts) + 1)]
        done = await self.redis.mget([self.keys.delivery_guard(i) for i in ids])
        pieces = []
        for k, (part_id, part, mark) in enumerate(zip(ids, texts, done, strict=True)):
            if mark == b"sent":
                continue
            part_params = {**params, "text": part}
            if k < len(texts) - 1:  # buttons go under the last part
                part_params.pop("reply_markup", None)
            pieces.append(_Piece(part_params, part_id))
        return pieces  # empty: every part went out before

    async def _wait_turn(
        self,
        lane: Lane,
        entry_id: str,
        delivery: Delivery,
        inline: float,
        slot: Decision | None = None,
    ) -> float | None:
        """Wait for a send slot (``slot``: the answer already got for the batch).
        Returns the slot's time (monotonic), or None when the delivery was deferred instead (busy
        chat, pause)."""
        asked = time.monotonic()
        while True:
            if self._stopping.is_set():
                raise _Stopping
            if slot is None:
                asked = time.monotonic()
            decision = slot or await self.limiter.acquire(delivery.chat_id, lane)
            slot = None
            if _global_wait(decision, inline):
                async with self._gates[lane]:  # then one waiter per lane polls the global budget
                    asked = time.monotonic()
                    decision = await self.limiter.acquire(delivery.chat_id, lane)
                    while _global_wait(decision, inline):
                        await self._sleep(decision.wait)
                        asked = time.monotonic()
                        decision = await self.limiter.acquire(delivery.chat_id, lane)
            if decision.go:
                if decision.wait >= 0.002:
                    await asyncio.sleep(decision.wait)  # our reserved slot: keep it
                return asked + decision.wait
            if decision.wait > inline:
                await self._defer(lane, entry_id, delivery, decision.wait, None)
                return None
            await self._sleep(decision.wait)

    async def _sleep(self, seconds: float) -> None:
        if await _sleep_or(self._stopping, seconds):
            raise _Stopping

    async def _post(
        self, lane: Lane, entry_id: str, delivery: Delivery, params: dict[str, Any]
    ) -> Outcome:
        assert self._session is not None
        body = {**params, "chat_id": delivery.chat_id}
        if self.config.paid_broadcasts and lane is Lane.BROADCAST:
            body["allow_paid_broadcast"] = True
        self._posting.add(entry_id)  # stays there if we are cancelled on the wire
        try:
            async with self._session.post(
                f"{self.config.api_url}/{delivery.method}", json=body
            ) as response:
                status, raw = response.status, await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            self._posting.discard(entry_id)
            return network_outcome(exc)
        self._posting.discard(entry_id)
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        return classify(status, payload)

    # -- endings ---------------------------------------------------------------------------------
    async def _done(self, lane: Lane, entry_id: str, delivery: Delivery) -> None:
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
        self._count("sent")
        await self._settle(delivery, "sent")
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

    async def _finish(self, lane: Lane, entry_id: str, counter: str) -> None:
        """Ack without sending (already sent, or the chat is inactive)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xack(self.keys.deliveries(lane), GROUP, entry_id)
            pipe.xdel(self.keys.deliveries(lane), entry_id)
            await pipe.execute()
        self._count(counter)

    async def _defer(
        self, lane: Lane, entry_id: str, delivery: Delivery, seconds: float, counter: str | None
    ) -> None:
        await self._release(delivery.id)
        delivery.not_before = time.time() + seconds
        await self.queue.defer(lane, entry_id, delivery)
        if counter:
            self._count(counter)

    async def _hand_back(self, lane: Lane, entry_id: str, delivery: Delivery) -> None:
        """Stopping before the request went out: back on the lane at once, guard released (a
        cancelled broadcast's delivery is dropped instead)."""
        with contextlib.suppress(Exception):
            await self._release(delivery.id)
            if await self._cancelled(delivery):
                await self._finish(lane, entry_id, "cancelled")
                return
            await self.queue.requeue(lane, entry_id, delivery)
            self.totals["handed_back"] += 1  # local only

    async def _gone(self, lane: Lane, entry_id: str, delivery: Delivery, outcome: Outcome) -> None:
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
        self._count("blocked", "failed")
        await self._settle(delivery, "blocked")
        log.debug("chat %s: %s (%d in a row)", chat_id, outcome.reason, in_a_row)
        if in_a_row != self.config.block_after:
            return
        chat = await self.subscriptions.chat(chat_id)
        if chat is not None and chat.active:
            chat.active, chat.inactive_reason = False, outcome.reason
            await self.subscriptions.save_chat(chat)
        dropped = await self.queue.drop_chat(chat_id)
        self._count("deactivated")
        log.info(
            "a chat is unreachable (%s, %d answers in a row): marked inactive, %d queued dropped",
            outcome.reason,
            in_a_row,
            dropped,
        )

    async def _dead(self, lane: Lane, entry_id: str, delivery: Delivery, outcome: Outcome) -> None:
        await self._release(delivery.id)
        await self.queue.dead_letter(lane, entry_id, delivery, outcome.error)
        self._count("dead", "failed")
        await self._settle(delivery, "failed")
        log.warning("a delivery was parked in the dead-letter stream: %s", outcome.error)

    async def _fatal(self, lane: Lane, entry_id: str, delivery: Delivery, outcome: Outcome) -> None:
        """401/404: the token or API URL is wrong. Keep the message, make everyone wait."""
        await self.limiter.pause_all(self.config.fatal_pause)
        await self._defer(lane, entry_id, delivery, self.config.fatal_pause, None)
        if time.monotonic() - self._fatal_logged > 60:
            self._fatal_logged = time.monotonic()
            log.error(
                "Telegram refuses the bot (%s): check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL; "
                "deliveries wait",
                outcome.error,
            )

    async def _cancelled(self, delivery: Delivery) -> bool:
        """A broadcast delivery whose broadcast was cancelled (one HGET, remembered once true)."""
        return delivery.kind == "broadcast" and await self.broadcasts.is_cancelled(delivery.ref)

    async def _settle(self, delivery: Delivery, outcome: BroadcastOutcome) -> None:
        """Count a settled broadcast delivery in its broadcast (idempotent per chat)."""
        if delivery.kind != "broadcast":
            return
        try:
            await self.broadcasts.record(delivery.ref, outcome, delivery.chat_id)
        except Exception as exc:  # the message went out; the count is what is lost
            log.warning("sender: counting a broadcast delivery failed (%s)", type(exc).__name__)

    def _count(self, *names: str) -> None:
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


def _global_wait(decision: Decision, inline: float) -> bool:
    """A wait for the whole bot's budget (not for one chat): short, and shared by every delivery."""
    if decision.go:
        return False
    return decision.scope == "global" or (decision.scope == "pause_all" and decision.wait <= inline)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def _sleep_or(event: asyncio.Event, seconds: float) -> bool:
    """Sleep ``seconds`` unless ``event`` is set first; True when it was."""
    if event.is_set():
        return True
    if seconds <= 0:
        return False
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    return event.is_set()
