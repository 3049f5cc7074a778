"""The event rules' language data, compiled: each event's cues (``lexicon/events/<lang>.toml``)
and each rule's words (``lexicon/rules.toml``) as patterns over folded sentences, and the clause
helpers every rule shares (where a clause starts and ends around a cue).

Folded as the sentences are (lower case, no diacritics, ё/й/ў/ł as е/и/у/l); Belarusian Cyrillic
cues also match their Łacinka reading. One place, so that ``events``, ``timing``, ``moves`` and
``said_together`` read the same words the same way.
"""

from __future__ import annotations

import re

from feeds.mentions import lexicon
from feeds.mentions.models import EventType as E
from feeds.mentions.scripts import fold_pattern, script_alternations

# the words a cue lets stand between its parts ("kamen ... frei") may be hyphenated: "der
# Wjasna-Jurist", "экс-кандидат", "Dar'ja"
GAP, HYPHENATED_GAP = r"(?:\w+ )", r"(?:[\w'-]+ )"


def by_script(words_by_lang: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    """One pattern per script (``cyr``, ``lat``) over every language's words; Belarusian ones are
    also read as Łacinka."""
    bodies = script_alternations(words_by_lang, lexicon.CYRILLIC_LANGS, lexicon.LACINKA_FROM)
    bodies = {script: body.replace(GAP, HYPHENATED_GAP) for script, body in bodies.items()}
    return {
        script: re.compile(r"(?<![\w])(?:" + body + ")") for script, body in bodies.items() if body
    }


# Per event type, its cues (lexicon/events/<lang>.toml) as one pattern per script.
COMPILED: tuple[tuple[E, dict[str, re.Pattern[str]]], ...] = tuple(
    (event, by_script(lexicon.event_words(event.value))) for event in E
)

# The rules' words are data (lexicon/rules.toml); the rules are the patterns built from them.
# folded, as the sentences they are matched against (written in plain spelling in the file)
W = {
    rule: [fold_pattern(w) if isinstance(w, str) else w for w in words]
    for rule, words in lexicon.RULE_WORDS.items()
    if isinstance(words, list)  # (the dicts, number words and occupations, are namesakes.py's)
}


def any_of(words: list[str]) -> str:
    return "|".join(words)


def rule_pattern(rule: str, tail: str = "") -> re.Pattern[str]:
    """One rule's words (``lexicon/rules.toml``) as a pattern starting at a word, then ``tail``."""
    return re.compile(r"(?<![\w'’])(?:" + any_of(W[rule]) + ")" + tail)  # not after "дар'"


# a pardon as a noun ("nach meiner Begnadigung", "after his pardon"); "after Lukashenka pardoned
# them" tells when the news happened
NOUN_CUE = re.compile(r"(?:ung|ion|on|ease|ни[еяюи]|нн[яеюі]|eni[ea]|nni[ea])$")
CLAUSE_BREAK = re.compile(r"[,;:.!?()]")
CLAUSE_END = re.compile(CLAUSE_BREAK.pattern + "|$")
WORD_START = re.compile(r"(?<![\w'-])\w")


def word_starts(text: str, lo: int, hi: int) -> list[int]:
    return [m.start() for m in WORD_START.finditer(text, lo, hi)]


def clause_start(text: str, start: int) -> int:
    before = [m.end() for m in CLAUSE_BREAK.finditer(text, 0, start)]
    return before[-1] if before else 0


def clause_around(text: str, start: int, end: int, reach: int) -> tuple[int, int]:
    """Up to ``reach`` characters either side of a cue, within its clause ("Марыю, якой не
    было ў спісах, вызвалілі": the list is another clause's)."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    before = [m.end() for m in CLAUSE_BREAK.finditer(text, lo, start)]
    after = CLAUSE_BREAK.search(text, end, hi)
    return (before[-1] if before else lo), (after.start() if after else hi)


CELL = dict(COMPILED)[E.PUNISHMENT_CELL]
HEALTH = dict(COMPILED)[E.HEALTH]
