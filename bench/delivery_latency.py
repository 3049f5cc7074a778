"""Delivery latency: one new feed item -> the first and the last of N subscribers' messages.

    python -m bench.delivery_latency                  # 3 runs, 1,000 subscribers, POLL_INTERVAL 10 s
    python -m bench.delivery_latency --runs 5 --subscribers 1000 --poll 10

Issue 6, "Done when": latency from an item appearing in a feed to the first message at the fake
Bot API (target <= poll interval + 2 s) and to the last of 1,000 subscribers (target <= poll
interval + subscribers/30 s + 5 s: Telegram lets a bot send 30 messages/s in all).

Each run is a fresh set-up built from ``bench.soak``'s machinery, all on loopback in a temp folder
of its own (removed afterwards): a ``redis-server`` of its own on a free port (``--embedded``: the
embedded Valkey), the fake Bot API in its own process enforcing Telegram's limits (30 messages/s in
all, 1/s per private chat), the local feed server (in this process) with **one** English feed, and
``python -m bot run`` with ``POLL_INTERVAL`` = ``--poll``. The registry holds a few generated
prisoners (``testkit.namegen``); ``--subscribers`` private chats (``Chat`` settings saved, language
en) are subscribed to the first of them directly in Redis (``SubscriptionStore``).

The bench waits (with a deadline) until the feed has been polled once and its state saved (the first
poll only takes stock), the fan-out and sender groups exist and a sender beats; then it publishes
one item naming the prisoner (``bench.mention_speed.make_documents``, ~1,200 characters, so no
full-text fetch) with a unique token in its title and link, and records the moment the new version
became visible at the feed server. It then reads the fake's accepted ``sendMessage`` calls carrying
the token until every subscriber has one (deadline), waits for the delivery queues to drain, and
counts lost and duplicated messages.

Clock: both ends are wall-clock epoch seconds (``time.time()``) on this machine: the publish
moment in this process, and each call's receipt time recorded by the fake process (``Call.time``,
read from ``/_fake/calls``). The item is published right after the first poll, so the figures
include about one whole poll interval (+-10 % jitter) of waiting for the next poll: the worst
phase, not the average. "poll wait" (publish -> the watcher fetched the new version) and
"pipeline" (that fetch -> first message) split the first-message latency.

Prints a table per run, the medians, both targets with PASS/FAIL (on the medians; any lost or
duplicated message in any run also fails), and the load average. Exit 0 on PASS, 1 otherwise.
Data on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.mention_speed import load_facilities, make_documents
from bench.soak import (
    DOC_CHARS,
    STOP_WITHIN,
    TOKEN_RE,
    OwnRedis,
    Processes,
    free_port,
    group_state,
    inherited_env,
    queue_state,
)
from feeds.fetching.sources import FeedStore
from feeds.registry.keys import RegistryKeys
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage, connect
from feeds.watching.keys import FANOUT_GROUP, WatchKeys
from subscriptions.chats import Chat, ChatKind
from subscriptions.deliveries import GROUP as SENDERS_GROUP
from subscriptions.deliveries import Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.store import SubscriptionStore
from testkit.botapi import FakeBotAPIProcess
from testkit.feedserver import FeedServer
from testkit.namegen import Person, generate_people
from testkit.rss import Item, rss
from testkit.waiting import wait_for

PRISONERS = 20  # registry size; the subscribers follow the first one
CHAT_BASE = 30_000_000
FEED_PATH = "/feed/latency"
READY_TIMEOUT = 120.0
SETTLE_CHECKS = 3  # queues empty this many checks in a row (1 s apart) before counting


def log(message: str) -> None:
    print(f"[latency {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class RunResult:
    subscribers: int
    published_at: float
    fetched_at: float | None = None  # first time the feed served the version with the item
    first_at: float | None = None
    last_at: float | None = None  # the Nth distinct subscriber's first message
    chats_reached: int = 0
    duplicates: int = 0
    unexpected: int = 0
    rate_limited: int = 0
    stop: dict[str, tuple[int | None, float]] = field(default_factory=dict)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def lost(self) -> int:
        return self.subscribers - self.chats_reached

    def since_publish(self, at: float | None) -> float | None:
        return None if at is None else at - self.published_at

    @property
    def first_s(self) -> float | None:
        return self.since_publish(self.first_at)

    @property
    def last_s(self) -> float | None:
        return self.since_publish(self.last_at) if self.lost == 0 else None

    @property
    def poll_wait_s(self) -> float | None:
        return self.since_publish(self.fetched_at)

    @property
    def pipeline_s(self) -> float | None:
        if self.first_at is None or self.fetched_at is None:
            return None
        return self.first_at - self.fetched_at


def pick_document(people: list[Person], seed: int):
    """An English document naming only ``people[0]``."""
    docs = make_documents(
        people,
        load_facilities(),
        600,
        seed=seed,
        chars=DOC_CHARS,
        named_share=1.0,
        facility_share=0,
    )
    for doc in docs:
        if doc.lang == "en" and doc.planted == {people[0].id}:
            return doc
    raise RuntimeError("no English document naming only the first prisoner; try another --seed")


async def seed_redis(storage: Storage, people: list[Person], subscribers: int) -> set[int]:
    registry = RegistryStore(storage)
    await registry.merge([p.prisoner for p in people])
    await storage.redis.set(RegistryKeys.of(storage.keys).registry_seeded, "bench.delivery_latency")
    store = SubscriptionStore(storage)
    target = people[0].id
    chats = [Chat(id=CHAT_BASE + k, kind=ChatKind.PRIVATE, lang="en") for k in range(subscribers)]

    async def one(chat: Chat) -> None:
        await store.save_chat(chat)
        await store.subscribe(chat.id, target)

    for start in range(0, len(chats), 250):
        await asyncio.gather(*(one(c) for c in chats[start : start + 250]))
    return {c.id for c in chats}


def product_env(fake: FakeBotAPIProcess, redis: OwnRedis, folder: Path, args) -> dict[str, str]:
    return inherited_env() | {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "REDIS_URL": redis.url,
        "REDIS_PREFIX": "latency:",
        "VESTKA_DATA_DIR": str(folder / "data"),
        "FEEDS_FILE": str(folder / "feeds.txt"),
        "ALLOW_PRIVATE_FEEDS": "true",
        "POLL_INTERVAL": str(args.poll),
        "LOG_LEVEL": args.log_level,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "PORT": str(free_port()),  # run listens on PORT: loopback only
        "LISTEN_HOST": "127.0.0.1",
    }


async def one_run(args, run_no: int, people: list[Person], doc) -> RunResult:
    folder = Path(tempfile.mkdtemp(prefix="vestka-latency-"))
    rng = random.Random(f"latency:{args.seed}:{run_no}")
    token = f"sk{rng.getrandbits(48):012x}"
    redis = OwnRedis(folder, embedded=args.embedded)
    procs: Processes | None = None
    result: RunResult | None = None
    try:
        redis.start()
        async with FeedServer() as server:
            old = datetime.fromtimestamp(time.time() - 86400 * 3, UTC)
            stock = [
                Item(
                    f"Archive {k}",
                    "An old story naming nobody. " * 30,
                    guid=f"old-{run_no}-{k}",
                    link=server.url(f"/a/old{k}"),
                    date=old,
                )
                for k in range(3)
            ]
            server.add(FEED_PATH, rss(stock, title="Latency outlet"), etag='"v1"')
            (folder / "feeds.txt").write_text(f"{server.url(FEED_PATH)} en Latency outlet\n")
            with FakeBotAPIProcess(
                "--enforce-limits", "--max-calls", "200000", "--max-messages", "2000"
            ) as fake:
                storage = await connect(redis.url, folder, "latency:")
                try:
                    chats = await seed_redis(storage, people, args.subscribers)
                    procs = Processes(folder, product_env(fake, redis, folder, args), "run")
                    procs.start()
                    feeds = FeedStore(storage)

                    def check_alive() -> None:
                        dead = procs.dead()
                        if dead:
                            raise RuntimeError(f"process(es) died: {dead}\n{procs.tail()}")

                    async def ready() -> bool:
                        check_alive()
                        states = await feeds.states()
                        fanout, _, _ = await group_state(
                            storage, WatchKeys.of(storage.keys).alerts, FANOUT_GROUP
                        )
                        senders, _, _ = await group_state(
                            storage,
                            SubscriptionKeys.of(storage.keys).deliveries(Lane.ALERTS),
                            SENDERS_GROUP,
                        )
                        return (
                            server.hits[FEED_PATH] >= 1
                            and len(states) == 1
                            and all(s.polls >= 1 for s in states.values())
                            and fanout
                            and senders
                            and await storage.redis.zcard(
                                SubscriptionKeys.of(storage.keys).sender_beats
                            )
                            >= 1
                        )

                    await wait_for(ready, READY_TIMEOUT, 0.1, "the first poll, fan-out, a sender")
                    state = next(iter((await feeds.states()).values()))

                    # -- publish --------------------------------------------------------------
                    item = Item(
                        f"{doc.title} [{token}]",
                        doc.text,
                        guid=token,
                        link=server.url(f"/a/{token}"),
                        date=datetime.now(UTC),
                    )
                    body = rss([item, *stock], title="Latency outlet")
                    fetched: list[float] = []

                    def answer(_request, body: bytes = body) -> bytes:
                        if not fetched:
                            fetched.append(time.time())
                        return body

                    server.add(FEED_PATH, answer, etag='"v2"')
                    published_at = time.time()  # visible from here on: the route is replaced
                    result = RunResult(args.subscribers, published_at)
                    if state.next_check:
                        log(
                            f"run {run_no}: published {token}; next poll due in "
                            f"{state.next_check - published_at:.1f} s"
                        )

                    # -- wait for the messages ------------------------------------------------
                    firsts: dict[int, float] = {}
                    copies: Counter[int] = Counter()

                    def read_fake() -> None:
                        firsts.clear()
                        copies.clear()
                        rows = fake.calls(method="sendMessage", compact=1, since=published_at)
                        for at, _method, chat, status, text in rows:
                            if status != 200 or token not in set(TOKEN_RE.findall(text or "")):
                                continue
                            chat = int(chat)
                            copies[chat] += 1
                            firsts[chat] = min(firsts.get(chat, at), at)

                    async def all_reached() -> bool:
                        check_alive()
                        read_fake()
                        return chats <= set(firsts)

                    deadline = args.poll * 1.2 + args.subscribers / 30 * 2 + 60
                    try:
                        await wait_for(all_reached, deadline, 0.5, "every subscriber's message")
                    except AssertionError as exc:
                        log(f"run {run_no}: {exc}")

                    settled = 0

                    async def quiet() -> bool:
                        nonlocal settled
                        q = await queue_state(storage)
                        settled = 0 if any(q.values()) else settled + 1
                        return settled >= SETTLE_CHECKS

                    try:
                        await wait_for(quiet, 60, 1.0, "the delivery queues to drain")
                    except AssertionError as exc:
                        log(f"run {run_no}: {exc}; queues {await queue_state(storage)}")
                    read_fake()
                    reached = [t for c, t in firsts.items() if c in chats]
                    result.fetched_at = fetched[0] if fetched else None
                    result.first_at = min(firsts.values()) if firsts else None
                    result.last_at = max(reached) if reached else None
                    result.chats_reached = len(reached)
                    result.duplicates = sum(n - 1 for n in copies.values())
                    result.unexpected = len(set(firsts) - chats)
                    result.rate_limited = int(fake.stats().get("rate_limited") or 0)
                    result.load = os.getloadavg()
                    result.stop = procs.stop()
                finally:
                    await storage.close()
    finally:
        if procs is not None:
            stop = procs.stop()  # no-op when already stopped
            if result is not None and not result.stop:
                result.stop = stop
            bad = result is None or result.lost or result.duplicates
            if bad or any(c != 0 for c, _ in stop.values()):
                print(procs.tail(), file=sys.stderr)
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return result


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if len(known) == len(values) and known else None


def verdict(value: float | None, target: float) -> str:
    return "PASS" if value is not None and value <= target else "FAIL"


def report(args, results: list[RunResult], load_before: tuple[float, float, float]) -> int:
    first_target = args.poll + 2.0
    last_target = args.poll + args.subscribers / 30 + 5.0
    print(
        f"delivery latency: {args.subscribers} subscribers, POLL_INTERVAL {args.poll} s, "
        f"{len(results)} run(s), fake Bot API enforcing Telegram's limits"
    )
    print("  clock: wall-clock epoch (time.time()) on both sides; publish -> fake's receipt time")
    head = (
        f"  {'run':>3} {'first s':>8} {'last s':>8} {'poll wait':>9} {'pipeline':>8} "
        f"{'reached':>8} {'lost':>5} {'dups':>5} {'unexp':>5} {'429s':>5} {'load 1m':>7}  exit"
    )
    print(head)
    for k, r in enumerate(results, 1):
        exits = ",".join(f"{c}/{s:.1f}s" for c, s in r.stop.values())
        print(
            f"  {k:>3} {fmt(r.first_s):>8} {fmt(r.last_s):>8} {fmt(r.poll_wait_s):>9} "
            f"{fmt(r.pipeline_s):>8} {r.chats_reached:>8} {r.lost:>5} {r.duplicates:>5} "
            f"{r.unexpected:>5} {r.rate_limited:>5} {r.load[0]:>7.2f}  {exits}"
        )
    m_first = median([r.first_s for r in results])
    m_last = median([r.last_s for r in results])
    m_wait = median([r.poll_wait_s for r in results])
    m_pipe = median([r.pipeline_s for r in results])
    print(f"  {'med':>3} {fmt(m_first):>8} {fmt(m_last):>8} {fmt(m_wait):>9} {fmt(m_pipe):>8}")
    lost = sum(r.lost for r in results)
    dups = sum(r.duplicates for r in results)
    stopped = all(c == 0 and s <= STOP_WITHIN for r in results for c, s in r.stop.values())
    v_first, v_last = verdict(m_first, first_target), verdict(m_last, last_target)
    print(
        f"  first message: median {fmt(m_first)} s, target <= {args.poll} + 2 = "
        f"{first_target:.2f} s   {v_first}"
    )
    print(
        f"  last of {args.subscribers}: median {fmt(m_last)} s, target <= {args.poll} + "
        f"{args.subscribers}/30 + 5 = {last_target:.2f} s   {v_last}"
    )
    print(
        f"  lost {lost}, duplicated {dups} over all runs (must be 0)   "
        f"{'PASS' if not lost and not dups else 'FAIL'}"
    )
    print(f"  processes stopped on SIGTERM with exit 0 within {STOP_WITHIN:.0f} s: {stopped}")
    print(
        f"  load average before {[round(x, 2) for x in load_before]}, after "
        f"{[round(x, 2) for x in os.getloadavg()]} ({os.cpu_count()} CPUs)"
    )
    ok = v_first == "PASS" and v_last == "PASS" and not lost and not dups and stopped
    return 0 if ok else 1


async def bench(args) -> int:
    load_before = os.getloadavg()
    log(f"load average {load_before}")
    people = generate_people(PRISONERS, seed=args.seed)
    doc = pick_document(people, args.seed)
    results = []
    for run_no in range(1, args.runs + 1):
        started = time.monotonic()
        results.append(await one_run(args, run_no, people, doc))
        r = results[-1]
        log(
            f"run {run_no} done in {time.monotonic() - started:.0f} s: first {fmt(r.first_s)} s, "
            f"last {fmt(r.last_s)} s, lost {r.lost}, dups {r.duplicates}"
        )
    return report(args, results, load_before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.delivery_latency", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--poll", type=int, default=10, help="POLL_INTERVAL, seconds (>= 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--embedded", action="store_true", help="embedded Valkey, not redis-server")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    if args.poll < 10 or not 1 <= args.runs <= 50 or not 1 <= args.subscribers <= 100_000:
        parser.error("--poll must be >= 10, --runs in 1..50, --subscribers in 1..100000")
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
