"""Telegram's limits, enforced by the fake Bot API, against two senders sharing one Redis: no 429,
the whole bot within 30/s in every one-second window, 1/s to a private chat, 20/min to a group."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds.storage.connection import Storage, connect
from subscriptions.ratelimit import RateConfig
from testkit.botapi import FakeBotAPI
from testkit.sending import delivery, enqueue, running, sender
from testkit.waiting import wait_for


@pytest.mark.parametrize("jitter_ms", [0, 200])
async def test_two_senders_share_the_limits_without_a_429(
    storage: Storage, redis_url: str, prefix: str, tmp_path: Path, jitter_ms: int
) -> None:
    """The fake Bot API counts every sliding window at the moment a request reaches it, after up
    to ``jitter_ms`` of network delay: no window may see more than Telegram allows."""
    other = await connect(redis_url, tmp_path, prefix)
    try:
        async with FakeBotAPI(enforce_limits=True, jitter_ms=jitter_ms, seed=7) as api:
            many = [delivery(chat, ref="bc") for chat in range(1000, 1150)]
            private = [delivery(7, ref=f"p{k}") for k in range(4)]
            group = [delivery(-55, ref=f"g{k}") for k in range(3)]
            await enqueue(storage, *private, *group, *many)
            senders = [sender(s, api, RateConfig()) for s in (storage, other)]
            async with running(*senders):
                await wait_for(
                    lambda: api.stats()["delivered_total"] == 157,
                    timeout=30,
                    message="every message",
                )
            assert api.rate_limited == 0
            stats = api.stats()
            assert stats["max_per_second"] <= 30 and stats["chat_window_violations"] == 0
            assert all(s.totals["sent"] > 10 for s in senders)  # both did their share
    finally:
        await other.close()
