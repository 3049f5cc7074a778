"""The mention engine's speed now and at an earlier commit, side by side in one run.

    python -m bench.side_by_side d419acf                 # full mention_speed runs, 3 of each
    python -m bench.side_by_side d419acf --quick --runs 5

The earlier commit is checked out into a temporary git worktree; ``python -m bench.mention_speed``
runs there and here in turns (old, new, old, new, ...), each in a fresh process with the same
arguments, so both see the same machine at the same time. Printed: the medians of each side's
compile time, memory and per-document median and p99, and the ratio new/old (a change keeps speed
when the ratios stay within 1.10). Memory is the peak RSS growth of ``mention_speed``'s memory child
started directly by this process (``memory``), the same measurement for both commits. Each side uses its own generated registry and documents from
the same seed, and its own bundled facilities: the engine as each commit ships it.

Because each side generates its documents from its own bundled facilities, a change to those data
changes the documents too (how many name someone, which facility phrases they use). A second table
therefore times both engines on **the same documents**, the ones this commit generates, saved to a
file and scanned by each side's engine in a fresh process (``_DRIVER``), interleaved the same way.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^engine\s+([\d.]+)\s+([\d.]+|-|nan)\s+([\d.]+)\s+([\d.]+)\s*$", re.M)
FIELDS = ("compile s", "MB", "median ms", "p99 ms")


def run(tree: Path, args: list[str]) -> tuple[float, ...]:
    """One side's figures: timings from a ``--no-memory`` run, memory from the memory child
    started here (see ``memory``)."""
    out = _bench(tree, [*args, "--no-memory"])
    match = ROW.search(out)
    if match is None:
        raise SystemExit(f"no engine row in the output of {tree}:\n{out}")
    compile_s, _mb, median, p99 = (
        float("nan") if v in ("-", "nan") else float(v) for v in match.groups()
    )
    return compile_s, memory(tree, "--quick" in args), median, p99


def memory(tree: Path, quick: bool) -> float:
    """Peak RSS growth of compiling and scanning, from ``mention_speed``'s memory child started by
    this small process. Not from a full ``mention_speed`` run: its child, started by the large
    bench process, inherits that process's size in ``ru_maxrss`` across exec (Linux), which the
    commits before ``bench.memory`` report as their memory."""
    size = ["--prisoners", "500", "--docs", "100"] if quick else ["--prisoners", "5000"]
    out = _bench(tree, ["--child-memory", "engine", *size, "--baseline-docs", "2"])
    return float(json.loads(out.strip().splitlines()[-1])["rss_growth_mb"])


def _bench(tree: Path, args: list[str]) -> str:
    return _in_tree(tree, ["-m", "bench.mention_speed", *args])


def _in_tree(tree: Path, args: list[str]) -> str:
    """The output of ``python <args>`` run in ``tree``, importing only that tree's code."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


# Run in each tree (its engine, its generated registry, its own mention_speed timing functions, which
# both commits have): time scanning the saved documents and print the median and p99 in
# milliseconds as JSON.
_DRIVER = """
import json, statistics, sys
from bench.mention_speed import build_registry, load_engine_factory, percentile, time_scans
path, n_prisoners, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
people, facilities = build_registry(n_prisoners, 0)
engine = load_engine_factory("feeds.mentions:compile_registry")(
    [p.prisoner for p in people] + facilities
)
docs = json.load(open(path, encoding="utf-8"))
times = time_scans(lambda d: engine.scan(d[0], title=d[1], lang=d[2]), docs, runs)
print(json.dumps({"median": statistics.median(times) * 1e3, "p99": percentile(times, 0.99) * 1e3}))
"""


def same_documents(old_tree: Path, tmp: Path, runs: int, quick: bool) -> dict[str, list[dict]]:
    """Median and p99 of both engines on this commit's documents (see the module docstring)."""
    from bench.mention_speed import build_registry, make_documents

    n_prisoners, n_docs = (500, 100) if quick else (5000, 1000)
    people, facilities = build_registry(n_prisoners, 0)
    docs = make_documents(people, facilities, n_docs, seed=0)
    path = tmp / "documents.json"
    path.write_text(
        json.dumps([[d.text, d.title, d.lang] for d in docs], ensure_ascii=False), encoding="utf-8"
    )
    driver = tmp / "driver.py"
    driver.write_text(_DRIVER, encoding="utf-8")
    sides: dict[str, list[dict]] = {"old": [], "new": []}
    for k in range(runs):
        for side, tree in (("old", old_tree), ("new", ROOT)):
            print(f"same documents, run {k + 1}/{runs}: {side}", file=sys.stderr, flush=True)
            out = _in_tree(tree, [str(driver), str(path), str(n_prisoners), "3"])
            sides[side].append(json.loads(out.strip().splitlines()[-1]))
    return sides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.side_by_side", description=__doc__)
    parser.add_argument("rev", help="the earlier commit to compare with")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (interleaved)")
    parser.add_argument("--quick", action="store_true", help="mention_speed --quick")
    args = parser.parse_args(argv)
    speed_args = ["--quick"] if args.quick else []
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = Path(tmp) / "old"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(old_tree), args.rev],
            cwd=ROOT,
            check=True,
        )
        try:
            sides: dict[str, list[tuple[float, ...]]] = {"old": [], "new": []}
            for k in range(args.runs):
                for side, tree in (("old", old_tree), ("new", ROOT)):
                    print(f"run {k + 1}/{args.runs}: {side}", file=sys.stderr, flush=True)
                    sides[side].append(run(tree, speed_args))
            same = same_documents(old_tree, Path(tmp), args.runs, args.quick)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT)
    print(f"mention_speed{' --quick' if args.quick else ''}, medians of {args.runs} runs each:")
    print(f"{'':12}" + "".join(f"{f:>12}" for f in FIELDS))
    medians = {
        side: [statistics.median(r[i] for r in runs) for i in range(len(FIELDS))]
        for side, runs in sides.items()
    }
    print(f"{args.rev[:10]:12}" + "".join(f"{v:12.3f}" for v in medians["old"]))
    print(f"{'now':12}" + "".join(f"{v:12.3f}" for v in medians["new"]))
    ratios = [
        n / o if o else float("nan") for n, o in zip(medians["new"], medians["old"], strict=True)
    ]
    print(f"{'now / then':12}" + "".join(f"{v:12.2f}" for v in ratios) + "   (target <= 1.10)")
    print(f"\nthe same documents (this commit's) scanned by both engines, medians of {args.runs}:")
    print(f"{'':12}{'median ms':>12}{'p99 ms':>12}")
    same_medians = {
        side: [statistics.median(r[f] for r in runs) for f in ("median", "p99")]
        for side, runs in same.items()
    }
    print(f"{args.rev[:10]:12}" + "".join(f"{v:12.3f}" for v in same_medians["old"]))
    print(f"{'now':12}" + "".join(f"{v:12.3f}" for v in same_medians["new"]))
    same_ratios = [n / o for n, o in zip(same_medians["new"], same_medians["old"], strict=True)]
    print(f"{'now / then':12}" + "".join(f"{v:12.2f}" for v in same_ratios) + "   (target <= 1.10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
