"""The first-letter dispatch of cue alternations (``feeds/mentions/dispatch.py``) matches exactly
where the plain alternation does, on the real lexicon and real text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from feeds.mentions import lexicon
from feeds.mentions.dispatch import dispatched, first_letters
from feeds.mentions.models import EventType
from feeds.mentions.scripts import fold

CORPUS = Path(__file__).parent / "data" / "mentions" / "corpus"


@pytest.mark.parametrize(
    ("cue", "letters"),
    [
        ("arrested\\b", {"a"}),
        ("(?:moved|sent) to", {"m", "s"}),
        ("(?<!nie )(?:przewiozl|przewiezli)\\w*", {"p"}),
        ("[іи]нкамун", {"і", "и"}),
        ("a?b", {"a", "b"}),
        ("(?:re-)?arrest", {"r", "a"}),
    ],
)
def test_first_letters_are_read_from_the_parsed_cue(cue, letters):
    assert first_letters(cue) == letters


@pytest.mark.parametrize("cue", ["\\w+ lat", "\\d+ days", "(?:a|)", "x*", ".y", "[^a]b"])
def test_a_cue_whose_first_letter_cannot_be_told_goes_everywhere(cue):
    assert first_letters(cue) is None
    body = dispatched(["abc", cue])
    assert body.endswith("|" + cue)


def _texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                texts.append(fold((item.get("title") or "") + " " + item["text"]))
    return texts


@pytest.mark.parametrize("event", list(EventType), ids=lambda e: e.value)
def test_dispatched_cues_match_where_the_plain_alternation_does(event):
    texts = _texts()
    cues = [fold(c) for words in lexicon.event_words(event.value).values() for c in words]
    plain = re.compile(r"(?<![\w])(?:" + "|".join(cues) + ")")
    fast = re.compile(r"(?<![\w])(?:" + dispatched(cues) + ")")
    checked = 0
    for text in texts:
        for word in re.finditer(r"\w+", text):
            here = plain.match(text, word.start())
            assert bool(here) == bool(fast.match(text, word.start())), text[word.start() :][:60]
            checked += bool(here)
    assert checked, f"no cue of {event.value} matched the corpus: the test would prove nothing"
