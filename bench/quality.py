"""Mention-engine quality on the labelled corpus: ``python -m bench.quality [--heldout]``.

The corpus is a set of writers' batches (``tests/data/mentions/corpus/splits.json`` lists them and
the registry each was written against; ``corpus/README.md`` says who wrote what and how). The
split is by writer: ``dev`` is what the engine may be tuned on, ``heldout`` is looked at only when a
change is finished (``--heldout``; the default prints dev only).

Every passage is scanned with its batch's registry; per split and per language the bench prints
precision, recall and F1 for prisoners, for facilities (a wrong facility is a false positive) and
for events. An ambiguous group counts as one unit, right only if it equals the expected group. Each
row also counts the misses (false positives plus false negatives) of the three.

The **unreal events** line counts the worst alerts: a release, expulsion, pardon or death the engine
reports where the passage only demands, hopes, plans, denies or dates it ahead (the batch's
``not_events``), against the recall of those events where they did happen.

``--export`` scores the batches written about people of Viasna's English export (``x1`` ...
``x4``, which the name matching is tuned on) with the whole export (and Vestka's facilities) as
the registry, as an operator runs it; with ``--heldout`` also ``export-heldout`` (``x8``; ``x5`` until session 9), looked at
only when a change is finished. A label of someone the import leaves out (a record marked ``np``)
is not scored: no alert can be about a person who is not on the list; the count is printed. It
also scans the curated batches (written against Vestka's own registry) with the export as
registry, each curated person's label mapped to the export record with the same profile URL, and
prints prisoner precision and recall beside the curated registry's recall on the same people
(issue 13: precision >= 0.98, recall within 0.02).

``--misses`` lists the dev items the engine gets wrong (never held-out texts), with
``--export`` the export batches' items. ``--write-floor``
rewrites ``tests/data/mentions/quality_floor.json`` (the ratchet of
``tests/test_mention_quality.py``) from the current engine's figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from feeds.mentions import Engine, compile_registry
from feeds.mentions.models import GRAVE as GRAVE_EVENTS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "mentions"
MANIFEST = DATA / "corpus" / "splits.json"
FLOOR = DATA / "quality_floor.json"
SPLITS = ("dev", "heldout")
GRAVE = frozenset(map(str, GRAVE_EVENTS))  # never if not real


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
    unreal_told: int = 0  # a grave event reported where the passage says it did not happen
    unreal_cases: int = 0  # grave events a passage speaks of that did not happen
    grave: Counts = field(default_factory=Counts)  # grave events that did happen

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


@cache
def registry_engine(name: str) -> Engine:
    """The engine compiled from one of the manifest's registries (``bundled``: Vestka's own)."""
    from feeds.registry.bundled import bundled_targets
    from feeds.registry.importers import load_registry_file

    where = manifest()["registries"][name]
    if where == "bundled":
        return compile_registry(bundled_targets())
    result = load_registry_file((ROOT / where).resolve())
    if not result.targets:
        raise SystemExit(f"registry {where}: nothing to load ({len(result.problems)} problems)")
    if where.endswith(".json"):  # a Viasna export holds people only: an operator adds our places
        from feeds.registry.bundled import bundled_facilities

        return compile_registry([*result.targets, *bundled_facilities()])
    return compile_registry(result.targets)


def load_engine(registry: Path | None = None) -> Engine:
    """The engine of an explicit registry file, or of the legacy eval registry."""
    if registry is None:
        return registry_engine("eval")
    from feeds.registry.importers import load_registry_file

    return compile_registry(load_registry_file(registry).targets)


@cache
def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def batches(split: str) -> list[dict]:
    """The manifest's batches of a split: ``batch``, ``file``, ``registry``."""
    return manifest()["splits"][split]


def read_items(path: Path) -> list[dict]:
    items = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                items.append(_vestka_ids(json.loads(line)))
    return items


def _vestka_ids(item: dict) -> dict:
    """A batch may name export people by the export's own record id (an integer, batch x4):
    those become the id Vestka gives the record (its profile URL's slug)."""
    if any(isinstance(i, int) for i in item.get("prisoners", [])) or any(
        isinstance(i, int) for g in item.get("ambiguous", []) for i in g
    ):
        ids = export_ids()
        item["prisoners"] = [ids.get(i, str(i)) for i in item.get("prisoners", [])]
        item["ambiguous"] = [[ids.get(i, str(i)) for i in g] for g in item.get("ambiguous", [])]
    return item


@cache
def export_ids() -> dict[int, str]:
    """Viasna record id -> Vestka's id for the record, over the export of the manifest."""
    from feeds.registry.viasna import prisoner_from_viasna

    where = ROOT / manifest()["registries"]["viasna-2023"]
    out = {}
    for record in json.loads(where.resolve().read_text(encoding="utf-8")):
        with contextlib.suppress(ValueError):
            out[record["id"]] = prisoner_from_viasna(record).id
    return out


def units(ids: Iterable[str], groups: Iterable[Iterable[str]]) -> set:
    """What is scored: each person, each ambiguous group as one unit (a "group" of one, as a
    writer sometimes labels a person, is that person)."""
    out = set(ids)
    for group in map(frozenset, groups):
        out.add(next(iter(group)) if len(group) == 1 else group)
    return out


def compare(engine: Engine, item: dict) -> tuple[tuple[set, set], tuple[set, set], tuple[set, set]]:
    result = engine.scan(item["text"], item.get("title"), item.get("lang"))
    return (
        (
            units(result.prisoners, result.ambiguous),
            units(*on_the_list(engine, item)),
        ),
        (set(result.facilities), set(item.get("facilities", []))),
        ({str(e) for e in result.events}, set(item.get("events", []))),
    )


def on_the_list(engine: Engine, item: dict) -> tuple[list[str], list[list[str]]]:
    """The item's people who are targets of the registry scanned with: a writer may label a
    person of Viasna's export that an operator's import leaves out (a record marked ``np``, not
    recognised as a political prisoner); nobody can be told about someone who is not on the list,
    so such a label asks nothing of the engine (``unlisted`` counts them)."""
    listed = [i for i in item.get("prisoners", []) if i in engine.person_ids]
    groups = [[i for i in g if i in engine.person_ids] for g in item.get("ambiguous", [])]
    return listed, [g for g in groups if g]


def unlisted(engine: Engine, items: list[dict]) -> int:
    """How many of the items' person labels name nobody on the registry's list."""
    return sum(len(item.get("prisoners", [])) - len(on_the_list(engine, item)[0]) for item in items)


def evaluate(engine: Engine, items: list[dict], scores: dict[str, Scores] | None = None) -> dict:
    """Scores per language plus ``"all"`` (added to ``scores`` when given)."""
    scores = defaultdict(Scores, scores or {})
    for item in items:
        (pp, pe), (fp, fe), (ep, ee) = compare(engine, item)
        unreal = (set(item.get("not_events", [])) & GRAVE) - ee
        for key in (item.get("lang", "?"), "all"):
            s = scores[key]
            s.items += 1
            s.prisoners.add(pp, pe)
            s.facilities.add(fp, fe)
            s.events.add(ep, ee)
            s.unreal_cases += len(unreal)
            s.unreal_told += len(unreal & ep)
            s.grave.add(ep & GRAVE, ee & GRAVE)
    return dict(scores)


def split_items(split: str) -> list[tuple[Engine, list[dict]]]:
    return [(registry_engine(b["registry"]), read_items(ROOT / b["file"])) for b in batches(split)]


def split_scores(split: str) -> dict[str, Scores]:
    """Scores per language plus ``"all"`` on one split (``dev`` or ``heldout``)."""
    scores: dict[str, Scores] = {}
    for engine, items in split_items(split):
        scores = evaluate(engine, items, scores)
    return scores


def floor_of(scores: dict[str, Scores]) -> dict:
    """One split's entry of the floor file: the exact totals, and the misses per language."""
    return {
        "totals": scores["all"].figures(),
        "misses": {lang: scores[lang].misses() for lang in sorted(scores) if lang != "all"},
    }


def write_floor(path: Path = FLOOR) -> dict:
    floor = {split: floor_of(split_scores(split)) for split in SPLITS}
    path.write_text(json.dumps(floor, indent=2) + "\n", encoding="utf-8")
    return floor


def print_table(split: str, scores: dict[str, Scores]) -> None:
    print(f"\n== {split} ==")
    print(
        f"{'lang':<8}{'items':>6}  {'prisoners P/R/F1':>18}  {'facilities P/R/F1':>18}"
        f"  {'events P/R/F1':>18}  {'misses pris/fac/ev':>18}"
    )
    order = [*sorted(k for k in scores if k != "all"), "all"]
    for lang in order:
        s = scores[lang]
        misses = f"{s.prisoners.misses}/{s.facilities.misses}/{s.events.misses}"
        print(
            f"{lang:<8}{s.items:>6}  {_prf(s.prisoners):>18}  {_prf(s.facilities):>18}"
            f"  {_prf(s.events):>18}  {misses:>18}"
        )
    total = scores["all"]
    print(
        f"unreal events: {total.unreal_told} of {total.unreal_cases} releases, expulsions, pardons "
        f"or deaths that did not happen were reported (target 0); recall of those that did: "
        f"{total.grave.recall:.3f} (target >= 0.95), precision {total.grave.precision:.3f}"
    )


def has_patronymic(item: dict) -> bool:
    """A passage that writes a patronymic ("Колесникова Мария Александровна", "Яўген
    Аляксандравіч"): a word with a patronymic's ending whose stem is a first name (not a surname
    in -ovich: Statkevich, Labkovich)."""
    from feeds.mentions.forms import matches
    from feeds.mentions.scripts import PATRONYMIC, is_patronymic, skeleton

    if _INITIALS.search(item["text"]):
        return True  # court style with initials: "Колесникова М. А."
    lexicon = _first_names()
    for word in item["text"].split():
        word = word.strip('.,;:!?«»"()')
        if is_patronymic(word):
            key = skeleton(word)
            stem = PATRONYMIC.sub("", key)
            if any(matches(stem + tail, lexicon) for tail in ("", "a", "i", "e")):
                return True
    return False


_INITIALS = re.compile(
    r"\b[A-ZА-ЯЁІЎŁŚŻ][a-zа-яёіўєїłśżćńóąę'-]{2,}\s+(?!U\.\s?[SK]\.)"
    r"[A-ZА-ЯЁІЎ]\.\s?[A-ZА-ЯЁІЎ]\."
)


@cache
def _first_names() -> dict:
    from feeds.mentions.names import first_name_lexicon

    return first_name_lexicon()


def subset_recall(splits: Iterable[str], keep) -> tuple[int, Counts]:
    """Prisoner counts over the items of ``splits`` that ``keep`` selects: (items, counts)."""
    counts, n = Counts(), 0
    for split in splits:
        for engine, items in split_items(split):
            for item in filter(keep, items):
                (pp, pe), _f, _e = compare(engine, item)
                counts.add(pp, pe)
                n += 1
    return n, counts


def print_subsets(splits: tuple[str, ...]) -> None:
    """Issue 13's two figures: English-only names in Russian and Belarusian text, and
    passages that write patronymics."""
    n, c = subset_recall(splits, lambda item: item.get("lang") in ("ru", "be"))
    print(f"Russian and Belarusian passages ({n}): prisoners R {c.recall:.3f} P {c.precision:.3f}")
    n, c = subset_recall(splits, has_patronymic)
    print(f"passages with a patronymic ({n}): prisoners R {c.recall:.3f} P {c.precision:.3f}")


@dataclass
class Crossed:
    """The curated corpus scanned with the export as registry (issue 13's first figure)."""

    items: int = 0
    export: Counts = field(default_factory=Counts)
    curated: Counts = field(default_factory=Counts)  # the same people, the curated registry
    unmapped: int = 0  # labels of curated people the export does not hold
    named_in_full: int = 0  # other export people the passage names in full: not scored


def crossed(split: str) -> Crossed:
    """Score the curated batches of ``split`` (written against Vestka's own registry) twice: with
    the curated registry and with Viasna's export, as a new operator runs Vestka. A curated
    person's label becomes the export record with the same profile URL (a person the export does
    not hold is not scored). A match to another person of the export is right only when the
    passage names that person in full (given name and surname in one mention, a digest naming
    other prisoners); any other is a false positive, and the curated registry's recall on the same
    people is the figure to stay within 0.02 of."""
    curated_engine = registry_engine("bundled")
    export_engine = registry_engine("viasna-2023")
    to_export = _curated_to_export(export_engine)
    curated_people = set(to_export.values())
    out = Crossed()
    for b in batches(split):
        if b["registry"] != "bundled":
            continue
        for item in read_items(ROOT / b["file"]):
            labels = set(item.get("prisoners", []))
            want = {to_export[i] for i in labels if i in to_export}
            out.unmapped += len(labels) - len(want)
            args = (item["text"], item.get("title"), item.get("lang"))
            result = export_engine.scan(*args)
            got = set(result.prisoners)
            full = {m.target for m in result.mentions if len(m.text.split()) >= 2} - curated_people
            out.named_in_full += len((got - want) & full)
            out.export.add(got - (full - want), want)
            curated_got = set(curated_engine.scan(*args).prisoners)
            out.curated.add({to_export[i] for i in curated_got if i in to_export}, want)
            out.items += 1
    return out


def _curated_to_export(export_engine: Engine) -> dict[str, str]:
    """Curated person id -> the export's id of the same record, by profile URL (compared as the
    registry's import compares them: ``store.profile_key``)."""
    from feeds.registry.bundled import bundled_targets
    from feeds.registry.store import profile_key

    by_url = {
        profile_key(t.profile_url): t.id
        for t in export_engine.person_targets
        if getattr(t, "profile_url", None)
    }
    return {
        t.id: by_url[profile_key(t.profile_url)]
        for t in bundled_targets()
        if getattr(t, "profile_url", None) and profile_key(t.profile_url) in by_url
    }


def print_crossed(split: str) -> None:
    c = crossed(split)
    gap = c.curated.recall - c.export.recall
    print(
        f"curated {split} passages ({c.items}) with the export as registry: prisoners "
        f"P {c.export.precision:.3f} R {c.export.recall:.3f} (target P >= 0.98); the curated "
        f"registry on the same people: R {c.curated.recall:.3f}, gap {gap:.3f} (target <= 0.02); "
        f"{c.unmapped} labels of people the export lacks and {c.named_in_full} other export "
        "people named in full not scored"
    )


def print_unlisted(split: str) -> None:
    count = sum(unlisted(engine, items) for engine, items in split_items(split))
    print(
        f"person labels not scored: {count} name people the import leaves out (records marked "
        "np), whom no alert can be about"
    )


def _prf(c: Counts) -> str:
    return f"{c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f}"


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
    parser.add_argument(
        "--heldout", action="store_true", help="also score the held-out split (finished changes)"
    )
    parser.add_argument(
        "--export",
        action="store_true",
        help="score the batches written against Viasna's whole export, with the export as registry",
    )
    parser.add_argument(
        "--registry", type=Path, help="score the legacy dev file with this registry"
    )
    parser.add_argument("--misses", action="store_true", help="list the dev items that differ")
    parser.add_argument(
        "--write-floor",
        action="store_true",
        help=f"rewrite {FLOOR.name} (the quality ratchet) from the current engine's figures",
    )
    args = parser.parse_args(argv)
    if args.write_floor:
        write_floor()
        print(f"wrote {FLOOR}", file=sys.stderr)
    if args.registry:
        print_table(
            "dev (legacy file)",
            evaluate(load_engine(args.registry), read_items(DATA / "dev.jsonl")),
        )
        return 0
    if args.export:
        print_table("export", split_scores("export"))
        print_unlisted("export")
        print_subsets(("export",))
        print_crossed("dev")
        if args.heldout:  # batches about export people nobody tuned on (issue 13's held-out)
            print_table("export-heldout", split_scores("export-heldout"))
            print_unlisted("export-heldout")
            print_subsets(("export-heldout",))
            print_crossed("heldout")
        if args.misses:  # the export batches are issue 13's dev set
            for engine, items in split_items("export"):
                print_misses(engine, items)
        return 0
    for split in SPLITS if args.heldout else ("dev",):
        print_table(split, split_scores(split))
        n, c = subset_recall((split,), has_patronymic)
        print(f"passages with a patronymic ({n}): prisoners R {c.recall:.3f} P {c.precision:.3f}")
        if args.misses and split == "dev":
            for engine, items in split_items(split):
                print_misses(engine, items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
