"""The worker pool: the workers are forked from the one process that compiled the engine, so they
hold its build without compiling it; calls and their errors cross as with a process pool; a dead
worker breaks the pool loudly (the watcher then starts another); shutdown leaves no process."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from feeds.registry.bundled import bundled_targets
from feeds.watching import workers
from feeds.watching.engine_pool import EnginePool
from testkit.rss import BIALIATSKI


@pytest.fixture(scope="module")
def pool() -> Iterator[EnginePool]:
    pool = EnginePool(2, "build-1", bundled_targets())
    yield pool
    pool.shutdown(cancel_futures=True)


def _alive(pid: int) -> bool:
    """A process that exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _pids_when_forked(pool: EnginePool, size: int) -> list[int]:
    """The zygote's and the forked workers' ids, once the zygote has reported them (a call that
    returned proves they exist; the report may still be in the pipe)."""
    pool.submit(os.getpid).result(timeout=60)
    deadline = time.monotonic() + 30
    while len(pids := pool.pids()) < size and time.monotonic() < deadline:
        time.sleep(0.01)  # polling the pipe the report travels on, not waiting for luck
    return pids


def test_workers_are_forked_from_the_process_that_compiled_the_engine(pool: EnginePool) -> None:
    zygote, *forked = _pids_when_forked(pool, 2)
    assert len(forked) == 1  # the zygote is the other worker
    assert [_parent(pid) for pid in forked] == [zygote]
    assert _parent(zygote) == os.getpid()
    answered = {pool.submit(os.getpid).result(timeout=60) for _ in range(8)}
    assert answered <= {zygote, *forked}
    # the build is there without being sent: the pool has no way to send targets
    [result] = pool.submit(workers.scan, "build-1", [(BIALIATSKI, None)], "be").result(60)
    assert "ales-bjaljackiy" in result.prisoners
    # and a worker holding another build says so, rather than scanning with a stale engine
    assert pool.submit(workers.scan, "build-2", [(BIALIATSKI, None)], "be").result(60) is None


def test_an_error_in_a_call_reaches_the_caller_and_the_pool_goes_on(pool: EnginePool) -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        pool.submit(int, "not a number").result(timeout=60)
    assert pool.submit(int, "42").result(timeout=60) == 42
    assert not pool.broken


def test_a_call_that_does_not_pickle_fails_alone(pool: EnginePool) -> None:
    with pytest.raises(Exception, match="pickle"):
        pool.submit(len, lambda: None).result(timeout=60)
    assert pool.submit(len, "abc").result(timeout=60) == 3


def test_a_killed_worker_breaks_the_pool_loudly() -> None:
    pool = EnginePool(1, "build-1", bundled_targets())
    try:
        [worker] = _pids_when_forked(pool, 1)  # the zygote, the only worker
        sleeping = pool.submit(time.sleep, 30)
        waiting = pool.submit(os.getpid)
        while not sleeping.running():
            time.sleep(0.01)
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            sleeping.result(timeout=60)
        with pytest.raises(BrokenProcessPool):
            waiting.result(timeout=60)  # queued behind it: failed, not left hanging
        assert pool.broken
        with pytest.raises(BrokenProcessPool):
            pool.submit(os.getpid)
    finally:
        pool.shutdown()


def test_shutdown_finishes_queued_calls_then_leaves_no_process() -> None:
    pool = EnginePool(2, "build-1", bundled_targets())
    pids = _pids_when_forked(pool, 2)
    queued = [pool.submit(pow, 2, n) for n in range(20)]
    pool.shutdown(wait=True)
    assert [f.result(timeout=0) for f in queued] == [2**n for n in range(20)]
    assert not any(_alive(pid) for pid in pids)
    with pytest.raises(RuntimeError, match="shutdown"):
        pool.submit(os.getpid)


def test_shutdown_can_cancel_what_is_still_queued() -> None:
    pool = EnginePool(1, "build-1", bundled_targets())
    first = pool.submit(time.sleep, 0.5)
    while not first.running():
        time.sleep(0.01)
    later = [pool.submit(os.getpid) for _ in range(5)]
    pool.shutdown(wait=True, cancel_futures=True)
    assert first.result(timeout=0) is None
    assert all(f.cancelled() for f in later)
