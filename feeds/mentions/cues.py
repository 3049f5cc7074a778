"""The lexicon's cue words as patterns over folded sentences, and the per-document memo that asks
them: whether a sentence speaks of prison (a bare surname or a nickname needs that), of Russia (a
colony number that is not ours), of "among them", or ends in a title before a surname."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from feeds.mentions import lexicon
from feeds.mentions.models import FREEING, EventType
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
# any of the three above and the ordinary crimes below: one search of a name's sentence says
# whether any of their rules need asking (most sentences: none)
NAMESAKE_HINTS = re.compile(
    word_start_alternatives((*lexicon.EMIGRATED, *lexicon.FINED, *lexicon.ORDINARY_CRIMES))
)

EMIGRE_PLACES = re.compile(word_start_alternatives(lexicon.EMIGRE_PLACES))


def says(sentences: Sentences, pattern: re.Pattern[str], index: int) -> bool:
    """``pattern`` found in the folded sentence ``index``; memoised per document, because every
    hit asks about its own sentence and the neighbours (a list of 5,000 colonies asked 100,000
    times)."""
    key = (id(pattern), index)  # hashing a Pattern hashes its compiled code, microseconds each
    found = sentences.memo.get(key)
    if found is None:
        _PATTERNS.setdefault(key[0], pattern)
        found = sentences.memo[key] = _said(key[0], sentences.get(index))
    return found


# ... and by the sentence itself across documents: a story is read again when another feed
# carries it, and its sentences ask the same questions (as ``fold`` and the event reading are)
_PATTERNS: dict[int, re.Pattern[str]] = {}


@lru_cache(maxsize=1 << 15)
def _said(pattern_id: int, sentence: str) -> bool:
    return _PATTERNS[pattern_id].search(fold(sentence)) is not None


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
    ) and not in_story(sentences, POLITICS)


def in_story(sentences: Sentences, pattern: re.Pattern[str]) -> bool:
    """``pattern`` found in some sentence of the story; memoised per document (most stories
    are asked this for every name they hold, and most say no)."""
    key = (id(pattern), -1)
    found = sentences.memo.get(key)
    if found is None:
        found = sentences.memo[key] = any(
            says(sentences, pattern, i) for i in range(len(sentences))
        )
    return found


def speaks_of_prison(sentences: Sentences) -> bool:
    """Some sentence of the story speaks of prison: its words, or a cue of any event, told or
    only asked for ("призвал освободить", "freizulassen", "może wyjść na wolność"): a story
    that never does is not about a prisoner, whoever shares the name."""
    every = range(len(sentences))  # the words first: most stories have them, and they are cheap
    return any(says(sentences, PRISON_CONTEXT, i) for i in every) or any(
        _cue_of(sentences, i) for i in every
    )


def speaks_of_freeing(sentences: Sentences) -> bool:
    """Some sentence of the story has a cue of a release, an expulsion or a pardon, now or long
    ago ("freed from the colony and expelled, now lives in Prague"), not a thing that "is free"
    ("Entry is free")."""
    from feeds.mentions.whose import free_thing  # the rules read with these cues

    patterns = _joined(FREEING)
    for i in range(len(sentences)):
        folded = fold(sentences.get(i))
        for script in scripts_of(folded):
            if script in patterns:
                for match in patterns[script].finditer(folded):
                    if not free_thing(folded, match.start()):
                        return True
    return False


# every event but those that happen to anyone ("памёр заслужаны настаўнік", "трапіў у бальніцу",
# "awarded"): a prisoner's hospital stay is told with the colony it came from
_OF_PRISON = frozenset(EventType) - {EventType.DIED, EventType.HEALTH, EventType.OTHER}


def _cue_of(sentences: Sentences, index: int) -> bool:
    """Whether sentence ``index`` has a cue of an event of prison (memoised per document)."""
    key = (_OF_PRISON, index)
    found = sentences.memo.get(key)
    if found is None:
        folded = fold(sentences.get(index))
        patterns = _joined(_OF_PRISON)
        found = sentences.memo[key] = any(
            patterns[s].search(folded) for s in scripts_of(folded) if s in patterns
        )
    return found


@cache
def _joined(events: frozenset[EventType]) -> dict[str, re.Pattern[str]]:
    """The cues of ``events`` as one pattern per script: one search a sentence."""
    from feeds.mentions.event_words import COMPILED  # the cues compile after this module

    bodies: dict[str, list[str]] = {}
    for event, by_script in COMPILED:
        if event in events:
            for script, pattern in by_script.items():
                bodies.setdefault(script, []).append(pattern.pattern)
    return {script: re.compile("|".join(b)) for script, b in bodies.items()}


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
