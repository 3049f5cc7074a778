"""Mention-engine quality on the labelled corpus: ``python -m bench.quality``.

Reads ``tests/data/mentions/{dev,heldout}.jsonl`` and the evaluation registry
``tests/data/mentions/registry.csv``, scans every passage and prints, per split and per language,
micro precision/recall for prisoners and for facilities and micro F1 for events. An ambiguous group
counts as one unit, right only if it equals the expected group. ``--misses`` lists the dev items the
engine gets wrong (never the held-out texts).
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


def split_figures(engine: Engine, split: str) -> dict[str, float] | None:
    path = DATA / f"{split}.jsonl"
    if not path.exists():
        return None
    return evaluate(engine, read_items(path))["all"].figures()


def print_table(split: str, scores: dict[str, Scores]) -> None:
    print(f"\n== {split} ==")
    print(
        f"{'lang':<8}{'items':>6}  {'pris P':>7}{'pris R':>7}  {'fac P':>7}{'fac R':>7}  {'ev F1':>7}"
    )
    order = [*sorted(k for k in scores if k != "all"), "all"]
    for lang in order:
        s = scores[lang]
        print(
            f"{lang:<8}{s.items:>6}  {s.prisoners.precision:>7.3f}{s.prisoners.recall:>7.3f}  "
            f"{s.facilities.precision:>7.3f}{s.facilities.recall:>7.3f}  {s.events.f1:>7.3f}"
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
    args = parser.parse_args(argv)
    engine = load_engine(args.registry)
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
