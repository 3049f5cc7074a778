"""Whether a sentence reports an event as having happened, or only speaks of it.

"36 rights groups demand the release of Bialiatski" names a release that did not happen; so do a
hope ("his wife hopes he will be pardoned"), a plan or a date ahead ("he is due to be freed in May
2027"), a condition ("if he is pardoned"), a possibility ("he may be released"), a question ("will
she be freed?"), a denial ("reports of his death are false") and an unconfirmed rumour. Telling a
family about a release that did not happen is the worst thing Vestka can do, so an event cue in
such a context is not an event.

The rules are code, the words are data: ``lexicon/modality/<lang>.toml`` lists, per language, the
general words of each class (demanding, hoping, planning, conditions, possibility, denial, rumour,
question words), and ``lexicon/events/<lang>.toml`` the future forms of each event ("will be
released", "освободят"). All languages are matched at once on the folded sentence (feeds are often
mixed, and a passage's language is not always known); Belarusian Cyrillic words also match their
Łacinka readings.

Scopes, on the folded sentence:

- **clause, before the cue**: demand, hope, plan, condition, possibility and question words count
  when they stand in the cue's clause (between the nearest , ; : ( — before it and the cue);
- **right after the cue**: a demand ("release was demanded", "освобождения требуют"), a question
  particle ("освободят ли") or a possibility ("освобождение возможно") within a few words;
- **sentence**: a denial or a rumour anywhere in the sentence, a question mark ending it;
- **the cue itself**: a future form of the event overlapping the cue ("освободят" read by a stem).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from feeds.mentions import lexicon

CLAUSE_CLASSES = ("demand", "hope", "plan", "condition", "possibility", "question")
SENTENCE_CLASSES = ("denial", "rumour")
AFTER_CLASSES = ("demand", "question", "possibility")
AFTER_WORDS = 3  # how far after the cue a demand or a question particle still governs it
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s")
_AFTER = re.compile(rf"\W+(?:\w+\W+){{0,{AFTER_WORDS - 1}}}")


def _pattern(fragments: Iterable[str], alternatives: Callable[[Iterable[str]], str]) -> re.Pattern:
    body = alternatives(fragments)
    return re.compile(r"(?<![\w])(?:" + body + ")") if body else re.compile(r"(?!x)x")


@cache
def triggers(alternatives: Callable[[Iterable[str]], str]) -> dict[str, re.Pattern[str]]:
    """One pattern per class, over every language's words (``alternatives`` folds them and adds
    the Łacinka readings: it is ``scripts.alternatives``, passed in to keep one folding)."""
    return {
        name: _pattern(lexicon.MODALITY.get(name, ()), alternatives)
        for name in (*CLAUSE_CLASSES, *SENTENCE_CLASSES)
    }


@cache
def futures(alternatives: Callable[[Iterable[str]], str]) -> dict[str, re.Pattern[str]]:
    """Per event type value, the forms that speak of it as still ahead."""
    return {
        event: _pattern(found, alternatives)
        for event, found in lexicon.EVENT_FUTURES.items()
        if found
    }


def unreal(
    folded: str,
    start: int,
    end: int,
    event: str,
    asked: bool,
    alternatives: Callable[[Iterable[str]], str],
) -> str | None:
    """Why the cue at ``folded[start:end]`` does not report ``event`` as real and now (the class
    name), or None when it does. ``asked``: the sentence is a question."""
    if asked:
        return "question"
    patterns = triggers(alternatives)
    for name in SENTENCE_CLASSES:
        if patterns[name].search(folded):
            return name
    clause_start = 0
    for match in _CLAUSE_BREAK.finditer(folded, 0, start):
        clause_start = match.end()
    for name in CLAUSE_CLASSES:
        if patterns[name].search(folded, clause_start, start):
            return name
    after = _AFTER.match(folded, end)
    stop = after.end() if after else end
    clause_end = _CLAUSE_BREAK.search(folded, end)
    if clause_end is not None:
        stop = min(stop, clause_end.start())
    for name in AFTER_CLASSES:
        found = patterns[name].search(folded, end, stop + 12)
        if found is not None and found.start() <= stop:
            return name
    future = futures(alternatives).get(event)
    if future is not None:
        for match in future.finditer(folded, max(0, start - 20), end + 40):
            if match.start() < end and match.end() > start:
                return "future"
    return None
