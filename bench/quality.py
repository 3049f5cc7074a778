"""Mention-engine quality on the labelled corpus: ``python -m bench.quality``.

Reads ``tests/data/mentions/{dev,heldout}.jsonl`` and the evaluation registry
``tests/data/mentions/registry.csv``, scans every passage and prints, per split and per language,
micro precision/recall for prisoners and for facilities and micro F1 for events. An ambiguous group
counts as one unit, right only if it equals the expected group. Each row also counts the misses
(false positives plus false negatives) for prisoners, facilities and events. ``--misses`` lists the
dev items the engine gets wrong (never the held-out texts).

``--write-floor`` rewrites ``tests/data/mentions/quality_floor.json`` (the quality ratchet of
``tests/test_mention_quality.py``) from the current engine's figures: the exact totals per split and
the misses per language.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from feeds.mentions import Engine, compile_registry

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "mentions"
FLOOR = DATA / "quality_floor.json"
SPLITS = ("dev", "heldout")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set, expected: set) -> None:
        self.tp += len(predicted & expected)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def misses(self) -> int:
        return self.fp + self.fn


@dataclass
class Scores:
    items: int = 0
    prisoners: Counts = field(default_factory=Counts)
    facilities: Counts = field(default_factory=Counts)
    events: Counts = field(default_factory=Counts)

    def figures(self) -> dict[str, float]:
        return {
            "prisoners_precision": self.prisoners.precision,
            "prisoners_recall": self.prisoners.recall,
            "facilities_precision": self.facilities.precision,
            "facilities_recall": self.facilities.recall,
            "events_f1": self.events.f1,
        }

    def misses(self) -> dict[str, int]:
        return {
            "items": self.items,
            "prisoners": self.prisoners.misses,
            "facilities": self.facilities.misses,
            "events": self.events.misses,
        }


def load_engine(registry: Path | None = None) -> Engine:
    from feeds.registry.importers import load_registry_file

    result = load_registry_file(registry or DATA / "registry.csv")
    if result.problems:
        raise SystemExit("registry problems: " + "; ".join(map(str, result.problems)))
    return compile_registry(result.targets)


def read_items(path: Path) -> list[dict]:
    items = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                items.append(json.loads(line))
    return items


def units(ids: Iterable[str], groups: Iterable[Iterable[str]]) -> set:
    return set(ids) | {frozenset(g) for g in groups}


def compare(engine: Engine, item: dict) -> tuple[tuple[set, set], tuple[set, set], tuple[set, set]]:
    result = engine.scan(item["text"], item.get("title"), item.get("lang"))
    return (
        (
            units(result.prisoners, result.ambiguous),
            units(item.get("prisoners", []), item.get("ambiguous", [])),
        ),
        (set(result.facilities), set(item.get("facilities", []))),
        ({str(e) for e in result.events}, set(item.get("events", []))),
    )


def evaluate(engine: Engine, items: list[dict]) -> dict[str, Scores]:
    """Scores per language plus ``"all"``."""
    scores: dict[str, Scores] = defaultdict(Scores)
    for item in items:
        (pp, pe), (fp, fe), (ep, ee) = compare(engine, item)
        for key in (item.get("lang", "?"), "all"):
            s = scores[key]
            s.items += 1
            s.prisoners.add(pp, pe)
            s.facilities.add(fp, fe)
            s.events.add(ep, ee)
    return dict(scores)


def split_scores(engine: Engine, split: str) -> dict[str, Scores]:
    """Scores per language plus ``"all"`` on one split (``dev`` or ``heldout``)."""
    return evaluate(engine, read_items(DATA / f"{split}.jsonl"))


def floor_of(scores: dict[str, Scores]) -> dict:
    """One split's entry of the floor file: the exact totals, and the misses per language."""
    return {
        "totals": scores["all"].figures(),
        "misses": {lang: scores[lang].misses() for lang in sorted(scores) if lang != "all"},
    }


def write_floor(engine: Engine, path: Path = FLOOR) -> dict:
    floor = {split: floor_of(split_scores(engine, split)) for split in SPLITS}
    path.write_text(json.dumps(floor, indent=2) + "\n", encoding="utf-8")
    return floor


def print_table(split: str, scores: dict[str, Scores]) -> None:
    print(f"\n== {split} ==")
    print(
        f"{'lang':<8}{'items':>6}  {'pris P':>7}{'pris R':>7}  {'fac P':>7}{'fac R':>7}  {'ev F1':>7}"
        f"  {'misses pris/fac/ev':>18}"
    )
    order = [*sorted(k for k in scores if k != "all"), "all"]
    for lang in order:
        s = scores[lang]
        misses = f"{s.prisoners.misses}/{s.facilities.misses}/{s.events.misses}"
        print(
            f"{lang:<8}{s.items:>6}  {s.prisoners.precision:>7.3f}{s.prisoners.recall:>7.3f}  "
            f"{s.facilities.precision:>7.3f}{s.facilities.recall:>7.3f}  {s.events.f1:>7.3f}"
            f"  {misses:>18}"
        )


def print_misses(engine: Engine, items: list[dict]) -> None:
    for item in items:
        (pp, pe), (fp, fe), (ep, ee) = compare(engine, item)
        if pp != pe or fp != fe or ep != ee:
            print(f"\n{item['id']} [{item.get('kind')}]")
            for label, got, want in (
                ("prisoners", pp, pe),
                ("facilities", fp, fe),
                ("events", ep, ee),
            ):
                if got != want:
                    extra = sorted(map(str, got - want))
                    missing = sorted(map(str, want - got))
                    print(f"  {label}: extra {extra} missing {missing}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument("--registry", type=Path, help="registry file (default: the eval registry)")
    parser.add_argument("--misses", action="store_true", help="list the dev items that differ")
    parser.add_argument(
        "--write-floor",
        action="store_true",
        help=f"rewrite {FLOOR.name} (the quality ratchet) from the current engine's figures",
    )
    args = parser.parse_args(argv)
    if args.write_floor and args.registry:
        parser.error("--write-floor measures the eval registry; drop --registry")
    engine = load_engine(args.registry)
    if args.write_floor:
        write_floor(engine)
        print(f"wrote {FLOOR}", file=sys.stderr)
    for split in SPLITS:
        path = DATA / f"{split}.jsonl"
        if not path.exists():
            print(f"\n== {split} == (no {path.name} yet)")
            continue
        items = read_items(path)
        print_table(split, evaluate(engine, items))
        if args.misses and split == "dev":
            print_misses(engine, items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
