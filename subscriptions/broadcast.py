"""Admin broadcasts: one message to every active chat (or to one target's subscribers), through the
delivery queue's broadcast lane, with counters, cancel and resume.

Life of a broadcast (all state in Redis, so any process can carry on after a crash):

- **draft**: what ``/broadcast`` previewed, waiting for the confirm button (a key that expires).
- **preparing**: confirmed; ``broadcast:current`` names it (at most one at a time). The audience
  is not fixed yet.
- **running**: the audience is fixed: a list of the active chats (``chat[:thread]``), and the
  deliveries are enqueued from a cursor in batches. Each batch is one MULTI (the XADDs and the new
  cursor) under WATCH of the broadcast's hash, so a process that dies half-way leaves a cursor that
  says exactly what was enqueued, and two processes resuming at once never enqueue a chat twice.
- **done** / **cancelled**: final. The id goes to ``broadcast:unreported`` until the final report
  is posted.

This module holds the states and the models; ``BroadcastStore`` (``broadcast_store.py``) keeps
them in Redis. The sender talks to the store through two calls (it never imports ``bot/``):

- ``await store.is_cancelled(delivery.ref)`` before sending a broadcast delivery (cached, cheap);
- ``await store.record(delivery.ref, outcome, delivery.chat_id)`` once a delivery is settled, with
  outcome ``sent`` | ``failed`` | ``blocked``. Counting is per chat, so a redelivered message is
  never counted twice; a message on the wire when a cancel comes is still counted (Telegram has
  it), and the counters freeze once the broadcast is done or its final report is out.

The broadcast monitor of the ``send``/``run`` roles (``bot/telegram/broadcast_monitor.py``) drives
the current broadcast through ``prepare``, ``advance`` and ``finish``, and tells the admin how it
goes: the progress messages, the final report and their texts are the Telegram side's.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel

from subscriptions.deliveries import Delivery, Lane

ALL = "*"  # the audience "every active chat"; otherwise a target id
OUTCOMES = ("sent", "failed", "blocked")

Outcome = Literal["sent", "failed", "blocked"]


class State(StrEnum):
    PREPARING = "preparing"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


ACTIVE_STATES = (State.PREPARING, State.RUNNING)


class Draft(BaseModel):
    """A previewed broadcast waiting for confirmation."""

    id: str
    admin_chat: int
    lang: str = "en"
    method: Literal["sendMessage", "copyMessage"] = "sendMessage"
    params: dict[str, Any]
    audience: str = ALL  # ALL or a target id
    audience_label: str = ""  # how the texts name the audience (plain text, escaped when shown)


@dataclass
class Broadcast:
    """A confirmed broadcast as stored, with its counters."""

    id: str
    admin_chat: int
    lang: str
    method: str
    params: dict[str, Any]
    audience: str
    audience_label: str
    state: State
    total: int = 0  # chats in the fixed audience (0 while preparing)
    cursor: int = 0  # audience entries enqueued so far
    created_at: float = 0.0
    started_at: float = 0.0
    finished_at: float = 0.0
    progress_message_id: int | None = None
    shown: str = ""  # digest of the progress text last shown (no edit when it would not change)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return self.counts.get("sent", 0)

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0)

    @property
    def blocked(self) -> int:
        return self.counts.get("blocked", 0)

    @property
    def settled(self) -> int:
        return self.sent + self.failed + self.blocked

    @property
    def remaining(self) -> int:
        return max(self.total - self.settled, 0)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def fully_enqueued(self) -> bool:
        return self.state is not State.PREPARING and self.cursor >= self.total


def new_id() -> str:
    """Short, unique, sortable by time, and free of ``:`` (delivery ids are ``b:<id>:<chat>``)."""
    return f"{int(time.time()):x}{secrets.token_hex(2)}"


def delivery_id(broadcast_id: str, chat_id: int) -> str:
    return f"b:{broadcast_id}:{chat_id}"


def shown_digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def delivery_for(broadcast_id: str, method: str, base: dict[str, Any], entry: str) -> Delivery:
    """The delivery of one audience entry (``chat[:thread]``): the broadcast's message to it."""
    chat, _, thread = entry.partition(":")
    params = dict(base)
    if thread:
        params["message_thread_id"] = int(thread)
    return Delivery(
        id=delivery_id(broadcast_id, int(chat)),
        chat_id=int(chat),
        method=method,  # type: ignore[arg-type]
        params=params,
        lane=Lane.BROADCAST,
        kind="broadcast",
        ref=broadcast_id,
    )


def _s(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)
