"""Who follows what: a set of targets per chat and a set of chats per target, kept in step.

Both directions are needed: ``/list`` reads a chat's set, fan-out reads a target's set. Changes that
touch both run as Lua scripts so the two never disagree, even with several bot processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from feeds.storage.connection import Storage
from subscriptions.chats import Chat
from subscriptions.keys import SubscriptionKeys

DEFAULT_CAP = 200

# KEYS: chat_targets, target_chats, chats, chat_hash. ARGV: target, chat_id, cap.
SUBSCRIBE = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'already' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'cap' end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[2])
return 'added'
"""

# KEYS: old chat_targets, new chat_targets, old chat hash, new chat hash, chats, old mutes, new mutes
# ARGV: old id, new id, target-set prefix. Moves everything the old chat had to the new id.
MIGRATE = """
local targets = redis.call('SMEMBERS', KEYS[1])
for _, target in ipairs(targets) do
  redis.call('SADD', KEYS[2], target)
  local key = ARGV[3] .. target
  redis.call('SREM', key, ARGV[1])
  redis.call('SADD', key, ARGV[2])
end
redis.call('DEL', KEYS[1])
local settings = redis.call('HGETALL', KEYS[3])
if #settings > 0 then redis.call('HSET', KEYS[4], unpack(settings)) end
redis.call('DEL', KEYS[3])
local mutes = redis.call('HGETALL', KEYS[6])
if #mutes > 0 then redis.call('HSET', KEYS[7], unpack(mutes)) end
redis.call('DEL', KEYS[6])
redis.call('SREM', KEYS[5], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[2])
return #targets
"""

# KEYS: chat_targets, chats, chat hash, mutes. ARGV: chat id, target-set prefix.
FORGET = """
local targets = redis.call('SMEMBERS', KEYS[1])
for _, target in ipairs(targets) do redis.call('SREM', ARGV[2] .. target, ARGV[1]) end
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
redis.call('SREM', KEYS[2], ARGV[1])
return #targets
"""


class Subscribed(StrEnum):
    ADDED = "added"
    ALREADY = "already"
    CAP = "cap"


@dataclass(frozen=True, slots=True)
class Counts:
    chats: int
    active_chats: int
    subscriptions: int


class SubscriptionStore:
    def __init__(self, storage: Storage, cap: int = DEFAULT_CAP) -> None:
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)
        self.cap = cap
        self._subscribe = self.redis.register_script(SUBSCRIBE)
        self._migrate = self.redis.register_script(MIGRATE)
        self._forget = self.redis.register_script(FORGET)

    # -- chats ------------------------------------------------------------------------------------
    async def chat(self, chat_id: int) -> Chat | None:
        data = await self.redis.hgetall(self.keys.chat(chat_id))
        return Chat.from_hash(chat_id, data) if data else None

    async def save_chat(self, chat: Chat) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.chat(chat.id), mapping=chat.to_hash())
            pipe.sadd(self.keys.chats, chat.id)
            await pipe.execute()

    async def chat_ids(self) -> list[int]:
        return sorted(int(c) for c in await self.redis.smembers(self.keys.chats))

    # -- subscriptions ----------------------------------------------------------------------------
    async def subscribe(self, chat_id: int, target_id: str) -> Subscribed:
        keys = [
            self.keys.chat_targets(chat_id),
            self.keys.target_chats(target_id),
            self.keys.chats,
            self.keys.chat(chat_id),
        ]
        result = await self._subscribe(keys=keys, args=[target_id, chat_id, self.cap])
        return Subscribed(result.decode() if isinstance(result, bytes) else result)

    async def unsubscribe(self, chat_id: int, target_id: str) -> bool:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.srem(self.keys.chat_targets(chat_id), target_id)
            pipe.srem(self.keys.target_chats(target_id), chat_id)
            pipe.hdel(self.keys.chat_mutes(chat_id), target_id)
            removed, *_ = await pipe.execute()
        return bool(removed)

    async def targets_of(self, chat_id: int) -> list[str]:
        return sorted(
            t.decode() for t in await self.redis.smembers(self.keys.chat_targets(chat_id))
        )

    async def subscribers_of(self, target_id: str) -> set[int]:
        return {int(c) for c in await self.redis.smembers(self.keys.target_chats(target_id))}

    async def is_subscribed(self, chat_id: int, target_id: str) -> bool:
        return bool(await self.redis.sismember(self.keys.chat_targets(chat_id), target_id))

    # -- per-target mutes ("mute this person") ----------------------------------------------------
    async def mute_target(self, chat_id: int, target_id: str, until: float) -> None:
        await self.redis.hset(self.keys.chat_mutes(chat_id), target_id, until)

    async def unmute_target(self, chat_id: int, target_id: str) -> None:
        await self.redis.hdel(self.keys.chat_mutes(chat_id), target_id)

    async def muted_targets(self, chat_id: int, now: float | None = None) -> dict[str, float]:
        now = time.time() if now is None else now
        raw = await self.redis.hgetall(self.keys.chat_mutes(chat_id))
        return {k.decode(): float(v) for k, v in raw.items() if float(v) > now}

    # -- whole-chat operations --------------------------------------------------------------------
    async def migrate(self, old_id: int, new_id: int) -> int:
        """A group became a supergroup: everything moves to the new id. Returns targets moved."""
        if old_id == new_id:
            return 0
        keys = [
            self.keys.chat_targets(old_id),
            self.keys.chat_targets(new_id),
            self.keys.chat(old_id),
            self.keys.chat(new_id),
            self.keys.chats,
            self.keys.chat_mutes(old_id),
            self.keys.chat_mutes(new_id),
        ]
        moved = await self._migrate(keys=keys, args=[old_id, new_id, self._target_prefix])
        chat = await self.chat(new_id)
        if chat is not None and chat.kind == "group":
            await self.redis.hset(self.keys.chat(new_id), "kind", "supergroup")
        return int(moved)

    async def forget(self, chat_id: int) -> int:
        """Delete everything held about the chat. Returns how many subscriptions went."""
        keys = [
            self.keys.chat_targets(chat_id),
            self.keys.chats,
            self.keys.chat(chat_id),
            self.keys.chat_mutes(chat_id),
        ]
        return int(await self._forget(keys=keys, args=[chat_id, self._target_prefix]))

    async def counts(self) -> Counts:
        chat_ids = await self.chat_ids()
        async with self.redis.pipeline(transaction=False) as pipe:
            for chat_id in chat_ids:
                pipe.hget(self.keys.chat(chat_id), "active")
                pipe.scard(self.keys.chat_targets(chat_id))
            replies = await pipe.execute() if chat_ids else []
        actives = replies[0::2]
        return Counts(
            chats=len(chat_ids),
            active_chats=sum(1 for a in actives if a != b"0"),
            subscriptions=sum(replies[1::2]),
        )

    @property
    def _target_prefix(self) -> str:
        return self.keys.target_chats("")
