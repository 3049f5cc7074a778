"""The benches' peak memory of a child process is the child's own, not its parent's (Linux)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHILD = (
    "import resource; from bench.memory import peak_rss_mb; "
    "print(peak_rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
)


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="VmHWM and the exec quirk are Linux"
)
def test_a_child_started_by_a_large_parent_reports_its_own_peak():
    ballast = bytearray(300 * 2**20)  # the parent holds 300 MiB, touched
    ballast[::4096] = b"x" * len(ballast[::4096])
    out = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    own, rusage = float(out[0]), float(out[1])
    assert 0 < own < 150, own  # a bare interpreter and the module
    # what the benches measured before: the forked copy of the parent, carried across exec
    assert rusage > 250, rusage
    del ballast
