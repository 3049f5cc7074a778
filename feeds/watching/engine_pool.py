"""The watcher's worker processes, sharing one built mention engine (issue 16).

A worker scans new items and parses large feeds. Each used to compile its own engine from the
registry, so N workers held N copies of the largest structure Vestka has. Here one process, the
*zygote*, compiles the engine once, freezes the garbage collector's view of it
(:func:`gc.freeze`: the collector then never walks, so never writes to, those objects) and forks
the workers from itself: they start with the engine already built, in pages they share with the
zygote and each other until one of them writes to a page. The watcher itself cannot be the one
that forks, as it runs an event loop and threads (a fork copies their locks mid-use); the zygote is
*spawned* (a fresh interpreter), single-threaded, so forking there is safe.

:class:`EnginePool` is an :class:`concurrent.futures.Executor`, so the watcher hands it to
``run_in_executor`` as it did the process pool before. One thread per worker carries calls over a
pipe; whichever worker is free takes the next call. The zygote is the last worker itself, so a
pool of N holds N interpreters. A pool belongs to one engine build (its
``tag``): on a registry change the watcher starts a new pool for the new build and shuts the old
one down, so two engines exist only for the switch.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from feeds.fetching import channels
from feeds.registry.models import AnyTarget
from feeds.watching import workers

log = logging.getLogger(__name__)

_STOP = None  # on a worker's pipe: exit; in the call queue: the carrying thread stops


class EnginePool(Executor):
    """``size`` worker processes forked from one that compiled ``targets`` as build ``tag``."""

    def __init__(self, size: int, tag: str, targets: Sequence[AnyTarget] | bytes) -> None:
        """``targets``: the registry's targets, or their pickle (what ``EngineHost`` keeps)."""
        if size < 1:
            raise ValueError("an engine pool needs at least one worker")
        self.tag = tag
        self._calls: queue.SimpleQueue[tuple[Future, Callable, tuple, dict] | None] = (
            queue.SimpleQueue()
        )
        self._broken: str | None = None
        self._shut = False
        self._lock = threading.Lock()
        ends = [multiprocessing.Pipe() for _ in range(size)]
        self._started, started = multiprocessing.Pipe()
        self._zygote = multiprocessing.get_context("spawn").Process(
            target=_zygote,
            args=([child for _, child in ends], started, channels.web_url()),
            name="vestka-engine-zygote",
            daemon=False,  # it forks the workers itself; multiprocessing's daemons may not
        )
        self._zygote.start()
        for _, child in ends:
            child.close()  # the workers hold them now; a worker's exit then reads as EOF here
        started.close()
        # the build goes over the pipe, not in the process's arguments, which the zygote could
        # not let go of: once compiled, the targets are freed before the workers are forked. From
        # a thread: a registry's pickle (1 MB for 3,000 people) is more than a pipe holds, and the
        # zygote reads it only once started, so the send waits that long
        if not isinstance(targets, bytes):
            targets = pickle.dumps(list(targets), pickle.HIGHEST_PROTOCOL)
        build = tag.encode() + b"\n" + targets
        threading.Thread(target=self._send_build, args=(build,), daemon=True).start()
        self._worker_pids: list[int] = []
        self._threads = [
            threading.Thread(target=self._carry, args=(conn,), name=f"engine-pool-{i}", daemon=True)
            for i, (conn, _) in enumerate(ends)
        ]
        for thread in self._threads:
            thread.start()

    # -- Executor --------------------------------------------------------------------------
    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        with self._lock:
            if self._broken:
                raise BrokenProcessPool(self._broken)
            if self._shut:
                raise RuntimeError("cannot schedule new calls after shutdown")
            future: Future = Future()
            self._calls.put((future, fn, args, kwargs))
            return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._shut:
                return
            self._shut = True
        if cancel_futures:
            self._cancel_waiting()
        for _ in self._threads:
            self._calls.put(_STOP)  # after the calls already queued
        if wait:
            for thread in self._threads:
                thread.join()
            self._zygote.join()

    # -- what the watcher and benches look at ---------------------------------------------------
    @property
    def broken(self) -> bool:
        """A worker died (killed, out of memory): the pool takes no more calls; start another."""
        return self._broken is not None

    def pids(self) -> list[int]:
        """The zygote's (itself a worker) and the forked workers' process ids (theirs once
        they are forked)."""
        if not self._worker_pids:
            with contextlib.suppress(EOFError, OSError):
                if self._started.poll():
                    self._worker_pids = list(self._started.recv())
        return [pid for pid in (self._zygote.pid, *self._worker_pids) if pid]

    # -- inside -----------------------------------------------------------------------------
    def _send_build(self, build: bytes) -> None:
        try:
            self._started.send_bytes(build)
        except OSError as exc:  # the zygote died before it read its build
            self._break(f"the engine zygote exited before it was built: {exc!r}")

    def _carry(self, conn: Connection) -> None:
        """One worker's calls: send, wait for the answer, settle the future; until stopped."""
        try:
            while (call := self._calls.get()) is not _STOP:
                future, fn, args, kwargs = call
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    conn.send((fn, args, kwargs))
                    ok, value = conn.recv()
                except (EOFError, OSError) as exc:
                    self._break(f"an engine worker exited: {exc!r}")
                    future.set_exception(BrokenProcessPool(self._broken))
                    return
                except Exception as exc:  # the call or its answer would not pickle
                    future.set_exception(exc)
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
            with contextlib.suppress(OSError):
                conn.send(_STOP)
        finally:
            conn.close()

    def _break(self, reason: str) -> None:
        with self._lock:
            if self._broken is None:
                self._broken = reason
                log.error("engine pool broken: %s", reason)
        self._cancel_waiting(BrokenProcessPool(reason))

    def _cancel_waiting(self, exc: BaseException | None = None) -> None:
        """Settle the calls still queued: cancelled, or failed with ``exc``; stop markers stay."""
        kept = 0
        while True:
            try:
                call = self._calls.get_nowait()
            except queue.Empty:
                break
            if call is _STOP:
                kept += 1
                continue
            future = call[0]
            if exc is None or not future.set_running_or_notify_cancel():
                future.cancel()
            else:
                future.set_exception(exc)
        for _ in range(kept):
            self._calls.put(_STOP)


def _zygote(conns: list[Connection], started: Connection, web_url: str) -> None:
    """Spawned: compile the engine, freeze it out of the collector's sight, fork all workers but
    one, tell the pool their ids, and serve as the last worker itself (one interpreter fewer)."""
    channels.use_web(web_url)
    tag, _, pickled = started.recv_bytes().partition(b"\n")
    targets = pickle.loads(pickled)  # noqa: S301 -- from the watcher, over its own pipe, as every call
    del pickled
    workers.adopt(tag.decode(), targets)
    del targets
    gc.collect()
    gc.freeze()
    *forked_conns, own = conns
    pids = []
    for i, conn in enumerate(forked_conns):
        pid = os.fork()
        if pid == 0:
            for j, other in enumerate(conns):
                if j != i:
                    other.close()
            started.close()
            _serve(conn)
        pids.append(pid)
    for conn in forked_conns:
        conn.close()
    with contextlib.suppress(OSError):
        started.send(pids)
    started.close()
    _serve(own, children=pids)


def _serve(conn: Connection, children: Sequence[int] = ()) -> NoReturn:
    """A worker: answer calls until told to stop or the pool's end of the pipe closes; then
    reap ``children`` (the zygote's forked workers, stopped the same way) and exit."""
    code = 0
    try:
        while (call := conn.recv()) is not _STOP:
            fn, args, kwargs = call
            try:
                answer = (True, fn(*args, **kwargs))
            except Exception as exc:
                answer = (False, exc)
            try:
                conn.send(answer)
            except Exception as exc:  # an answer that does not pickle
                conn.send((False, RuntimeError(f"unpicklable answer: {exc!r}")))
    except (EOFError, OSError):
        pass
    except BaseException:
        code = 1
    finally:
        for pid in children:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)
        os._exit(code)  # never the zygote's exit handlers: they belong to the zygote
