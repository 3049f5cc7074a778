"""The quality ratchet: the mention engine may not get worse on the labelled corpus.

Micro precision/recall for prisoners and facilities and micro F1 for events, on the dev and the held-out
split separately (``bench/quality.py`` computes them; ``python -m bench.quality`` prints the table).
The floor in ``tests/data/mentions/quality_floor.json`` holds the figures reached, rounded down to two
decimals: raise it when the engine improves, never lower it to make a change pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.quality import DATA, load_engine, split_figures

FLOOR = json.loads((Path(DATA) / "quality_floor.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def engine():
    return load_engine()


@pytest.mark.parametrize("split", sorted(FLOOR))
def test_quality_does_not_drop(engine, split):
    figures = split_figures(engine, split)
    if figures is None:
        pytest.skip(f"no {split}.jsonl")
    below = {
        name: (round(figures[name], 4), floor)
        for name, floor in FLOOR[split].items()
        if figures[name] + 1e-9 < floor
    }
    assert not below, f"{split}: below the recorded floor (got, floor): {below}"
