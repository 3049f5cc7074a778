"""Soak: the whole pipeline for N minutes under a realistic load, then drain and count.

    python -m bench.soak                    # 10 minutes of items, then the drain
    python -m bench.soak --quick            # 2 minutes
    python -m bench.soak --minutes 5 --topology split

What runs (everything on loopback, in a temp folder of its own):

- a **Redis of its own**: ``redis-server`` on a free port in the temp folder (``--embedded`` uses the
  embedded Valkey instead), never the shared test database;
- the **fake Bot API** in its own process, enforcing Telegram's limits over sliding windows (30
  messages in any second in all, 1 per private chat in any second) and answering 429 past them;
- the **local feed server** (in this process): ``--feeds`` feeds (300) spread over 127.0.0.1-8, each
  with a few old items, then gaining an item every 1-5 minutes at random (mean 3), about a third
  naming one or two of ``--prisoners`` (200) generated prisoners (``testkit.namegen``) in inflected
  forms, in be/ru/en/pl (``bench.mention_speed.make_documents``, ~1,200 characters, so no full-text
  fetch); a conditional GET (ETag) answers 304 when nothing changed;
- the product: ``--topology run`` (default: the all-in-one ``python -m bot run``, the default
  deployment) or ``split`` (``serve`` + 2 ``watch`` + 2 ``send``), with ``POLL_INTERVAL``
  (``--poll``, 30 s).

``--chats`` (5,000) private chats are subscribed directly in Redis (``SubscriptionStore``, with their
``Chat`` settings saved: language be/ru/en), each to one prisoner at random, a tenth to a second.
The offered load is printed: expected messages over the publishing time, which must stay under 30/s.

Each item carries a unique token in its link (``/a/<token>``, a loopback URL) and its title; the
feed server records when the item went up; the fake records when each message came in; the token
in the message text ties them: latency item -> message (it includes the wait for the next poll:
up to ``POLL_INTERVAL``).

After ``--minutes`` no more items are added, and the bench waits (with a deadline) until every
feed has served its last version to a watcher, the alerts stream is consumed by the fan-out group,
and the delivery lanes and the delayed set are empty, steadily. Then it reads the alerts off the
stream and computes the expected messages itself (alert targets x the subscriptions it made, not
the bot's view), reads the accepted ``sendMessage`` calls from the fake, and prints: alerts
produced, messages expected / delivered / lost (must be 0) / duplicated / unexpected, p50/p99/max
latency, 429s, peak memory (VmHWM) per process, and the exit code and stop time of each process
after SIGTERM. Exit status 1 when anything was lost or duplicated or a process did not stop well.

Every loop is bounded in count and time. Data on stdout; progress and log paths on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from bench.mention_speed import load_facilities, make_documents
from feeds.registry.keys import RegistryKeys
from feeds.registry.store import RegistryStore
from feeds.storage.connection import EmbeddedValkey, Storage, connect
from feeds.watching.alerts import Alert
from feeds.watching.keys import FANOUT_GROUP, WatchKeys
from subscriptions.chats import Chat, ChatKind
from subscriptions.deliveries import GROUP as SENDERS_GROUP
from subscriptions.deliveries import Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.store import SubscriptionStore
from testkit.botapi import FakeBotAPIProcess
from testkit.feedserver import FeedServer
from testkit.namegen import generate_people
from testkit.rss import Item, rss
from testkit.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
HOSTS = tuple(f"127.0.0.{i}" for i in range(1, 9))
TOKEN_RE = re.compile(r"sk[0-9a-f]{12}")
ITEM_GAP = (60.0, 300.0)  # seconds between two items of one feed: uniform, mean 3 minutes
KEEP_ITEMS = 10  # items a feed lists (newest first)
DOC_CHARS = 1200  # > 600, so the watcher never fetches an article page
STOP_WITHIN = 10.0


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- a Redis of our own ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """``redis-server`` on a free loopback port in ``folder`` (no persistence), or the embedded
    Valkey when there is no ``redis-server`` or ``embedded`` is asked for."""

    def __init__(self, folder: Path, embedded: bool = False) -> None:
        self.folder = folder
        self.embedded = embedded or shutil.which("redis-server") is None
        self.proc: subprocess.Popen | None = None
        self.valkey: EmbeddedValkey | None = None
        self.url = ""

    def start(self) -> None:
        if self.embedded:
            self.valkey = EmbeddedValkey(self.folder)
            self.valkey.start()
            self.url = f"unix://{self.valkey.socket_path}"
            return
        port = free_port()
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=(self.folder / "redis.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    @property
    def pid(self) -> int | None:
        if self.proc is not None:
            return self.proc.pid
        return self.valkey.pid if self.valkey is not None else None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.valkey is not None:
            self.valkey.stop()


# -- memory -----------------------------------------------------------------------------------------


def vm_hwm_kib(pid: int) -> int | None:
    """Peak resident set (VmHWM) of a live process, in KiB."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"^VmHWM:\s+(\d+) kB", text, re.MULTILINE)
    return int(m.group(1)) if m else None


def children_of(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out += [int(c) for c in (task / "children").read_text().split()]
    return out


class MemoryWatch:
    """Keeps the largest VmHWM seen for each named process (and its children)."""

    def __init__(self) -> None:
        self.pids: dict[str, tuple[int, bool]] = {}
        self.peak: dict[str, int] = {}

    def add(self, name: str, pid: int | None, children: bool = True) -> None:
        if pid is not None:
            self.pids[name] = (pid, children)

    def sample(self) -> None:
        for name, (pid, children) in list(self.pids.items()):
            kids = children_of(pid)[:20] if children else []
            for label, p in [(name, pid)] + [(f"{name} child {c}", c) for c in kids]:
                value = vm_hwm_kib(p)
                if value is not None:
                    self.peak[label] = max(self.peak.get(label, 0), value)


# -- the feeds ----------------------------------------------------------------------------------------


@dataclass
class Published:
    token: str
    feed: int
    at: float  # epoch seconds when the feed started serving it
    planted: frozenset[str]
    fetched: float | None = None  # epoch seconds when a watcher first got it


@dataclass
class Feed:
    index: int
    host: str
    path: str
    lang: str
    items: list[Item] = field(default_factory=list)
    version: int = 0
    served: int = -1  # the version last served with a body (a 304 means the client has it)


class FeedFarm:
    """The feeds on the local feed server, and the items published on them."""

    def __init__(self, server: FeedServer, n: int, docs: list, seed: int) -> None:
        self.server = server
        self.rng = random.Random(f"soak-feeds:{seed}")
        self.docs: dict[str, list] = defaultdict(list)  # by language, used up in order
        for doc in docs:
            self.docs[doc.lang].append(doc)
        langs = sorted(self.docs)
        self.published: dict[str, Published] = {}
        self.feeds = [
            Feed(i, HOSTS[i % len(HOSTS)], f"/feed/{i}", lang)
            for i, lang in enumerate(
                self.rng.choices(langs, weights=[len(self.docs[x]) for x in langs], k=n)
            )
        ]
        for feed in self.feeds:
            old = datetime.fromtimestamp(time.time() - 86400 * 3, UTC)
            feed.items = [
                Item(
                    f"Архіў {feed.index}-{k}",
                    "Старая навіна без імёнаў. " * 30,
                    guid=f"old-{feed.index}-{k}",
                    link=self.link(feed, f"old{feed.index}x{k}"),
                    date=old,
                )
                for k in range(3)
            ]
            self._serve(feed)

    def link(self, feed: Feed, token: str) -> str:
        return self.server.url(f"/a/{token}", host=feed.host)

    def url(self, feed: Feed) -> str:
        return self.server.url(feed.path, host=feed.host)

    def _serve(self, feed: Feed) -> None:
        feed.version += 1
        body = rss(feed.items, title=f"Soak outlet {feed.index}")
        version = feed.version
        tokens = [i.guid for i in feed.items]

        def answer(_request: web.Request, feed: Feed = feed, body: bytes = body) -> bytes:
            feed.served = max(feed.served, version)
            now = time.time()
            for token in tokens:
                record = self.published.get(token or "")
                if record is not None and record.fetched is None:
                    record.fetched = now
            return body

        self.server.add(feed.path, answer, etag=f'"v{version}"')

    def publish(self, feed: Feed) -> Published | None:
        if not self.docs[feed.lang]:
            return None
        doc = self.docs[feed.lang].pop()
        token = f"sk{self.rng.getrandbits(48):012x}"
        now = time.time()
        item = Item(
            f"Выпуск {feed.index}-{feed.version}: {token}",
            doc.text,
            guid=token,
            link=self.link(feed, token),
            date=datetime.fromtimestamp(now, UTC),
        )
        feed.items = [item, *feed.items][:KEEP_ITEMS]
        self._serve(feed)
        record = Published(token, feed.index, time.time(), frozenset(doc.planted))
        self.published[token] = record
        return record

    def all_served(self) -> bool:
        return all(f.served >= f.version for f in self.feeds)

    def polled_once(self) -> int:
        return sum(1 for f in self.feeds if self.server.hits[f.path] >= 1)


# -- the product's processes -------------------------------------------------------------------------


def inherited_env() -> dict[str, str]:
    """This process's environment without the product's own settings and proxies (loopback only)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "REGISTRY_", "FEEDS_", "SEND_", "REDIS_"))
        and k not in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
    }


class Processes:
    def __init__(self, folder: Path, env: dict[str, str], topology: str) -> None:
        self.folder = folder
        self.env = env
        roles = ["run"] if topology == "run" else ["serve", "watch", "watch", "send", "send"]
        self.names = [f"{role}{k}" for k, role in enumerate(roles, 1)]
        self.roles = roles
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def start(self) -> None:
        for name, role in zip(self.names, self.roles, strict=True):
            path = self.folder / f"{name}.stderr.log"
            self.logs[name] = path
            workdir = self.folder / name
            workdir.mkdir(exist_ok=True)
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", "bot", role],
                env=self.env,
                cwd=workdir,
                stdout=subprocess.DEVNULL,
                stderr=path.open("wb"),
            )
            log(f"started {name} (pid {self.procs[name].pid}); stderr: {path}")

    def dead(self) -> list[str]:
        return [n for n, p in self.procs.items() if p.poll() is not None]

    def stop(self) -> dict[str, tuple[int | None, float]]:
        """SIGTERM all at once; (exit code, seconds to exit) each; killed past the limit."""
        started = time.monotonic()
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        out: dict[str, tuple[int | None, float]] = {}
        for name, proc in self.procs.items():
            try:
                code = proc.wait(max(0.1, started + STOP_WITHIN + 5 - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                code = None
            out[name] = (code, time.monotonic() - started)
        return out

    def tail(self, lines: int = 15) -> str:
        parts = []
        for name, path in self.logs.items():
            with contextlib.suppress(OSError):
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {name} ({path}) ---\n" + "\n".join(text))
        return "\n".join(parts)


# -- Redis-side checks --------------------------------------------------------------------------------


async def group_state(storage: Storage, stream: str, group: str) -> tuple[bool, int, int]:
    """(group exists, pending, not yet delivered) for one stream and group."""
    redis = storage.redis
    if not await redis.exists(stream):
        return (False, 0, 0)
    try:
        groups = await redis.xinfo_groups(stream)
    except Exception:
        return (False, 0, 0)
    info = await redis.xinfo_stream(stream)
    last = info.get("last-generated-id")
    for g in groups:
        name = g["name"].decode() if isinstance(g["name"], bytes) else g["name"]
        if name != group:
            continue
        lag = g.get("lag")
        if lag is None:  # unknown after trimming: compare ids instead
            lag = 0 if g.get("last-delivered-id") == last else 1
        return (True, int(g["pending"]), int(lag))
    return (False, 0, 0)


async def queue_state(storage: Storage) -> dict[str, int]:
    keys = SubscriptionKeys.of(storage.keys)
    out: dict[str, int] = {}
    _, out["fanout_pending"], out["fanout_lag"] = await group_state(
        storage, WatchKeys.of(storage.keys).alerts, FANOUT_GROUP
    )
    for lane in Lane:
        _, pending, lag = await group_state(storage, keys.deliveries(lane), SENDERS_GROUP)
        out[f"{lane.value}_pending"], out[f"{lane.value}_lag"] = pending, lag
    out["delayed"] = int(await storage.redis.zcard(keys.deliveries_delayed))
    return out


async def read_alerts(storage: Storage) -> tuple[list[Alert], Counter]:
    kinds: Counter[str] = Counter()
    alerts: list[Alert] = []
    start = "-"
    for _ in range(10_000):  # bounded: 1,000 entries a page
        page = await storage.redis.xrange(
            WatchKeys.of(storage.keys).alerts, min=start, max="+", count=1000
        )
        if not page:
            break
        for _sid, fields in page:
            kind = fields[b"kind"].decode()
            kinds[kind] += 1
            if kind == "news":
                alerts.append(Alert.model_validate_json(fields[b"alert"]))
        last = page[-1][0].decode()
        start = "(" + last
        if len(page) < 1000:
            break
    return alerts, kinds


# -- setup ----------------------------------------------------------------------------------------------


async def seed(storage: Storage, people, facilities, chats: int, seed_value: int):
    """Registry (the generated prisoners and the bundled facilities) and the subscriptions.
    Returns target id -> set of chat ids (our own record, to check the bot against)."""
    registry = RegistryStore(storage)
    await registry.merge([p.prisoner for p in people] + list(facilities))
    await storage.redis.set(RegistryKeys.of(storage.keys).registry_seeded, "bench.soak")
    rng = random.Random(f"soak-chats:{seed_value}")
    store = SubscriptionStore(storage)
    followers: dict[str, set[int]] = defaultdict(set)
    ids = [p.id for p in people]
    plan: list[tuple[Chat, list[str]]] = []
    for k in range(chats):
        chat = Chat(id=20_000_000 + k, kind=ChatKind.PRIVATE, lang=rng.choice(("be", "ru", "en")))
        targets = [rng.choice(ids)]
        if rng.random() < 0.1:
            second = rng.choice(ids)
            if second not in targets:
                targets.append(second)
        plan.append((chat, targets))
        for t in targets:
            followers[t].add(chat.id)

    async def one(chat: Chat, targets: list[str]) -> None:
        await store.save_chat(chat)
        for t in targets:
            await store.subscribe(chat.id, t)

    for start in range(0, len(plan), 250):
        await asyncio.gather(*(one(c, t) for c, t in plan[start : start + 250]))
    return followers


# -- the run ----------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def soak(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="vestka-soak-"))
    log(f"working folder {folder}; load average {os.getloadavg()}")
    load_before = os.getloadavg()
    memory = MemoryWatch()
    memory.add("bench (feed server)", os.getpid(), children=False)
    people = generate_people(args.prisoners, seed=args.seed)
    facilities = load_facilities()
    # enough documents for the fastest possible pace (every feed at the shortest gap), bounded
    n_docs = min(int(args.feeds * (args.minutes * 60 / ITEM_GAP[0] + 1)) + 10, 20_000)
    docs = make_documents(
        people,
        facilities,
        n_docs,
        seed=args.seed,
        chars=DOC_CHARS,
        named_share=1 / 3,
        facility_share=0.0,
    )
    rng = random.Random(f"soak-schedule:{args.seed}")

    redis = OwnRedis(folder, embedded=args.embedded)
    redis.start()
    memory.add("redis", redis.pid)
    log(f"redis at {redis.url}")
    procs: Processes | None = None
    stop_report: dict[str, tuple[int | None, float]] = {}
    try:
        async with FeedServer(hosts=HOSTS) as server:
            with FakeBotAPIProcess(
                "--enforce-limits", "--max-calls", "1000000", "--max-messages", "1000"
            ) as fake:
                memory.add("fake Bot API", fake.pid)
                storage = await connect(redis.url, folder, "soak:")
                try:
                    followers = await seed(storage, people, facilities, args.chats, args.seed)
                    farm = FeedFarm(server, args.feeds, docs, args.seed)
                    feed_list = folder / "feeds.txt"
                    feed_list.write_text(
                        "".join(
                            f"{farm.url(f)} {f.lang} Soak outlet {f.index}\n" for f in farm.feeds
                        )
                    )
                    env = inherited_env() | {
                        "TELEGRAM_BOT_TOKEN": fake.token,
                        "TELEGRAM_API_URL": fake.url,
                        "REDIS_URL": redis.url,
                        "REDIS_PREFIX": "soak:",
                        "VESTKA_DATA_DIR": str(folder / "data"),
                        "FEEDS_FILE": str(feed_list),
                        "ALLOW_PRIVATE_FEEDS": "true",
                        "POLL_INTERVAL": str(args.poll),
                        "LOG_LEVEL": args.log_level,
                        "PYTHONUNBUFFERED": "1",
                        "PYTHONPATH": str(ROOT),
                        "PORT": str(free_port()),  # run/serve listen on PORT: loopback only
                        "LISTEN_HOST": "127.0.0.1",
                    }
                    procs = Processes(folder, env, args.topology)
                    procs.start()
                    procs_started = time.time()
                    for name, proc in procs.procs.items():
                        memory.add(name, proc.pid)

                    def check_alive() -> None:
                        dead = procs.dead()
                        if dead:
                            raise RuntimeError(f"process(es) died: {dead}\n{procs.tail()}")
                        memory.sample()

                    async def ready() -> bool:
                        check_alive()
                        exists, _, _ = await group_state(
                            storage, WatchKeys.of(storage.keys).alerts, FANOUT_GROUP
                        )
                        return exists and farm.polled_once() == len(farm.feeds)

                    await wait_for(
                        ready, 180, 1.0, "the first poll of every feed and the fan-out group"
                    )
                    log(
                        f"all {len(farm.feeds)} feeds polled once; publishing for {args.minutes} min"
                    )

                    # -- publish ----------------------------------------------------------------
                    started = time.time()
                    end = started + args.minutes * 60
                    due = {f.index: started + rng.uniform(0, ITEM_GAP[1]) for f in farm.feeds}
                    last_report = started
                    for _ in range(1_000_000):  # bounded; ends at ``end``
                        now = time.time()
                        if now >= end:
                            break
                        for index, when in list(due.items()):
                            if when <= now:
                                farm.publish(farm.feeds[index])
                                due[index] = now + rng.uniform(*ITEM_GAP)
                        if now - last_report >= 30:
                            last_report = now
                            check_alive()
                            st = fake.stats()
                            q = await queue_state(storage)
                            log(
                                f"{now - started:5.0f} s: {len(farm.published)} items, "
                                f"{st['delivered_total']} delivered, {st['rate_limited']} 429s, "
                                f"queues {q}, load {os.getloadavg()[0]:.2f}"
                            )
                        await asyncio.sleep(max(0.05, min(1.0, min(due.values()) - time.time())))
                    published_for = time.time() - started
                    log(f"stopped publishing: {len(farm.published)} items in {published_for:.0f} s")

                    # -- drain ------------------------------------------------------------------
                    drain_started = time.time()
                    steady = 0

                    async def drained() -> bool:
                        nonlocal steady
                        check_alive()
                        if not farm.all_served():
                            steady = 0
                            return False
                        q = await queue_state(storage)
                        if any(q.values()):
                            steady = 0
                            return False
                        steady += 1
                        return steady >= 5  # five checks a second apart, all quiet

                    try:
                        await wait_for(drained, args.drain_timeout, 1.0, "the queues to drain")
                    except AssertionError as exc:
                        log(f"{exc}; queues {await queue_state(storage)}")
                    drain_took = time.time() - drain_started
                    memory.sample()
                    log(f"drained in {drain_took:.0f} s; stopping the processes")
                    sigterm_at = time.time()
                    stop_report = procs.stop()

                    # -- count ------------------------------------------------------------------
                    alerts, kinds = await read_alerts(storage)
                    stats = fake.stats()
                    rows = fake.calls(method="sendMessage", compact=1)
                    conflicts = [
                        f"a long poll sent {c['time'] - procs_started:.1f} s after start "
                        f"({sigterm_at - c['time']:.1f} s before SIGTERM): {c['error']}"
                        for c in fake.calls(method="getUpdates")
                        if c["status"] == 409
                    ]
                finally:
                    await storage.close()
    finally:
        if procs is not None and not stop_report:
            stop_report = procs.stop()
        redis.stop()

    return report(
        args,
        Collected(
            farm=farm,
            alerts=alerts,
            kinds=kinds,
            followers=followers,
            stats=stats,
            rows=rows,
            memory=memory,
            stop_report=stop_report,
            published_for=published_for,
            drain_took=drain_took,
            load_before=load_before,
            folder=folder,
            procs=procs,
            conflicts=conflicts,
        ),
    )


@dataclass
class Collected:
    """What a run leaves to count."""

    farm: FeedFarm
    alerts: list[Alert]
    kinds: Counter
    followers: dict[str, set[int]]
    stats: dict
    rows: list
    memory: MemoryWatch
    stop_report: dict[str, tuple[int | None, float]]
    published_for: float
    drain_took: float
    load_before: tuple[float, float, float]
    folder: Path
    procs: Processes | None
    conflicts: list[str]


def report(args: argparse.Namespace, run: Collected) -> int:
    farm, stats, memory, stop_report, procs = (
        run.farm,
        run.stats,
        run.memory,
        run.stop_report,
        run.procs,
    )
    expected: set[tuple[int, str]] = set()
    alerted_tokens: set[str] = set()
    recall_hits = 0
    off_target = 0
    off_samples: list[str] = []
    for alert in run.alerts:
        token = next(iter(TOKEN_RE.findall(alert.link or "")), None)
        if token is None or token not in farm.published:
            continue
        alerted_tokens.add(token)
        planted = farm.published[token].planted
        recall_hits += bool(planted & set(alert.prisoners))
        if set(alert.prisoners) - planted:
            off_target += 1
            off_samples.append(
                f"{token}: planted {sorted(planted)}, alert names {sorted(alert.prisoners)}"
            )
        chats = set().union(*(run.followers.get(t, set()) for t in alert.targets))
        expected |= {(chat, token) for chat in chats}
    delivered: Counter[tuple[int, str]] = Counter()
    latencies: list[float] = []
    after_fetch: list[float] = []
    other = 0
    for at, _method, chat, status, text in run.rows:
        if status != 200:
            continue
        tokens = set(TOKEN_RE.findall(text or ""))
        if not tokens:
            other += 1
            continue
        for token in tokens:
            delivered[(int(chat), token)] += 1
            if delivered[(int(chat), token)] == 1 and token in farm.published:
                record = farm.published[token]
                latencies.append(at - record.at)
                if record.fetched is not None:
                    after_fetch.append(at - record.fetched)
    lost = expected - set(delivered)
    unexpected = set(delivered) - expected
    duplicated = sum(n - 1 for n in delivered.values() if n > 1)
    named_items = sum(1 for p in farm.published.values() if p.planted)
    span = (stats.get("last_delivery_at") or 0) - (stats.get("first_delivery_at") or 0)
    load_after = os.getloadavg()
    out = {
        "topology": args.topology,
        "minutes": args.minutes,
        "poll_interval_s": args.poll,
        "feeds": args.feeds,
        "chats": args.chats,
        "prisoners": args.prisoners,
        "items_published": len(farm.published),
        "items_naming_a_prisoner": named_items,
        "alerts_produced": len(run.alerts),
        "alert_stream_entries": dict(run.kinds),
        "named_items_alerted_for_a_planted_prisoner": recall_hits,
        "alerts_naming_someone_not_planted": off_target,
        "messages_expected": len(expected),
        "offered_load_msg_per_s": round(len(expected) / run.published_for, 2)
        if run.published_for
        else 0,
        "messages_delivered": sum(delivered.values()),
        "lost": len(lost),
        "duplicated": duplicated,
        "unexpected": len(unexpected),
        "other_messages": other,
        "fake_duplicate_total": stats.get("duplicate_total"),
        "fake_429s": stats.get("rate_limited"),
        "fake_429s_by_scope": stats.get("rate_limited_by_scope"),
        "fake_errors": stats.get("errors"),
        "delivery_rate_msg_per_s": round((stats["delivered_total"] - 1) / span, 2) if span else 0,
        "latency_p50_s": round(percentile(latencies, 50), 2),
        "latency_p99_s": round(percentile(latencies, 99), 2),
        "latency_max_s": round(max(latencies), 2) if latencies else None,
        "fetch_to_message_p50_s": round(percentile(after_fetch, 50), 2),
        "fetch_to_message_p99_s": round(percentile(after_fetch, 99), 2),
        "drain_s": round(run.drain_took, 1),
        "peak_rss_mib": {k: round(v / 1024, 1) for k, v in memory.peak.items()},
        "stop": {k: {"exit": c, "seconds": round(s, 2)} for k, (c, s) in stop_report.items()},
        "load_average_before": [round(x, 2) for x in run.load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
        "folder": str(run.folder),
    }
    w = 44
    print(f"soak: {args.topology}, {args.minutes} min of items, POLL_INTERVAL {args.poll} s")
    print(f"  {'feeds / chats / prisoners':<{w}} {args.feeds} / {args.chats} / {args.prisoners}")
    print(f"  {'items published (naming a prisoner)':<{w}} {len(farm.published)} ({named_items})")
    print(
        f"  {'alerts produced (stream entries by kind)':<{w}} {len(run.alerts)} {dict(run.kinds)}"
    )
    print(f"  {'named items alerted for their prisoner':<{w}} {recall_hits} of {named_items}")
    print(f"  {'alerts naming someone not planted':<{w}} {off_target}")
    print(
        f"  {'messages expected':<{w}} {len(expected)} ({out['offered_load_msg_per_s']}/s offered)"
    )
    print(f"  {'messages delivered':<{w}} {out['messages_delivered']}")
    print(f"  {'lost (expected, never delivered)':<{w}} {len(lost)}   (must be 0)")
    print(f"  {'duplicated':<{w}} {duplicated}   (fake's own count {out['fake_duplicate_total']})")
    print(f"  {'unexpected (delivered, not expected)':<{w}} {len(unexpected)}")
    print(f"  {'429s from the fake':<{w}} {out['fake_429s']} {out['fake_429s_by_scope']}")
    print(f"  {'delivery rate first..last message':<{w}} {out['delivery_rate_msg_per_s']} msg/s")
    print(
        f"  {'latency item -> message p50 / p99 / max':<{w}} {out['latency_p50_s']} / "
        f"{out['latency_p99_s']} / {out['latency_max_s']} s  (includes up to one poll interval)"
    )
    print(
        f"  {'  of which fetch -> message p50 / p99':<{w}} {out['fetch_to_message_p50_s']} / "
        f"{out['fetch_to_message_p99_s']} s  (the pipeline alone, no poll wait)"
    )
    print(f"  {'drain after the last item':<{w}} {out['drain_s']} s")
    print("  peak memory (VmHWM):")
    for name, mib in out["peak_rss_mib"].items():
        print(f"    {name:<{w - 2}} {mib:7.1f} MiB")
    print("  SIGTERM:")
    for name, s in out["stop"].items():
        print(f"    {name:<{w - 2}} exit {s['exit']} in {s['seconds']} s")
    print(
        f"  {'load average before / after':<{w}} {out['load_average_before']} / {out['load_average_after']} ({os.cpu_count()} CPUs)"
    )
    missed = [
        f"{p.token} ({farm.feeds[p.feed].lang}): {sorted(p.planted)}"
        for p in farm.published.values()
        if p.planted and p.token not in alerted_tokens
    ]
    for line in missed[:5]:
        print(f"  named item without an alert: {line}")
    for line in off_samples[:5]:
        print(f"  alert naming someone not planted: {line}")
    print(f"  {'other errors at the fake':<{w}} {stats.get('errors')}")
    for line in run.conflicts[:5]:
        print(f"  getUpdates 409 (PTB's last offset call at shutdown ends it): {line}")
    if lost:
        sample = sorted(lost)[:5]
        print(f"  lost sample: {sample}")
    if args.json:
        print(json.dumps(out))
    ok = (
        not lost
        and duplicated == 0
        and all(c == 0 and s <= STOP_WITHIN for c, s in stop_report.values())
    )
    if not ok and procs is not None:
        print(procs.tail(), file=sys.stderr)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="minutes of new items (10)")
    parser.add_argument("--quick", action="store_true", help="2 minutes of items")
    parser.add_argument("--topology", choices=("run", "split"), default="run")
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--prisoners", type=int, default=200)
    parser.add_argument("--poll", type=int, default=30, help="POLL_INTERVAL, seconds (>= 10)")
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--embedded", action="store_true", help="embedded Valkey, not redis-server")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.minutes = 2.0
    if not 0 < args.minutes <= 120 or args.poll < 10:
        parser.error("--minutes must be in (0, 120] and --poll at least 10")
    return asyncio.run(soak(args))


if __name__ == "__main__":
    sys.exit(main())
