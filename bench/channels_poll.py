"""Public channels beside feeds: N channels and N feeds mixed against 2N feeds alone, in one run.

    python -m bench.channels_poll                   # 500 channels + 500 feeds vs 1,000 feeds
    python -m bench.channels_poll --sources 200 --runs 1   # smoke

Issue 15's figure: with channels in the mix, the cycles where posts are new and where nothing
changed stay within 1.2x of the same number of feeds alone. Both set-ups run in this process, one
after the other in every run (interleaved), against one server in a child process (its CPU is not
the watcher's): feeds as in ``bench.feeds_poll`` (20 items of ~2 KB, an ETag, spread over 8
loopback hosts), channels as t.me serves their previews (``testkit.channelpages``: the latest 20
posts, each a bold headline line and ~2 KB of text, no validators, view counters that change at
every request) on one more host, the preview host (``TELEGRAM_WEB_URL``). Cycles, each a ``Watcher.once()`` over every source:

- **new**: every feed and channel has 3 new items or posts;
- **unchanged**: feeds answer 304; channels answer 200 with the same posts (only the views moved).

Printed: per set-up and cycle the medians of wall time and CPU (this process and its parse
workers), and the ratios mixed / feeds alone. The pacing of the preview host is lifted
(``channel_host_rate``) so the figure is the watcher's cost, not Telegram's speed limit.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import random
import sys
import tempfile
from pathlib import Path

from bench.feeds_poll import HOSTS, Figures, cycle, listen, make_feed, polling_args

CHANNEL_HOST = "127.0.0.9"
NEW = 3
POSTS = 20


def _post(channel: int, index: int) -> str:
    """Post ``index`` of channel ``channel``, the way outlets post: a bold headline line, then
    ~2 KB of text (the same words as the feeds' items; one in ten names a prisoner)."""
    item = make_feed(channel + 100_000, index, items=1)
    title = item.split(b"<title>", 2)[2].split(b"</title>", 1)[0].decode()
    text = item.split(b"<description>", 1)[1].split(b"</description>", 1)[0].decode()
    return f"<b>{title}</b><br/>{text}"


def serve(sources: int, conn) -> None:
    """Child process: 2N feeds at /f{n} on HOSTS, N channel previews at /s/c{n} on CHANNEL_HOST;
    answers 'move K' (K new items in every feed and channel) and 'stop'."""
    from aiohttp import web

    from testkit.channelpages import FakeChannel

    async def main() -> None:
        offset = 0
        feeds = {f: make_feed(f, offset) for f in range(2 * sources)}
        chans = {c: FakeChannel(f"chan{c:05d}", per_page=POSTS) for c in range(sources)}
        for c, channel in chans.items():
            for i in range(POSTS):
                channel.post(i, _post(c, i))

        async def handler(request: web.Request) -> web.Response:
            if request.path.startswith("/s/chan"):
                return await chans[int(request.path[7:])].handler(request)
            feed = int(request.path[2:])
            etag = f'"{feed}-{offset}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(
                body=feeds[feed], headers={"ETag": etag, "Content-Type": "application/rss+xml"}
            )

        runner, ports = await listen(handler, (*HOSTS, CHANNEL_HOST))
        conn.send(ports)
        loop = asyncio.get_running_loop()
        while (msg := await loop.run_in_executor(None, conn.recv)) != "stop":
            move = int(msg.split()[1])
            for c, channel in chans.items():
                for i in range(offset + POSTS, offset + POSTS + move):
                    channel.post(i, _post(c, i))
            offset += move
            feeds = {f: make_feed(f, offset) for f in range(2 * sources)}
            conn.send("ok")
        await runner.cleanup()

    asyncio.run(main())


async def setup(storage, ports, sources: int, mixed: bool) -> None:
    """The feed list of one set-up: ``sources`` feeds and as many channels, or twice the feeds."""
    from feeds.fetching import channels
    from feeds.fetching.sources import FeedSource, FeedStore, feed_id_for

    store = FeedStore(storage)
    for feed in range(sources if mixed else 2 * sources):
        host = HOSTS[feed % len(HOSTS)]
        url = f"http://{host}:{ports[host]}/f{feed}"
        await store.put(FeedSource(id=feed_id_for(url), url=url))
    if mixed:
        for c in range(sources):
            url = channels.preview_url(f"chan{c:05d}")
            await store.put(FeedSource(id=feed_id_for(url), url=url))


async def bench(args: argparse.Namespace) -> None:
    from feeds.fetching import channels
    from feeds.fetching.fetch_result import FetchPolicy
    from feeds.fetching.fetcher import Fetcher
    from feeds.registry.bundled import bundled_targets
    from feeds.registry.store import RegistryStore
    from feeds.storage.connection import connect
    from feeds.watching.watcher import Watcher
    from feeds.watching.watcher_config import WatcherConfig

    parent, child = mp.Pipe()
    server = mp.get_context("spawn").Process(target=serve, args=(args.sources, child), daemon=True)
    server.start()
    ports = parent.recv()
    channels.use_web(f"http://{CHANNEL_HOST}:{ports[CHANNEL_HOST]}")
    figures: dict[tuple[str, str], list[Figures]] = {}
    watchers = {}
    stores = []
    policy = FetchPolicy(allow_private=True, trust_env=False)
    config = WatcherConfig(channel_host_rate=100_000, max_polls=args.max_polls)
    try:
        async with Fetcher(policy) as fetcher:
            for setup_name in ("feeds", "mixed"):
                prefix = f"bench-ch-{random.getrandbits(32):08x}:"
                storage = await connect(args.redis_url, Path(tempfile.mkdtemp()), prefix)
                stores.append((storage, prefix))
                await RegistryStore(storage).merge(bundled_targets())
                await setup(storage, ports, args.sources, setup_name == "mixed")
                watcher = Watcher(storage, fetcher, config)
                await watcher.__aenter__()
                watchers[setup_name] = watcher
                cold = await cycle(watcher, server.pid)
                print(f"{setup_name}: cold first poll {cold}", file=sys.stderr)
            for run in range(args.runs):
                parent.send(f"move {NEW}")
                parent.recv()
                for cycle_name in ("new", "unchanged"):
                    for setup_name, watcher in watchers.items():
                        got = await cycle(watcher, server.pid)
                        figures.setdefault((setup_name, cycle_name), []).append(got)
                        print(f"run {run + 1}: {setup_name} {cycle_name} {got}", file=sys.stderr)
            errors = {
                n: sum(o.status == "error" for o in w.stats.outcomes) for n, w in watchers.items()
            }
            for watcher in watchers.values():
                await watcher.__aexit__(None, None, None)
    finally:
        parent.send("stop")
        server.join(10)
        for storage, prefix in stores:
            keys = [k async for k in storage.redis.scan_iter(match=prefix + "*", count=1000)]
            if keys:
                await storage.redis.unlink(*keys)
            await storage.close()
    med = {key: Figures.median(runs) for key, runs in figures.items()}
    n = args.sources
    print(f"{n} channels + {n} feeds against {2 * n} feeds, runs {args.runs} (medians)")
    for cycle_name in ("new", "unchanged"):
        alone, mixed = med[("feeds", cycle_name)], med[("mixed", cycle_name)]
        print(f"{cycle_name}: feeds alone {alone}")
        print(f"{cycle_name}: mixed       {mixed}")
        print(
            f"{cycle_name}: mixed / feeds alone: CPU {mixed.cpu / alone.cpu:.2f}x, "
            f"wall {mixed.wall / alone.wall:.2f}x (target <= 1.2x)"
        )
    print(f"errors {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=500, help="channels, and as many feeds")
    polling_args(parser)
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
