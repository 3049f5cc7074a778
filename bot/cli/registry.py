"""``registry import FILE``, ``registry merge OLD INTO``, ``registry duplicates``, ``registry remove
ID``, ``registry held``, ``registry apply ID``, ``registry show QUERY``, ``registry stats``: the
registry from a shell."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date

from bot.cli.registry_merge import MergeRefused, likely_duplicates, merge_people
from bot.ops.logs import configure_logging_for
from bot.ops.runtime import StartupError, announce_changes, fail, opened
from bot.ops.settings import settings_or_exit
from bot.telegram.held_deaths import confirm_death, held_in_order
from bot.telegram.takedown import take_down
from feeds.registry.held import HeldDeaths
from feeds.registry.models import AnyTarget, Prisoner
from feeds.registry.reading import RegistryFileError, parse_date
from feeds.registry.search.index import SearchIndex
from feeds.registry.store import RegistryStore


def _date(text: str) -> date:
    found = parse_date(text)
    if found is None or found.isoformat() != text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)")
    return found


def add_parser(commands: argparse._SubParsersAction) -> None:
    registry = commands.add_parser("registry", help="import, look up and count tracked targets")
    actions = registry.add_subparsers(
        title="actions", metavar="ACTION", required=True, parser_class=type(registry)
    )
    importer = actions.add_parser("import", help="merge a CSV or Viasna JSON file in, by id")
    importer.add_argument("file", help="registry CSV or Viasna's English JSON export")
    importer.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would change (added, changed field by field, held, rejected); change nothing",
    )
    importer.add_argument(
        "--checked",
        action="store_true",
        help="you checked each status in this small file (at most 20 records), e.g. a re-arrest "
        "after release: its statuses replace even ones a file may not undo",
    )
    importer.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the date the file's facts were true (rows with their own as_of keep it; a Viasna "
        "export is dated by the newest date in it otherwise): older facts never replace newer",
    )
    importer.set_defaults(handler=lambda a: _with_registry(_import, a))
    remove = actions.add_parser(
        "remove", help="take a person down on request: the entry and every trace of it"
    )
    remove.add_argument("id")
    remove.set_defaults(handler=lambda a: _with_registry(_remove, a))
    merge = actions.add_parser(
        "merge", help="fold OLD into INTO: one person listed twice (check first: duplicates)"
    )
    merge.add_argument("old")
    merge.add_argument("into")
    merge.set_defaults(handler=lambda a: _with_registry(_merge, a))
    held = actions.add_parser(
        "held", help="deaths a registry source reported, held until an admin confirms them"
    )
    held.set_defaults(handler=lambda a: _with_registry(_held, a))
    apply = actions.add_parser(
        "apply", help="confirm a held death (see held): apply it and tell the person's followers"
    )
    apply.add_argument("id")
    apply.add_argument(
        "--drop", action="store_true", help="the report was wrong: forget it, apply nothing"
    )
    apply.set_defaults(handler=lambda a: _with_registry(_apply, a))
    duplicates = actions.add_parser(
        "duplicates", help="prisoners whose names read the same: maybe one person, to check"
    )
    duplicates.set_defaults(handler=lambda a: _with_registry(_duplicates, a))
    show = actions.add_parser("show", help="show targets whose id or name matches QUERY")
    show.add_argument("query")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.set_defaults(handler=lambda a: _with_registry(_show, a))
    stats = actions.add_parser("stats", help="count targets by kind and status")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=lambda a: _with_registry(_stats, a))


def _with_registry(action, args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    configure_logging_for(settings)

    async def go() -> int:
        async with opened(settings) as storage:
            args.storage, args.settings = storage, settings
            return await action(RegistryStore(storage), args)

    try:
        return asyncio.run(go())
    except StartupError as exc:
        return fail(str(exc))


async def _import(registry: RegistryStore, args: argparse.Namespace) -> int:
    if args.dry_run:
        return await _dry_run(registry, args)
    try:
        result, report = await registry.import_file(
            args.file, args.settings.registry_include_np, checked=args.checked, as_of=args.as_of
        )
    except RegistryFileError as exc:
        return fail(f"registry import {exc}")
    await announce_changes(args.storage, args.settings, report, f"registry import {args.file}")
    for problem in result.problems:
        print(f"rejected: {problem}", file=sys.stderr)
    for warning in result.warnings:
        print(f"cleaned: {warning}", file=sys.stderr)
    for target_id, kept, offered in report.held:
        print(
            f"held: {target_id} stays {kept} (the file says {offered}): a file never undoes a "
            "release, an expulsion or a death; once checked, `registry import --checked` of a "
            "small file changes it",
            file=sys.stderr,
        )
    for target_id, fact in report.stale:
        print(f"stale: {target_id} keeps its {fact} (the file's is older)", file=sys.stderr)
    if result.left_out_np:
        print(
            f"left out: {result.left_out_np} records marked np, not recognised as political "
            "prisoners (REGISTRY_INCLUDE_NP=true keeps them)",
            file=sys.stderr,
        )
    print(
        f"{args.file}: {report.line()}; {len(result.problems)} problems; "
        f"registry version {report.version}"
    )
    return 1 if result.problems else 0


async def _dry_run(registry: RegistryStore, args: argparse.Namespace) -> int:
    """The import's diff on standard output; storage untouched."""
    try:
        result = registry.read_file(args.file, args.settings.registry_include_np, args.as_of)
    except RegistryFileError as exc:
        return fail(f"registry import {exc}")
    report, _updates = await registry.plan(result.targets)
    for change in report.changes:
        if change.old is None:
            print(f"add {change.new.id}: {describe(change.new)}")
            continue
        before, after = change.old.model_dump(), change.new.model_dump()
        for name in after:
            if before.get(name) != after[name]:
                print(f"change {change.new.id}: {name}: {before.get(name)!r} -> {after[name]!r}")
    for target_id, kept, offered in report.held:
        print(f"held {target_id}: status stays {kept} (the file says {offered})")
    for target_id, fact in report.stale:
        print(f"stale {target_id}: {fact} kept (the file's is older than the stored one)")
    for problem in result.problems:
        print(f"rejected {problem}")
    print(
        f"dry run, nothing changed: {report.line()}; {len(result.problems)} rejected"
        + (f"; {result.left_out_np} np left out" if result.left_out_np else ""),
        file=sys.stderr,
    )
    return 1 if result.problems else 0


async def _remove(registry: RegistryStore, args: argparse.Namespace) -> int:
    done = await take_down(args.storage, args.id)
    if done is None:
        return fail(f"registry remove: there is no {args.id!r} in the registry")
    print(f"removed {done.target_id} and every trace of it; {done.chats_told} following chats told")
    return 0


async def _held(registry: RegistryStore, args: argparse.Namespace) -> int:
    held = await held_in_order(args.storage)
    for h in held:
        print(f"{h.record.id}\t{h.record.display_name}\treported by {h.source}\tsince {h.since}")
    print(f"{len(held)} held deaths; `registry apply ID` once checked", file=sys.stderr)
    return 0


async def _apply(registry: RegistryStore, args: argparse.Namespace) -> int:
    if args.drop:
        if not await HeldDeaths(args.storage).drop(args.id):
            return fail(f"registry apply: no death is held for {args.id!r}")
        print(f"dropped the reported death of {args.id}; nothing applied, nobody told")
        return 0
    alerts = await confirm_death(args.storage, args.settings, args.id)
    if alerts is None:
        return fail(f"registry apply: no death is held for {args.id!r} (see `registry held`)")
    print(f"applied the death of {args.id}; {alerts} registry alerts")
    return 0


async def _merge(registry: RegistryStore, args: argparse.Namespace) -> int:
    try:
        done = await merge_people(args.storage, args.old, args.into)
    except MergeRefused as exc:
        return fail(f"registry merge: {exc}")
    print(
        f"merged {args.old} into {args.into}: {done.chats_moved} following chats and "
        f"{done.events_moved} timeline events moved; {args.old} now opens {args.into}"
    )
    return 0


async def _duplicates(registry: RegistryStore, args: argparse.Namespace) -> int:
    pairs = likely_duplicates(await registry.all())
    for first, second in pairs:
        print(f"{first.id} ~ {second.id}\n  {describe(first)}\n  {describe(second)}")
    print(
        f"{len(pairs)} pairs whose names read the same; one person listed twice can be merged "
        "with `registry merge OLD INTO` once checked (namesakes are two people: leave them)",
        file=sys.stderr,
    )
    return 0


async def _show(registry: RegistryStore, args: argparse.Namespace) -> int:
    """The same cross-script search as the bot's: "bial", "Бяляц" and "Białacki" find one man."""
    targets = await registry.all()
    exact = [t for t in targets if t.id == args.query]
    found = exact or [hit.target for hit in SearchIndex.build(targets).search(args.query)]
    for target in found:
        print(target.model_dump_json() if args.json else describe(target))
    if not found:
        print(f"nothing matches {args.query[:80]!r}", file=sys.stderr)
    return 0


async def _stats(registry: RegistryStore, args: argparse.Namespace) -> int:
    stats = await registry.stats()
    if args.json:
        print(json.dumps(stats))
        return 0
    print(f"{stats['targets']} targets, registry version {stats['version']}")
    for kind, count in sorted(stats["by_kind"].items()):
        print(f"  {kind}: {count}")
    for status, count in sorted(stats["prisoners_by_status"].items()):
        print(f"  prisoners {status}: {count}")
    return 0


def describe(target: AnyTarget) -> str:
    if isinstance(target, Prisoner):
        names = " / ".join(n for n in (target.name_be, target.name_ru, target.name_en) if n)
        where = f", {target.facility_id}" if target.facility_id else ""
        return f"{target.id}\tprisoner\t{names}\t{target.status}{where}"
    number = f" No. {target.number}" if target.number is not None else ""
    towns = " / ".join(t for t in (target.town_be, target.town_ru, target.town_en) if t)
    return f"{target.id}\t{target.kind}{number}\t{towns}"
