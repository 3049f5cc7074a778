"""``watch`` (and ``watch --once``): the feed-watcher role, and the pieces ``run`` reuses.

Settings become plain values here (``WatcherConfig``, ``FetchPolicy``); ``feeds/`` never reads them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.ops.console import ConsolePrinter
from bot.ops.metrics import cycle_every
from bot.ops.runtime import StartupError, announce_changes, run_role, started, stop_signal
from bot.ops.settings import Settings
from bot.telegram.admin_notices import notify_admins
from feeds.fetching.feedlist import bundled_feeds, read_feed_list
from feeds.fetching.fetch_result import FetchPolicy
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.sources import FeedStore
from feeds.registry.sync import RegistrySync
from feeds.storage.connection import Storage
from feeds.watching.watcher import Watcher
from feeds.watching.watcher_config import WatcherConfig

log = logging.getLogger("vestka")


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "watch",
        help="run only the feed watcher role",
        description="Poll the feeds and turn mentions into alerts, until SIGTERM or Ctrl-C. "
        "Several 'watch' processes may share one Redis: they split the feeds with leases.",
    )
    parser.add_argument(
        "--once", action="store_true", help="poll every unpaused feed once, due or not, then exit"
    )
    parser.set_defaults(handler=watch)


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        contact_url=settings.feed_contact_url, allow_private=settings.allow_private_feeds
    )


def watcher_config(settings: Settings) -> WatcherConfig:
    return WatcherConfig(
        poll_interval=float(settings.poll_interval),
        backfill_hours=float(settings.backfill_hours),
        seen_ttl=settings.seen_ttl_days * 86400.0,
        parse_processes=settings.parse_processes,
        cycle_every=cycle_every(settings),
        channel_min_interval=float(settings.channel_min_interval),
        channel_host_rate=settings.channel_host_rate,
    )


def load_feed_file(settings: Settings):
    """FEEDS_FILE's sources; its problems are logged. StartupError when nothing at all loads."""
    assert settings.feeds_file is not None
    result = read_feed_list(settings.feeds_file, settings.allow_private_feeds)
    for problem in result.problems:
        log.warning("feeds: %s", problem)
    if not result.sources and result.problems:
        raise StartupError(f"FEEDS_FILE: {result.problems[0]}")
    return result.sources


async def prepare_feeds(storage: Storage, settings: Settings, merge_file: bool) -> None:
    """Seed the feed list once (FEEDS_FILE or the bundled list); merge FEEDS_FILE if asked."""
    store = FeedStore(storage)
    if settings.feeds_file is not None:
        sources = load_feed_file(settings)
        seeded = await store.ensure_seeded(lambda: sources)
        if seeded is None and merge_file:
            log.info("feeds file merged: %s", (await store.merge(sources)).line())
    else:
        seeded = await store.ensure_seeded(bundled_feeds)
    if seeded is not None:
        log.info(
            "feeds seeded from %s: %s", settings.feeds_file or "the bundled list", seeded.line()
        )


@asynccontextmanager
async def watching(storage: Storage, settings: Settings) -> AsyncIterator[Watcher]:
    """A ready watcher (engine built) on a fetcher of its own; prints alerts in console mode."""
    printer = ConsolePrinter(settings.zone) if settings.console_mode else None
    async with Fetcher(fetch_policy(settings)) as fetcher:
        sync = registry_sync(storage, settings, fetcher)
        config = watcher_config(settings)

        async def notice(text: str) -> None:
            await notify_admins(storage, settings, text)

        async with Watcher(
            storage, fetcher, config, on_alert=printer, registry_sync=sync, on_notice=notice
        ) as watcher:
            yield watcher


def registry_sync(storage: Storage, settings: Settings, fetcher: Fetcher) -> RegistrySync | None:
    """``REGISTRY_URL`` kept in sync by the watcher, its changes announced; None without one."""
    if not settings.registry_url:
        return None

    async def announce(report, origin: str) -> list:
        return await announce_changes(storage, settings, report, origin)

    async def notice(text: str) -> None:
        await notify_admins(storage, settings, text)

    return RegistrySync(
        storage,
        fetcher,
        settings.registry_url,
        poll=float(settings.registry_poll),
        announce=announce,
        on_notice=notice,
        include_np=settings.registry_include_np,
    )


def watch(args: argparse.Namespace) -> int:
    return run_role(lambda settings: _watch(settings, args.once))


async def _watch(settings: Settings, once: bool) -> int:
    stop = stop_signal()
    async with started(settings) as storage:
        await prepare_feeds(storage, settings, merge_file=True)
        async with watching(storage, settings) as watcher:
            if once:
                stats = await watcher.once()
                print(
                    f"polled {stats.polls} feeds: {stats.errors} errors, {stats.items} items, "
                    f"{stats.scanned} new items scanned, {stats.alerts} alerts",
                    file=sys.stderr,
                )
                return 0
            log.info("watching feeds; Ctrl-C or SIGTERM stops")
            await watcher.run(stop)
    log.info("stopped")
    return 0
