"""The watcher's heap and the garbage collector.

A watcher holds a large, long-lived heap: the mention engine (hundreds of thousands of objects),
the lexicons, and what it remembers of every feed between polls. CPython's collector walks all of
it at each full collection, every few seconds under load: a third of an idle (all-304) poll
cycle's CPU went there. Objects that are alive at a quiet moment (an engine just built, a poll
cycle just ended) are moved out of its sight with ``gc.freeze()``; reference counting still frees
them when they go. Cyclic garbage among frozen objects waits for :func:`settle`, which lets go of
everything frozen, collects once, and freezes what is left: after an engine rebuild, and every
``SETTLE_EVERY`` poll cycles.
"""

from __future__ import annotations

import gc

SETTLE_EVERY = 10  # poll cycles between full collections


def freeze() -> None:
    """Take what is alive now out of the collector's sight (cheap: no collection)."""
    gc.freeze()


def settle() -> None:
    """One full collection of everything, then freeze what survived."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
