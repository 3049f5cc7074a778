"""feeds/watching/heap.py: frozen objects are out of the collector's sight, and settle() still
collects the cyclic garbage among them."""

from __future__ import annotations

import gc
import weakref

from feeds.watching import heap


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_settle_collects_frozen_cyclic_garbage_and_freezes_the_rest() -> None:
    kept = _Node()
    lost = _Node()
    gone = weakref.ref(lost)
    heap.freeze()
    assert gc.get_freeze_count() > 0
    del lost
    gc.collect()
    assert gone() is not None  # frozen: a collection does not see it
    heap.settle()
    assert gone() is None  # settle lets go, collects, freezes again
    assert gc.get_freeze_count() > 0 and kept.me is kept
    gc.unfreeze()
