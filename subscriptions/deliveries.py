"""The delivery queue: one message for one chat, waiting for a sender.

This is the contract between the producers (fan-out of alerts, digests, broadcasts) and the senders.
A ``Delivery`` carries a ready Bot API call (method + params); the sender adds nothing but ``chat_id``
and knows nothing of alerts. Each lane is a Redis stream read by one consumer group, ``senders``:

- ``alerts``: news alerts and digests. Read first, always.
- ``broadcast``: admin broadcasts. Read only when the alerts lane has nothing ready, so a broadcast
  never delays an alert. (Replies to users do not queue at all: the bot sends them directly.)

An entry is acknowledged only once Telegram accepted the message or the sender gave up on it; a
sender that dies leaves its entries pending, and another claims them (XAUTOCLAIM) after a timeout.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field
from redis.exceptions import ResponseError

from feeds.storage.connection import Storage
from subscriptions.keys import SubscriptionKeys

GROUP = "senders"
STREAM_MAXLEN = 1_000_000  # approximate; trimming by length only bounds a runaway producer
DEAD_MAXLEN = 10_000


# KEYS: delayed zset. ARGV: now, limit, lane stream key prefix, maxlen. Members are "<lane>|<json>".
PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local bar = string.find(member, '|', 1, true)
  local lane = string.sub(member, 1, bar - 1)
  redis.call('XADD', ARGV[3] .. lane, 'MAXLEN', '~', ARGV[4], '*', 'd', string.sub(member, bar + 1))
  redis.call('ZREM', KEYS[1], member)
end
return #due
"""


class Lane(StrEnum):
    ALERTS = "alerts"
    BROADCAST = "broadcast"


LANES_BY_PRIORITY = (Lane.ALERTS, Lane.BROADCAST)


class Delivery(BaseModel):
    """One Bot API call to one chat.

    ``id`` is stable for the same message to the same chat (``a:<alert id>:<chat>``,
    ``b:<broadcast id>:<chat>``, ``d:<digest id>:<chat>``): the sender's duplicate guard is keyed
    by it, so a delivery claimed from a dead sender is not sent twice once it was accepted.
    """

    id: str
    chat_id: int
    method: Literal["sendMessage", "copyMessage"] = "sendMessage"
    params: dict[str, Any] = Field(default_factory=dict)  # everything but chat_id
    lane: Lane = Lane.ALERTS
    kind: Literal["alert", "digest", "broadcast"] = "alert"
    ref: str = ""  # the alert, digest or broadcast id this delivery belongs to
    attempts: int = 0
    created_at: float = Field(default_factory=time.time)
    not_before: float = 0.0  # a requeued delivery waits until then (backoff, 429)


class DeliveryQueue:
    def __init__(self, storage: Storage) -> None:
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)
        self._promote = self.redis.register_script(PROMOTE)

    async def ensure_groups(self) -> None:
        for lane in Lane:
            try:
                await self.redis.xgroup_create(
                    self.keys.deliveries(lane), GROUP, id="0", mkstream=True
                )
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def enqueue(self, deliveries: list[Delivery]) -> None:
        """Append deliveries to their lanes in one round trip."""
        if not deliveries:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for delivery in deliveries:
                pipe.xadd(
                    self.keys.deliveries(delivery.lane),
                    {"d": delivery.model_dump_json()},
                    maxlen=STREAM_MAXLEN,
                    approximate=True,
                )
            await pipe.execute()

    async def read(
        self, consumer: str, count: int = 100, block_ms: int | None = None
    ) -> list[tuple[Lane, str, Delivery]]:
        """New entries for ``consumer``: the alerts lane first; broadcasts only when it is empty."""
        for lane in LANES_BY_PRIORITY:
            got = await self._read_lane(lane, consumer, count)
            if got:
                return got
        if not block_ms:
            return []
        streams = {self.keys.deliveries(lane): ">" for lane in LANES_BY_PRIORITY}
        answer = await self.redis.xreadgroup(GROUP, consumer, streams, count=count, block=block_ms)
        lane_of = {self.keys.deliveries(lane).encode(): lane for lane in Lane}
        return [
            entry
            for key, entries in answer or []
            for entry in _entries(lane_of[key], [[key, entries]])
        ]

    async def _read_lane(
        self, lane: Lane, consumer: str, count: int
    ) -> list[tuple[Lane, str, Delivery]]:
        answer = await self.redis.xreadgroup(
            GROUP, consumer, {self.keys.deliveries(lane): ">"}, count=count
        )
        return _entries(lane, answer)

    async def ack(self, lane: Lane, entry_id: str) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xack(self.keys.deliveries(lane), GROUP, entry_id)
            pipe.xdel(self.keys.deliveries(lane), entry_id)
            await pipe.execute()

    async def requeue(self, lane: Lane, entry_id: str, delivery: Delivery) -> None:
        """Put a delivery back (with its new ``attempts``/``not_before``) and drop the old entry."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(
                self.keys.deliveries(delivery.lane),
                {"d": delivery.model_dump_json()},
                maxlen=STREAM_MAXLEN,
                approximate=True,
            )
            pipe.xack(self.keys.deliveries(lane), GROUP, entry_id)
            pipe.xdel(self.keys.deliveries(lane), entry_id)
            await pipe.execute()

    async def defer(self, lane: Lane, entry_id: str, delivery: Delivery) -> None:
        """Take a delivery off its lane until ``delivery.not_before`` (a 429, a backoff): it waits in
        the delayed set, and ``promote_due`` puts it back on its lane when the time comes."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(
                self.keys.deliveries_delayed,
                {f"{delivery.lane}|{delivery.model_dump_json()}": delivery.not_before},
            )
            pipe.xack(self.keys.deliveries(lane), GROUP, entry_id)
            pipe.xdel(self.keys.deliveries(lane), entry_id)
            await pipe.execute()

    async def promote_due(self, now: float | None = None, limit: int = 500) -> int:
        """Move delayed deliveries whose time has come back onto their lanes (atomically: a
        delivery is always in exactly one place). Any sender may call it; returns how many moved."""
        now = time.time() if now is None else now
        moved = await self._promote(
            keys=[self.keys.deliveries_delayed],
            args=[now, limit, self.keys.deliveries(""), STREAM_MAXLEN],
        )
        return int(moved)

    async def next_due(self) -> float | None:
        """When the earliest delayed delivery is due (epoch seconds), or None."""
        first = await self.redis.zrange(self.keys.deliveries_delayed, 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    async def delayed_count(self) -> int:
        return await self.redis.zcard(self.keys.deliveries_delayed)

    async def claim_stale(
        self, consumer: str, min_idle_ms: int, count: int = 100
    ) -> list[tuple[Lane, str, Delivery]]:
        """Entries a dead (or stuck) sender left pending for longer than ``min_idle_ms``."""
        claimed: list[tuple[Lane, str, Delivery]] = []
        for lane in LANES_BY_PRIORITY:
            answer = await self.redis.xautoclaim(
                self.keys.deliveries(lane),
                GROUP,
                consumer,
                min_idle_time=min_idle_ms,
                start_id="0-0",
                count=count,
            )
            claimed += _entries(lane, [[self.keys.deliveries(lane), answer[1]]])
        return claimed

    async def dead_letter(self, lane: Lane, entry_id: str, delivery: Delivery, error: str) -> None:
        """Give up on a delivery that keeps failing; keep it with its error for inspection."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(
                self.keys.dead_letters,
                {"d": delivery.model_dump_json(), "error": error},
                maxlen=DEAD_MAXLEN,
                approximate=True,
            )
            pipe.xack(self.keys.deliveries(lane), GROUP, entry_id)
            pipe.xdel(self.keys.deliveries(lane), entry_id)
            await pipe.execute()

    async def lengths(self) -> dict[str, int]:
        """Entries waiting (new or pending) per lane, and dead letters: counts only."""
        out = {}
        for lane in Lane:
            out[str(lane)] = await self.redis.xlen(self.keys.deliveries(lane))
        out["dead"] = await self.redis.xlen(self.keys.dead_letters)
        return out

    async def drop_chat(self, chat_id: int) -> int:
        """/forget: remove a chat's queued deliveries from every lane. Returns how many went."""
        removed = 0
        for lane in Lane:
            key = self.keys.deliveries(lane)
            last = "-"
            while True:
                batch = await self.redis.xrange(key, min=last, max="+", count=1000)
                if not batch:
                    break
                doomed = [
                    eid
                    for eid, fields in batch
                    if Delivery.model_validate_json(fields[b"d"]).chat_id == chat_id
                ]
                if doomed:
                    await self.redis.xack(key, GROUP, *doomed)
                    removed += await self.redis.xdel(key, *doomed)
                if len(batch) < 1000:
                    break
                last = "(" + _sid(batch[-1][0])
        return removed + await self._drop_delayed(chat_id)

    async def forget_chat(self, chat_id: int) -> int:
        """/forget, the delivery side: queued and delayed deliveries, duplicate guards, the
        unreachable count and the chat's rate-limit state. Returns how many deliveries went."""
        removed = await self.drop_chat(chat_id)
        doomed = [
            key
            async for key in self.redis.scan_iter(
                match=self.keys.delivery_guard_pattern(chat_id), count=1000
            )
        ]
        doomed += [
            self.keys.chat_failures(chat_id),
            self.keys.rate_chat(chat_id),
            self.keys.rate_pause_chat(chat_id),
        ]
        for start in range(0, len(doomed), 1000):
            await self.redis.unlink(*doomed[start : start + 1000])
        return removed

    async def forget_consumers(self, idle_ms: int) -> int:
        """Remove consumers that own nothing, were idle ``idle_ms`` and have no heartbeat: every
        sender process registers a consumer of its own, and this keeps the group small."""
        gone = 0
        for lane in Lane:
            key = self.keys.deliveries(lane)
            for info in await self.redis.xinfo_consumers(key, GROUP):
                name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
                if info["pending"] or info["idle"] < idle_ms:
                    continue
                if not await self.redis.exists(self.keys.sender_alive(name)):
                    await self.redis.xgroup_delconsumer(key, GROUP, name)
                    gone += 1
        return gone

    async def _drop_delayed(self, chat_id: int) -> int:
        key = self.keys.deliveries_delayed
        doomed = []
        async for member, _score in self.redis.zscan_iter(key, count=1000):
            raw = member.decode() if isinstance(member, bytes) else member
            if Delivery.model_validate_json(raw.partition("|")[2]).chat_id == chat_id:
                doomed.append(member)
        return await self.redis.zrem(key, *doomed) if doomed else 0


def _entries(lane: Lane, answer: Any) -> list[tuple[Lane, str, Delivery]]:
    out = []
    for _key, entries in answer or []:
        for entry_id, fields in entries:
            if not fields:  # an entry deleted while pending: nothing to deliver
                continue
            out.append((lane, _sid(entry_id), Delivery.model_validate_json(fields[b"d"])))
    return out


def _sid(entry_id: bytes | str) -> str:
    return entry_id.decode() if isinstance(entry_id, bytes) else entry_id
