"""The shared rate limiter in real Redis: per-chat budgets (private 1/s, groups 20/min), the global
budget with alerts ahead of broadcasts, paid broadcasts, 429 pauses (one chat, or everyone when
several chats flood at once), and two limiters (two clients) sharing one budget."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from feeds.storage.connection import Storage, connect
from subscriptions.ratelimit import Pacing, RateConfig, RateLimiter

EXACT = RateConfig(margin_ms=0)  # Telegram's bare limits: the arithmetic without a jitter margin


async def test_private_chat_one_per_second(storage: Storage) -> None:
    limiter = RateLimiter(storage, EXACT)
    first = await limiter.acquire(42, "alerts")
    assert first.go and first.wait == 0
    second = await limiter.acquire(42, "alerts")
    assert not second.go and second.scope == "chat"
    assert 0.9 <= second.wait <= 1.0
    assert (await limiter.acquire(43, "alerts")).go  # another chat is not slowed


async def test_group_twenty_per_minute(storage: Storage) -> None:
    limiter = RateLimiter(storage, EXACT)
    assert (await limiter.acquire(-100123, "alerts")).go
    again = await limiter.acquire(-100123, "broadcast")
    assert not again.go and again.scope == "chat" and 2.9 <= again.wait <= 3.0


async def test_global_budget_reserves_slots_ahead_for_alerts(storage: Storage) -> None:
    limiter = RateLimiter(storage, RateConfig(send_rate=10, alert_burst=5, margin_ms=0))
    waits = []
    for chat in range(1, 30):
        decision = await limiter.acquire(chat, "alerts")
        if not decision.go:
            assert decision.scope == "global" and decision.wait <= 0.1  # until a slot is in reach
            break
        waits.append(decision.wait)
    # six at once (one plus a burst of five), then a reserved slot every 100 ms up to 1 s ahead
    assert waits[:6] == [0.0] * 6
    assert waits[6:] == pytest.approx([0.1 * k for k in range(1, len(waits) - 5)], abs=0.06)
    assert len(waits) == 16


async def test_broadcasts_take_no_burst_and_leave_room_for_alerts(storage: Storage) -> None:
    limiter = RateLimiter(storage, RateConfig(send_rate=10, margin_ms=0))
    assert (await limiter.acquire(1, "broadcast")).go
    blocked = await limiter.acquire(2, "broadcast")
    assert not blocked.go and blocked.scope == "global"
    alert = await limiter.acquire(3, "alerts")
    assert alert.go and alert.wait <= 0.1  # the next slot: the broadcast backlog is not ahead


async def test_broadcast_rate_is_its_own_budget_too(storage: Storage) -> None:
    limiter = RateLimiter(storage, RateConfig(send_rate=1000, broadcast_rate=5, margin_ms=0))
    assert (await limiter.acquire(1, "broadcast")).go
    slow = await limiter.acquire(2, "broadcast")
    assert not slow.go and slow.scope == "global" and slow.wait > 0.1
    assert (await limiter.acquire(3, "alerts")).go


async def test_paid_broadcasts_leave_the_free_budget_to_alerts(storage: Storage) -> None:
    limiter = RateLimiter(
        storage,
        RateConfig(
            send_rate=2, broadcast_rate=1000, paid_broadcasts=True, alert_burst=0, margin_ms=0
        ),
    )
    for chat in range(1, 20):
        assert (await limiter.acquire(chat, "broadcast")).go
    first = await limiter.acquire(100, "alerts")
    assert first.go and first.wait == 0


async def test_flood_pauses_one_chat_then_everyone(storage: Storage) -> None:
    limiter = RateLimiter(storage, RateConfig(flood_chats=3, margin_ms=0))
    assert await limiter.flood(1, 2) is False
    paused = await limiter.acquire(1, "alerts")
    assert not paused.go and paused.scope == "pause_chat" and 1.8 <= paused.wait <= 2.0
    assert (await limiter.acquire(2, "alerts")).go
    assert await limiter.flood(2, 3) is False
    assert await limiter.flood(3, 3) is True  # three chats within a second: a global flood
    everyone = await limiter.acquire(4, "alerts")
    assert not everyone.go and everyone.scope == "pause_all" and everyone.wait > 2.5


async def test_two_limiters_share_one_budget(
    storage: Storage, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    """Two clients (as two processes would be) sending as fast as the limiter lets them: together
    they stay within the global rate."""
    other = await connect(redis_url, tmp_path, prefix)
    try:
        rate = 50
        limiters = [
            RateLimiter(s, RateConfig(send_rate=rate, alert_burst=0, margin_ms=0))
            for s in (storage, other)
        ]
        stamps: list[float] = []
        start = time.monotonic()

        async def pump(limiter: RateLimiter, base: int) -> None:
            chat = base
            while time.monotonic() - start < 1.5:
                decision = await limiter.acquire(chat, "alerts")
                if decision.go:
                    await asyncio.sleep(decision.wait)
                    stamps.append(time.monotonic())
                    chat += 1
                else:
                    await asyncio.sleep(decision.wait)

        await asyncio.gather(pump(limiters[0], 1), pump(limiters[1], 100_000))
        window = [t for t in stamps if start + 0.25 <= t < start + 1.25]
        assert rate * 0.9 <= len(window) <= rate + 2, len(window)
    finally:
        await other.close()


async def test_forget_chat(storage: Storage) -> None:
    limiter = RateLimiter(storage, EXACT)
    assert (await limiter.acquire(5, "alerts")).go
    await limiter.flood(5, 10)
    await limiter.forget_chat(5)
    assert (await limiter.acquire(5, "alerts")).go


async def test_the_margin_widens_every_interval(storage: Storage) -> None:
    """With m ms of jitter margin: a private chat every 1000 + m ms, a group 20 per 60000 + m ms,
    the whole bot ``rate`` per 1000 + m ms."""
    limiter = RateLimiter(storage, RateConfig(send_rate=10, alert_burst=0, margin_ms=200))
    assert (await limiter.acquire(42, "alerts")).go
    again = await limiter.acquire(42, "alerts")
    assert not again.go and again.scope == "chat" and 1.1 < again.wait <= 1.2
    assert (await limiter.acquire(-100, "alerts")).go
    group = await limiter.acquire(-100, "alerts")
    assert not group.go and group.wait == pytest.approx(0.12 + 3.01, abs=0.01)  # its slot + 3.01 s
    third = await limiter.acquire(7, "alerts")
    assert third.go and third.wait == pytest.approx(2 * 0.12, abs=0.03)  # slots 120 ms apart


def test_pacing_measures_the_margin() -> None:
    pacing = Pacing(initial_ms=250, floor_ms=10, cap_ms=1000, percentile=0.99, warmup=32)
    assert pacing.margin_ms == 250  # nothing measured yet: cautious
    for _ in range(31):
        pacing.observe(0.05)
    assert pacing.margin_ms == 250  # still warming up
    pacing.observe(0.05)
    assert pacing.margin_ms == pytest.approx(50)
    for k in range(100):
        pacing.observe(0.002 if k % 2 else 0.2)  # a jittery network: its slow tail counts
    assert pacing.margin_ms == pytest.approx(200)
    for _ in range(300):
        pacing.observe(0.0)
    assert pacing.margin_ms == 10  # never below the floor
    for _ in range(300):
        pacing.observe(5.0)
    assert pacing.margin_ms == 1000  # nor above the cap
    fixed = Pacing(fixed_ms=0)
    fixed.observe(3.0)
    assert fixed.margin_ms == 0
