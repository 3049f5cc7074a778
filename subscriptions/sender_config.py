"""The sender's settings: who this consumer is, how many requests in flight, timeouts, retries and
backoff, the waits it holds a slot for, and its heartbeat."""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC
from zoneinfo import ZoneInfo

from subscriptions.outcomes import BLOCK_AFTER


def default_consumer() -> str:
    return f"{socket.gethostname()[:20]}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass
class SenderConfig:
    api_url: str = field(repr=False)  # "{TELEGRAM_API_URL}/bot{token}": a secret, never logged
    consumer: str = field(default_factory=default_consumer)
    concurrency: int = 32  # requests in flight
    claim_idle_ms: int = 60_000  # a pending entry idle this long belongs to a dead sender
    claim_every: float = 5.0
    max_attempts: int = 8  # timeouts/5xx before the dead-letter stream
    backoff_base: float = 2.0
    backoff_max: float = 600.0
    sending_ttl_ms: int = 120_000
    sent_ttl: int = 7 * 86400
    request_timeout: float = 8.0
    inline_wait: float = 1.5  # a chat busy for longer than this: defer instead of holding a slot
    parts_wait: float = 4.0  # between the parts of a split message, hold the slot this long
    block_after: int = BLOCK_AFTER
    paid_broadcasts: bool = False
    zone: ZoneInfo = UTC  # type: ignore[assignment]
    heartbeat_ttl_ms: int = 15_000
    read_block_ms: int = 200
    promote_every: float = 0.25
    grace: float = 7.0  # on stop: in-flight requests get this long to finish
    fatal_pause: float = 30.0
