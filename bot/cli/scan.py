"""``scan [--registry FILE] [--jsonl] [FILES...]``: run the mention engine over text from a shell.

Without ``--jsonl`` each file (or standard input) is one document and the output is for people.
With ``--jsonl`` every input line is ``{"id": ..., "text": ..., "lang"?: ..., "title"?: ...}`` and every
output line, in input order, is ``{"id": ..., **ScanResult.to_json()}``; a line that is not a JSON
object with a text yields ``{"id": ..., "error": "..."}`` and the run goes on (exit code 1 at the end).
Offsets index the input ``text``; a mention in the ``title`` carries ``"in": "title"`` and offsets
into the title. At the end a line on standard error says how many texts would make an alert and
what share of those may be about a namesake (two people on the list fit equally): the alerts that
reach subscribers marked as possibly about someone else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.ops.runtime import StartupError, opened
from bot.ops.settings import settings_or_exit
from feeds.mentions import Engine, compile_registry, document_text
from feeds.registry.store import RegistryStore


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    scan = subparsers.add_parser(
        "scan",
        help="find tracked prisoners and facilities in text",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    scan.add_argument(
        "--registry",
        metavar="FILE",
        help="use exactly this registry (CSV or Viasna JSON) instead of the one in force",
    )
    scan.add_argument(
        "--jsonl", action="store_true", help='input lines {"id","text"}; output one JSON per line'
    )
    scan.add_argument("files", nargs="*", metavar="FILE", help="input files (default: stdin)")
    scan.set_defaults(handler=run)


@dataclass
class Tally:
    """What a run found, for the closing line: texts read, alerts they would make, and how many
    of those alerts may be about a namesake."""

    texts: int = 0
    alerts: int = 0
    namesakes: int = 0

    def add(self, output: dict) -> None:
        self.texts += 1
        self.alerts += bool(output["prisoners"] or output["facilities"] or output["ambiguous"])
        self.namesakes += bool(output["ambiguous"])

    def line(self) -> str:
        share = f"{100 * self.namesakes / self.alerts:.1f}%" if self.alerts else "-"
        return (
            f"scan: {self.texts} texts, {self.alerts} would alert, "
            f"{self.namesakes} of them ({share}) may be about a namesake"
        )


def run(args: argparse.Namespace) -> int:
    names = args.files or ["-"]
    for name in names:
        if name != "-" and not Path(name).is_file():
            print(f"scan: cannot read {name}: no such file", file=sys.stderr)
            return 2
    engine = _engine(args.registry)
    if engine is None:
        return 2
    failed = False
    tally = Tally()
    lines = [0]
    for name in names:
        if name == "-":
            failed |= _process(engine, "<stdin>", sys.stdin, args.jsonl, lines, tally)
        else:
            with Path(name).open(encoding="utf-8", errors="replace") as stream:
                failed |= _process(engine, name, stream, args.jsonl, lines, tally)
    sys.stdout.flush()
    print(tally.line(), file=sys.stderr)
    return 1 if failed else 0


def _process(
    engine: Engine, name: str, stream: TextIO, jsonl: bool, lines: list[int], tally: Tally
) -> bool:
    """Scan one input; True when some line was rejected."""
    if not jsonl:
        tally.add(_print_human(engine, name, stream.read(), sys.stdout))
        return False
    failed = False
    for line in stream:
        lines[0] += 1
        obj, ok = scan_line(engine, line, lines[0])
        failed |= not ok
        if ok:
            tally.add(obj)
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return failed


def _engine(registry: str | None) -> Engine | None:
    if registry:
        from feeds.registry.importers import load_registry_file

        result = load_registry_file(registry)
        for problem in result.problems:
            print(f"registry: {problem}", file=sys.stderr)
        if not result.targets:
            print(f"scan: no targets in {registry}", file=sys.stderr)
            return None
        return compile_registry(result.targets)
    try:
        targets = asyncio.run(_registry_in_force())
    except StartupError as exc:
        print(f"vestka: {exc}", file=sys.stderr)
        return None
    return compile_registry(targets)


async def _registry_in_force() -> list:
    """The registry every running process sees: the one in storage (seeded on first use)."""
    settings = settings_or_exit()
    async with opened(settings) as storage:
        return await RegistryStore(storage).all()


def scan_line(engine: Engine, line: str, number: int) -> tuple[dict, bool]:
    """One ``--jsonl`` input line -> (output object, ok)."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": f"line {number}: not JSON ({exc.msg})"}, False
    if not isinstance(item, dict):
        return {"id": None, "error": f"line {number}: not a JSON object"}, False
    ident = item.get("id")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"id": ident, "error": f"line {number}: no text"}, False
    title = item.get("title")
    lang = item.get("lang")
    if title is not None and not isinstance(title, str):
        return {"id": ident, "error": f"line {number}: title is not a string"}, False
    result = engine.scan(text, title=title or None, lang=lang if isinstance(lang, str) else None)
    return {"id": ident, **relative_to_text(result.to_json(), title or "")}, True


def relative_to_text(output: dict, title: str) -> dict:
    """Offsets index the input ``text``, as the output format promises. The engine scanned
    ``document_text(text, title)``; a mention found in the title gets ``"in": "title"`` and offsets
    into the title instead."""
    if not title:
        return output
    shift = len(document_text("", title))
    for mention in output["mentions"]:
        in_title = mention["start"] < shift
        mention["in"] = "title" if in_title else "text"
        if not in_title:
            mention["start"] -= shift
            mention["end"] -= shift
    return output


def _print_human(engine: Engine, name: str, text: str, out: TextIO) -> dict:
    """Write one document's findings for people; returns them as ``to_json`` (for the tally)."""
    result = engine.scan(text)
    out.write(f"== {name}\n")
    if result.empty:
        out.write("nothing found\n\n")
        return result.to_json()
    if result.prisoners:
        out.write(f"prisoners:  {', '.join(result.prisoners)}\n")
    if result.facilities:
        out.write(f"facilities: {', '.join(result.facilities)}\n")
    for group in result.ambiguous:
        out.write(f"ambiguous:  {' or '.join(group)}\n")
    out.write(f"events:     {', '.join(map(str, result.events)) or '-'}\n")
    for m in result.mentions:
        events = f"  [{', '.join(map(str, m.events))}]" if m.events else ""
        others = f" (or {', '.join(m.ambiguous_with)})" if m.ambiguous_with else ""
        out.write(f"  {m.start}-{m.end} {m.text!r} -> {m.target}{others}{events}\n")
    out.write(f"summary: {result.summary}\n\n")
    return result.to_json()
