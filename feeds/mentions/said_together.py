"""Events said compositionally rather than by one cue: a contact word and an absence word ("no
letters", "адвакат не пускаюць": cut off), a body word and a trouble word ("нирки болять":
ailing), a doctor word and an absence word ("denied a cardiologist"), a contact word and an
arrival or permission word ("a letter finally reached", "разрешили свидание": in touch, news of
``other``), within three words of one clause and reported as real and now. The words are the
``[incommunicado]``, ``[health]`` and ``[other]`` tables of ``lexicon/events/<lang>.toml``.
"""

from __future__ import annotations

import re

from feeds.mentions import lexicon, modality
from feeds.mentions.event_words import (
    by_script,
    rule_pattern,
    word_starts,
)
from feeds.mentions.models import EventType as E

# Cut off, said compositionally: a contact word ("letters", "адвакат", "widzenia") and an absence
# word ("no", "banned", "не доходят", "brak") within three words of one clause. The words are the
# [incommunicado] table's ``contact``, ``absence_before`` (only before the contact word: "no
# letters") and ``absence`` (either side: "letters were banned", "лістоў няма").
CONTACT = by_script(lexicon.event_words("incommunicado", "contact"))
ABSENCE_BEFORE = by_script(lexicon.event_words("incommunicado", "absence_before"))
ABSENCE = by_script(lexicon.event_words("incommunicado", "absence"))
NEAR = re.compile(r"[^\w,;:.!?()]*(?:[\w'-]+[^\w,;:.!?()]+){0,3}")  # up to 3 words, one clause

# Ailing, said the same way: a body word and a trouble word ("her back has become worse", "нырки
# знову болять"), or a doctor word and an absence word ("к врачу не отвели", "no doctor")
BODY = by_script(lexicon.event_words("health", "body"))
TROUBLE = by_script(lexicon.event_words("health", "trouble"))
DOCTOR = by_script(lexicon.event_words("health", "doctor"))
# In touch: a contact word and an arrival or permission word ("a letter finally reached his
# friends", "разрешили свидание", "list dotarł"): news a family wants (``other``)
CAME = by_script(lexicon.event_words("other", "came"))
LAST = rule_pattern("last_words")  # "the last letter arrived in March": cut off since


def in_touch(text: str, scripts: tuple[str, ...], asked: bool) -> bool:
    """A contact word with an arrival or permission word near it, in one clause, reported as
    real and now; never where the sentence reports the contact cut off."""
    return (
        not LAST.search(text)
        and not cut_off(text, scripts, asked)
        and said_together(text, scripts, asked, E.OTHER, CONTACT, CAME, {})
    )


def cut_off(text: str, scripts: tuple[str, ...], asked: bool) -> bool:
    """A contact word with an absence word near it, in one clause, reported as real and now."""
    return said_together(text, scripts, asked, E.INCOMMUNICADO, CONTACT, ABSENCE, ABSENCE_BEFORE)


def ailing(text: str, scripts: tuple[str, ...], asked: bool) -> bool:
    """A body word with a trouble word near it, or a doctor word with an absence word, in one
    clause, reported as real and now."""
    return said_together(text, scripts, asked, E.HEALTH, BODY, TROUBLE, {}) or said_together(
        text, scripts, asked, E.HEALTH, DOCTOR, ABSENCE, ABSENCE_BEFORE
    )


def said_together(
    text: str,
    scripts: tuple[str, ...],
    asked: bool,
    event: E,
    heads: dict[str, re.Pattern[str]],
    either: dict[str, re.Pattern[str]],
    before: dict[str, re.Pattern[str]],
) -> bool:
    """A ``heads`` word with an ``either`` word within three words of it (or a ``before`` word
    within three words before it), in one clause, reported as real and now."""
    for script in scripts:
        head = heads.get(script)
        if head is None:
            continue
        for match in head.finditer(text):
            start, end = match.start(), match.end()
            if SUCH.search(text, max(0, start - 12), start):
                continue  # "we have no such information": about a report, not the prisoner
            span = word_near(text, start, end, either.get(script), before.get(script))
            if span is None:
                continue
            lo, hi = min(start, span[0]), max(end, span[1])
            if not modality.unreal(text, lo, hi, event.value, asked, scripts):
                return True
    return False


def word_near(
    text: str,
    start: int,
    end: int,
    either: re.Pattern[str] | None,
    before: re.Pattern[str] | None,
) -> tuple[int, int] | None:
    """The span of an ``either`` word within three words before ``start`` or after ``end``, or
    of a ``before`` word within three words before ``start`` (one clause)."""
    reach = NEAR.match(text, end)
    if either is not None and reach is not None:
        for pos in (*word_starts(text, end, reach.end()), reach.end()):
            found = either.match(text, pos)
            if found is not None:
                return found.span()
    for pattern in (before, either):
        for found in pattern.finditer(text, max(0, start - 60), start) if pattern else ():
            if NEAR.fullmatch(text, found.end(), start):
                return found.span()
    return None


SUCH = rule_pattern("such", r"\s+$")
