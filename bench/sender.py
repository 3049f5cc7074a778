"""Sender throughput and shared rate limits, against the fake Bot API in its own process.

    REDIS_URL=redis://127.0.0.1:6379/15 python -m bench.sender           # full: ~2.5 minutes
    python -m bench.sender --quick                                        # smoke: ~30 s

Without ``REDIS_URL`` an embedded Valkey is started in a temporary folder. Data on stdout, progress
on stderr.

1. **Throughput, no limits** (the fake enforces nothing; the sender's own limit is set out of the
   way with ``send_rate`` 10,000/s): one ``Sender`` in this process delivers N queued messages to N
   chats, from the first read to the last ack (guard, limiter, POST, ack: everything the hot path
   does). The baseline, in the same run: a bare aiohttp client posting the same N requests with the
   same concurrency and no Redis at all. Medians over ``--runs``; target >= 500 messages/s, and the
   ratio sender / bare client.
2. **Telegram's limits enforced by the fake**, two ``python -m bot send`` processes sharing one Redis
   and the default limit (``SEND_RATE`` 30/s), one alert to N chats: the fake counts every sliding
   second (and each chat's own window) when a request reaches it, once with no network jitter and
   once with a random 0–200 ms delay per request (seeded). Printed: the rate the fake saw between its
   first and last delivery as a share of ``SEND_RATE`` (target >= 80 %), its 429 count (target 0)
   and the most messages it accepted in any sliding second (at most 30). 3,000 messages a run
   (``--quick``: 600).

Latency from a feed item to the first / last message needs the whole pipeline (watcher, fan-out):
``Sender(on_sent=...)`` calls back with each accepted delivery and a monotonic time, and the fake's
``/_fake/stats`` has ``first_delivery_at`` / ``last_delivery_at``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from feeds.storage.connection import EmbeddedValkey, Storage, connect
from subscriptions.deliveries import Delivery, DeliveryQueue, Lane
from subscriptions.ratelimit import RateConfig
from subscriptions.sender import Sender
from subscriptions.sender_config import SenderConfig
from testkit.botapi import FakeBotAPIProcess

ROOT = Path(__file__).resolve().parent.parent
TEXT = (
    "<b>Ales Bialiatski</b> — transferred to <i>colony No. 9</i>, Horki. "
    '<a href="https://example.org/news/1">Source</a>'
)


def deliveries(n: int, tag: str, lane: Lane = Lane.ALERTS) -> list[Delivery]:
    kind = "broadcast" if lane is Lane.BROADCAST else "alert"
    return [
        Delivery(
            id=f"{kind[0]}:{tag}:{chat}",
            chat_id=chat,
            lane=lane,
            kind=kind,
            ref=tag,
            params={"text": f"{TEXT} #{chat}", "parse_mode": "HTML"},
        )
        for chat in range(100_000, 100_000 + n)
    ]


async def fresh(redis_url: str) -> Storage:
    prefix = f"bench-{random.getrandbits(32):08x}:"
    return await connect(redis_url, Path(tempfile.mkdtemp()), prefix)


async def wipe(storage: Storage) -> None:
    keys = [k async for k in storage.redis.scan_iter(match=storage.keys.prefix + "*", count=1000)]
    for start in range(0, len(keys), 1000):
        await storage.redis.unlink(*keys[start : start + 1000])
    await storage.close()


async def sender_run(redis_url: str, api_url: str, n: int, concurrency: int) -> float:
    storage = await fresh(redis_url)
    try:
        queue = DeliveryQueue(storage)
        await queue.ensure_groups()
        await queue.enqueue(deliveries(n, f"t{random.getrandbits(20)}"))
        done = asyncio.Event()
        sent = 0

        def on_sent(_delivery: Delivery, _at: float) -> None:
            nonlocal sent
            sent += 1
            if sent == n:
                done.set()

        config = SenderConfig(api_url=api_url, concurrency=concurrency, read_block_ms=50)
        sender = Sender(storage, config, RateConfig(send_rate=10_000), on_sent=on_sent)
        stop = asyncio.Event()
        start = time.perf_counter()
        task = asyncio.create_task(sender.run(stop))
        await asyncio.wait_for(done.wait(), timeout=300)
        elapsed = time.perf_counter() - start
        stop.set()
        await task
        return n / elapsed
    finally:
        await wipe(storage)


async def bare_run(api_url: str, n: int, concurrency: int) -> float:
    """The same POSTs with nothing around them: the floor for this machine and this fake."""
    bodies = [{"chat_id": d.chat_id, **d.params} for d in deliveries(n, "bare")]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        semaphore = asyncio.Semaphore(concurrency)

        async def post(body: dict) -> None:
            async with semaphore, session.post(f"{api_url}/sendMessage", json=body) as resp:
                await resp.read()
                assert resp.status == 200

        start = time.perf_counter()
        await asyncio.gather(*(post(b) for b in bodies))
        return n / (time.perf_counter() - start)


async def throughput(redis_url: str, n: int, runs: int, concurrency: int) -> dict:
    with FakeBotAPIProcess("--max-calls", "1000", "--max-messages", "1000") as fake:
        api_url = f"{fake.base_url}{fake.token}"
        await bare_run(api_url, min(n, 500), concurrency)  # warm-up: connections, JIT-free paths
        senders, bares = [], []
        for run in range(runs):
            senders.append(await sender_run(redis_url, api_url, n, concurrency))
            bares.append(await bare_run(api_url, n, concurrency))
            print(
                f"run {run + 1}: sender {senders[-1]:6.0f} msg/s, bare client {bares[-1]:6.0f} msg/s",
                file=sys.stderr,
            )
    return {"sender": statistics.median(senders), "bare": statistics.median(bares)}


def limited(redis_url: str, n: int, jitter_ms: int) -> dict:
    storage_prefix = f"bench-{random.getrandbits(32):08x}:"

    async def load() -> None:
        storage = await connect(redis_url, Path(tempfile.mkdtemp()), storage_prefix)
        queue = DeliveryQueue(storage)
        await queue.ensure_groups()
        await queue.enqueue(deliveries(n, "limited", Lane.ALERTS))
        await storage.close()

    async def cleanup() -> None:
        storage = await connect(redis_url, Path(tempfile.mkdtemp()), storage_prefix)
        await wipe(storage)

    asyncio.run(load())
    with FakeBotAPIProcess(
        "--enforce-limits", "--jitter-ms", str(jitter_ms), "--seed", "11"
    ) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SEND_"))} | {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.url,
            "REDIS_URL": redis_url,
            "REDIS_PREFIX": storage_prefix,
            "VESTKA_DATA_DIR": tempfile.mkdtemp(),
            "FEEDS_FILE": "",
            "LOG_LEVEL": "WARNING",
        }
        procs = [
            subprocess.Popen([sys.executable, "-m", "bot", "send"], env=env, cwd=tempfile.mkdtemp())
            for _ in range(2)
        ]
        try:
            deadline = time.monotonic() + n / 30 * 1.5 + 60
            while time.monotonic() < deadline:
                stats = fake.stats()
                if stats["delivered_total"] >= n:
                    break
                print(f"  {stats['delivered_total']}/{n} delivered", file=sys.stderr, end="\r")
                time.sleep(1.0)
        finally:
            for proc in procs:
                proc.terminate()
            codes = [proc.wait(15) for proc in procs]
        stats = fake.stats()
    asyncio.run(cleanup())
    span = (stats["last_delivery_at"] or 0) - (stats["first_delivery_at"] or 0)
    return {
        "delivered": stats["delivered_total"],
        "chats": stats["delivered_chats"],
        "rate": (stats["delivered_total"] - 1) / span if span > 0 else 0.0,
        "rate_limited": stats["rate_limited"],
        "max_per_second": stats["max_per_second"],
        "chat_window_violations": stats["chat_window_violations"],
        "duplicates": stats["duplicate_total"],
        "exit_codes": codes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about 30 s)")
    parser.add_argument("--messages", type=int, default=None, help="throughput run size")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--limited", type=int, default=None, help="messages under the limits")
    parser.add_argument("--skip-limited", action="store_true")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    n = args.messages or (1000 if args.quick else 3000)
    runs = args.runs or (3 if args.quick else 5)
    n_limited = args.limited or (600 if args.quick else 3000)

    embedded = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        embedded = EmbeddedValkey(Path(tempfile.mkdtemp()))
        embedded.start()
        redis_url = f"unix://{embedded.socket_path}"
    try:
        figures: dict = {
            "throughput": asyncio.run(throughput(redis_url, n, runs, args.concurrency))
        }
        t = figures["throughput"]
        print(
            f"throughput, no limits, {n} messages, {args.concurrency} in flight, median of {runs}:"
        )
        print(f"  sender        {t['sender']:7.0f} msg/s   (target >= 500)")
        print(f"  bare aiohttp  {t['bare']:7.0f} msg/s")
        print(f"  ratio         {t['sender'] / t['bare']:7.2f}   (sender / bare client)")
        for jitter in () if args.skip_limited else (0, 200):
            print(
                f"limits enforced by the fake (sliding windows), {jitter} ms jitter, "
                f"2 sender processes, {n_limited} messages:",
                flush=True,
            )
            lim = figures[f"limited_jitter_{jitter}"] = limited(redis_url, n_limited, jitter)
            share = lim["rate"] / 30 * 100
            print(
                f"  rate          {lim['rate']:7.2f} msg/s   ({share:.1f} % of SEND_RATE 30/s; "
                "target >= 80 %)"
            )
            print(f"  429s          {lim['rate_limited']:7d}         (target 0)")
            print(f"  max in 1 s    {lim['max_per_second']:7d}         (Telegram: 30)")
            print(
                f"  delivered     {lim['delivered']:7d} to {lim['chats']} chats, "
                f"{lim['duplicates']} repeats, {lim['chat_window_violations']} per-chat "
                f"violations, exit codes {lim['exit_codes']}"
            )
        if args.json:
            print(json.dumps(figures))
    finally:
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()
