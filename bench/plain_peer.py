"""The plainest poller, the way typical Telegram RSS bots are built: the yardstick of issue 16.

One aiohttp session, ETags kept in memory, ``feedparser.parse`` on every changed body, one Redis
write per item to remember it (``SADD``), and a regular expression of the registry's surnames as
the whole "mention engine". It runs in a child process of ``bench.feeds_poll`` (so its CPU time and
its memory are its own) and polls the same feeds, in the same cycles, as Vestka's watcher:
``PeerProcess.cycle()`` returns its wall time, CPU seconds and peak resident memory.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import re
import time
from dataclasses import dataclass

from bench.memory import peak_rss_mb


@dataclass(frozen=True)
class PeerFigures:
    wall: float
    cpu: float
    peak_mb: float
    matched: int


def _surname_pattern(surnames: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, surnames)) + r")\w*", re.IGNORECASE)


async def _poll_all(session, urls: list[str], etags: dict[str, str], redis, key, pattern) -> int:
    import feedparser

    gate = asyncio.Semaphore(40)

    async def one(url: str) -> int:
        async with gate:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with session.get(url, headers=headers) as response:
                if response.status == 304:
                    return 0
                body = await response.read()
                if "ETag" in response.headers:
                    etags[url] = response.headers["ETag"]
        parsed = feedparser.parse(body)
        matched = 0
        for entry in parsed.entries:
            guid = entry.get("id") or entry.get("link") or entry.get("title", "")
            if await redis.sadd(key, guid):  # one write per item: new to this bot
                text = f"{entry.get('title', '')} {entry.get('summary', '')}"
                matched += pattern.search(text) is not None
        return matched

    return sum(await asyncio.gather(*(one(u) for u in urls)))


def _serve(conn, urls: list[str], surnames: list[str], redis_url: str, key: str) -> None:
    """Child process: poll every URL once per 'cycle' message, answer with its figures."""
    import aiohttp
    import redis.asyncio as aioredis

    async def main() -> None:
        pattern = _surname_pattern(surnames)
        etags: dict[str, str] = {}
        pool = aioredis.BlockingConnectionPool.from_url(redis_url, max_connections=64, timeout=None)
        redis = aioredis.Redis(connection_pool=pool)
        connector = aiohttp.TCPConnector(limit=100, limit_per_host=4)
        async with aiohttp.ClientSession(connector=connector) as session:
            loop = asyncio.get_running_loop()
            while await loop.run_in_executor(None, conn.recv) != "stop":
                wall, cpu = time.perf_counter(), time.process_time()
                matched = await _poll_all(session, urls, etags, redis, key, pattern)
                peak = peak_rss_mb()  # not ru_maxrss: a spawned child's carries the parent's
                conn.send(
                    PeerFigures(
                        time.perf_counter() - wall, time.process_time() - cpu, peak, matched
                    )
                )
        await redis.delete(key)
        await redis.aclose()

    asyncio.run(main())


class PeerProcess:
    """The peer in its own process, driven cycle by cycle."""

    def __init__(self, urls: list[str], surnames: list[str], redis_url: str, key: str) -> None:
        self._conn, child = mp.Pipe()
        self._process = mp.get_context("spawn").Process(
            target=_serve, args=(child, urls, surnames, redis_url, key), daemon=True
        )
        self._process.start()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def cycle(self) -> PeerFigures:
        self._conn.send("cycle")
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(10)
