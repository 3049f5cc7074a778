"""Broadcasts in Redis: drafts, the one current broadcast, its audience fixed at start and enqueued
from a cursor in batches, per-chat counting, cancel, finish and the final report's claim.

The life of a broadcast and what each state means is ``subscriptions/broadcast.py``; every change
of state here is one script or one WATCHed transaction, so any process can carry on after a
crash."""

from __future__ import annotations

import json
import time
from typing import Any

from redis.exceptions import WatchError

from feeds.storage.connection import Storage
from subscriptions.broadcast import (
    ALL,
    OUTCOMES,
    Broadcast,
    Draft,
    Outcome,
    State,
    _s,
    delivery_for,
    shown_digest,
)
from subscriptions.deliveries import GROUP, STREAM_MAXLEN, Delivery, Lane
from subscriptions.keys import SubscriptionKeys

BATCH_SIZE = 500  # deliveries per MULTI when enqueuing
DRAFT_TTL = 3600  # seconds a preview's confirm button stays valid
KEEP_FINISHED = 30 * 86400  # a finished broadcast's hash and counters are kept this long
CANCEL_CACHE_SECONDS = 0.0  # >0: is_cancelled() may answer "no" from memory for this long


# KEYS: draft, current, meta. ARGV: id, meta prefix, then field/value pairs of the new hash.
# The draft is consumed, the broadcast becomes current, unless another one is still active.
START = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'expired', ''} end
local current = redis.call('GET', KEYS[2])
if current then
  local state = redis.call('HGET', ARGV[2] .. current, 'state')
  if state == 'preparing' or state == 'running' then return {'busy', current} end
end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], unpack(ARGV, 3))
redis.call('DEL', KEYS[1])
return {'started', ARGV[1]}
"""

# KEYS: meta, current, unreported. ARGV: id, new state, now, required state ('' = any active).
FINISH = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'preparing' and state ~= 'running' then return 0 end
if ARGV[4] ~= '' and state ~= ARGV[4] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'finished_at', ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""

# KEYS: meta, counts, counted. ARGV: outcome, chat id ('' = do not deduplicate).
# A cancelled broadcast still counts what was on the wire when the cancel came; the counters freeze
# once the final report is out (``reported``) or the broadcast is done.
RECORD = """
local state, reported = unpack(redis.call('HMGET', KEYS[1], 'state', 'reported'))
if reported then return 0 end
if state ~= 'preparing' and state ~= 'running' and state ~= 'cancelled' then return 0 end
if ARGV[2] ~= '' and redis.call('SADD', KEYS[3], ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return 1
"""


class BroadcastStore:
    def __init__(self, storage: Storage, batch_size: int | None = None) -> None:
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)
        self.batch_size = batch_size or BATCH_SIZE
        self._start = self.redis.register_script(START)
        self._finish = self.redis.register_script(FINISH)
        self._record = self.redis.register_script(RECORD)
        self._cancelled: set[str] = set()
        self._not_cancelled_at: dict[str, float] = {}

    # -- drafts -----------------------------------------------------------------------------------
    async def save_draft(self, draft: Draft) -> None:
        await self.redis.set(
            self.keys.broadcast_draft(draft.id), draft.model_dump_json(), ex=DRAFT_TTL
        )

    async def draft(self, draft_id: str) -> Draft | None:
        raw = await self.redis.get(self.keys.broadcast_draft(draft_id))
        return Draft.model_validate_json(raw) if raw else None

    async def discard_draft(self, draft_id: str) -> bool:
        return bool(await self.redis.delete(self.keys.broadcast_draft(draft_id)))

    # -- starting ---------------------------------------------------------------------------------
    async def current(self) -> Broadcast | None:
        """The broadcast being prepared or sent, if any."""
        raw = await self.redis.get(self.keys.broadcast_current)
        if not raw:
            return None
        found = await self.get(raw.decode())
        return found if found is not None and found.active else None

    async def start(self, draft: Draft) -> tuple[str, str]:
        """Confirm a draft. Returns ``("started", id)``, ``("busy", running id)`` or
        ``("expired", "")`` (the draft is gone: already confirmed, discarded or too old)."""
        now = time.time()
        meta = {
            "id": draft.id,
            "admin_chat": draft.admin_chat,
            "lang": draft.lang,
            "method": draft.method,
            "params": json.dumps(draft.params, ensure_ascii=False),
            "audience": draft.audience,
            "audience_label": draft.audience_label,
            "state": State.PREPARING.value,
            "total": 0,
            "cursor": 0,
            "created_at": now,
        }
        args: list[Any] = [draft.id, self.keys.broadcast("")]
        for key, value in meta.items():
            args += [key, value]
        keys = [
            self.keys.broadcast_draft(draft.id),
            self.keys.broadcast_current,
            self.keys.broadcast(draft.id),
        ]
        status, ref = await self._start(keys=keys, args=args)
        return _s(status), _s(ref)

    async def set_progress_message(self, broadcast_id: str, message_id: int, text: str) -> None:
        """Where the progress is shown (the admin's chat) and what it says now."""
        await self.redis.hset(
            self.keys.broadcast(broadcast_id),
            mapping={"progress_message_id": message_id, "shown": shown_digest(text)},
        )

    async def mark_shown(self, broadcast_id: str, text: str) -> None:
        await self.redis.hset(self.keys.broadcast(broadcast_id), "shown", shown_digest(text))

    # -- reading ----------------------------------------------------------------------------------
    async def get(self, broadcast_id: str) -> Broadcast | None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self.keys.broadcast(broadcast_id))
            pipe.hgetall(self.keys.broadcast_counts(broadcast_id))
            meta, counts = await pipe.execute()
        if not meta:
            return None
        m = {k.decode(): v.decode() for k, v in meta.items()}
        progress = m.get("progress_message_id")
        return Broadcast(
            id=m["id"],
            admin_chat=int(m["admin_chat"]),
            lang=m.get("lang", "en"),
            method=m["method"],
            params=json.loads(m["params"]),
            audience=m.get("audience", ALL),
            audience_label=m.get("audience_label", ""),
            state=State(m["state"]),
            total=int(m.get("total", 0)),
            cursor=int(m.get("cursor", 0)),
            created_at=float(m.get("created_at", 0)),
            started_at=float(m.get("started_at", 0)),
            finished_at=float(m.get("finished_at", 0)),
            progress_message_id=int(progress) if progress else None,
            shown=m.get("shown", ""),
            counts={k.decode(): int(v) for k, v in counts.items()},
        )

    async def audience_size(self, audience: str) -> int:
        """How many active chats a broadcast to ``audience`` would reach now (for the preview)."""
        return len(await self._active_audience(audience))

    # -- preparing and enqueuing ------------------------------------------------------------------
    async def prepare(self, broadcast_id: str) -> bool:
        """Fix the audience (active chats only) and move to ``running``. Idempotent: does nothing
        unless the broadcast is still ``preparing``. Returns whether this call did it."""
        meta_key = self.keys.broadcast(broadcast_id)
        audience = await self.redis.hget(meta_key, "audience")
        if audience is None:
            return False
        entries = await self._active_audience(audience.decode())
        audience_key = self.keys.broadcast_audience(broadcast_id)
        while True:
            try:
                async with self.redis.pipeline(transaction=True) as pipe:
                    await pipe.watch(meta_key)
                    if _s(await pipe.hget(meta_key, "state")) != State.PREPARING:
                        return False
                    pipe.multi()
                    pipe.delete(audience_key)
                    for start in range(0, len(entries), 1000):
                        pipe.rpush(audience_key, *entries[start : start + 1000])
                    pipe.hset(
                        meta_key,
                        mapping={
                            "state": State.RUNNING.value,
                            "total": len(entries),
                            "cursor": 0,
                            "started_at": time.time(),
                        },
                    )
                    await pipe.execute()
                    return True
            except WatchError:
                continue

    async def advance(self, broadcast_id: str, max_batches: int | None = None) -> int:
        """Enqueue the next batches of a running broadcast from its cursor, each batch with its
        new cursor in one transaction. Stops when all are enqueued, the broadcast is no longer
        running, or after ``max_batches``. Returns how many deliveries this call enqueued."""
        meta_key = self.keys.broadcast(broadcast_id)
        audience_key = self.keys.broadcast_audience(broadcast_id)
        lane_key = self.keys.deliveries(Lane.BROADCAST)
        enqueued = batches = 0
        while max_batches is None or batches < max_batches:
            try:
                async with self.redis.pipeline(transaction=True) as pipe:
                    await pipe.watch(meta_key)
                    state, cursor, total, method, params = await pipe.hmget(
                        meta_key, "state", "cursor", "total", "method", "params"
                    )
                    if _s(state) != State.RUNNING or int(cursor) >= int(total):
                        return enqueued
                    cursor = int(cursor)
                    entries = await pipe.lrange(audience_key, cursor, cursor + self.batch_size - 1)
                    if not entries:  # the list is shorter than total: nothing more to do
                        return enqueued
                    pipe.multi()
                    base = json.loads(params)
                    for entry in entries:
                        delivery = delivery_for(broadcast_id, _s(method), base, _s(entry))
                        pipe.xadd(
                            lane_key,
                            {"d": delivery.model_dump_json()},
                            maxlen=STREAM_MAXLEN,
                            approximate=True,
                        )
                    pipe.hset(meta_key, "cursor", cursor + len(entries))
                    await pipe.execute()
            except WatchError:
                continue
            enqueued += len(entries)
            batches += 1
        return enqueued

    async def drive(self, broadcast_id: str, max_batches: int | None = None) -> int:
        """Prepare if needed, then enqueue (what the confirm button and the monitor both call)."""
        await self.prepare(broadcast_id)
        return await self.advance(broadcast_id, max_batches)

    async def _active_audience(self, audience: str) -> list[str]:
        """``chat`` or ``chat:thread`` for each active chat of the audience, sorted by chat id."""
        if audience == ALL:
            chat_ids = sorted(int(c) for c in await self.redis.smembers(self.keys.chats))
        else:
            chat_ids = sorted(
                int(c) for c in await self.redis.smembers(self.keys.target_chats(audience))
            )
        out: list[str] = []
        for start in range(0, len(chat_ids), 1000):
            chunk = chat_ids[start : start + 1000]
            async with self.redis.pipeline(transaction=False) as pipe:
                for chat_id in chunk:
                    pipe.hmget(self.keys.chat(chat_id), "active", "thread_id")
                replies = await pipe.execute()
            for chat_id, (active, thread) in zip(chunk, replies, strict=True):
                if active == b"0":
                    continue
                out.append(f"{chat_id}:{int(thread)}" if thread else str(chat_id))
        return out

    # -- the sender's hooks -----------------------------------------------------------------------
    async def record(self, ref: str, outcome: Outcome | str, chat_id: int | None = None) -> bool:
        """Count one settled delivery of broadcast ``ref``. ``chat_id`` (the delivery's) makes it
        idempotent. Ignored once the broadcast is done or reported. Returns whether it counted."""
        outcome = str(outcome)
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown broadcast outcome {outcome!r}")
        keys = [
            self.keys.broadcast(ref),
            self.keys.broadcast_counts(ref),
            self.keys.broadcast_counted(ref),
        ]
        args = [outcome, "" if chat_id is None else chat_id]
        return bool(await self._record(keys=keys, args=args))

    async def is_cancelled(self, ref: str) -> bool:
        """Whether broadcast ``ref`` was cancelled: the sender skips (and acks) its deliveries.
        One HGET; a cancellation is then remembered for good (``CANCEL_CACHE_SECONDS`` > 0 would
        also let "no" come from memory, at the price of sends after a cancel)."""
        if ref in self._cancelled:
            return True
        checked = self._not_cancelled_at.get(ref)
        now = time.monotonic()
        if checked is not None and now - checked < CANCEL_CACHE_SECONDS:
            return False
        state = _s(await self.redis.hget(self.keys.broadcast(ref), "state"))
        if state == State.CANCELLED:
            self._cancelled.add(ref)
            self._not_cancelled_at.pop(ref, None)
            return True
        if len(self._not_cancelled_at) > 1000:
            self._not_cancelled_at.clear()
        self._not_cancelled_at[ref] = now
        return False

    # -- stopping ---------------------------------------------------------------------------------
    async def cancel(self, broadcast_id: str) -> bool:
        """Stop an active broadcast: counters freeze, nothing more is enqueued, and its queued
        deliveries leave the lane (the sender also skips any it holds already)."""
        if not await self._transition(broadcast_id, State.CANCELLED):
            return False
        self._cancelled.add(broadcast_id)
        return True

    async def finish(self, broadcast_id: str) -> bool:
        """A running broadcast whose deliveries are all settled is done."""
        return await self._transition(broadcast_id, State.DONE, required=State.RUNNING)

    async def _transition(self, broadcast_id: str, state: State, required: str = "") -> bool:
        keys = [
            self.keys.broadcast(broadcast_id),
            self.keys.broadcast_current,
            self.keys.broadcast_unreported,
        ]
        args = [broadcast_id, state.value, time.time(), required]
        return bool(await self._finish(keys=keys, args=args))

    async def drop_queued(self, broadcast_id: str) -> int:
        """Remove the broadcast's deliveries still queued (new, pending, or delayed by the sender).
        Returns how many."""
        return await self._scan_lane(broadcast_id, remove=True)

    async def queued(self, broadcast_id: str) -> int:
        """Deliveries of the broadcast still queued (new, held by a sender, or delayed)."""
        return await self._scan_lane(broadcast_id, remove=False)

    async def _scan_lane(self, broadcast_id: str, remove: bool) -> int:
        key = self.keys.deliveries(Lane.BROADCAST)
        needle = f'"ref":"{broadcast_id}"'.encode()
        found = 0
        last = "-"
        while True:
            batch = await self.redis.xrange(key, min=last, max="+", count=1000)
            mine = [
                eid
                for eid, fields in batch
                if needle in fields.get(b"d", b"")
                and Delivery.model_validate_json(fields[b"d"]).ref == broadcast_id
            ]
            if mine and remove:
                await self.redis.xack(key, GROUP, *mine)
                found += await self.redis.xdel(key, *mine)
            else:
                found += len(mine)
            if len(batch) < 1000:
                return found + await self._scan_delayed(broadcast_id, remove)
            last = "(" + _s(batch[-1][0])

    async def _scan_delayed(self, broadcast_id: str, remove: bool) -> int:
        """Deliveries the sender parked until later (429, backoff): members ``<lane>|<json>`` of
        the delayed set, which it puts back on the lane when due."""
        key = self.keys.deliveries_delayed
        prefix = f"{Lane.BROADCAST}|".encode()
        needle = f'"ref":"{broadcast_id}"'.encode()
        mine = []
        async for member, _score in self.redis.zscan_iter(key, count=1000):
            raw = member if isinstance(member, bytes) else member.encode()
            if raw.startswith(prefix) and needle in raw:
                body = raw[len(prefix) :]
                if Delivery.model_validate_json(body).ref == broadcast_id:
                    mine.append(member)
        if mine and remove:
            return await self.redis.zrem(key, *mine)
        return len(mine)

    # -- reports ----------------------------------------------------------------------------------
    async def unreported(self) -> list[str]:
        return sorted(_s(b) for b in await self.redis.smembers(self.keys.broadcast_unreported))

    async def claim_report(self, broadcast_id: str) -> bool:
        """Take the duty of posting the final report (one process wins)."""
        return bool(await self.redis.srem(self.keys.broadcast_unreported, broadcast_id))

    async def retire(self, broadcast_id: str) -> None:
        """After the report: drop the audience list and per-chat marks, keep the record a while."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(
                self.keys.broadcast_audience(broadcast_id),
                self.keys.broadcast_counted(broadcast_id),
            )
            pipe.hset(self.keys.broadcast(broadcast_id), "reported", 1)
            pipe.expire(self.keys.broadcast(broadcast_id), KEEP_FINISHED)
            pipe.expire(self.keys.broadcast_counts(broadcast_id), KEEP_FINISHED)
            await pipe.execute()
