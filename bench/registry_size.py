"""What the whole registry costs a process: start-up to a built mention engine and search index,
and memory, on Viasna's whole export against the bundled registry, side by side; and the time per
document of the labelled corpus at each size.

    python -m bench.registry_size            # 3 fresh processes of each, interleaved
    python -m bench.registry_size --runs 5

Each run is a fresh interpreter that imports Vestka, reads the registry (the bundled one, or the
export of ``../shared/data`` with Vestka's facilities, ``np`` left out as ``registry import``
does), compiles the engine and builds the search index, then scans one document so the engine's
first-use memos exist. Printed: the medians of the time from the first import to ready, and of
peak RSS (taken before the corpus is scanned); the export's extra over the bundled; the median time
per corpus passage. Targets: <= 1 s and <= 50 MB more (issue 14), <= 1.5x per document (issue 13).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.memory import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT.parent / "shared" / "data" / "viasna-prisoners-en-2023.json"
DOCUMENT = "Алеся Бяляцкага этапавалі ў калонію № 9 у Горках. Ihar Losik was released."


def child(which: str) -> dict:
    """One measurement, in this (fresh) process."""
    started = time.perf_counter()
    from feeds.mentions import compile_registry
    from feeds.registry.bundled import bundled_facilities, bundled_targets
    from feeds.registry.importers import load_registry_file
    from feeds.registry.search.index import SearchIndex

    if which == "bundled":
        targets = bundled_targets()
    else:
        targets = [*load_registry_file(EXPORT).targets, *bundled_facilities()]
    engine = compile_registry(targets)
    SearchIndex.build(targets)
    engine.scan(DOCUMENT)
    ready = time.perf_counter() - started
    peak = peak_rss_mb()
    return {"seconds": ready, "peak_mb": peak, "targets": len(targets), "scan_ms": scan_ms(engine)}


def scan_ms(engine) -> float:
    """Median milliseconds per passage of the labelled corpus (every split), each the median of
    three passes after a warm-up pass: the engine's per-document cost at this registry size."""
    from bench.quality import batches, read_items

    texts = [
        item["text"]
        for split in ("dev", "heldout")
        for batch in batches(split)
        for item in read_items(ROOT / batch["file"])
    ]
    for text in texts:
        engine.scan(text)
    per_doc = []
    for text in texts:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            engine.scan(text)
            times.append(time.perf_counter() - started)
        per_doc.append(statistics.median(times))
    return statistics.median(per_doc) * 1000


def run(which: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.registry_size", "--child", which],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=("bundled", "export"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    if not EXPORT.exists():
        print(f"no export at {EXPORT}: the bench needs ../shared/data", file=sys.stderr)
        return 2
    results: dict[str, list[dict]] = {"bundled": [], "export": []}
    for i in range(args.runs):
        for which in results:
            print(f"run {i + 1}/{args.runs}: {which}", file=sys.stderr)
            results[which].append(run(which))
    rows = {
        which: (
            rs[0]["targets"],
            statistics.median(r["seconds"] for r in rs),
            statistics.median(r["peak_mb"] for r in rs),
            statistics.median(r["scan_ms"] for r in rs),
        )
        for which, rs in results.items()
    }
    print(f"medians of {args.runs} fresh processes each")
    print(
        f"{'registry':10} {'targets':>8} {'start-up s':>11} {'peak RSS MB':>12} {'ms/passage':>11}"
    )
    for which, (targets, wall, peak, scan) in rows.items():
        print(f"{which:10} {targets:8d} {wall:11.2f} {peak:12.1f} {scan:11.3f}")
    extra_s = rows["export"][1] - rows["bundled"][1]
    extra_mb = rows["export"][2] - rows["bundled"][2]
    print(
        f"the whole export costs {extra_s:+.2f} s and {extra_mb:+.1f} MB (targets <= 1 s, <= 50 MB)"
    )
    ratio = rows["export"][3] / rows["bundled"][3]
    print(f"per corpus passage the export takes {ratio:.2f}x the bundled registry's time (<= 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
