"""The fault test: ``python -m bot send`` as a real process against the fake Bot API (its own
process too). A broadcast to 2,000 chats; the first sender is SIGKILLed mid-way, a second one is
stopped with SIGTERM (graceful: exit 0 within 10 s), a third finishes. Every chat gets the message;
the only repeats are messages the killed sender had on the wire (its ``sending`` guards)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

from feeds.storage.connection import connect
from subscriptions.deliveries import GROUP, Delivery, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from testkit.botapi import FakeBotAPIProcess
from testkit.waiting import wait_for_sync

CHATS = 2000
CONCURRENCY = 32


async def _enqueue(redis_url: str, prefix: str, tmp: Path) -> None:
    storage = await connect(redis_url, tmp, prefix)
    try:
        queue = DeliveryQueue(storage)
        await queue.ensure_groups()
        await queue.enqueue(
            [
                Delivery(
                    id=f"b:fault:{chat}",
                    chat_id=chat,
                    lane=Lane.BROADCAST,
                    kind="broadcast",
                    ref="fault",
                    params={"text": f"<b>Notice</b> #{chat}", "parse_mode": "HTML"},
                )
                for chat in range(10_000, 10_000 + CHATS)
            ]
        )
    finally:
        await storage.close()


async def _in_flight_guards(redis_url: str, prefix: str, tmp: Path) -> set[int]:
    """Chats whose guard still says ``sending``: what a killed sender had on the wire."""
    storage = await connect(redis_url, tmp, prefix)
    try:
        out = set()
        pattern = SubscriptionKeys.of(storage.keys).delivery_guard("b:fault:*")
        async for key in storage.redis.scan_iter(match=pattern, count=1000):
            if (await storage.redis.get(key) or b"").startswith(b"sending:"):
                out.add(int(key.decode().rsplit(":", 1)[1]))
        return out
    finally:
        await storage.close()


async def _leftovers(redis_url: str, prefix: str, tmp: Path) -> tuple[int, int, int]:
    storage = await connect(redis_url, tmp, prefix)
    try:
        key = SubscriptionKeys.of(storage.keys).deliveries("broadcast")
        pending = (await storage.redis.xpending(key, GROUP))["pending"]
        return await storage.redis.xlen(key), pending, await DeliveryQueue(storage).delayed_count()
    finally:
        await storage.close()


def _start(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "send"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_mid_broadcast_loses_nothing_and_repeats_only_in_flight(
    cli_env: dict[str, str], redis_url: str, prefix: str, tmp_path: Path
) -> None:
    asyncio.run(_enqueue(redis_url, prefix, tmp_path))
    with FakeBotAPIProcess() as fake:
        env = {
            **cli_env,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.url,
            "SEND_RATE": "250",
            "BROADCAST_RATE": "250",
            "SEND_CONCURRENCY": str(CONCURRENCY),
            "SEND_CLAIM_IDLE": "1",
        }

        def delivered() -> int:
            return fake.stats()["delivered_total"]

        first = _start(env, tmp_path)
        try:
            wait_for_sync(lambda: delivered() >= 400, timeout=60, message="400 sent")
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        in_flight = asyncio.run(_in_flight_guards(redis_url, prefix, tmp_path))
        assert len(in_flight) <= CONCURRENCY
        at_kill = delivered()
        assert at_kill < CHATS  # it really died mid-way

        second = _start(env, tmp_path)
        try:
            wait_for_sync(lambda: delivered() >= at_kill + 500, timeout=60, message="500 more")
            stopped_at = time.monotonic()
            second.send_signal(signal.SIGTERM)
            code = second.wait(12)
            stop_took = time.monotonic() - stopped_at
            assert code == 0, second.stderr.read() if second.stderr else ""
            assert stop_took < 10
        finally:
            if second.poll() is None:
                second.kill()
        assert delivered() < CHATS, "the second sender finished before the graceful stop"

        third = _start(env, tmp_path)
        try:
            wait_for_sync(
                lambda: fake.stats()["delivered_chats"] == CHATS, timeout=90, message="all chats"
            )
            wait_for_sync(
                lambda: asyncio.run(_leftovers(redis_url, prefix, tmp_path)) == (0, 0, 0),
                timeout=30,
                message="an empty queue",
            )
        finally:
            third.send_signal(signal.SIGTERM)
            assert third.wait(12) == 0

        stats = fake.stats()
        repeated = {int(d["chat_id"]) for d in stats["duplicates"]}
        assert stats["delivered_chats"] == CHATS
        assert repeated <= in_flight, repeated - in_flight
        assert stats["duplicate_total"] == len(repeated)  # nobody got it three times
        assert stats["delivered_total"] == CHATS + len(repeated)
        print(
            f"killed at {at_kill} sent, {len(in_flight)} in flight, "
            f"{len(repeated)} repeated; graceful stop took {stop_took:.1f} s",
            file=sys.stderr,
        )
