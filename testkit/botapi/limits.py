"""Rate limits: Telegram's documented send limits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Limits:
    """Telegram's documented limits as token buckets (rate per second, burst = bucket size)."""

    global_rate: float = 30.0  # messages/s for the whole bot
    global_burst: float = 30.0
    private_rate: float = 1.0  # messages/s per private chat
    private_burst: float = 3.0  # Telegram tolerates short bursts
    group_per_minute: float = 20.0  # per group, supergroup or channel (negative ids)
    group_burst: float = 20.0


class Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp

    def wait(self, rate: float, burst: float, now: float) -> float:
        """Seconds until one token is there (0: there is one now). Refills but never takes."""
        self.tokens = min(burst, self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / rate
