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

- **clause, before the cue**: demand, hope, plan (also what was to happen: "должен был выйти",
  "should have been freed"), condition, possibility, delay ("postponed", "too early to talk of",
  "instead of"), alleged ("allegedly", "якобы") and topic ("the question of", "under
  discussion") words count when they
  stand in the cue's clause (between the nearest , ; : ( — before it and the cue); question words
  do not (who, where, when open relative clauses as often as questions: "X, who was freed");
- **right after the cue**: a demand ("release was demanded", "освобождения требуют"), a question
  particle ("освободят ли"), a possibility ("освобождение возможно"), a delay ("выход на свободу
  откладывается"), a topic ("освобождение обсуждается") or "allegedly" within a few words;
- **sentence**: a denial or a rumour anywhere in the sentence, a question mark ending it;
- **the cue itself**: a future form of the event overlapping the cue ("освободят" read by a stem).
"""

from __future__ import annotations

import re

from feeds.mentions import lexicon
from feeds.mentions.cues import RELATIVE_CLAUSE, contrast_part
from feeds.mentions.models import EventType
from feeds.mentions.scripts import script_alternations

CLAUSE_CLASSES = (
    "demand", "hope", "plan", "condition", "possibility", "delay", "alleged", "topic"
)  # fmt: skip
SENTENCE_CLASSES = ("denial", "rumour")
AFTER_CLASSES = ("demand", "hope", "question", "possibility", "delay", "alleged", "topic")
AFTER_WORDS = 3  # how far after the cue a demand or a question particle still governs it
_COMPLEMENTIZER = re.compile(r"\s*(?:" + "|".join(lexicon.RULE_WORDS["complementizers"]) + r")\b")
# A Slavic past-tense verb as the cue ("вскоре его перевели", "праз тыдзень яго вызвалілі",
# "через три дня суд назначил"): a time word before it tells when it happened, not a plan.
PAST_VERB = re.compile(r"\w*(?:" + "|".join(lexicon.RULE_WORDS["past_endings"]) + r")\b")
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s")
# a short aside in parentheses ("Katerina Andrejewa (Bachwalowa)") does not end its clause
_PARENTHETICAL = re.compile(r"\([^()]{1,80}\)")
_AUXILIARY = re.compile(
    r"(?<!\w)(?:" + "|".join(lexicon.RULE_WORDS["verb_final_auxiliaries"]) + r")(?!\w)"
)
_LAST_WORD = re.compile(r"\w+\W*$")
_AFTER = re.compile(rf"\W+(?:\w+\W+){{0,{AFTER_WORDS - 1}}}")
# A release named by its noun takes the person's name after it ("освобождение Николая
# Автуховича обсуждается", "Freilassung von Mikola Statkewitsch werde verhandelt"): two words more.
_AFTER_NOUN = re.compile(rf"\W+(?:\w+\W+){{0,{AFTER_WORDS + 1}}}")
_WORD_REST = re.compile(r"\w*")
_AND = re.compile(r"\s(?:" + "|".join(lexicon.RULE_WORDS["and"]) + r")\s")
_NOUN_CUE = re.compile(r"(?:ни[еяюи]|нн[яеюі]|ung|ease|eni[ea]|nni[ea])$")
# a dash between a subject and what is said of it, as Slavic copy writes "is"
_COPULA_DASH = re.compile(r"\s?[\u2014\u2013-]\s")


# The classes whose words tell an event rather than doubt it: an appeal's outcome is a rejection
# ("wies die Berufung zurück", "rejected the appeal"); being cut off is not knowing ("nobody
# knows whether he is alive", "родные не знают, жив ли он").
_OWN_WORDS: dict[str, tuple[str, ...]] = {
    EventType.APPEAL.value: ("denial",),
    EventType.INCOMMUNICADO.value: ("denial", "question"),
}


def _by_script(words_by_lang: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    bodies = script_alternations(words_by_lang, lexicon.CYRILLIC_LANGS, lexicon.LACINKA_FROM)
    return {s: re.compile(r"(?<![\w])(?:" + body + ")") for s, body in bodies.items() if body}


# class -> script -> pattern: every language's words of each class (lexicon/modality/<lang>.toml)
TRIGGERS: dict[str, dict[str, re.Pattern[str]]] = {
    name: _by_script(lexicon.modality_words(name))
    for name in dict.fromkeys((*CLAUSE_CLASSES, *SENTENCE_CLASSES, *AFTER_CLASSES))
}
# event type value -> script -> pattern: the forms that speak of it as still ahead
FUTURES: dict[str, dict[str, re.Pattern[str]]] = {
    event.value: _by_script(lexicon.event_words(event.value, "future")) for event in EventType
}


# "не могут", "nie mógł", "cannot", "dürfen nicht": a negated possibility is an inability, which is
# real ("the lawyer could not see him" is incommunicado, not a maybe)
_NEGATED_BEFORE = re.compile(r"(?:\bне|\bні|\bnie|\bnot|\bcannot|n't|\bnicht|\bkein\w*|\bnie)\s+$")
_NEGATED_AFTER = re.compile(r"\w*\s+(?:\w+\s+)?(?:nicht|not|nie|не|ні)\b")


def _search(
    patterns: dict[str, re.Pattern[str]],
    scripts: tuple[str, ...],
    text: str,
    *bounds: int,
    unless_negated: bool = False,
    besides: tuple[int, int] | None = None,
) -> re.Match[str] | None:
    """The first trigger of ``patterns`` in ``text[bounds]``: not a negated one when
    ``unless_negated``, not one inside the span ``besides`` (the cue itself: the denial in "was
    denied a cardiologist" is the event, denied care, not a denial of it)."""
    for script in scripts:
        pattern = patterns.get(script)
        if pattern is None:
            continue
        for found in pattern.finditer(text, *bounds):
            if besides is not None and besides[0] <= found.start() and found.end() <= besides[1]:
                continue
            if unless_negated and (
                _NEGATED_BEFORE.search(text, max(0, found.start() - 12), found.start())
                or _NEGATED_AFTER.match(text, found.end())
            ):
                continue
            return found
    return None


_CONTRARY = re.compile(r"(?<!\w)(?:" + "|".join(lexicon.RULE_WORDS["contrary"]) + r")(?!\w)")
_TAKES_BACK = re.compile(r"(?<!\w)(?:" + "|".join(lexicon.RULE_WORDS["takes_back"]) + r")")
_THE_REPORT = re.compile(
    r"(?<!\w)(?:" + "|".join(lexicon.RULE_WORDS["refers_back_to_report"]) + r")(?!\w)"
)


def _outside_relatives(folded: str, start: int) -> str:
    """The sentence with the relative clauses that close before the cue at ``start`` blanked
    out: "Babaryka, über dessen Freilassung spekuliert worden war, ist frei" is no rumour of the
    release; but "X was freed, which the family denied" takes it back."""
    spans = [m.span() for m in RELATIVE_CLAUSE.finditer(folded, 0, start) if m.end() < start]
    if not spans:
        return folded
    out = folded
    for a, b in spans:
        out = out[:a] + " " * (b - a) + out[b:]
    return out


def _in_relative(folded: str, start: int) -> bool:
    """Whether the cue at ``start`` lies in a relative clause (opened before it, not yet closed)."""
    comma = folded.rfind(",", 0, start)
    clause = RELATIVE_CLAUSE.match(folded, comma) if comma >= 0 else None
    return clause is not None and clause.end() >= start


def refutes(folded: str) -> bool:
    """Whether a sentence calls what was just said false ("The team says this is not true", "Это
    неправда"): said right after a report, it takes the report back (``result.py``). It must
    point back at it ("this", "это", "the reports"): "Reports of a deal are false" is about
    something else."""
    return _TAKES_BACK.search(folded) is not None and _THE_REPORT.search(folded) is not None


def unreal(
    folded: str, start: int, end: int, event: str, asked: bool, scripts: tuple[str, ...]
) -> str | None:
    """Why the cue at ``folded[start:end]`` does not report ``event`` as real and now (the class
    name), or None when it does. ``asked``: the sentence is a question; ``scripts``: which
    scripts' words to look for (``scripts.scripts_of``)."""
    if asked:
        return "question"
    lo, hi = contrast_part(folded, start)  # "X was freed, while Y still sits": Y's denial is Y's
    contrary = _CONTRARY.search(folded, lo, start)
    if contrary is not None:  # "Contrary to rumours that ..., X was freed": the rumour was wrong
        closed = _CLAUSE_BREAK.search(folded, contrary.end(), start)
        if closed is not None:
            lo = closed.end()
    told = _outside_relatives(folded, start)
    own = _OWN_WORDS.get(event, ())
    for name in SENTENCE_CLASSES:
        if name not in own and _search(TRIGGERS[name], scripts, told, lo, hi, besides=(start, end)):
            return name
    plain = _PARENTHETICAL.sub(lambda m: " " * len(m.group()), folded)  # same offsets
    breaks = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(plain, 0, start))]
    clause_start = breaks[-1]
    if len(breaks) > 1 and _COMPLEMENTIZER.match(folded, clause_start):
        clause_start = breaks[-2]  # "hopes, that he will be freed": one clause
    happened = PAST_VERB.match(folded, start) is not None
    for name in CLAUSE_CLASSES:
        if name == "plan" and happened:
            continue
        negatable = name == "possibility"
        if _search(TRIGGERS[name], scripts, folded, clause_start, start, unless_negated=negatable):
            return name
    end = _WORD_REST.match(folded, end).end()  # a stem cue ("освобожд") ends with its word
    noun = _NOUN_CUE.search(folded, start, end) is not None
    after = (_AFTER_NOUN if noun else _AFTER).match(folded, end)
    stop = after.end() if after else end
    joined = _AND.search(folded, end, stop)
    if joined is not None:
        stop = joined.start()  # "признало политзаключённой и требует освобождения": a new verb
    clause_end = _CLAUSE_BREAK.search(plain, end)
    if clause_end is not None:
        stop = min(stop, clause_end.start())
        if _in_relative(folded, start):
            # "X, dessen Freilassung die Sozialdemokraten gefordert hatten, ...": a relative
            # clause puts its verb last; the whole clause governs the cue
            stop = clause_end.start()
    closes = clause_end.start() if clause_end is not None else len(plain)
    if noun and clause_end is not None and clause_end.start() <= stop + 2:
        dash = _COPULA_DASH.match(plain, clause_end.start())
        if dash is not None:
            # "вызваленне Стэфановіча — адно з галоўных патрабаванняў": the noun is the subject,
            # what follows the dash is said of it (the dash stands for "is")
            following = _CLAUSE_BREAK.search(plain, dash.end())
            stop = closes = following.start() if following is not None else len(plain)
    for name in AFTER_CLASSES:
        if name in own:
            continue
        negatable = name == "possibility"
        # a release named by its noun is the subject of what the clause says of it, however
        # long its noun phrase: "eine vorzeitige Freilassung eines der beiden gilt als
        # unwahrscheinlich", "освобождение кого-либо из них до выборов маловероятно"
        last = closes if negatable and noun else stop
        found = _search(TRIGGERS[name], scripts, folded, end, last + 12, unless_negated=negatable)
        if found is not None and found.start() <= last:
            return name
    if _AUXILIARY.search(plain, clause_start, start):
        # German verb-final: "hat die sofortige Freilassung von X gefordert"
        last = _LAST_WORD.search(plain, end, closes)
        for name in ("demand", "hope"):
            if last and _search(TRIGGERS[name], scripts, plain, last.start(), closes):
                return name
    future = FUTURES.get(event, {})
    for script in scripts:
        if script in future:
            for match in future[script].finditer(folded, max(0, start - 20), end + 40):
                if start < match.start() and match.end() <= end:
                    continue  # the cue holds it: "принял решение помиловать" says it was done
                if match.start() < end and match.end() > start:
                    return "future"
    return None
