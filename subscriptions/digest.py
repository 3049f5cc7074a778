"""Digest mode: a chat in ``daily`` mode gets one message a day, at its hour in ``TZ``, grouping the
alerts fan-out put aside for it since its last digest.

Storage (keys in ``subscriptions/keys.py``):

- ``digest_buffer(chat)``: HASH alert id -> ``{"t": [followed ids], "at": epoch}``, appended by the
  fan-out (in the same script that marks the alert fanned out for that chat, so a crash never
  buffers twice); the key expires :data:`BUFFER_TTL` after the last append.
- ``digest_alert(alert id)``: the alert's JSON, once for all chats, expiring like the buffers; a
  ``sources`` update of the story refreshes it, so the digest lists every outlet that carried it.
- ``digest_due``: ZSET chat -> epoch seconds when its digest is due: the next ``digest_hour``:00 in
  ``TZ`` after the first alert was buffered. ``/mode daily HH`` moves it, ``/mode instant`` makes it
  due at once (what was waiting is sent as a last digest, nothing is lost).

:class:`DigestScheduler` checks due chats every minute (``now`` is injectable). Rendering (the
chat's language, texts) lives in ``bot/``: it is a callable ``render(chat, items) -> [params]``
returning one ``sendMessage`` payload per message (several when a day is longer than 4096
characters). The messages and the buffer cleanup go in one script that first checks the chat's due
time is still the one read (compare and set), so two schedulers never send the same digest, and a
digest's deliveries have stable ids (``d:<yyyymmddHHMMSS of due>[-<part>]:<chat>``) for the sender's
guard. At digest time, targets the chat stopped following or muted since are left out again.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert
from subscriptions.chats import Chat, DeliveryMode
from subscriptions.deliveries import STREAM_MAXLEN, Delivery, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.store import SubscriptionStore

log = logging.getLogger("vestka.digest")

BUFFER_TTL = 3 * 86400  # longer than a day between digests, with room for an outage
CHECK_EVERY = 60.0
BATCH = 100  # due chats handled per tick round

# KEYS: due zset, buffer, alerts lane. ARGV: chat, expected due, next due ('' = none), maxlen,
# n (fields consumed), field_1..field_n, then delivery JSON, one per message.
CONSUME = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not score) or tonumber(score) ~= tonumber(ARGV[2]) then return -1 end
local n = tonumber(ARGV[5])
for i = 6, 5 + n do redis.call('HDEL', KEYS[2], ARGV[i]) end
local sent = 0
for i = 6 + n, #ARGV do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'd', ARGV[i])
  sent = sent + 1
end
if redis.call('HLEN', KEYS[2]) > 0 and ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
end
return sent
"""


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One alert in a chat's digest: the alert and the chat's followed targets it names."""

    alert: Alert
    followed: list[str]
    at: float


DigestRenderer = Callable[
    [Chat, list[DigestItem]], "list[dict[str, Any]] | Awaitable[list[dict[str, Any]]]"
]


def next_due(now: float, hour: int, zone: ZoneInfo) -> int:
    """Epoch seconds of the first ``hour``:00 in ``zone`` strictly after ``now``."""
    day = datetime.fromtimestamp(now, zone).date()
    for offset in range(3):
        candidate = datetime.combine(day + timedelta(days=offset), dtime(hour), tzinfo=zone)
        if candidate.timestamp() > now:
            return int(candidate.timestamp())
    raise AssertionError("unreachable: a day later is always later")


def digest_id(due: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(due, zone).strftime("%Y%m%d%H%M%S")


def delivery_id(digest: str, part: int, chat_id: int) -> str:
    return f"d:{digest}:{chat_id}" if part == 1 else f"d:{digest}-{part}:{chat_id}"


class DigestStore:
    """The digest state of chats: used by the bot (/mode, /forget) and by the scheduler."""

    def __init__(self, storage: Storage) -> None:
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)

    async def pending(self, chat_id: int) -> int:
        """How many alerts wait for the chat's next digest."""
        return int(await self.redis.hlen(self.keys.digest_buffer(chat_id)))

    async def due_at(self, chat_id: int) -> float | None:
        score = await self.redis.zscore(self.keys.digest_due, chat_id)
        return float(score) if score is not None else None

    async def reschedule(self, chat_id: int, due: float) -> bool:
        """Move a chat's waiting digest (if it has one) to ``due``. ``/mode`` calls it."""
        changed = await self.redis.zadd(
            self.keys.digest_due, {str(chat_id): int(due)}, xx=True, ch=True
        )
        return bool(changed)

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its waiting digest moves with it (the sender's migration
        may call this; otherwise the old id's digest is dropped at its hour, chat unknown)."""
        old_key, new_key = self.keys.digest_buffer(old_id), self.keys.digest_buffer(new_id)
        due = await self.redis.zscore(self.keys.digest_due, old_id)
        items = await self.redis.hgetall(old_key)
        if due is None or not items:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(new_key, mapping=items)
            pipe.expire(new_key, BUFFER_TTL)
            pipe.delete(old_key)
            pipe.zrem(self.keys.digest_due, old_id)
            pipe.zadd(self.keys.digest_due, {str(new_id): int(due)}, nx=True)
            await pipe.execute()

    async def forget(self, chat_id: int) -> None:
        """/forget: the chat's waiting alerts and its schedule go."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self.keys.digest_buffer(chat_id))
            pipe.zrem(self.keys.digest_due, chat_id)
            await pipe.execute()


class DigestScheduler:
    """Sends due digests: ``await DigestScheduler(...).run(stop)``.

    ``storage``: the shared Redis; ``render``: ``(chat, items) -> [sendMessage params]`` (the real
    one is ``bot.telegram.digest_message.DigestRenderer``); ``zone``: ``settings.zone``; ``clock``:
    "now" in epoch seconds (tests pass their own); ``interval``: seconds between checks.
    """

    def __init__(
        self,
        storage: Storage,
        render: DigestRenderer,
        zone: ZoneInfo,
        clock: Callable[[], float] = time.time,
        interval: float = CHECK_EVERY,
    ) -> None:
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)
        self.render = render
        self.zone = zone
        self.clock = clock
        self.interval = interval
        self.subscriptions = SubscriptionStore(storage)
        self._consume = self.redis.register_script(CONSUME)
        self.checks = 0  # completed checks (tests wait on it)

    async def run(self, stop: asyncio.Event) -> None:
        log.info("digest scheduler running")
        while not stop.is_set():
            try:
                await self.tick()
                self.checks += 1
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("digest check failed; retrying at the next one")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    async def tick(self, now: float | None = None) -> int:
        """Send every digest due at ``now``. Returns how many messages were queued."""
        now = self.clock() if now is None else now
        queued = 0
        while True:
            due = await self.redis.zrangebyscore(
                self.keys.digest_due, "-inf", now, start=0, num=BATCH, withscores=True
            )
            if not due:
                return queued
            progressed = False
            for member, score in due:
                sent = await self.send_chat(int(member), score, now)
                queued += max(sent, 0)
                progressed = progressed or sent >= 0
            if not progressed or len(due) < BATCH:
                return queued

    async def send_chat(self, chat_id: int, due: float, now: float) -> int:
        """Render and queue one chat's digest; -1 when another scheduler got there first."""
        buffer_key = self.keys.digest_buffer(chat_id)
        raw_items = await self.redis.hgetall(buffer_key)
        chat = await self.subscriptions.chat(chat_id)
        fields = [k.decode() for k in raw_items]
        params: list[dict[str, Any]] = []
        if chat is not None and chat.active and chat.muted_until <= now:
            items = await self._items(chat, raw_items, now)
            if items:
                rendered = self.render(chat, items)
                params = await rendered if inspect.isawaitable(rendered) else rendered
        elif chat is not None:
            log.debug("digest dropped: chat inactive or muted")
        did = digest_id(due, self.zone)
        deliveries = [
            Delivery(
                id=delivery_id(did, part, chat_id),
                chat_id=chat_id,
                params=p,
                lane=Lane.ALERTS,
                kind="digest",
                ref=did,
            ).model_dump_json()
            for part, p in enumerate(params, start=1)
        ]
        if chat is not None and chat.mode is DeliveryMode.DAILY:
            later = next_due(now, chat.digest_hour, self.zone)
        else:  # switched to instant meanwhile: whatever arrived while rendering goes next tick
            later = int(now) + 1
        result = await self._consume(
            keys=[self.keys.digest_due, buffer_key, self.keys.deliveries(Lane.ALERTS)],
            args=[chat_id, due, later, STREAM_MAXLEN, len(fields), *fields, *deliveries],
        )
        return int(result)

    async def _items(self, chat: Chat, raw_items: dict, now: float) -> list[DigestItem]:
        entries = []
        for alert_id, value in raw_items.items():
            item = json.loads(value)
            entries.append((alert_id.decode(), item.get("t", []), float(item.get("at", 0))))
        if not entries:
            return []
        bodies = await self.redis.mget([self.keys.digest_alert(a) for a, _, _ in entries])
        following = set(await self.subscriptions.targets_of(chat.id))
        muted = await self.subscriptions.muted_targets(chat.id, now)
        items = []
        for (_alert_id, followed, at), body in zip(entries, bodies, strict=True):
            if body is None:
                continue  # expired: older than the buffer TTL
            keep = [t for t in followed if t in following and t not in muted]
            if keep:
                items.append(DigestItem(Alert.model_validate_json(body), keep, at))
        items.sort(key=lambda item: item.at)
        return items


def item_json(followed: Sequence[str], at: float) -> str:
    return json.dumps({"t": list(followed), "at": round(at, 3)}, separators=(",", ":"))
