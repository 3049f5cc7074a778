"""Whose freeing or death a cue tells: a cue in a sentence about a listed person may tell of
somebody else ("a released prisoner", "the release of her colleagues", "na voli apynuŭsia i jaho
baćka") or of no freeing at all ("opuściła areszt, ale nie odzyskała wolności"). Such a cue is
not the person's news; the words are ``lexicon/rules.toml``'s, these are the rules.
"""

from __future__ import annotations

import re

from feeds.mentions.event_words import NOUN_CUE, W, any_of
from feeds.mentions.models import GRAVE
from feeds.mentions.models import EventType as E

FREEING_NOUNS = (E.RELEASED, E.RELEASED_EXPELLED, E.PARDONED)

# "a released prisoner", "due to be released", "freed earlier this year": not a release now;
# "many of his cellmates were freed": somebody else's release
_NOT_NOW_BEFORE = re.compile(
    r"(?:"
    + any_of(W["not_now_before"])
    + "|(?:"
    + any_of(W["others"] + W["relatives"])
    + r")\w*(?:\s+[\w'-]+){0,5})\s+$"
)
# (a time of days back between: "освобождённый на днях сокамерник"); a death whose subject is
# a prisoner nobody names, the noun ending its clause ("умер пожилой осужденный, с которым ...")
_NOT_NOW_AFTER = re.compile(
    r"\w*\s+(?:(?:" + any_of(W["lately"]) + r")\s+)?(?:" + any_of(W["not_now_after"]) + ")"
)
_NOT_FREED_AFTER = re.compile(r"[^.;!?,]{0,60},\s+(?:" + any_of(W["not_freed_after"]) + ")")
_NOBODY_NAMED_DIED = re.compile(
    r"\w*\s+(?:[\w'-]+\s+)?(?:" + any_of(W["people_nouns"]) + r")\s*(?:[,.;:!?)]|$)"
)

# "вызваленне калег", "the release of her colleagues": someone else's (one or two words after)
_OTHERS_AFTER = re.compile(
    r"\w*\s+(?:(?:"
    + any_of(W["whose_between"])
    + r")\s+)?(?:"
    + any_of(W["others_after"] + W["relatives"])
    + ")"
)
# a verb's subject or object after it, a relative by a possessive: "apynuŭsia i jaho baćka"
_RELATIVE_AFTER = re.compile(
    rf"\w*\s+(?:(?:{any_of(W['also'])})\s+)?(?:{any_of(W['whose_between'])})\s+"
    rf"(?:{any_of(W['relatives'] + W['parents'])})(?!\w)"
)


# "ihre ersten Wochen in Freiheit": the first weeks, months, days, then freedom as a state ("seit
# zwei Wochen in Freiheit" is news)
_TIME_FREE = re.compile(
    r"(?:"
    + any_of(W["first"])
    + r")\s+(?:"
    + any_of(W["time_free_before"])
    + r")\s+(?:[\w'-]+\s+)?$"
)
_FREEDOM_STATE = re.compile(r"freiheit|freedom|liberty|свобод|свабод|вол[іиеу]|wolnos|vol[iu]\b")


_PLURAL_NOUN = re.compile(r"(?:" + any_of(W["plural_noun_endings"]) + r")$")
_THING_BEFORE = re.compile(r"(?:" + any_of(W["free_things"]) + r")\s+(?:[\w'-]+\s+)?$")


def free_thing(text: str, start: int) -> bool:
    """A thing, not a person, "is free" right before the cue ("Entry is free")."""
    return _THING_BEFORE.search(text, max(0, start - 30), start) is not None


def someone_elses(event: E, text: str, start: int, end: int, cue: str) -> bool:
    """Whether the cue ``text[start:end]`` (of ``event``) tells somebody else's freeing or death,
    or a freeing taken back."""
    if event is E.RELEASED and _NOT_NOW_BEFORE.search(text, max(0, start - 60), start):
        return True
    if event in (E.RELEASED, E.RELEASED_EXPELLED) and (
        _NOT_NOW_AFTER.match(text, end) or _NOT_FREED_AFTER.match(text, end)
    ):
        return True  # "freed prisoners"; "opuściła areszt, ale nie odzyskała wolności"
    if event in FREEING_NOUNS and _PLURAL_NOUN.search(cue.split()[0]):
        return True  # "after the loud releases of the year": a wave, nobody's own
    if event is E.DIED and _NOBODY_NAMED_DIED.match(text, end):
        return True
    if event is E.RELEASED and free_thing(text, start):
        return True  # "Entry is free", "Der Eintritt ist frei": a thing, free of charge
    if (
        event is E.RELEASED
        and _FREEDOM_STATE.search(cue)
        and _TIME_FREE.search(text, max(0, start - 40), start)
    ):
        return True  # "ihre ersten Wochen in Freiheit": the weeks the freed have had since
    return event in GRAVE and bool(
        (any(map(NOUN_CUE.search, cue.split())) and _OTHERS_AFTER.match(text, end))
        or _RELATIVE_AFTER.match(text, end)
    )  # "пра вызваленне калег даведалася з газет": the colleagues' release
