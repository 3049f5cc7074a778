"""Freed people who speak: a release told to say who is talking, not as this story's news.

Interviews with former prisoners carry their release in the first person ("«Мяне выпусцілі», —
кажа ён") or in the commas between their name and a verb of telling ("Ігор Карней, якого
звільнили разом із ..., розповідає"; "X, zwolniony w grudniu, wspomina"). A family reading the
alert would take either for news of a release, though it was the speaker's past. A time of today
or of days back keeps it news ("X, freed on Thursday, says"). The words are ``lexicon/rules.toml``'s
(``first_person``, ``speaks_now``, ``lately``, ``now_words``); these are the rules.
"""

from __future__ import annotations

import re

from feeds.mentions.cues import RELATIVE_WORDS
from feeds.mentions.event_words import CLAUSE_END, W, any_of, clause_start, rule_pattern
from feeds.mentions.timing import NOW

_FIRST_PERSON = rule_pattern("first_person", r"\s+(?:[\w'-]+\s+){0,2}$")

# a relative clause, or the cue opening a participle phrase ("X, zwolniony w grudniu, ...")
_APPOSITION_OPEN = re.compile(r"[\w'-],\s+(?:(?:" + RELATIVE_WORDS + r")\s+[^,;:.!?()]{0,90})?$")
# the verb may follow a few words after the apposition ("..., у размове з нашым радыё ўспамінае")
_SPEAKER_AFTER = re.compile(
    r"[^,;:.!?()]{0,100}(,)\s+(?:[\w'-]+\s+){0,5}?(?:" + any_of(W["speaks_now"]) + r")(?!\w)"
)
_LATELY = rule_pattern("lately", r"(?!\w)")
# a sentence opened by one who tells ("Мужчына, які ў мінулым месяцы вызваліўся, ...", "The
# man, who was freed in May, ...") and a relative clause about them, up to the cue
_TELLER_OPEN = re.compile(
    r"\W*(?:" + any_of(W["tellers"]) + r")\s*,\s+(?:" + RELATIVE_WORDS + r")\s+[^,;:.!?()]{0,90}$"
)


def recalled_by_the_freed(text: str, start: int, end: int) -> bool:
    """The release is told in the first person ("I was told I had been pardoned", "Відколи мене
    відпустили"), with no time of today in its clause: the speaker, free enough to talk,
    recalls it."""
    return _FIRST_PERSON.search(text, max(0, start - 40), start) is not None and not NOW.search(
        text, clause_start(text, start), CLAUSE_END.search(text, end).start()
    )


def told_of_the_teller(text: str, start: int) -> bool:
    """The cue is in a relative clause about the unnamed one who tells, opening the sentence
    ("Мужчына, які ў мінулым месяцы вызваліўся з калоніі, распавёў нам пра Эдуарда Бабарыку"):
    the teller's release, whatever its time; the person named is who the story is about."""
    return _TELLER_OPEN.match(text[:start]) is not None


def introduces_speaker(text: str, start: int, end: int) -> bool:
    """The cue stands in commas after a word (a name) and before a speaker's present-tense verb
    ("Leanid Sudalenka, who was released ... and left Belarus, says ..."): the speaker's past,
    told to say who speaks; unless a time of today or of days back is there ("X, freed on
    Thursday, says", "яку минулого тижня звільнили ..., каже")."""
    speaker = _SPEAKER_AFTER.match(text, end)
    opened = _APPOSITION_OPEN.search(text, max(0, start - 95), start)
    return (
        speaker is not None
        and opened is not None
        and not NOW.search(text, opened.start(), speaker.start(1))  # the apposition's time
        and not _LATELY.search(text, opened.start(), speaker.start(1))
    )
