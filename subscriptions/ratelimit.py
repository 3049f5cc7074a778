"""Telegram's send limits, shared through Redis by every sender of the same bot token.

One Lua call per send checks, atomically and on Redis' clock:

- a pause Telegram asked for (a 429): for the whole bot, or for one chat;
- the chat's own budget: 1 message/s to a private chat, 20/minute to a group, supergroup or channel
  (negative ids);
- the global budget(s) of the delivery's lane.

Each budget is a GCRA (a token bucket kept as one "theoretical arrival time" per key). When the chat
is free and the global budget frees within the lane's *horizon*, the script reserves a slot and
answers "go after N ms" (the caller sleeps N ms, then sends: no second call, no thundering herd);
otherwise it answers "wait N ms" and reserves nothing.

**Arrival, not departure.** Telegram counts a message when it arrives, and the network between a
sender and Telegram delays each request differently. Slots are therefore spaced wider than the bare
limits by a *margin*: the time from a slot to Telegram's answer, which bounds how late the request
can have arrived (``Pacing``: a high percentile of recent sends, measured by each process). With
``m`` ms of margin, sends start at most ``rate`` in any ``1000 + m`` ms, so at most ``rate`` arrive in
any second; one private chat gets a message every ``1000 + m`` ms, a group 20 in any ``60000 + m`` ms.

Lanes: alerts reserve slots up to a second ahead, while broadcasts only take a slot that is free
now (and also stay within their own ``broadcast_rate``), so under a broadcast backlog an alert gets
the very next slot. With paid broadcasts on,
broadcasts leave the free 30/s budget to alerts and use only their own.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from feeds.storage.connection import Storage
from subscriptions.keys import SubscriptionKeys

# KEYS: pause_all, global bucket 1..m, then (pause_chat, chat bucket) for each of n sends
# ARGV: m, horizon ms, (interval ms, tolerance ms) per global bucket, then the chat interval per send
# Answers "go:wait ms:scope" per send, in order, joined by spaces (one string parses fast); each
# granted send reserves its slots at once, so a batch of sends (one queue read) costs one call.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local m = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local n = (#KEYS - 1 - m) / 2
local pa = redis.call('PTTL', KEYS[1])
local tats, dirty = {}, false
for j = 1, m do tats[j] = tonumber(redis.call('GET', KEYS[1 + j]) or '0') end
local out = {}
for i = 1, n do
  local kp, kc = KEYS[1 + m + 2 * i - 1], KEYS[1 + m + 2 * i]
  local pc = redis.call('PTTL', kp)
  if pa > 0 or pc > 0 then
    if pa >= pc then out[i] = '0:' .. pa .. ':pause_all' else out[i] = '0:' .. pc .. ':pause_chat' end
  else
    local ctat = tonumber(redis.call('GET', kc) or '0')
    local cwait = ctat - now
    if cwait > 0 then
      out[i] = '0:' .. math.ceil(cwait) .. ':chat'
    else
      local gwait = 0
      for j = 1, m do
        local w = tats[j] - tonumber(ARGV[2 + 2 * j]) - now
        if w > gwait then gwait = w end
      end
      if gwait > horizon then
        out[i] = '0:' .. math.ceil(gwait - horizon) .. ':global'
      else
        local at = now + gwait
        for j = 1, m do tats[j] = math.max(tats[j], at) + tonumber(ARGV[1 + 2 * j]) end
        dirty = true
        local cnew = math.max(ctat, at) + tonumber(ARGV[2 + 2 * m + i])
        redis.call('SET', kc, string.format('%.3f', cnew), 'PX', math.ceil(cnew - now) + 1000)
        out[i] = '1:' .. math.floor(gwait) .. ':'
      end
    end
  end
end
if dirty then
  for j = 1, m do
    redis.call('SET', KEYS[1 + j], string.format('%.3f', tats[j]), 'PX',
      math.ceil(tats[j] - now) + 1000)
  end
end
return table.concat(out, ' ')
"""

# KEYS: pause_chat, pause_all, floods. ARGV: chat id, pause ms, window ms, chats for a global flood.
# Pauses the chat; when several chats got a 429 within the window, pauses the whole bot too.
FLOOD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
redis.call('ZADD', KEYS[3], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]) * 2)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then
  if redis.call('PTTL', KEYS[2]) < ms then redis.call('SET', KEYS[2], '1', 'PX', ms) end
  return 1
end
return 0
"""

PRIVATE_INTERVAL_MS = 1000.0  # 1 message/s to one private chat
GROUP_INTERVAL_MS = 3000.0  # 20 messages/minute to one group, supergroup or channel
GROUP_PER_WINDOW = 20  # ... in any 60 s

# Methods that put a message into a chat: the ones Telegram's limits count.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "copyMessage",
        "forwardMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendMediaGroup",
    }
)


class Pacing:
    """The margin between slots that the network's jitter needs (see the module docstring).

    ``observe(seconds)`` takes, for each answered send, the time from its slot to Telegram's answer:
    the request arrived somewhere in between. The margin is the ``percentile`` of the last
    ``window`` observations, within ``[floor_ms, cap_ms]``; until ``warmup`` of them exist it is
    ``initial_ms`` (cautious: a fresh process knows nothing of its network yet). ``fixed_ms``
    pins it (a test about the limiter's arithmetic, or an operator who knows the network).
    """

    def __init__(
        self,
        fixed_ms: float | None = None,
        initial_ms: float = 250.0,
        floor_ms: float = 10.0,
        cap_ms: float = 1000.0,
        percentile: float = 0.99,
        window: int = 256,
        warmup: int = 32,
    ) -> None:
        self.initial_ms = initial_ms
        self.floor_ms = floor_ms
        self.cap_ms = cap_ms
        self.percentile = percentile
        self.warmup = warmup
        self.fixed = fixed_ms is not None
        self._samples: deque[float] = deque(maxlen=window)
        self._margin = fixed_ms if fixed_ms is not None else initial_ms

    def observe(self, seconds: float) -> None:
        if self.fixed:
            return
        self._samples.append(max(0.0, seconds) * 1000.0)
        if len(self._samples) >= self.warmup:
            ordered = sorted(self._samples)
            rank = min(len(ordered) - 1, math.ceil(self.percentile * len(ordered)) - 1)
            self._margin = min(self.cap_ms, max(self.floor_ms, ordered[rank]))

    @property
    def margin_ms(self) -> float:
        return self._margin


@dataclass(frozen=True, slots=True)
class RateConfig:
    send_rate: float = 30.0  # messages/s for the whole bot (every sender together)
    broadcast_rate: float = 30.0  # messages/s for broadcasts (their own budget)
    paid_broadcasts: bool = False  # broadcasts leave the free budget to alerts (Telegram Stars)
    alert_burst: int = 0  # extra slots alerts may take at once (0: never over the rate)
    alert_horizon_ms: float = 1000.0  # alerts reserve a slot up to this far ahead
    broadcast_horizon_ms: float = 50.0
    private_interval_ms: float = PRIVATE_INTERVAL_MS
    group_interval_ms: float = GROUP_INTERVAL_MS
    flood_window_ms: int = 1000
    flood_chats: int = 3  # 429s from this many chats within the window: pause everyone
    margin_ms: float | None = None  # the jitter margin (see Pacing); None: measured as we go


class Decision(NamedTuple):
    """``go``: send after ``wait`` seconds (a slot is reserved). Otherwise wait ``wait`` s first;
    ``scope`` says why: ``chat``, ``global``, ``pause_chat`` or ``pause_all``."""

    go: bool
    wait: float
    scope: str


class RateLimiter:
    def __init__(
        self, storage: Storage, config: RateConfig | None = None, pacing: Pacing | None = None
    ) -> None:
        self.redis = storage.redis
        self.keys = SubscriptionKeys.of(storage.keys)
        self.config = config or RateConfig()
        self.pacing = pacing or Pacing(fixed_ms=self.config.margin_ms)
        self._acquire = self.redis.register_script(ACQUIRE)
        self._flood = self.redis.register_script(FLOOD)

    def _lane(self, lane: str) -> tuple[list[str], list[float], float]:
        """Buckets, (interval, tolerance) per bucket and horizon of a lane, at today's margin."""
        cfg = self.config
        second = 1000.0 + self.pacing.margin_ms  # what a second at Telegram is worth here
        every = second / cfg.send_rate
        if str(lane) == "broadcast":
            every_broadcast = second / cfg.broadcast_rate
            shared = [] if cfg.paid_broadcasts else [self.keys.rate_bucket("all")]
            return (
                [self.keys.rate_bucket("broadcast"), *shared],
                [every_broadcast, 0.0] + ([] if cfg.paid_broadcasts else [every, 0.0]),
                cfg.broadcast_horizon_ms,
            )
        return (
            [self.keys.rate_bucket("all")],
            [every, cfg.alert_burst * every],
            cfg.alert_horizon_ms,
        )

    def chat_interval_ms(self, chat_id: int) -> float:
        cfg = self.config
        margin = self.pacing.margin_ms
        if chat_id > 0:
            return cfg.private_interval_ms + margin
        return cfg.group_interval_ms + margin / GROUP_PER_WINDOW

    async def acquire(self, chat_id: int, lane: str = "alerts") -> Decision:
        """A slot for one send to ``chat_id`` on ``lane`` (``alerts`` or ``broadcast``)."""
        [decision] = await self.acquire_many([chat_id], lane)
        return decision

    async def acquire_many(self, chat_ids: list[int], lane: str = "alerts") -> list[Decision]:
        """Slots for several sends of one lane, in order, in one call (a batch read from the queue)."""
        if not chat_ids:
            return []
        buckets, args, horizon = self._lane(lane)
        keys = [self.keys.rate_pause_all, *buckets]
        for chat_id in chat_ids:
            keys += [self.keys.rate_pause_chat(chat_id), self.keys.rate_chat(chat_id)]
        answers = await self._acquire(
            keys=keys,
            args=[
                len(buckets),
                horizon,
                *args,
                *(self.chat_interval_ms(chat_id) for chat_id in chat_ids),
            ],
        )
        out = []
        for answer in (answers.decode() if isinstance(answers, bytes) else answers).split(" "):
            go, wait_ms, scope = answer.split(":")
            out.append(Decision(go == "1", max(0, int(wait_ms)) / 1000.0, scope))
        return out

    async def flood(self, chat_id: int, retry_after: float) -> bool:
        """Telegram answered 429 for this chat: pause it for ``retry_after`` s. Returns True when
        this looks like a global flood (several chats at once) and everyone is paused too."""
        cfg = self.config
        ms = max(1, int(retry_after * 1000))
        answer = await self._flood(
            keys=[
                self.keys.rate_pause_chat(chat_id),
                self.keys.rate_pause_all,
                self.keys.rate_floods,
            ],
            args=[chat_id, ms, cfg.flood_window_ms, cfg.flood_chats],
        )
        return bool(answer)

    async def pause_all(self, seconds: float) -> None:
        await self.redis.set(self.keys.rate_pause_all, "1", px=max(1, int(seconds * 1000)))

    async def forget_chat(self, chat_id: int) -> None:
        await self.redis.delete(self.keys.rate_chat(chat_id), self.keys.rate_pause_chat(chat_id))
