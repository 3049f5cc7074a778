"""What a Bot API answer means for a delivery, and the counters kept about it (counts only, never who).

``classify(status, body)`` turns one HTTP answer into an ``Outcome`` whose ``kind`` picks the action:

| kind | answers | action |
| --- | --- | --- |
| ``ok`` | 200 | mark sent, ack |
| ``flood`` | 429 + ``retry_after`` | pause the chat (or all), requeue with ``not_before``: never dropped |
| ``migrated`` | 400 + ``migrate_to_chat_id`` | move the chat's subscriptions, resend to the new id |
| ``too_long`` | 400 message/caption is too long | split and send the parts |
| ``bad_html`` | 400 can't parse entities | resend as plain text |
| ``gone`` | 403 (blocked, kicked, deactivated, ...), 400 chat not found | give up on the message; after
  ``BLOCK_AFTER`` in a row the chat goes inactive and its queued deliveries are dropped |
| ``retry`` | 5xx, timeouts, connection errors | back off and retry; dead letter after N attempts |
| ``fatal`` | 401/404 (bad token or API URL) | requeue, pause every sender, log an error |
| ``permanent`` | any other 4xx | dead letter at once (a bug: retrying cannot help) |

Match texts in lower case: Telegram's descriptions are not a stable API (see the reference notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from feeds.storage.connection import Storage
from subscriptions.keys import SubscriptionKeys

BLOCK_AFTER = 5  # consecutive 403 / chat-not-found answers before a chat is marked inactive
FAILS_TTL = 30 * 86400
DAY_TTL = 8 * 86400


class Kind(StrEnum):
    OK = "ok"
    FLOOD = "flood"
    MIGRATED = "migrated"
    TOO_LONG = "too_long"
    BAD_HTML = "bad_html"
    GONE = "gone"
    RETRY = "retry"
    FATAL = "fatal"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: Kind
    status: int = 200
    description: str = ""
    retry_after: float = 0.0
    new_chat_id: int | None = None
    reason: str = ""  # for GONE: blocked, kicked, deactivated, not_member, not_found, ...
    result: Any = None

    @property
    def answered(self) -> bool:
        """Telegram answered (any status): the request reached it (a network error may not have)."""
        return self.status > 0

    @property
    def error(self) -> str:
        """One line for the dead-letter stream and debug logs (never a chat id)."""
        return f"{self.status}: {self.description}"[:300]


def classify(status: int, body: Any) -> Outcome:
    """One Bot API answer -> an ``Outcome``. ``body`` is the decoded JSON (None if it was not JSON)."""
    body = body if isinstance(body, dict) else {}
    if status == 200 and body.get("ok"):
        return Outcome(Kind.OK, result=body.get("result"))
    code = int(body.get("error_code") or status)
    description = str(body.get("description") or f"HTTP {status}")
    params = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
    text = description.lower()
    # Parameters win over the status, as in PTB.
    if params.get("migrate_to_chat_id"):
        return Outcome(
            Kind.MIGRATED, code, description, new_chat_id=int(params["migrate_to_chat_id"])
        )
    if params.get("retry_after") is not None or code == 429:
        retry_after = float(params.get("retry_after") or 1)
        return Outcome(Kind.FLOOD, code, description, retry_after=max(1.0, retry_after))
    if code == 403:
        return Outcome(Kind.GONE, code, description, reason=_gone_reason(text))
    if code == 400:
        if "chat not found" in text or "user not found" in text:
            return Outcome(Kind.GONE, code, description, reason="not_found")
        if "is too long" in text:
            return Outcome(Kind.TOO_LONG, code, description)
        if "can't parse entities" in text or "can't find end" in text:
            return Outcome(Kind.BAD_HTML, code, description)
        if "group chat was upgraded" in text or "chat was deactivated" in text:
            return Outcome(Kind.GONE, code, description, reason="deactivated")
        return Outcome(Kind.PERMANENT, code, description)
    if code in (401, 404):
        return Outcome(Kind.FATAL, code, description)
    if code >= 500 or code in (408, 409, 420) or status >= 500:
        return Outcome(Kind.RETRY, code, description)
    return Outcome(Kind.PERMANENT, code, description)


def network_error(exc: BaseException) -> Outcome:
    """A timeout or connection error: the message may or may not have arrived; retry."""
    name = type(exc).__name__
    return Outcome(Kind.RETRY, 0, f"network: {name}")


def _gone_reason(text: str) -> str:
    if "blocked" in text:
        return "blocked"
    if "deactivated" in text:
        return "deactivated"
    if "kicked" in text:
        return "kicked"
    if "not a member" in text:
        return "not_member"
    if "deleted" in text:
        return "deleted"
    if "initiate" in text:
        return "never_started"
    return "forbidden"


# -- counters ---------------------------------------------------------------------------------------
COUNTERS = (
    "sent",  # accepted by Telegram
    "failed",  # given up on (gone, permanent, dead)
    "blocked",  # 403 / chat not found answers
    "rate_limited",  # 429 answers
    "dead",  # parked in the dead-letter stream
    "retried",  # timeouts and 5xx, retried later
    "deactivated",  # chats marked inactive after repeated 403s
    "migrated",  # groups that became supergroups
    "split",  # too long, sent in parts
    "plain",  # bad HTML, resent as plain text
    "duplicates_skipped",  # claimed deliveries already sent by someone else
    "dropped",  # queued for a chat that is inactive
    "cancelled",  # broadcast deliveries not sent because the broadcast was cancelled
)


def day_of(now: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(now, zone).strftime("%Y-%m-%d")


def count(pipe: Any, keys: SubscriptionKeys, day: str, name: str, n: int = 1) -> None:
    """Queue the increments of one counter (total and today's) on a pipeline."""
    pipe.hincrby(keys.delivery_counters, name, n)
    day_key = keys.delivery_day(day)
    pipe.hincrby(day_key, name, n)
    pipe.expire(day_key, DAY_TTL)


async def delivery_stats(storage: Storage, zone: ZoneInfo, now: float) -> dict[str, int]:
    """For /stats and metrics: queued per lane, delayed, dead letters, totals and today's counts."""
    redis, keys = storage.redis, SubscriptionKeys.of(storage.keys)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.xlen(keys.deliveries("alerts"))
        pipe.xlen(keys.deliveries("broadcast"))
        pipe.zcard(keys.deliveries_delayed)
        pipe.xlen(keys.dead_letters)
        pipe.hgetall(keys.delivery_counters)
        pipe.hgetall(keys.delivery_day(day_of(now, zone)))
        alerts, broadcast, delayed, dead, totals, today = await pipe.execute()
    out = {
        "queued_alerts": alerts,
        "queued_broadcast": broadcast,
        "delayed": delayed,
        "dead_letters": dead,
    }
    totals = {k.decode(): int(v) for k, v in totals.items()}
    today = {k.decode(): int(v) for k, v in today.items()}
    for name in COUNTERS:
        out[name] = totals.get(name, 0)
        out[f"{name}_today"] = today.get(name, 0)
    return out
