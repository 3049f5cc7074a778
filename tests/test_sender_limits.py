"""Telegram's limits, enforced by the fake Bot API, against two senders sharing one Redis: no 429,
the whole bot within 30/s in every one-second window, 1/s to a private chat, 20/min to a group."""

from __future__ import annotations

import itertools
from pathlib import Path

from feeds.storage import Storage, connect
from subscriptions.ratelimit import RateConfig
from testkit.botapi import FakeBotAPI
from testkit.sending import delivery, enqueue, running, sender
from testkit.waiting import wait_for


def max_in_window(times: list[float], width: float = 1.0) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= width:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_two_senders_share_the_limits_without_a_429(
    storage: Storage, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    other = await connect(redis_url, tmp_path, prefix)
    try:
        async with FakeBotAPI(enforce_limits=True) as api:
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
            assert all(s.totals["sent"] > 10 for s in senders)  # both did their share
            accepted = [c for c in api.calls("sendMessage") if c.ok]
            times = [c.time for c in accepted]
            # 30/s on Redis' clock; on a loaded machine late wake-ups bunch a few at the receiving
            # end (the fake, enforcing Telegram's limits, still answered no 429)
            assert max_in_window(times) <= 36
            assert max_in_window(times, 4.0) <= 4 * 30 + 3
            to_private = sorted(c.time for c in accepted if c.chat_id == 7)
            assert len(to_private) == 4
            assert min(b - a for a, b in itertools.pairwise(to_private)) >= 0.95
            to_group = sorted(c.time for c in accepted if c.chat_id == -55)
            assert min(b - a for a, b in itertools.pairwise(to_group)) >= 2.95
    finally:
        await other.close()
