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
    return subprocess.run(
        [sys.executable, "-m", "bench.mention_speed", *args],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
