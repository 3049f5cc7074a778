"""The lexicon's cue words as patterns over folded sentences, and the per-document memo that asks
them: whether a sentence speaks of prison (a bare surname or a nickname needs that), of Russia (a
colony number that is not ours), of "among them", or ends in a title before a surname."""

from __future__ import annotations

import re
from collections.abc import Sequence

from feeds.mentions import lexicon
from feeds.mentions.scripts import fold, scripts_of, word_start_alternatives
from feeds.mentions.text import Sentences

PRISON_CONTEXT = re.compile(word_start_alternatives(lexicon.PRISON_CONTEXT))
AMONG = re.compile(word_start_alternatives(lexicon.RULE_WORDS["among_them"]) + r"\b")
AMONG_ANY = re.compile(word_start_alternatives(lexicon.RULE_WORDS["among"]) + r"(?!\w)")
NOT_AMONG = re.compile(word_start_alternatives(lexicon.RULE_WORDS["not_among"]) + r"(?!\w)")
TITLE = re.compile(r"(?:" + "|".join(lexicon.TITLES) + r")\s*$")
OFFICIAL = re.compile(
    r"(?<!\w)(?:"
    + "|".join(lexicon.OFFICIALS)
    + r")(?:\s+(?:"
    + "|".join(lexicon.OFFICIAL_OF)
    + r"))?\s*$"
)
RUSSIA_PLACES = re.compile(word_start_alternatives(lexicon.RUSSIA_PLACES))
RUSSIA = re.compile(word_start_alternatives((*lexicon.RUSSIA, *lexicon.RUSSIA_PLACES)))
BELARUS = re.compile(word_start_alternatives((*lexicon.BELARUS_PLACES, *lexicon.BELARUS_COUNTRY)))
BELARUS_TOWNS = re.compile(word_start_alternatives(lexicon.BELARUS_PLACES))
ABROAD = re.compile(word_start_alternatives(lexicon.ABROAD_PLACES, lexicon.FOREIGN_COURTS))
EMIGRATED = re.compile(word_start_alternatives(lexicon.EMIGRATED))
FINED = re.compile(word_start_alternatives(lexicon.FINED))

EMIGRE_PLACES = re.compile(word_start_alternatives(lexicon.EMIGRE_PLACES))


def says(sentences: Sentences, pattern: re.Pattern[str], index: int) -> bool:
    """``pattern`` found in the folded sentence ``index``; memoised per document, because every
    hit asks about its own sentence and the neighbours (a list of 5,000 colonies asked 100,000
    times)."""
    key = (id(pattern), index)  # hashing a Pattern hashes its compiled code, microseconds each
    found = sentences.memo.get(key)
    if found is None:
        found = sentences.memo[key] = bool(pattern.search(fold(sentences.get(index))))
    return found


def in_prison_context(sentences: Sentences, index: int, reach: int = 1) -> bool:
    """Sentence ``index`` or one within ``reach`` of it speaks of prison."""
    lo, hi = max(0, index - reach), min(len(sentences), index + reach + 1)
    return any(says(sentences, PRISON_CONTEXT, i) for i in range(lo, hi))


ORDINARY_CRIME = re.compile(word_start_alternatives(lexicon.ORDINARY_CRIMES))
POLITICS = re.compile(word_start_alternatives(lexicon.POLITICS))


def ordinary_crime_only(sentences: Sentences, index: int) -> bool:
    """Sentence ``index`` or the next charges someone with an ordinary crime (fraud, theft, a
    bribe, murder) and the story never speaks of politics: a namesake's criminal case."""
    return any(
        says(sentences, ORDINARY_CRIME, i) for i in range(index, min(len(sentences), index + 2))
    ) and not any(says(sentences, POLITICS, i) for i in range(len(sentences)))


def speaks_of_prison(sentences: Sentences) -> bool:
    """Some sentence of the story speaks of prison: its words, or a cue of any event, told or
    only asked for ("призвал освободить", "freizulassen", "może wyjść na wolność"): a story
    that never does is not about a prisoner, whoever shares the name."""
    return any(
        says(sentences, PRISON_CONTEXT, i) or _cue_of(sentences, i, _OF_PRISON)
        for i in range(len(sentences))
    )


def speaks_of_freeing(sentences: Sentences) -> bool:
    """Some sentence of the story has a cue of a release, an expulsion or a pardon."""
    return any(_cue_of(sentences, i, _FREEING) for i in range(len(sentences)))


# every event but those that happen to anyone ("памёр заслужаны настаўнік", "трапіў у бальніцу",
# "awarded"): a prisoner's hospital stay is told with the colony it came from
_OF_PRISON = "of prison"
_FREEING = "freeing"
_KINDS = {
    _OF_PRISON: lambda event: event not in {"died", "health", "other"},
    _FREEING: lambda event: event in {"released", "released_expelled", "pardoned"},
}


def _cue_of(sentences: Sentences, index: int, kind: str) -> bool:
    """Whether sentence ``index`` has a cue of an event of ``kind`` (memoised per document)."""
    from feeds.mentions.event_words import COMPILED  # the cues compile after this module

    key = (kind, index)
    found = sentences.memo.get(key)
    if found is None:
        folded = fold(sentences.get(index))
        scripts = scripts_of(folded)
        wanted = _KINDS[kind]
        found = sentences.memo[key] = any(
            by_script[s].search(folded)
            for event, by_script in COMPILED
            if wanted(event.value)
            for s in scripts
            if s in by_script
        )
    return found


CONTRAST = re.compile("|".join(f"(?:{w})" for w in lexicon.RULE_WORDS["contrast"]))

# A relative clause between commas: ", whose friends feared ...,", ", über dessen Freilassung
# spekuliert worden war,". Folded text; the clause runs to the next comma, colon or dash.
RELATIVE_WORDS = "|".join(lexicon.RULE_WORDS["relative_any_case"])
RELATIVE_CLAUSE = re.compile(
    r",\s*(?:[\w'-]+\s+){0,4}?(?:" + RELATIVE_WORDS + r")(?!\w)[^,;:()\u2014\u2013]*"
)
OPEN_RELATIVE = re.compile(RELATIVE_CLAUSE.pattern + "$")  # one not closed yet


def contrast_part(
    sentence: str, offset: int, others: Sequence[int] | None = None
) -> tuple[int, int]:
    """The part of a (lower-cased) sentence around ``offset``, cut at a contrast ("X was freed,
    but Y stays in the colony"): what is said of one part is not said of the other. A contrast
    inside a relative clause cuts nothing ("X, whose friends feared she would die without
    treatment, was pardoned": the clause is about X too). ``others``: where the sentence names
    other people; given, "without" cuts only between the person and another ("X was freed
    without Y"; "wurde X ohne Pass außer Landes gebracht" is X's)."""
    lo, hi = 0, len(sentence)
    for cut in CONTRAST.finditer(sentence):
        if not cut.group().startswith(",") and OPEN_RELATIVE.search(fold(sentence[: cut.start()])):
            continue  # a comma would have closed the clause
        if (
            others is not None
            and not cut.group().startswith(",")
            and not any((o < cut.start()) != (offset < cut.start()) for o in others)
        ):
            continue  # nobody else on the other side of "without"
        if cut.start() <= offset:
            lo = cut.start()
        else:
            hi = cut.start()
            break
    return lo, hi
