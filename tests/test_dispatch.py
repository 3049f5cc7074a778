"""The first-letter dispatch of cue alternations (``feeds/mentions/dispatch.py``) and the
word-start form of the context lists (``at_word_start``) match exactly where the plain alternation
does, on the real lexicon and real text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from feeds.mentions import cues as context
from feeds.mentions import lexicon
from feeds.mentions.dispatch import at_word_start, dispatched, first_letters
from feeds.mentions.models import EventType
from feeds.mentions.scripts import alternatives, fold

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


@pytest.mark.parametrize(
    ("cues", "text", "where"),
    [
        (["(?:i|j)rkutsk"], "u jrkutsku", 2),  # a leading choice is spelt out per letter
        (["moskv", "kein\\w*"], "keinesfalls", 0),
        (["moskv"], "podmoskvie", None),  # inside a word: no word start
        (["a|b", "x?y"], "- b", 2),  # no first letter to split off: kept as they are
        (["ab|cd", "zz"], "cd", 0),
    ],
)
def test_at_word_start_matches_at_word_starts_only(cues, text, where):
    found = re.search(at_word_start(cues), text)
    assert (found.start() if found else None) == where


# The context lists as cues.py compiles them, and the plain alternation each used to be
_CONTEXT = {
    "PRISON_CONTEXT": (lexicon.PRISON_CONTEXT, (), ""),
    "AMONG": (lexicon.RULE_WORDS["among_them"], (), r"\b"),
    "NOT_AMONG": (lexicon.RULE_WORDS["not_among"], (), r"(?!\w)"),
    "RUSSIA": ((*lexicon.RUSSIA, *lexicon.RUSSIA_PLACES), (), ""),
    "BELARUS": ((*lexicon.BELARUS_PLACES, *lexicon.BELARUS_COUNTRY), (), ""),
    "ABROAD": (lexicon.ABROAD_PLACES, lexicon.FOREIGN_COURTS, ""),
}


@pytest.mark.parametrize("name", sorted(_CONTEXT))
def test_context_lists_match_where_the_plain_alternation_does(name):
    words, patterns, tail = _CONTEXT[name]
    plain = re.compile(r"(?<!\w)(?:" + "|".join([alternatives(words), *patterns]) + ")" + tail)
    fast = getattr(context, name)
    checked = 0
    for text in _texts():
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            here, there = plain.search(sentence), fast.search(sentence)
            assert (here and here.start()) == (there and there.start()), sentence[:80]
            checked += bool(here)
    assert checked, f"{name} matched nothing in the corpus: the test would prove nothing"
