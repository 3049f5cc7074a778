"""What a registry sync costs when the source has not changed: one conditional GET and no parsing.

    python -m bench.registry_sync               # REDIS_URL if set, else an embedded Valkey
    python -m bench.registry_sync --runs 9

The whole export of ``../shared/data`` is served by a local HTTP server with an ETag, as a
``REGISTRY_URL`` would be. The shipped ``RegistrySync`` (the watcher's) syncs it once into an empty
registry (everything parsed and merged), then ``--runs`` more times with the source unchanged.
Printed: the requests each unchanged sync made and what they were answered, how many times the
registry file was parsed (counted by wrapping the parser, which still runs), and the median wall
time of an unchanged sync against the first, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import feeds.registry.sync as sync_module
from bot.ops.runtime import announce_changes
from bot.ops.settings import Settings
from feeds.fetching.fetch_result import FetchPolicy
from feeds.fetching.fetcher import Fetcher
from feeds.registry.sync import RegistrySync
from feeds.storage.connection import connect
from testkit.feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT.parent / "shared" / "data" / "viasna-prisoners-en-2023.json"


async def measure(runs: int, redis_url: str | None) -> int:
    parses = 0
    parse = sync_module.load_registry_bytes

    def counted(*args, **kwargs):
        nonlocal parses
        parses += 1
        return parse(*args, **kwargs)

    sync_module.load_registry_bytes = counted  # type: ignore[assignment]
    prefix = f"bench-sync-{secrets.token_hex(4)}:"
    storage = await connect(redis_url, Path(tempfile.mkdtemp()), prefix)
    settings = Settings(_env_file=None)
    policy = FetchPolicy(private_allowlist=("127.0.0.0/8",), trust_env=False)
    try:
        async with FeedServer() as server, Fetcher(policy) as fetcher:
            server.add("/export.json", EXPORT.read_bytes(), etag='"export-1"')
            url = server.url("/export.json")

            async def announce(report, origin: str) -> list:
                return await announce_changes(storage, settings, report, origin)

            async def notice(text: str) -> None:
                print(f"notice: {text}", file=sys.stderr)

            sync = RegistrySync(
                storage, fetcher, [url], poll=3600, announce=announce, on_notice=notice
            )
            started = time.perf_counter()
            first = await sync.sync(url, force=True)
            first_s = time.perf_counter() - started
            first_parses, first_hits = parses, server.hits["/export.json"]
            times, outcomes = [], []
            for _ in range(runs):
                started = time.perf_counter()
                outcomes.append((await sync.sync(url, force=True)).status)
                times.append(time.perf_counter() - started)
            requests = server.hits["/export.json"] - first_hits
            validators = sum(
                1 for r in server.requests["/export.json"][first_hits:] if r.get("If-None-Match")
            )
    finally:
        keys = [k async for k in storage.redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await storage.redis.delete(*keys)
        await storage.close()
        sync_module.load_registry_bytes = parse  # type: ignore[assignment]
    print(f"first sync: {first.status}, {first.message}; {first_parses} parse, {first_s:.2f} s")
    print(
        f"{runs} unchanged syncs: {requests} requests ({validators} conditional), "
        f"answered {', '.join(sorted(set(outcomes)))}; {parses - first_parses} parses"
    )
    median = statistics.median(times)
    print(
        f"an unchanged sync: median {median * 1000:.1f} ms, {median / first_s:.3f}x the first sync "
        "(target: one conditional GET per sync, no parsing)"
    )
    ok = (
        requests == runs == validators
        and parses == first_parses
        and set(outcomes) == {"not_modified"}
    )
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    args = parser.parse_args(argv)
    if not EXPORT.exists():
        print(f"no export at {EXPORT}: the bench needs ../shared/data", file=sys.stderr)
        return 2
    return asyncio.run(measure(args.runs, args.redis_url))


if __name__ == "__main__":
    raise SystemExit(main())
