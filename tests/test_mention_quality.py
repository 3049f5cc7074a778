"""The quality ratchet: the mention engine may not get worse on the labelled corpus.

``bench/quality.py`` scores the engine on the dev and the held-out split, each a set of writers'
batches (``tests/data/mentions/corpus/splits.json``; ``python -m bench.quality --heldout`` prints
both tables). ``tests/data/mentions/quality_floor.json`` records,
per split:

- ``totals``: micro precision/recall for prisoners and facilities and micro F1 for events, exactly
  as computed (no rounding): any drop at all fails;
- ``misses``: per language, the items and the misses (false positives plus false negatives) for
  prisoners, for facilities and for events. A language with 30 or more items may miss one more than
  recorded in each of the three (one item of slack, so a trade of one error for another in a large
  language can pass when the totals allow it); a smaller language may not miss one more.

When the engine improves, rewrite the floor from its figures and commit it with the change::

    python -m bench.quality --write-floor

Never rewrite it to make a change that got worse pass.
"""

from __future__ import annotations

import json

import pytest

from bench.quality import FLOOR, SPLITS, floor_of, split_scores

RECORDED = json.loads(FLOOR.read_text(encoding="utf-8"))
SLACK_FROM = 30  # items in a language from which one miss of slack is allowed
KINDS = ("prisoners", "facilities", "events")


@pytest.fixture(scope="module")
def measured():
    return {split: floor_of(split_scores(split)) for split in SPLITS}


def slack(items: int) -> int:
    return 1 if items >= SLACK_FROM else 0


def test_the_floor_covers_every_split() -> None:
    assert sorted(RECORDED) == sorted(SPLITS)


@pytest.mark.parametrize("split", SPLITS)
def test_totals_do_not_drop(measured, split: str) -> None:
    got = measured[split]["totals"]
    floor = RECORDED[split]["totals"]
    assert sorted(got) == sorted(floor)
    below = {name: (got[name], value) for name, value in floor.items() if got[name] < value}
    assert not below, f"{split}: below the recorded floor (got, floor): {below}"


@pytest.mark.parametrize("split", SPLITS)
def test_misses_per_language_do_not_grow(measured, split: str) -> None:
    got = measured[split]["misses"]
    floor = RECORDED[split]["misses"]
    assert sorted(got) == sorted(floor), (
        f"{split}: the languages changed; rewrite the floor (python -m bench.quality --write-floor)"
    )
    worse = {}
    for lang, recorded in floor.items():
        assert got[lang]["items"] == recorded["items"], (
            f"{split}/{lang}: the corpus changed; rewrite the floor"
        )
        allowed = slack(recorded["items"])
        for kind in KINDS:
            if got[lang][kind] > recorded[kind] + allowed:
                worse[f"{lang} {kind}"] = (got[lang][kind], recorded[kind], allowed)
    assert not worse, f"{split}: more misses than the floor allows (got, floor, slack): {worse}"


def test_slack_starts_at_thirty_items() -> None:
    assert [slack(n) for n in (0, 1, 29, 30, 31, 100)] == [0, 0, 0, 1, 1, 1]


def test_a_label_of_someone_off_the_list_asks_nothing_of_the_engine() -> None:
    """A writer may label a person of Viasna's export whom the import leaves out (``np``): the
    bench scores only the people on the list the engine was compiled from, and counts the rest."""
    from bench.quality import on_the_list, unlisted
    from feeds.mentions import compile_registry
    from feeds.registry.models import Prisoner

    engine = compile_registry(
        [Prisoner(id="ihar-losik", name_en="Ihar Losik", name_ru="Игорь Лосик")]
    )
    item = {"prisoners": ["ihar-losik", "someone-np"], "ambiguous": [["someone-np", "ihar-losik"]]}
    assert on_the_list(engine, item) == (["ihar-losik"], [["ihar-losik"]])
    assert unlisted(engine, [item]) == 1
