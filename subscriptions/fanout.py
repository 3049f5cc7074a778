"""Fan-out: each alert on the alerts stream becomes one delivery per subscribed chat.

A chat hears about an alert when it follows at least one of the alert's prisoners or facilities,
is active, is not muted as a whole (``muted_until``), and has not muted every followed target the
alert names ("mute this person"). It gets **one** message naming all of its followed targets in
the alert. Chats in ``daily`` mode get the alert put in their digest buffer instead
(``subscriptions/digest.py``).

``kind == "sources"`` entries (a story already alerted appeared in another feed) send nothing new:
subscribers already had the story, and an edit per extra outlet would be noise. The digest copy of
the alert, if a digest still waits for it, is refreshed so the digest lists every outlet.

Reading: a consumer group (:data:`feeds.watching.keys.FANOUT_GROUP`) on ``WatchKeys.alerts``, so
several ``send`` processes share the work. An entry is acknowledged only after its deliveries are
queued; entries a dead consumer left pending are claimed (``XAUTOCLAIM``) after ``claim_idle_ms``.

Idempotence: a per-alert HASH ``fanout_done(alert)`` of chat ids is written **in the same Lua
script** as the chat's delivery (``HSETNX`` then ``XADD``), so re-processing an alert after a crash
between enqueue and ack, or two consumers racing on a claimed entry, queue nothing twice, chat by
chat (even when the subscriber list changed in between). Delivery ids are deterministic too
(``a:<alert id>:<chat>``), so the sender's duplicate guard is a second line.

Rendering needs texts and the registry, which live in ``bot/``: the constructor takes
``render(alert, chat, followed_ids) -> sendMessage params`` (sync or async); the real one is
``bot.telegram.alert_message.AlertRenderer``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert, AlertStream
from feeds.watching.keys import FANOUT_GROUP, WatchKeys
from subscriptions.chats import Chat, DeliveryMode
from subscriptions.deliveries import STREAM_MAXLEN, Delivery, Lane
from subscriptions.digest import BUFFER_TTL, item_json, next_due
from subscriptions.keys import SubscriptionKeys

log = logging.getLogger("vestka.fanout")

DONE_TTL = BUFFER_TTL  # far longer than any claim timeout
CHATS_PER_SCRIPT = 200  # chats per Lua call: bounds how long one call holds Redis
READ_COUNT = 20
BLOCK_MS = 1000
CLAIM_IDLE_MS = 60_000
CLAIM_EVERY = 15.0

# KEYS: done hash, alerts lane, digest due zset, digest alert body, then one digest buffer per
# daily chat (in ARGV order). ARGV: ttl, maxlen, alert id, alert JSON ('' when no daily chat),
# n (instant chats), n x (chat, delivery JSON), then (chat, item JSON, due) per daily chat.
ENQUEUE = """
local ttl = tonumber(ARGV[1])
local n = tonumber(ARGV[5])
local queued, buffered = 0, 0
local i = 6
for _ = 1, n do
  if redis.call('HSETNX', KEYS[1], ARGV[i], '1') == 1 then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'd', ARGV[i + 1])
    queued = queued + 1
  end
  i = i + 2
end
local k = 5
while i <= #ARGV do
  if redis.call('HSETNX', KEYS[1], ARGV[i], '1') == 1 then
    redis.call('HSET', KEYS[k], ARGV[3], ARGV[i + 1])
    redis.call('EXPIRE', KEYS[k], ttl)
    redis.call('ZADD', KEYS[3], 'NX', ARGV[i + 2], ARGV[i])
    buffered = buffered + 1
  end
  i = i + 3
  k = k + 1
end
if buffered > 0 then redis.call('SET', KEYS[4], ARGV[4], 'EX', ttl) end
redis.call('EXPIRE', KEYS[1], ttl)
return {queued, buffered}
"""

Renderer = Callable[[Alert, Chat, list[str]], "dict[str, Any] | Awaitable[dict[str, Any]]"]


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Fanout:
    """The fan-out consumer: ``await Fanout(storage, render, zone).run(stop)``.

    ``storage``: the shared Redis; ``render``: ``(alert, chat, followed ids) -> params``;
    ``zone``: ``settings.zone`` (digest hours); ``consumer``: this process's name in the group
    (unique per process; a default is made up); ``claim_idle_ms``: how long an entry may stay
    pending with a silent consumer before another takes it; ``start_id``: where a newly created
    group starts (``$``: only alerts from now on); ``clock``: epoch seconds (tests).
    """

    def __init__(
        self,
        storage: Storage,
        render: Renderer,
        zone: ZoneInfo,
        consumer: str | None = None,
        claim_idle_ms: int = CLAIM_IDLE_MS,
        block_ms: int = BLOCK_MS,
        start_id: str = "$",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)
        self.render = render
        self.zone = zone
        self.consumer = consumer or consumer_name()
        self.claim_idle_ms = claim_idle_ms
        self.block_ms = block_ms
        self.start_id = start_id
        self.clock = clock
        self.stream = WatchKeys.of(storage.keys).alerts
        self._enqueue = self.redis.register_script(ENQUEUE)
        self._last_claim = 0.0
        self.processed = 0  # alerts handled by this consumer (tests, logs)

    # -- the loop ---------------------------------------------------------------------------------
    async def ensure_group(self) -> None:
        await AlertStream(self.redis, self.keys).ensure_group(self.start_id)

    async def run(self, stop: asyncio.Event) -> None:
        await self.ensure_group()
        log.info("fan-out running as consumer %s", self.consumer)
        while not stop.is_set():
            try:
                await self.step(block_ms=self.block_ms)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("fan-out step failed; pending alerts are retried")
                await _pause(stop, 1.0)

    async def step(self, block_ms: int | None = None) -> int:
        """Claim stale entries (now and then), read new ones, handle and ack each. Returns how
        many entries were handled."""
        entries: list[tuple[str, dict]] = []
        now = time.monotonic()
        if now - self._last_claim >= CLAIM_EVERY or self.claim_idle_ms == 0:
            self._last_claim = now
            entries += await self._claim()
        if not entries:
            answer = await self.redis.xreadgroup(
                FANOUT_GROUP, self.consumer, {self.stream: ">"}, count=READ_COUNT, block=block_ms
            )
            for _key, got in answer or []:
                entries += [(_sid(sid), fields) for sid, fields in got]
        for sid, fields in entries:
            await self.handle_entry(fields)
            await self._ack(sid)
        return len(entries)

    async def _claim(self) -> list[tuple[str, dict]]:
        answer = await self.redis.xautoclaim(
            self.stream,
            FANOUT_GROUP,
            self.consumer,
            min_idle_time=self.claim_idle_ms,
            start_id="0-0",
            count=READ_COUNT,
        )
        out = []
        for sid, fields in answer[1]:
            if fields:
                out.append((_sid(sid), fields))
            else:  # trimmed away while pending: nothing left to do
                await self._ack(_sid(sid))
        return out

    async def _ack(self, sid: str) -> None:
        await self.redis.xack(self.stream, FANOUT_GROUP, sid)

    async def handle_entry(self, fields: dict) -> tuple[int, int]:
        raw = fields.get(b"alert")
        try:
            alert = Alert.model_validate_json(raw) if raw else None
        except ValidationError:
            alert = None
        if alert is None:
            log.warning("skipping an unreadable alert entry")
            return (0, 0)
        return await self.handle(alert)

    # -- one alert --------------------------------------------------------------------------------
    async def handle(self, alert: Alert) -> tuple[int, int]:
        """Fan one alert out. Returns (messages queued, digest entries added) by this call."""
        self.processed += 1
        if alert.kind == "sources":
            await self.redis.set(
                self.keys.digest_alert(alert.id), alert.model_dump_json(), xx=True, keepttl=True
            )
            return (0, 0)
        targets = list(dict.fromkeys(alert.targets))
        if not targets:
            return (0, 0)
        async with self.redis.pipeline(transaction=False) as pipe:
            for target in targets:
                pipe.smembers(self.keys.target_chats(target))
            members = await pipe.execute()
        followed: dict[int, list[str]] = {}
        for target, chats in zip(targets, members, strict=True):
            for chat in chats:
                followed.setdefault(int(chat), []).append(target)
        chat_ids = sorted(followed)
        queued = buffered = 0
        for start in range(0, len(chat_ids), CHATS_PER_SCRIPT):
            batch = chat_ids[start : start + CHATS_PER_SCRIPT]
            got = await self._fan_batch(alert, batch, followed)
            queued += got[0]
            buffered += got[1]
        if queued or buffered:
            log.info("alert %s: %d messages queued, %d put in digests", alert.id, queued, buffered)
        return (queued, buffered)

    async def _fan_batch(
        self, alert: Alert, chat_ids: list[int], followed: dict[int, list[str]]
    ) -> tuple[int, int]:
        now = self.clock()
        async with self.redis.pipeline(transaction=False) as pipe:
            for chat_id in chat_ids:
                pipe.hgetall(self.keys.chat(chat_id))
                pipe.hgetall(self.keys.chat_mutes(chat_id))
            replies = await pipe.execute()
        instant: list[str] = []
        daily: list[str] = []
        buffers: list[str] = []
        cache: dict[tuple, dict[str, Any]] = {}
        for i, chat_id in enumerate(chat_ids):
            data, mutes = replies[2 * i], replies[2 * i + 1]
            if not data:
                continue
            chat = Chat.from_hash(chat_id, data)
            if not chat.active or chat.muted_until > now:
                continue
            muted = {k.decode() for k, v in mutes.items() if float(v) > now}
            mine = [
                t
                for t in followed[chat_id]
                if t not in muted and (chat.namesakes or not alert.namesake_of(t))
            ]
            if not mine:
                continue
            if chat.mode is DeliveryMode.DAILY:
                due = next_due(now, chat.digest_hour, self.zone)
                daily += [str(chat_id), item_json(mine, now), str(due)]
                buffers.append(self.keys.digest_buffer(chat_id))
                continue
            key = (chat.lang, chat.thread_id, tuple(mine))
            params = cache.get(key)
            if params is None:
                try:
                    params = await self._render(alert, chat, mine)
                except Exception:
                    log.exception("rendering alert %s failed for one chat", alert.id)
                    continue
                cache[key] = params
            delivery = Delivery(
                id=f"a:{alert.id}:{chat_id}",
                chat_id=chat_id,
                params=params,
                lane=Lane.ALERTS,
                kind="alert",
                ref=alert.id,
            )
            instant += [str(chat_id), delivery.model_dump_json()]
        if not instant and not daily:
            return (0, 0)
        keys = [
            self.keys.fanout_done(alert.id),
            self.keys.deliveries(Lane.ALERTS),
            self.keys.digest_due,
            self.keys.digest_alert(alert.id),
            *buffers,
        ]
        args = [
            DONE_TTL,
            STREAM_MAXLEN,
            alert.id,
            alert.model_dump_json() if daily else "",
            len(instant) // 2,
            *instant,
            *daily,
        ]
        queued, buffered = await self._enqueue(keys=keys, args=args)
        return (int(queued), int(buffered))

    async def _render(self, alert: Alert, chat: Chat, followed: list[str]) -> dict[str, Any]:
        result = self.render(alert, chat, followed)
        return await result if inspect.isawaitable(result) else result


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def _sid(entry_id: bytes | str) -> str:
    return entry_id.decode() if isinstance(entry_id, bytes) else entry_id
