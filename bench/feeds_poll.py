"""Feed polling at scale: 1,000 feeds x 20 items (~2 KB each) from 127.0.0.1-127.0.0.8.

    python -m bench.feeds_poll                      # embedded Valkey in a temp folder
    REDIS_URL=redis://127.0.0.1:6379/15 python -m bench.feeds_poll --parse-processes 2
    python -m bench.feeds_poll --feeds 200 --runs 1 # smoke

The feed server runs in a child process (so its CPU is not counted as the watcher's), one port per
loopback address; the per-host limit of the fetcher (4) therefore applies as across 8 outlets.
Every feed has an ETag. A feed is a sliding window: at offset ``o`` it serves items
``o .. o+19`` (newest first); moving the window by ``k`` pushes ``k`` new items in and as many old
ones out -- what a news feed does between two polls. Cycles, each a ``Watcher.once()`` over every
feed:

1. cold: first poll of every feed (20,000 never-seen items parsed and marked seen, nothing
   scanned -- the watcher's rule for a feed's first poll);
2. **changed, 3 new**: every feed answers 200 with a new body (new ETag) holding ``--new``
   (default 3) new items among its 20 -- a warm watcher's every-feed-changed cycle: fetch, parse,
   seen check, mention-engine scan of the ``feeds * new`` new items, alerts for the ~10 % that
   name a prisoner;
3. **changed, all 20 new**: the same with the window moved by 20, so every item of every feed is
   new (20,000 scans and ~2,000 alerts; the strictest reading of "every feed changed");
4. **unchanged**: every feed answers 304.

Cycles 2 to 4 are repeated ``--runs`` times (medians printed), with wall time and CPU time (this
process + the worker processes and the zygote they were forked from; this process alone; and the
feed server's, which shares the same two cores). Peak memory, two readings: the highest PSS summed
over this process and its workers (``bench.memory.PeakPss``, sampled from a process of its own;
pages the workers share with the zygote are split between them, not counted in each), and the sum
of each process's own peak RSS (an upper bound that counts every shared page in each process).
The workers start with the watcher: as many as ``--parse-processes`` says, by default as many as
the automatic mode starts once a poll cycle kept the watcher busy (one per core but the
watcher's); ``--no-workers`` measures the watcher's process alone.
Items/s through the engine: 2,000 items scanned directly, no I/O, single thread.
Targets (2 cores): changed <= 15 s (both readings), unchanged <= 3 s, peak <= 250 MB.

The plain peer (``bench.plain_peer``: aiohttp, ETags in memory, ``feedparser.parse``, one Redis
write per item, a surname regex) polls the same feeds right after Vestka in every cycle, in its
own child process; the ratios Vestka / peer are printed for CPU, wall time and peak memory
(issue 16: all-304 CPU <= 2x, new-items CPU <= 1x, memory <= 2x).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import astuple, dataclass
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from bench.memory import PeakPss, peak_rss_mb, pss_mb

HOSTS = tuple(f"127.0.0.{i}" for i in range(1, 9))
WORDS = [
    "у",
    "Мінску",
    "суд",
    "разгледзеў",
    "справу",
    "палітычнага",
    "вязня",
    "які",
    "ўтрымліваецца",
    "ў",
    "калоніі",
    "праваабаронцы",
    "паведамляюць",
    "што",
    "яго",
    "перавялі",
    "ў",
    "іншую",
    "ўстанову",
    "родныя",
    "не",
    "атрымліваюць",
    "лістоў",
    "апошнія",
    "тыдні",
    "адвакат",
    "не",
    "змог",
    "сустрэцца",
    "з",
    "падабаронным",
    "навіны",
    "рэгіёнаў",
    "эканоміка",
    "надвор'е",
    "спорт",
    "культура",
    "адукацыя",
]
MENTIONS = (
    "Палітвязня Алеся Бяляцкага перавялі ў калонію №9 у Горках.",
    "Марыю Калеснікаву змясцілі ў ШІЗА ў гомельскай калоніі.",
    "Суд асудзіў Ігара Лосіка, яго этапавалі ў Навапалацк.",
)


NEW = 3  # new items per feed in the "changed, 3 new" cycle (--new)
ITEMS = 20


def make_feed(feed: int, offset: int, items: int = 20, size: int = 2000) -> bytes:
    """Feed ``feed`` at window ``offset``: items ``offset .. offset+items-1``, newest first; an
    item's content depends only on (feed, index), so it is the same at every offset."""
    parts = []
    top = offset + items - 1
    for index in range(top, top - items, -1):
        rng = random.Random(feed * 1_000_003 + index)
        words, length = [], 0
        while length < size - 150:
            words.append(rng.choice(WORDS))
            length += len(words[-1].encode()) + 1
        text = " ".join(words) + "."
        if rng.random() < 0.1:
            text = rng.choice(MENTIONS) + " " + text
        when = format_datetime(_dt(index))
        parts.append(
            f"<item><title>Навіна {feed}-{index}: {escape(' '.join(words[:6]))}</title>"
            f"<link>https://outlet{feed % 50}.example/{feed}/{index}</link>"
            f"<guid isPermaLink='false'>{feed}-{index}</guid><pubDate>{when}</pubDate>"
            f"<description>{escape(text)}</description></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Feed {feed}</title><link>https://outlet{feed}.example/</link>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


_T0 = None


def _dt(index: int):
    from datetime import UTC, datetime, timedelta

    global _T0
    if _T0 is None:
        _T0 = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=2)
    return _T0 + timedelta(minutes=index)


def serve(feeds: int, conn) -> None:
    """Child process: the feed server; answers 'move K' (slide every feed's window by K items,
    bodies built before it answers 'ok') and 'stop'."""
    from aiohttp import web

    async def main() -> None:
        offset = 0
        cache: dict[int, bytes] = {feed: make_feed(feed, offset) for feed in range(feeds)}

        async def handler(request: web.Request) -> web.Response:
            feed = int(request.path[2:])
            etag = f'"{feed}-{offset}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(
                body=cache[feed], headers={"ETag": etag, "Content-Type": "application/rss+xml"}
            )

        runner, ports = await listen(handler, HOSTS)
        conn.send(ports)
        loop = asyncio.get_running_loop()
        while (msg := await loop.run_in_executor(None, conn.recv)) != "stop":
            offset += int(msg.split()[1])
            cache = {feed: make_feed(feed, offset) for feed in range(feeds)}
            conn.send("ok")
        await runner.cleanup()

    asyncio.run(main())


async def listen(handler, hosts) -> tuple:
    """An aiohttp server answering every GET with ``handler`` on each of ``hosts`` (a free port
    each); the runner (to clean up) and host -> port."""
    from aiohttp import web

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    ports = {}
    for host in hosts:
        site = web.TCPSite(runner, host, 0, backlog=1024)
        await site.start()
        ports[host] = site._server.sockets[0].getsockname()[1]
    return runner, ports


def peak_mb() -> float:
    return peak_rss_mb()


def _pool_pids(watcher) -> list[int]:
    return watcher.worker_pids()


def cpu(watcher) -> float:
    """CPU seconds of this process and of the watcher's parse pool workers (from /proc)."""
    return time.process_time() + sum(proc_cpu(pid) for pid in _pool_pids(watcher))


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def pool_peaks_mb(watcher) -> list[float]:
    """Each pool worker's peak resident memory (VmHWM)."""
    return [peak for pid in _pool_pids(watcher) if (peak := peak_rss_mb(pid))]


async def bench(args: argparse.Namespace) -> None:
    from bench.plain_peer import PeerProcess
    from feeds.fetching.fetch_result import FetchPolicy
    from feeds.fetching.fetcher import Fetcher
    from feeds.fetching.parsing import parse_feed
    from feeds.fetching.sources import FeedSource, FeedStore, feed_id_for
    from feeds.registry.store import RegistryStore
    from feeds.storage.connection import connect
    from feeds.watching.watcher import Watcher
    from feeds.watching.watcher_config import WatcherConfig

    parent, child = mp.Pipe()
    server = mp.get_context("spawn").Process(target=serve, args=(args.feeds, child), daemon=True)
    server.start()
    ports = parent.recv()
    prefix = f"bench-{random.getrandbits(32):08x}:"
    storage = await connect(args.redis_url, Path(tempfile.mkdtemp()), prefix)
    cycles = {"changed": args.new, "all_new": ITEMS, "unchanged": 0}  # cycle -> window move
    figures: dict[str, list[Figures]] = {name: [] for name in cycles}
    peer_figures: dict[str, list] = {name: [] for name in cycles}
    offset = 0
    sampler = PeakPss()
    sampler.watch([os.getpid()])
    try:
        targets = registry_targets(args.registry)
        await RegistryStore(storage).merge(targets)
        store = FeedStore(storage)
        for feed in range(args.feeds):
            host = HOSTS[feed % len(HOSTS)]
            url = f"http://{host}:{ports[host]}/f{feed}"
            await store.put(FeedSource(id=feed_id_for(url), url=url))
        urls = [s.url for s in await store.all()]
        surnames = sorted(
            {t.name_en.split()[-1] for t in targets if getattr(t, "name_en", "").strip()}
        )
        # the watcher reads the registry from Redis, as in production: this process keeps no
        # copy of its own that a deployed watcher would not hold
        registry_size, targets = len(targets), None
        peer_redis = args.redis_url or f"unix://{storage.embedded.socket_path}"
        peer = (
            None if args.no_peer else PeerProcess(urls, surnames, peer_redis, prefix + "peer-seen")
        )
        policy = FetchPolicy(allow_private=True, trust_env=False)
        config = WatcherConfig(parse_processes=args.parse_processes, max_polls=args.max_polls)
        async with Fetcher(policy) as fetcher, Watcher(storage, fetcher, config) as watcher:
            if not args.no_workers:
                watcher.start_workers()  # as a busy watcher does; once() closes no cycle
            sampler.watch([os.getpid(), *_pool_pids(watcher)])
            cold = await cycle(watcher, server.pid)
            print(f"cold first poll {cold}", file=sys.stderr)
            if peer is not None:
                print(f"peer cold first poll {peer.cycle()}", file=sys.stderr)
            for run in range(args.runs):
                for name, move in cycles.items():
                    if move:
                        parent.send(f"move {move}")
                        parent.recv()
                        offset += move
                    sampler.watch([os.getpid(), *_pool_pids(watcher)])
                    figures[name].append(await cycle(watcher, server.pid))
                    print(f"run {run + 1}: {name} {figures[name][-1]}", file=sys.stderr)
                    if peer is not None:
                        peer_figures[name].append(peer.cycle())
                        print(
                            f"run {run + 1}: peer {name} {peer_figures[name][-1]}", file=sys.stderr
                        )
            workers_mb = pool_peaks_mb(watcher)
            started_pool = len(_pool_pids(watcher))
            pss_now = pss_mb(["self", *_pool_pids(watcher)])
            pss_peak = sampler.peak()
            errors = [o for o in watcher.stats.outcomes if o.status == "error"]
            alerts = await watcher.stream.length()
            # the engine alone, on the last window's items
            items = [
                i
                for f in range(min(args.feeds, 100))
                for i in parse_feed(make_feed(f, offset), {}, "").items
            ]
            engine = await watcher.engine.current_engine()  # compiled again if lent
            t = time.perf_counter()
            for item in items:
                engine.scan(item.text, title=item.title, lang="be")
            engine_rate = len(items) / (time.perf_counter() - t)
    finally:
        with contextlib.suppress(Exception):
            sampler.stop()
        with contextlib.suppress(Exception):
            if peer is not None:
                peer.stop()
        parent.send("stop")
        server.join(10)
        keys = [k async for k in storage.redis.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await storage.redis.unlink(*keys)
        await storage.close()
    med = {name: Figures.median(runs) for name, runs in figures.items()}
    print(
        f"feeds {args.feeds} x {ITEMS} items (~2 KB), hosts {len(HOSTS)}, "
        f"parse processes {args.parse_processes or 'auto'} (started: {started_pool}), "
        f"registry {args.registry} ({registry_size} targets), runs {args.runs} (medians)"
    )
    rows = [
        ("cold first poll", f"{cold}"),
        (f"cycle, every feed changed, {args.new} new", f"{med['changed']}; target <= 15 s"),
        ("cycle, every feed changed, all new", f"{med['all_new']}; target <= 15 s"),
        ("cycle, every feed 304", f"{med['unchanged']}; target <= 3 s"),
        (
            "peak memory, all processes",
            f"{peak_mb() + sum(workers_mb):6.0f} MB (target <= 250): this process "
            f"{peak_mb():.0f} + workers {' + '.join(f'{w:.0f}' for w in workers_mb) or '0'} MB, "
            "each its own peak (an upper bound: shared pages count in each)",
        ),
        (
            "peak PSS, all processes",
            f"{pss_peak:6.0f} MB (shared pages split between the processes; sampled every 0.2 s)",
        ),
        ("memory at the end, all processes", f"{pss_now:6.0f} MB PSS"),
        ("engine throughput", f"{engine_rate:6.0f} items/s ({len(items)} items, one thread)"),
    ]
    for label, value in rows:
        print(f"{label + ':':<36}{value}")
    peak_vestka = peak_mb() + sum(workers_mb)
    if args.no_peer:
        print(f"errors {len(errors)}, alert stream entries {alerts} (no peer: no ratios)")
        return
    peer_peak = max(f.peak_mb for runs in peer_figures.values() for f in runs)
    for name, target in (("changed", 1.0), ("all_new", 1.0), ("unchanged", 2.0)):
        mine = med[name]
        wall = statistics.median(f.wall for f in peer_figures[name])
        cpu_s = statistics.median(f.cpu for f in peer_figures[name])
        print(
            f"peer, {name}: {wall:.2f} s (CPU {cpu_s:.2f} s); Vestka / peer: CPU "
            f"{mine.cpu / cpu_s:.2f}x (target <= {target:g}x), wall {mine.wall / wall:.2f}x"
        )
    print(
        f"peak memory: Vestka {pss_peak:.0f} MB PSS (sum of each process's peak RSS "
        f"{peak_vestka:.0f} MB) / peer {peer_peak:.0f} MB = {pss_peak / peer_peak:.2f}x "
        f"({peak_vestka / peer_peak:.2f}x) (target <= 2x)"
    )
    print(f"errors {len(errors)}, alert stream entries {alerts}")


@dataclass(frozen=True)
class Figures:
    """One cycle: wall time, CPU of the watcher (this process and its workers), of this process
    alone and of the feed server (both share the machine's two cores with Redis), items scanned."""

    wall: float
    cpu: float
    cpu_main: float
    cpu_server: float
    scanned: float

    def __str__(self) -> str:
        return (
            f"{self.wall:6.2f} s  (CPU {self.cpu:.2f} s, this process {self.cpu_main:.2f} s, "
            f"feed server {self.cpu_server:.2f} s; {self.scanned:.0f} items scanned)"
        )

    @staticmethod
    def median(runs: list[Figures]) -> Figures:
        return Figures(
            *(statistics.median(column) for column in zip(*map(astuple, runs), strict=True))
        )


async def cycle(watcher, server_pid: int) -> Figures:
    """One ``Watcher.once()`` over every feed, measured."""
    scanned = watcher.stats.scanned
    wall, total, main = time.perf_counter(), cpu(watcher), time.process_time()
    served = proc_cpu(server_pid)
    await watcher.once()
    return Figures(
        time.perf_counter() - wall,
        cpu(watcher) - total,
        time.process_time() - main,
        proc_cpu(server_pid) - served,
        watcher.stats.scanned - scanned,
    )


def registry_targets(which: str) -> list:
    """The registry the watcher (and the peer's surname regex) works with: Vestka's bundled one,
    or Viasna's whole export of ../shared/data with Vestka's facilities (as an operator runs)."""
    from feeds.registry.bundled import bundled_facilities, bundled_targets

    if which == "bundled":
        return list(bundled_targets())
    from bench.registry_size import EXPORT
    from feeds.registry.importers import load_registry_file

    export = load_registry_file(EXPORT).targets
    return [*export, *bundled_facilities()]


def polling_args(parser: argparse.ArgumentParser) -> None:
    """The arguments the polling benches share: runs, polls in flight, which Redis."""
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-polls", type=int, default=40)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL"),
        help="default: REDIS_URL, else embedded",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument(
        "--parse-processes",
        type=int,
        default=0,
        help="0: as many as the watcher's automatic mode starts when busy (cores - 1)",
    )
    parser.add_argument("--no-workers", action="store_true", help="the watcher's process alone")
    parser.add_argument("--no-peer", action="store_true", help="Vestka's figures only, quicker")
    parser.add_argument("--new", type=int, default=NEW, help="new items per feed, first cycle")
    parser.add_argument(
        "--registry",
        choices=("bundled", "export"),
        default="export",
        help="export: Viasna's whole export (../shared/data) as the registry, as issue 16 asks",
    )
    polling_args(parser)
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
