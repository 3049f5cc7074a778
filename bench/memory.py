"""Peak resident memory of a process, as the benches report it.

``resource.getrusage(...).ru_maxrss`` is the wrong figure for a process that was started by
fork and exec (``subprocess``, multiprocessing's "spawn"): Linux carries the high-water mark of
the forked copy of the parent, which counts every page it shared with the parent, across the
exec, so a small child started by a large parent reports the parent's size. ``VmHWM`` in
``/proc/<pid>/status`` belongs to the address space, which exec replaces, so it is the child's own.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident set size of ``pid`` (this process by default) in MiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        if pid != "self":
            return 0.0
    # not Linux: the rusage figure, in KiB there (bytes on macOS)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def pss_mb(pids: list[int | str]) -> float:
    """Proportional set size summed over ``pids`` ("self" for this process): shared pages split
    between the processes that map them, so the sum is the footprint of the whole group."""
    total = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
        except (OSError, ValueError):
            continue  # gone, or not Linux
    return total


class PeakPss:
    """The highest summed PSS of a group of processes, sampled from a process of its own (so
    the sampling costs the measured processes no CPU). No process keeps a peak PSS the way it
    keeps ``VmHWM``, hence the sampling: a peak shorter than ``interval`` may be missed.

    ``watch(pids)`` sets the group (it grows as workers start); ``peak()`` is the highest sum
    seen so far."""

    def __init__(self, interval: float = 0.2) -> None:
        import multiprocessing

        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_sample_pss, args=(child, interval), daemon=True
        )
        self._process.start()
        child.close()

    def watch(self, pids: list[int]) -> None:
        self._conn.send(("watch", pids))

    def peak(self) -> float:
        self._conn.send(("peak", None))
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.send(("stop", None))
        self._process.join(10)


def _sample_pss(conn, interval: float) -> None:
    pids: list[int] = []
    peak = 0.0
    while True:
        if conn.poll(interval):
            what, value = conn.recv()
            if what == "stop":
                return
            if what == "watch":
                pids = list(value)
            elif what == "peak":
                peak = max(peak, pss_mb(pids))
                conn.send(peak)
                continue
        peak = max(peak, pss_mb(pids))
