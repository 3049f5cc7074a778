"""What happened: each event type's cues, matched in one sentence at a time, and the rules that
say when a cue is not news.

The words are data (``lexicon/events/<lang>.toml`` per language, ``lexicon/rules.toml`` for the
rules', ``lexicon/modality`` for demands, hopes and denials); this module is the rules. Sentences
are folded first (lower case, diacritics, ё/й/ў, ł) so one stem covers its spellings and Łacinka:
"этапировали"/"этапавалі"/"przewieziony"/"transferred" all land on ``transfer``. A cue does not
count after a negation ("not freed", "не освобождён", "refused to ..."), in a context that says it
did not happen (``modality``: demanded, hoped for, planned, asked, denied ...), or when a rule
reads it as backstory ("since his arrest", "a released prisoner", "a petition for pardon").

The rules live beside this module by what they ask: ``timing`` (when it happened), ``moves``
(where a prisoner is taken, and which moves are no transfer), ``sentencing`` (a sentencing that
says who the person is), ``said_together`` (events said by two words, not one cue), with the
compiled words in ``event_words``. This module reads a sentence with them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from feeds.mentions import modality
from feeds.mentions.cues import AMONG_ANY, NOT_AMONG, RELATIVE_WORDS, contrast_part
from feeds.mentions.event_words import (
    COMPILED,
    HEALTH,
    NOUN_CUE,
    W,
    any_of,
    clause_around,
    clause_start,
    rule_pattern,
)
from feeds.mentions.models import FREEING, GRAVE
from feeds.mentions.models import EventType as E
from feeds.mentions.moves import (
    CONVOY,
    COURT_OR_BORDER,
    FOLDED_SIZA_WORD,
    FUTURE_BEFORE,
    HELD,
    HOSPITAL,
    REGIME,
    SIZA,
    cell_starts,
    not_a_transfer,
)
from feeds.mentions.said_together import ailing, cut_off, in_touch
from feeds.mentions.scripts import fold, scripts_of
from feeds.mentions.sentencing import describes, non_finite
from feeds.mentions.speakers import introduces_speaker, recalled_by_the_freed, told_of_the_teller
from feeds.mentions.timing import (
    AMNESTY,
    ARREST_BACKSTORY,
    EARLIER,
    REMEMBERING,
    REMINDING,
    SINCE,
    SPAN_THEN,
    a_time,
    before_what_is_told,
    long_after,
    long_ago,
    summed_up,
)
from feeds.mentions.whose import someone_elses

# The list events need the list word too: "extremist" alone is not being listed.
_LIST_WORDS = re.compile(r"\b(?:" + any_of(W["list_words"]) + ")", re.I)
_NEGATION = re.compile(r"(?:" + any_of(W["negation_before"]) + r")\s+(?:[\w'-]+\s+){0,2}$")
_REFUSAL = re.compile(r"(?:" + any_of(W["refusal_before"]) + r")\s+(?:[\w'-]+\s+){0,5}$")
_NEGATION_AFTER = re.compile(r"[\w-]*\s+(?:\w+\s+)?(?:" + any_of(W["negation_after"]) + r")\b")
_NEGATABLE = frozenset({
    E.ARREST, E.SENTENCED, E.RELEASED, E.RELEASED_EXPELLED, E.PARDONED, E.DIED, E.TRANSFER,
    E.APPEAL, E.CHARGED, E.TRIAL,
})  # fmt: skip


_FORMER_WHO = re.compile(
    r"(?:"
    + any_of(W["former"])
    + r")\w*\s+(?:[\w'-]+\s+){0,2}[\w'-]+,?\s+(?:"
    + any_of(W["relative_pronouns"])
    + r")\s+(?:[\w'-]+\s+){0,3}$"
)
_SOURCE_BEFORE = rule_pattern("source_before", r"\s+$")

# "по словам освобождённых, которых вывезли в Литву, ...": the source's own release, in a
# relative clause on the people the news comes from
_SOURCE_WHO = rule_pattern(
    "source_before", r"\s+[\w'-]+,?\s+(?:" + RELATIVE_WORDS + r")\s+(?:[\w'-]+\s+){0,6}$"
)

# "хотя она уже отбыла срок", "although he was freed": what a concessive clause grants is known
_CONCESSIVE = rule_pattern("concessive", r"(?!\w)")
_DATED_BACK = frozenset({E.ARREST, E.SENTENCED, E.CHARGED, E.APPEAL})

# "a petition for pardon", "прашэнне аб памілаванні": asking is not being pardoned
_PETITION = re.compile(r"(?:" + any_of(W["petition"]) + r")\w*\s+(?:\w+\s+){0,2}$")
_INDEFINITE = rule_pattern("indefinite", r"\s+$")

# "lists were handed to the American side": a document, not a person, crossed
_DOCUMENT = rule_pattern("documents")

# "refused to leave Belarus": no expulsion
_REFUSING = r"(?<!\w)(?:" + any_of(W["refusal"]) + r")[\w']*"
_LEAVING = r"(?<!\w)(?:" + any_of(W["leaving"]) + r")[\w']*"
_WITHIN_THREE = r"[\s,]+(?:[\w'-]+,?\s+){0,3}?"  # up to three words (German sets a comma)
_REFUSED_TO_LEAVE = re.compile(
    any_of(W["refused_to_leave"])
    + f"|{_REFUSING}{_WITHIN_THREE}{_LEAVING}|{_LEAVING}{_WITHIN_THREE}{_REFUSING}"
)
_LAW_BEFORE = re.compile(r"(?<!\w)(?:" + any_of(W["law_words"]) + r")\s+(?:[\w'-]+\s+){0,3}$")
# "паводле ўказа аб памілаванні": by a decree, not according to a source
_LAW_START = re.compile(r"(?:" + any_of(W["law_words"]) + r")\s")


_NOBODY = rule_pattern("nobody", r"(?!\w)")

# what a story sums up by counting ("трижды добавляли срок", "was detained twice before")
_SUMMED = frozenset(
    {E.PUNISHMENT_CELL, E.TRANSFER, E.NEW_CASE, E.SENTENCED, E.CHARGED, E.ARREST, E.HUNGER_STRIKE}
)
_CASE_OR_GRAVE = GRAVE | {E.ARREST, E.CHARGED, E.NEW_CASE, E.TRIAL, E.SENTENCED, E.APPEAL}
_AFTER_CLAUSE_PAST = _CASE_OR_GRAVE | {E.TRANSFER, E.PUNISHMENT_CELL}

# a question: "?" ending the sentence (before closing quotes or brackets)
QUESTION = re.compile(r"\?[\s\"»”)\]]*$")


def _negated(text: str, start: int, end: int) -> bool:
    return (
        _NEGATION.search(text, max(0, start - 40), start) is not None
        or _NEGATION_AFTER.match(text, end) is not None
    )


def sentence_events(sentence: str) -> tuple[E, ...]:
    """Event types a sentence reports, in ``EventType`` order. A semicolon joins sentences that
    stand on their own ("Lukashenka had pardoned him earlier; he was taken to Lithuania the same
    day"): each part is read alone, so a look back in one does not cancel the news of the other."""
    return _reading(sentence)[0]


def dated_events(sentence: str) -> frozenset[E]:
    """The grave and case events a sentence tells but dates months or years back ("Five years
    ago X died in the Shklou colony"), or all it tells when it looks back ("Earlier, ..."): the
    sentences after it that go on about the same event ("the truth about his death is unknown")
    recall it too; a pardon told as earlier than a release the story reports is that release's
    ("52 were freed ... Lukashenka had pardoned them before")."""
    return _reading(sentence)[1]


def timed_events(sentence: str) -> frozenset[E]:
    """The events a sentence dates back by a time of its own ("four years ago", "in June"), not
    by a look back that may be about something else ("previously convicted")."""
    return _reading(sentence)[2]


@lru_cache(maxsize=8192)
def _reading(sentence: str) -> tuple[tuple[E, ...], frozenset[E], frozenset[E]]:
    parts = [part for part in sentence.split(";") if part.strip()]
    if len(parts) < 2:
        return _clause_events(sentence)
    readings = [_clause_events(part) for part in parts]
    found = {event for events, _dated, _timed in readings for event in events}
    dated = frozenset(event for _events, dated, _timed in readings for event in dated)
    timed = frozenset(event for _events, _dated, timed in readings for event in timed)
    return _tidy(sorted(found, key=_ORDER.__getitem__)), dated, timed


def _clause_events(sentence: str) -> tuple[tuple[E, ...], frozenset[E], frozenset[E]]:
    text = _QUOTES.sub("", fold(sentence))
    found: list[E] = []
    cells: list[int] | None = None
    dated: set[E] = set()  # grave events this sentence dates months or years back
    marks: set[E] = set()  # events it names as a time ("four years after his death")
    recalled = False  # the sentencing is a participle or a noun: an attribute, not a verb
    asked = QUESTION.search(sentence) is not None
    scripts = scripts_of(text)
    for event, patterns in COMPILED:
        matches = (m for s in scripts if s in patterns for m in patterns[s].finditer(text))
        for match in matches:
            start, end = match.start(), match.end()
            if event in _NEGATABLE and _negated(text, start, end):
                continue
            if event in (E.RELEASED, E.PARDONED) and _REFUSAL.search(
                text, max(0, start - 80), start
            ):
                continue  # "the court refused him early release"
            if modality.unreal(text, start, end, event.value, asked, scripts):
                continue
            if event is E.APPEAL and _LAW_BEFORE.search(text, max(0, start - 50), start):
                continue  # "the amnesty law came into force": a law, not a verdict
            if event in (E.LISTED_EXTREMIST, E.LISTED_TERRORIST) and not _LIST_WORDS.search(text):
                continue
            if event is E.HEALTH and (
                _COPING_AFTER.match(text, end)
                or _STAFF_BEFORE.search(text, max(0, start - 60), start)
            ):
                continue  # "похудел, но держится бодро"; "главный врач ... больницы": a workplace
            if event is E.INCOMMUNICADO and _SUCH_IN.search(match.group()):
                continue  # "nie mamy takich informacji": about a report, not the prisoner
            if event is E.SENTENCED and describes(text, match.group(), start, end):
                continue  # "Znak, sentenced to ten years, ...": who the person is, not news
            if a_time(event, match.group()) and ARREST_BACKSTORY.search(
                text, max(0, start - 30), start
            ):
                # "since his arrest", "after his release": a time, not the news; "four years
                # after his death": what the rest of the story says of it is recalled too (but
                # "the body was handed over four days after his death" is the death's news)
                far_back = SPAN_THEN.search(text, max(0, start - 60), start) is not None
                if far_back or event is E.PARDONED:
                    # (a pardon as the time of a release told now is that release's pardon:
                    # "Following the decision on clemency, X has been released")
                    marks.add(event)
                if event is not E.DIED or far_back:
                    continue
            if event is E.PARDONED and _PETITION.search(text, max(0, start - 40), start):
                continue
            if event in (E.RELEASED_EXPELLED, E.PARDONED) and _INDEFINITE.search(
                text, max(0, start - 8), start
            ):
                continue
            if event is E.RELEASED_EXPELLED and _DOCUMENT.search(
                text, *clause_around(text, start, end, 40)
            ):
                continue  # "lists were handed to the American side": a document crossed
            if event in (E.RELEASED, E.RELEASED_EXPELLED) and _REFUSED_TO_LEAVE.search(text):
                continue  # "X, put on the list of the freed, refused to leave": freed only to leave
            if (
                event is E.PUNISHMENT_CELL
                and match.group().rstrip().endswith(("siza", "sizo"))
                and not SIZA.search(sentence)
            ):
                continue
            if (
                event is E.ARREST
                and FOLDED_SIZA_WORD.search(match.group())
                and SIZA.search(sentence)
            ):
                continue  # "źmiaścili ŭ ŠIZA": the punishment cell, folded like SIZA (remand)
            if SINCE.search(text, max(0, start - 60), start):
                continue
            if event in _SUMMED and summed_up(text, start, end):
                continue  # "dvojčy trapiała ŭ ŠIZA", "months in punishment cells": her past
            if event in _AFTER_CLAUSE_PAST and long_after(text, start):
                if event in GRAVE:  # and its other cues here ("як яна выйшла, адбыўшы тэрмін")
                    dated.add(event)
                continue
            if (
                event is E.TRANSFER
                and CONVOY.fullmatch(match.group().strip())
                and COURT_OR_BORDER.search(text)
            ):
                continue  # brought to a hearing, or driven to the border, under convoy
            if (
                event is E.TRANSFER
                and REGIME.search(match.group())
                and HELD.search(text, clause_start(text, start), start)
            ):
                continue  # "held under prison regime": where they are, not a move
            if event is E.TRANSFER and not_a_transfer(text, start, end):
                continue  # "przewieziony na Litwę", "taken to hospital": expelled, or health
            if event is E.TRANSFER:
                # "soon to be moved"; but "вскоре его перевели" happened (a past-tense verb)
                soon = FUTURE_BEFORE.search(text, max(0, start - 25), start)
                if soon and not modality.PAST_VERB.match(text, start):
                    continue
                if cells is None:
                    cells = cell_starts(text, scripts, sentence)
                # "переведён в ШИЗО", "przeniesiony do karceru": a punishment, not a transfer
                if any(start <= c <= end + 30 for c in cells):
                    continue
            if someone_elses(event, text, start, end, match.group()):
                continue  # "a released prisoner", "пра вызваленне калег", "i jaho baćka"
            if event is E.RELEASED:
                if cells is None:
                    cells = cell_starts(text, scripts, sentence)
                # "выпустили из ШИЗО", "released from the punishment cell": back to the colony
                if any(end <= c <= end + 30 for c in cells):
                    continue
            if event in (E.RELEASED, E.RELEASED_EXPELLED) and _FORMER_WHO.search(
                text, max(0, start - 90), start
            ):
                continue
            if (
                event in GRAVE
                and not _LAW_START.match(match.group())
                and (
                    _SOURCE_BEFORE.search(text, max(0, start - 50), start)
                    or _SOURCE_WHO.search(text, max(0, start - 120), start)
                )
            ):
                continue  # "according to freed prisoners": a source, not the news
            if event in FREEING and recalled_by_the_freed(text, start, end):
                continue  # "«Мяне выпусцілі», — кажа ён": the speaker recalls it ("on Thursday": news)
            if (
                event in GRAVE
                and any(map(NOUN_CUE.search, match.group().split()))
                and _NOBODY.search(text, *clause_around(text, start, end, 80))
            ):
                continue  # "об освобождении никто не хотел и слышать": nobody's release
            if event in GRAVE and before_what_is_told(text, start, scripts):
                continue  # "she answered from the colony, before she was pardoned": a time
            if event in GRAVE and (
                introduces_speaker(text, start, end) or told_of_the_teller(text, start)
            ):
                continue  # "X, who was freed with Y, says ...": who is speaking, not news
            if event in GRAVE and _CONCESSIVE.search(text, clause_start(text, start), start):
                continue  # "хотя она уже отбыла свой срок": granted, not told
            if event in GRAVE and REMINDING.search(text, contrast_part(text, start)[0], start):
                dated.add(event)  # "Сёння сябры нагадалі, што ... памёр Храсько": known already
                continue
            if (event in GRAVE or event in _DATED_BACK) and long_ago(text, start, end):
                dated.add(event)  # and every other cue of it here ("вышла в 2024 году, отбыв срок")
                continue
            found.append(event)
            if event is E.SENTENCED:
                recalled = non_finite(text, match.group(), start)
            break
    found = [e for e in found if e not in dated]
    if (
        E.PARDONED in found
        and not {E.RELEASED, E.RELEASED_EXPELLED} & {*found}
        and all(
            _AFTER_START.match(m.group())
            for script in scripts
            if script in _PARDON_CUES
            for m in _PARDON_CUES[script].finditer(text)
        )
    ):
        found.remove(E.PARDONED)  # "Пасля памілавання засталася ў Беларусі": a time, no news
        marks.add(E.PARDONED)
    if E.HEALTH in found and E.DIED in {*found, *dated} and not _illness_named(text, scripts):
        found.remove(E.HEALTH)  # "died in the prison hospital": where, not what ailed him
    if recalled and GRAVE.intersection(found) and E.SENTENCED in found:
        # "a pensioner sentenced to five years has died", "wyszedł po odsiedzeniu wyroku trzech
        # lat": the sentence recalls who died or walked free (the sentencing may be gone
        # already, dated back: "der 2022 zu vier Jahren verurteilt worden war")
        found.remove(E.SENTENCED)
    if AMONG_ANY.search(text) and NOT_AMONG.search(text):
        # "Среди помилованных Лосика не было": not among the freed is no release of theirs
        found = [e for e in found if e not in GRAVE]
    if E.INCOMMUNICADO not in found and cut_off(text, scripts, asked):
        found.append(E.INCOMMUNICADO)
        found.sort(key=_ORDER.__getitem__)
    if not found and in_touch(text, scripts, asked):
        found.append(E.OTHER)  # "a letter finally reached his friends", "разрешили свидание"
    if E.HEALTH not in found and E.DIED not in found and ailing(text, scripts, asked):
        found.append(E.HEALTH)
        found.sort(key=_ORDER.__getitem__)
    timed = frozenset((*dated, *marks))
    if EARLIER.search(text) or (REMEMBERING.search(text) and not AMNESTY.search(text)):
        # "Ранее его осудили на 5 лет": the sentence looks back, all it tells is the past
        return (), frozenset((*timed, *found)), timed
    return _tidy(found), timed, timed


_ORDER = {e: i for i, e in enumerate(E)}
# "Пасля памілавання ...": a pardon cue that opens with "after" tells a time unless a release is
# told beside it
_AFTER_START = rule_pattern("backstory_before", r"\s")
_PARDON_CUES = dict(COMPILED)[E.PARDONED]


# Quotation marks around a word do not part it from its phrase: "on the list of “extremists”",
# "na listę „ekstremistów”" (an apostrophe inside a word stays: "в'язнів", "n't")
_QUOTES = re.compile(r"[\"«»„“”‘]|(?<!\w)['’]|['’](?!\w)")
_BUT = W["contrast"][0].replace(",\\s*", ",?\\s*", 1)  # the comma optional: "lost weight but ..."
_STAFF_BEFORE = rule_pattern("hospital_staff", r"\w*\s+(?:[\w'-]+\s+){0,4}$")
_COPING_AFTER = re.compile(
    r"\w*(?:\s+[\w'-]+){0,3}?(?:"
    + _BUT
    + r")\s+(?:[\w'-]+\s+){0,3}?(?:"
    + any_of(W["coping"])
    + ")"
)
_SUCH_IN = rule_pattern("such", r"\s")


def _illness_named(text: str, scripts: tuple[str, ...]) -> bool:
    """A health cue that is more than a hospital's name ("pneumonia", "his condition worsened"):
    told with a death, it is how the person died, which the alert says too."""
    return any(
        not HOSPITAL.search(found.group())
        for script in scripts
        if script in HEALTH
        for found in HEALTH[script].finditer(text)
    )


def _tidy(found: list[E]) -> tuple[E, ...]:
    """Resolve overlaps between the types one sentence reports."""
    present = set(found)
    if E.RELEASED_EXPELLED in present:
        # "vyviezli z kalonii i pieradali litouskamu boku": the road out is the expulsion's
        present.discard(E.RELEASED)
        present.discard(E.TRANSFER)
    if E.ARREST in present:
        # "detained and taken to the KGB remand prison": where an arrest lands, not a transfer
        present.discard(E.TRANSFER)
    if E.SENTENCED in present:
        # "sentenced to 13 years on charges of ...": the charges are backstory
        present.discard(E.CHARGED)
    if E.OTHER in present and len(present) > 1:
        present.discard(E.OTHER)
    return tuple(e for e in found if e in present)
