"""Inline name search latency against a straightforward substring-scan baseline.

    python -m bench.inline_search            # full run: 5,000 prisoners + every facility, 1,000 queries
    python -m bench.inline_search --quick    # smoke run: 500 prisoners, 200 queries

What is measured (data on stdout, progress on stderr):

- index build time: ``SearchIndex.build(targets)``, cold (the first build in the process, nothing
  cached yet; wall and CPU time) and the median of 3 rebuilds (word keys cached);
- per-query latency of ``index.search(query, limit=50)``: each query's time is the median of several
  passes (after a warm-up pass); the table gives the median and p99 over the queries;
- the same for the baseline, in the same run: every name of every target casefolded once, and a query
  answered by checking that each casefolded query word is a substring of a target's names (the
  obvious first implementation; it finds no other script, romanization, inflection or typo). The
  speed ratio is baseline median / search median;
- quality beside speed: the share of queries whose intended target is the first hit, and in the first
  50, for both.

Queries are generated from ``testkit.namegen`` people (about 60% as-you-type prefixes of surnames or
"first-name surname-prefix", in a random script: Belarusian or Russian Cyrillic, the national
romanization, English-press or Polish spelling), full names in inflected cases, surname-first names,
one-letter typos, first names alone, single letters, and facility queries ("ИК-9", "Horki colony",
"Валадарка"...). Target: p99 <= 100 ms (issue 5: inline answers in under 100 ms for 5,000 entries).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from feeds.mentions.scripts import romanize_polish, romanize_press
from feeds.registry.bundled import bundled_facilities
from feeds.registry.models import Facility, Prisoner
from feeds.registry.search.index import SearchIndex
from testkit.namegen import Person, generate_people

TARGET_P99_MS = 100.0
TARGET_BUILD_S = 2.0
LIMIT = 50

FACILITY_QUERIES: list[tuple[str, str]] = [
    ("ИК-9", "ik-9-horki"),
    ("ik 9", "ik-9-horki"),
    ("калонія 9", "ik-9-horki"),
    ("colony No. 9", "ik-9-horki"),
    ("Horki colony", "ik-9-horki"),
    ("Горки", "ik-9-horki"),
    ("Горецкая колония", "ik-9-horki"),
    ("Валадарка", "sizo-1-minsk"),
    ("Володарка", "sizo-1-minsk"),
    ("Akrestsina", "akrestsina-minsk"),
    ("Окрестина", "akrestsina-minsk"),
    ("СИЗО-1", "sizo-1-minsk"),
    ("Prison 4", "prison-4-mahiliou"),
    ("Жодино тюрьма", "prison-8-zodzina"),
    ("Американка", "kgb-sizo-minsk"),
    ("СИЗО КГБ", "kgb-sizo-minsk"),
    ("Шклов", "ik-17-sklou"),
    ("ИК-17", "ik-17-sklou"),
    ("Воўчыя норы", "ik-22-damanava"),
    ("kolonia karna nr 15", "ik-15-mahiliou"),
    ("Новополоцк ИК-1", "ik-1-navapolack"),
    ("Витьба", "ik-3-vicba"),
    ("pre-trial detention Brest", "sizo-7-brest"),
    ("ИК-4 Гомель", "ik-4-homiel-women"),
]


@dataclass(frozen=True)
class Query:
    text: str
    expected: str | None  # the id the query means, when one does


def _typo(rng: random.Random, word: str) -> str:
    """One edit (substitution, deletion, insertion or swap) away from ``word``, not at the first letter."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice("sdit")
    letters = "aeiouklmnrst" if word.isascii() else "аеіоуклмнрст"
    if op == "s":
        return word[:i] + rng.choice(letters) + word[i + 1 :]
    if op == "d":
        return word[:i] + word[i + 1 :]
    if op == "i":
        return word[:i] + rng.choice(letters) + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _spelling(rng: random.Random, person: Person) -> tuple[str, str]:
    """(first name, surname) in a random script or romanization, nominative."""
    p = person.prisoner
    choice = rng.choice(["be", "ru", "en", "press", "pl"])
    if choice == "be":
        return person.first_be, person.surname_be
    if choice == "ru":
        return person.first_ru, person.surname_ru
    if choice == "press":
        first, _, surname = romanize_press(p.name_be).partition(" ")
        return first, surname
    if choice == "pl":
        return romanize_polish(person.first_be), romanize_polish(person.surname_be)
    first, _, surname = p.name_en.partition(" ")
    return first, surname


def make_queries(people: Sequence[Person], n: int, seed: int) -> list[Query]:
    rng = random.Random(f"vestka-inline-bench:{seed}")
    out: list[Query] = []
    kinds = ["prefix"] * 35 + ["first_prefix"] * 20 + ["inflected"] * 12 + ["reversed"] * 8
    kinds += ["typo"] * 10 + ["facility"] * 8 + ["first_only"] * 4 + ["letter"] * 3
    while len(out) < n:
        kind = rng.choice(kinds)
        person = rng.choice(people)
        pid = person.id
        if kind == "facility":
            text, fid = rng.choice(FACILITY_QUERIES)
            out.append(Query(text, fid))
            continue
        if kind == "letter":
            out.append(Query(rng.choice("abkmsлмкбв"), None))
            continue
        first, surname = _spelling(rng, person)
        if kind == "prefix":
            cut = rng.randint(min(3, len(surname)), len(surname))
            out.append(Query(surname[:cut], pid))
        elif kind == "first_prefix":
            cut = rng.randint(min(2, len(surname)), len(surname))
            out.append(Query(f"{first} {surname[:cut]}", pid))
        elif kind == "inflected":
            lang = rng.choice(["be", "ru", "pl"])
            case = rng.choice(["gen", "dat", "ins", "loc"])
            out.append(Query(person.full(lang, case), pid))
        elif kind == "reversed":
            out.append(Query(f"{surname} {first}", pid))
        elif kind == "typo":
            out.append(Query(f"{first} {_typo(rng, surname)}", pid))
        else:
            out.append(Query(first, None))
    return out


# ---------------------------------------------------------------------------------------------------
# The baseline: casefolded substring scan


class SubstringBaseline:
    def __init__(self, targets: Sequence[Prisoner | Facility]) -> None:
        self.rows: list[tuple[str, str]] = []
        for t in targets:
            if isinstance(t, Prisoner):
                names = t.names()
            else:
                names = [t.display_name, t.town_be, t.town_ru, t.town_en, *t.nicknames, *t.aliases]
            self.rows.append((" ".join(names).casefold(), t.id))

    def search(self, query: str, limit: int = LIMIT) -> list[str]:
        words = query.casefold().split()[:6]
        if not words:
            return []
        return [tid for text, tid in self.rows if all(w in text for w in words)][:limit]


# ---------------------------------------------------------------------------------------------------
# Timing


def time_queries(fn: Callable[[str], object], queries: Sequence[Query], passes: int) -> list[float]:
    """Per query: the median over ``passes`` timed runs (after one warm-up run), in milliseconds."""
    for q in queries:
        fn(q.text)
    runs: list[list[float]] = [[] for _ in queries]
    clock = time.perf_counter
    for _ in range(passes):
        for i, q in enumerate(queries):
            start = clock()
            fn(q.text)
            runs[i].append((clock() - start) * 1000.0)
    return [statistics.median(r) for r in runs]


def p99(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def quality(ids_for: Callable[[str], list[str]], queries: Sequence[Query]) -> tuple[float, float]:
    meant = [q for q in queries if q.expected]
    first = top = 0
    for q in meant:
        ids = ids_for(q.text)
        first += bool(ids) and ids[0] == q.expected
        top += q.expected in ids
    return first / len(meant), top / len(meant)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 prisoners, 200 queries")
    parser.add_argument("--prisoners", type=int, default=None)
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n_people = args.prisoners or (500 if args.quick else 5000)
    n_queries = args.queries or (200 if args.quick else 1000)

    print(f"generating {n_people} prisoners and {n_queries} queries...", file=sys.stderr)
    people = generate_people(n_people, seed=args.seed)
    facilities: list[Facility] = list(bundled_facilities())
    targets: list[Prisoner | Facility] = [p.prisoner for p in people] + facilities
    queries = make_queries(people, n_queries, args.seed)

    print("building...", file=sys.stderr)
    builds, cpus = [], []
    for _ in range(4):  # the first is cold (no word cached yet): that is the one that counts
        start, cpu = time.perf_counter(), time.process_time()
        index = SearchIndex.build(targets)
        builds.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    build_s, rebuild_s = builds[0], statistics.median(builds[1:])
    baseline = SubstringBaseline(targets)

    print("timing search...", file=sys.stderr)
    ours = time_queries(lambda q: index.search(q, limit=LIMIT), queries, args.passes)
    print("timing baseline...", file=sys.stderr)
    base = time_queries(lambda q: baseline.search(q), queries, args.passes)
    hostile = ["a" * 10_000, "<script>alert(1)</script>" * 400, "Бяляцкі " * 1250, "\x00" * 10_000]
    worst_hostile = max(
        time_queries(lambda q: index.search(q), [Query(h, None) for h in hostile], 3)
    )

    ours_first, ours_top = quality(lambda q: [h.target.id for h in index.search(q)], queries)
    base_first, base_top = quality(lambda q: baseline.search(q), queries)

    med, tail = statistics.median(ours), p99(ours)
    base_med, base_tail = statistics.median(base), p99(base)
    # Build is judged on CPU time: wall time on a shared machine measures the neighbours too.
    ok = tail <= TARGET_P99_MS and cpus[0] <= TARGET_BUILD_S
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"inline search: {len(targets)} targets ({n_people} prisoners + {len(facilities)} facilities), "
          f"{len(queries)} queries, {args.passes} passes (per-query median); "
          f"load average {load:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    rows = [
        ("", "search", "baseline"),
        ("build, cold (wall / cpu)", f"{build_s * 1000:.0f} / {cpus[0] * 1000:.0f} ms", "-"),
        ("rebuild, median of 3 (wall)", f"{rebuild_s * 1000:.0f} ms", "-"),
        ("latency median", f"{med:.3f} ms", f"{base_med:.3f} ms"),
        ("latency p99", f"{tail:.3f} ms", f"{base_tail:.3f} ms"),
        ("latency max", f"{max(ours):.3f} ms", f"{max(base):.3f} ms"),
        ("hostile queries (10k chars), max", f"{worst_hostile:.3f} ms", "-"),
        ("intended target first", f"{ours_first:.1%}", f"{base_first:.1%}"),
        ("intended target in top 50", f"{ours_top:.1%}", f"{base_top:.1%}"),
    ]
    for label, a, b in rows:
        print(f"  {label:34} {a:>12} {b:>12}")
    print(f"  ratio (baseline median / search median): {base_med / med:.2f}x")
    print(f"  target: p99 <= {TARGET_P99_MS:.0f} ms, cold build <= {TARGET_BUILD_S:.0f} s cpu: "
          f"{'PASS' if ok else 'FAIL'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
