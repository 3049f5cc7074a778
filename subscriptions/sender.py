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
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp

from feeds.storage.connection import Storage
from subscriptions.courier import Courier, sleep_or
from subscriptions.deliveries import Delivery, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.ratelimit import RateConfig, RateLimiter
from subscriptions.sender_config import SenderConfig
from subscriptions.settling import Settler

log = logging.getLogger("vestka.sender")

CONSUMER_TIDY_EVERY = 300.0  # seconds between sweeps of dead consumers

CONSUMER_IDLE_MS = 3_600_000  # a consumer idle this long, owning nothing, without heartbeat: gone


class Sender:
    """One consumer of the delivery queue: reads it, starts a courier's task per delivery, keeps
    its heartbeat, and puts back what is due or what a dead sender left (see the module docstring).
    """

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
        self.limiter = RateLimiter(storage, rates)
        self.settler = Settler(storage, config, self.limiter, on_sent)
        self.queue: DeliveryQueue = self.settler.queue
        self._stopping = asyncio.Event()  # stop reading, hand back what is not on the wire
        self._closed = asyncio.Event()  # in-flight work is over: helpers end
        self.courier = Courier(config, self.limiter, self.settler, self._stopping)
        self._tasks: dict[str, asyncio.Task] = {}  # entry id -> task
        self._alive_key = self.keys.sender_alive(self.consumer)

    @property
    def totals(self) -> Counter[str]:
        """Outcomes counted in this process (benchmarks, logs)."""
        return self.settler.totals

    async def flush_counters(self) -> None:
        await self.settler.flush_counters()

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
        self.courier.session = aiohttp.ClientSession(
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
                await self.settler.flush_counters()
            await self.courier.session.close()
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
                await sleep_or(stop, 1.0)
                continue
            await self._start(entries)

    async def _start(self, entries: list[tuple[Lane, str, Delivery]]) -> int:
        """Take the guards of a batch in one call, then deliver each in a task of its own."""
        entries = [e for e in entries if e[1] not in self._tasks]
        if not entries:
            return 0
        try:
            states = await self.settler.guards([d for _, _, d in entries])
            slots = await self.courier.first_slots(entries, states)
        except Exception as exc:  # they stay pending; a claim retries them
            log.warning("sender: taking guards failed (%s)", type(exc).__name__)
            return 0
        for (lane, entry_id, delivery), state, slot in zip(entries, states, slots, strict=True):
            task = asyncio.create_task(self.courier.handle(lane, entry_id, delivery, state, slot))
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
        while not await sleep_or(self._closed, self.config.heartbeat_ttl_ms / 3000):
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
                await self.settler.flush_counters()
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
            await sleep_or(self._closed, self.config.promote_every)

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


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
