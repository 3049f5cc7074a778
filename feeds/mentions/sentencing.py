"""When a sentencing cue says who the person is rather than what happened now.

"Journalist X, sentenced to 14 years for ...", "białoruski dziennikarz skazany na 14 lat",
"politologa skazanego na 10 lat", "der zu 25 Jahren verurteilte Veteran", "serving his term": a
participle in apposition, after a noun for the person, in an oblique case or set off by commas,
and a term being served, all describe the person's past. A finite verb ("was sentenced",
"получил", "otrzymał") or a participle with its auxiliary is news. The words are
``lexicon/rules.toml``'s.
"""

from __future__ import annotations

import re

from feeds.mentions import lexicon
from feeds.mentions.event_words import CLAUSE_END, W, any_of, rule_pattern

# "X, according to Viasna, got 15 days" is news: a finite sentencing verb after the comma
FINITE_SENTENCE = tuple(W["finite_sentence"])
APPOSITION = re.compile(r",\s*(?:" + any_of(W["apposition"]) + ")?$")
# "odsiaduje wyrok 20 lat", "serving his term": a state, not a sentencing
SERVING = re.compile(r"(?:" + any_of(W["serving"]) + r")\w*\s+(?:[\w'-]+\s+){0,2}$")
# "białoruski dziennikarz skazany na 14 lat": a participle after a noun for the person describes
# their past (the nouns are the referring nouns of lexicon/context.toml)
PARTICIPLES = tuple(W["sentenced_participles"])
PERSON_NOUN_BEFORE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(n) for n in lexicon.REFERRING_NOUNS) + r")\w{0,3},?\s+$"
)
# The phrase a sentencing participle opens, when the participle is an attribute ("Znak, sentenced
# to ten years, ...", "politologa skazanego na 10 lat"): up to the next clause break, every
# sentencing cue in it is backstory
ATTRIBUTE = re.compile(
    r"(?<!\w)(?:" + "|".join(PARTICIPLES) + r")\w*?(?:" + any_of(W["attributive_endings"]) + r")\b"
)
PARTICIPLE = re.compile(r"(?<!\w)(?:" + "|".join(PARTICIPLES) + r")")
GERMAN_ATTRIBUTE = re.compile("|".join(f"(?:{w})" for w in W["german_attribute"]))
NON_FINITE_SENTENCE = (*PARTICIPLES, *W["sentence_nouns"])
AUXILIARY_BEFORE = rule_pattern("auxiliaries", r"\s+(?:\w+\s+)?$")


def describes(text: str, cue: str, start: int, end: int) -> bool:
    """Whether the sentencing cue ``cue`` at ``text[start:end]`` (folded) describes the person:
    in apposition, after a term being served or a noun for the person, in an attributive
    participle's phrase, or German's term-first attribute."""
    return (
        (not cue.startswith(FINITE_SENTENCE) and APPOSITION.search(text, 0, start) is not None)
        or SERVING.search(text, max(0, start - 40), start) is not None
        or (
            cue.startswith(PARTICIPLES)
            and PERSON_NOUN_BEFORE.search(text, max(0, start - 30), start) is not None
        )
        or in_attribute(text, start)
        or GERMAN_ATTRIBUTE.search(text, max(0, end - 80), end) is not None
    )


def non_finite(text: str, cue: str, start: int) -> bool:
    """A participle or a noun without its auxiliary ("a pensioner sentenced to five years has
    died", "wyszedł po odsiedzeniu wyroku"): it recalls the sentencing of someone the sentence
    tells other news of."""
    return cue.startswith(NON_FINITE_SENTENCE) and not AUXILIARY_BEFORE.search(
        text, max(0, start - 25), start
    )


def in_attribute(text: str, position: int) -> bool:
    """``position`` lies in the phrase of an attributive sentencing participle: one in an oblique
    case, or one right after a comma ("X, skazany na 10 lat, ...")."""
    for found in PARTICIPLE.finditer(text):
        if found.start() > position:
            break
        attributive = ATTRIBUTE.match(text, found.start()) or APPOSITION.search(
            text, 0, found.start()
        )
        if attributive and position < CLAUSE_END.search(text, found.end()).start():
            return True
    return False
