"""``feeds add|remove|pause|resume|list|check|import|export``: the feed list from a shell."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.cli.watch import fetch_policy, prepare_feeds
from bot.ops.logs import configure_logging_for
from bot.ops.runtime import StartupError, fail, opened
from bot.ops.settings import Settings, settings_or_exit
from feeds.fetching.feedlist import LANG_RE, MAX_NAME, read_feed_list, to_opml, to_text
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.items import MAX_ITEMS
from feeds.fetching.parsing import parse_feed_async
from feeds.fetching.sources import FeedSource, FeedState, FeedStore, feed_id_for, validate_feed_url
from feeds.fetching.ssrf import URLRefused
from feeds.registry.store import RegistryStore
from feeds.watching.analysis import EngineHost


def add_parser(commands: argparse._SubParsersAction) -> None:
    feeds = commands.add_parser("feeds", help="add, list, check, import and export feeds")
    actions = feeds.add_subparsers(
        title="actions", metavar="ACTION", required=True, parser_class=type(feeds)
    )
    add = actions.add_parser("add", help="add a feed by URL")
    add.add_argument("url")
    add.add_argument("--name", default="")
    add.add_argument("--lang", default="", help="language code: be, be-latn, ru, en, pl...")
    add.add_argument("--full-text", choices=("auto", "yes", "no"), default="auto")
    add.set_defaults(handler=lambda a: _with_feeds(_add, a))
    for name, what in (("remove", "remove"), ("pause", "stop polling"), ("resume", "poll again")):
        sub = actions.add_parser(name, help=f"{what} a feed (by URL or id)")
        sub.add_argument("feed", metavar="URL-or-ID")
        sub.set_defaults(handler=lambda a, n=name: _with_feeds(_change, a, n))
    listing = actions.add_parser("list", help="every feed with its health")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=lambda a: _with_feeds(_list, a))
    check = actions.add_parser("check", help="fetch a URL once and show what would be matched")
    check.add_argument("url")
    check.add_argument("--lang", default="")
    check.set_defaults(handler=lambda a: _with_feeds(_check, a))
    importer = actions.add_parser("import", help="merge an OPML or text feed list in, by URL")
    importer.add_argument("file")
    importer.set_defaults(handler=lambda a: _with_feeds(_import, a))
    export = actions.add_parser("export", help="print the feed list as OPML (or text)")
    export.add_argument("--format", choices=("opml", "text"), default="opml")
    export.set_defaults(handler=lambda a: _with_feeds(_export, a))


def _with_feeds(action, args: argparse.Namespace, *extra) -> int:
    settings = settings_or_exit()
    configure_logging_for(settings)

    async def go() -> int:
        async with opened(settings) as storage:
            await prepare_feeds(storage, settings, merge_file=False)
            args.storage = storage
            return await action(FeedStore(storage), settings, args, *extra)

    try:
        return asyncio.run(go())
    except StartupError as exc:
        return fail(str(exc))


def _refused(url: str, exc: URLRefused) -> int:
    shown = url if len(url) <= 100 else url[:100] + "…"
    return fail(f"refused feed URL {shown!r}: {exc.message}")


async def _add(store: FeedStore, settings: Settings, args: argparse.Namespace) -> int:
    try:
        url = validate_feed_url(args.url, settings.allow_private_feeds)
    except URLRefused as exc:
        return _refused(args.url, exc)
    if args.lang and not LANG_RE.match(args.lang):
        return fail(
            f"--lang {args.lang[:20]!r} is not a language code (be, be-latn, ru, en, pl...)"
        )
    existing = await store.find(url)
    source = FeedSource(
        id=existing.id if existing else feed_id_for(url),
        url=existing.url if existing else url,
        name=" ".join(args.name.split())[:MAX_NAME],
        lang=args.lang.lower(),
        full_text=args.full_text,
    )
    report = await store.merge([source])
    verb = "added" if report.added else ("updated" if report.updated else "already there")
    print(f"{source.id}\t{verb}\t{source.url}")
    return 0


async def _change(
    store: FeedStore, settings: Settings, args: argparse.Namespace, action: str
) -> int:
    source = await store.find(args.feed)
    if source is None:
        print(
            f"vestka: no feed {args.feed[:100]!r} (give a URL or an id from 'feeds list')",
            file=sys.stderr,
        )
        return 1
    if action == "remove":
        await store.remove(source.id)
    else:
        await store.set_paused(source.id, action == "pause")
    done = {"remove": "removed", "pause": "paused", "resume": "resumed"}[action]
    print(f"{source.id}\t{done}\t{source.url}")
    return 0


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def health(source: FeedSource, state: FeedState) -> str:
    if source.paused:
        return "paused"
    if state.flagged_at is not None:
        return "failing"  # for 24 h or more: admins were told
    if state.errors:
        return "error"
    return "ok" if state.polls else "new"


async def _list(store: FeedStore, settings: Settings, args: argparse.Namespace) -> int:
    states = await store.states()
    for source in await store.all():
        state = states.get(source.id, FeedState())
        due = await store.due_score(source.id)
        record = {
            "id": source.id,
            "url": source.url,
            "name": source.name,
            "lang": source.lang,
            "health": health(source, state),
            "paused": source.paused,
            "blocks_robots": source.blocks_robots,
            "last_success": state.last_success,
            "last_error": state.last_error,
            "last_error_at": state.last_error_at,
            "errors": state.errors,
            "failing_since": state.failing_since,
            "next_check": due,
            "note": state.note,  # a channel: renamed, older posts skipped
        }
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
            continue
        error = f"{_when(state.last_error_at)} {state.last_error}" if state.last_error else "-"
        print(
            f"{source.id}\t{record['health']}\tok {_when(state.last_success)}\t"
            f"next {_when(due)}\terror {error[:160]}\t{source.url}\t{source.name}"
            + (f"\tnote {state.note[:160]}" if state.note else "")
        )
    return 0


async def _check(store: FeedStore, settings: Settings, args: argparse.Namespace) -> int:
    try:
        url = validate_feed_url(args.url, settings.allow_private_feeds)
    except URLRefused as exc:
        return _refused(args.url, exc)
    host = EngineHost(RegistryStore(args.storage))
    await host.load()
    source = FeedSource(id=feed_id_for(url), url=url, lang=args.lang)
    started = time.monotonic()
    async with Fetcher(fetch_policy(settings)) as fetcher:
        result = await fetcher.fetch(url)
    print(
        f"fetch: {result.status} {result.http_status or ''} in {time.monotonic() - started:.1f} s"
    )
    if not result.ok:
        print(f"vestka: {url}: {result.message or result.status}", file=sys.stderr)
        return 1
    parsed = await parse_feed_async(result.body, result.headers, result.url)
    if not parsed.is_feed:
        print(f"vestka: {url}: {parsed.bozo}", file=sys.stderr)
        return 1
    print(
        f"feed: {parsed.title!r}, {len(parsed.items)} items"
        + (f" ({parsed.bozo})" if parsed.bozo else "")
    )
    if parsed.over_cap:
        print(
            f"note: the feed has {len(parsed.items) + parsed.over_cap + parsed.dropped} items; "
            f"only the newest {MAX_ITEMS} are read, {parsed.over_cap} older ones never alert"
        )
    for item in parsed.items:
        alert = host.analyse(item, item.text, source)
        found = ", ".join(alert.targets) if alert else "-"
        print(
            f"  {_when(item.published.timestamp() if item.published else None)}  {item.title[:100]!r}"
        )
        print(f"      {item.link or '(no link)'}\n      matches: {found}")
    return 0


async def _import(store: FeedStore, settings: Settings, args: argparse.Namespace) -> int:
    result = read_feed_list(Path(args.file), settings.allow_private_feeds)
    for problem in result.problems:
        print(f"rejected: {problem}", file=sys.stderr)
    report = await store.merge(result.sources)
    print(f"{args.file}: {report.line()}; {len(result.problems)} problems")
    return 1 if result.problems else 0


async def _export(store: FeedStore, settings: Settings, args: argparse.Namespace) -> int:
    sources = await store.all()
    sys.stdout.write(to_opml(sources) if args.format == "opml" else to_text(sources))
    return 0
