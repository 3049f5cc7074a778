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
