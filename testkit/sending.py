"""A sender pointed at a fake Bot API, run until told to stop; deliveries to queue, and reads of
the delivery counters and the queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from feeds.storage.connection import Storage
from subscriptions.deliveries import Delivery, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.outcomes import COUNTERS
from subscriptions.ratelimit import RateConfig
from subscriptions.sender import Sender
from subscriptions.sender_config import SenderConfig
from testkit.botapi import FakeBotAPI

# Fast limits for tests that are not about limits: many chats, short per-chat spacing.
FAST = RateConfig(send_rate=5000, private_interval_ms=5, group_interval_ms=5, margin_ms=0)


def sender(storage: Storage, api: FakeBotAPI, rates: RateConfig = FAST, **config: Any) -> Sender:
    options: dict[str, Any] = {
        "backoff_base": 0.02,
        "backoff_max": 0.2,
        "claim_every": 0.05,
        "promote_every": 0.02,
        "read_block_ms": 50,
        "request_timeout": 5.0,
        "grace": 3.0,
    }
    options.update(config)
    return Sender(storage, SenderConfig(api_url=api.api_url, **options), rates)


@asynccontextmanager
async def running(*senders: Sender) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(s.run(stop)) for s in senders]
    try:
        yield stop
    finally:
        stop.set()
        done, pending = await asyncio.wait(tasks, timeout=15)
        if pending:
            for task in asyncio.all_tasks():
                task.print_stack()
            raise AssertionError("the sender did not stop within 15 s")
        for task in done:
            task.result()


def delivery(
    chat_id: int,
    text: str = "",
    lane: Lane = Lane.ALERTS,
    ref: str = "a1",
    **params: Any,
) -> Delivery:
    kind = "broadcast" if lane is Lane.BROADCAST else "alert"
    return Delivery(
        id=f"{kind[0]}:{ref}:{chat_id}",
        chat_id=chat_id,
        lane=lane,
        kind=kind,
        ref=ref,
        params={
            "text": text or f"<b>News</b> for {chat_id} about {ref}",
            "parse_mode": "HTML",
            **params,
        },
    )


async def enqueue(storage: Storage, *deliveries: Delivery) -> DeliveryQueue:
    queue = DeliveryQueue(storage)
    await queue.ensure_groups()
    await queue.enqueue(list(deliveries))
    return queue


async def counters(storage: Storage) -> dict[str, int]:
    raw = await storage.redis.hgetall(SubscriptionKeys.of(storage.keys).delivery_counters)
    out = dict.fromkeys(COUNTERS, 0)
    out.update({k.decode(): int(v) for k, v in raw.items()})
    return out


async def queue_empty(storage: Storage) -> bool:
    """Nothing queued, pending or delayed (read in one transaction: a delivery moving between the
    delayed set and a lane is never missed)."""
    keys = SubscriptionKeys.of(storage.keys)
    async with storage.redis.pipeline(transaction=True) as pipe:
        pipe.xlen(keys.deliveries("alerts"))
        pipe.xlen(keys.deliveries("broadcast"))
        pipe.zcard(keys.deliveries_delayed)
        return not any(await pipe.execute())


async def queued(storage: Storage, lane: Lane = Lane.ALERTS) -> list[Delivery]:
    """What waits in a delivery lane, oldest first (as a sender would read it)."""
    entries = await storage.redis.xrange(SubscriptionKeys.of(storage.keys).deliveries(lane))
    return [Delivery.model_validate_json(fields[b"d"]) for _, fields in entries]
