"""What happened: each event type's cues, matched in one sentence at a time, and the rules that
say when a cue is not news.

The words are data (``lexicon/events/<lang>.toml`` per language, ``lexicon/rules.toml`` for the
rules', ``lexicon/modality`` for demands, hopes and denials); this module is the rules. Sentences
are folded first (lower case, diacritics, ё/й/ў, ł) so one stem covers its spellings and Łacinka:
"этапировали"/"этапавалі"/"przewieziony"/"transferred" all land on ``transfer``. A cue does not
count after a negation ("not freed", "не освобождён", "refused to ..."), in a context that says it
did not happen (``modality``: demanded, hoped for, planned, asked, denied ...), or when a rule
reads it as backstory ("since his arrest", "a released prisoner", "a petition for pardon").
"""

from __future__ import annotations

import re
from functools import lru_cache

from feeds.mentions import lexicon, modality
from feeds.mentions.cues import AMONG_ANY, NOT_AMONG, OPEN_RELATIVE, RELATIVE_WORDS, contrast_part
from feeds.mentions.models import FREEING, GRAVE
from feeds.mentions.models import EventType as E
from feeds.mentions.namesakes import NUMBER_WORDS
from feeds.mentions.scripts import fold, fold_pattern, script_alternations, scripts_of


def _by_script(words_by_lang: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    """One pattern per script (``cyr``, ``lat``) over every language's words; Belarusian ones are
    also read as Łacinka."""
    bodies = script_alternations(words_by_lang, lexicon.CYRILLIC_LANGS, lexicon.LACINKA_FROM)
    return {
        script: re.compile(r"(?<![\w])(?:" + body + ")") for script, body in bodies.items() if body
    }


# Per event type, its cues (lexicon/events/<lang>.toml) as one pattern per script.
_COMPILED: tuple[tuple[E, dict[str, re.Pattern[str]]], ...] = tuple(
    (event, _by_script(lexicon.event_words(event.value))) for event in E
)


# Cut off, said compositionally: a contact word ("letters", "адвакат", "widzenia") and an absence
# word ("no", "banned", "не доходят", "brak") within three words of one clause. The words are the
# [incommunicado] table's ``contact``, ``absence_before`` (only before the contact word: "no
# letters") and ``absence`` (either side: "letters were banned", "лістоў няма").
_CONTACT = _by_script(lexicon.event_words("incommunicado", "contact"))
_ABSENCE_BEFORE = _by_script(lexicon.event_words("incommunicado", "absence_before"))
_ABSENCE = _by_script(lexicon.event_words("incommunicado", "absence"))
_NEAR = re.compile(r"[^\w,;:.!?()]*(?:[\w'-]+[^\w,;:.!?()]+){0,3}")  # up to 3 words, one clause
# Ailing, said the same way: a body word and a trouble word ("her back has become worse", "нырки
# знову болять"), or a doctor word and an absence word ("к врачу не отвели", "no doctor")
_BODY = _by_script(lexicon.event_words("health", "body"))
_TROUBLE = _by_script(lexicon.event_words("health", "trouble"))
_DOCTOR = _by_script(lexicon.event_words("health", "doctor"))

# The rules' words are data (lexicon/rules.toml); the rules are the patterns built from them.
# folded, as the sentences they are matched against (written in plain spelling in the file)
_W = {
    rule: [fold_pattern(w) if isinstance(w, str) else w for w in words]
    for rule, words in lexicon.RULE_WORDS.items()
    if isinstance(words, list)  # (the dicts, number words and occupations, are namesakes.py's)
}


def _any(words: list[str]) -> str:
    return "|".join(words)


def _words(rule: str, tail: str = "") -> re.Pattern[str]:
    """One rule's words (``lexicon/rules.toml``) as a pattern starting at a word, then ``tail``."""
    return re.compile(r"(?<![\w'’])(?:" + _any(_W[rule]) + ")" + tail)  # not after "дар'"


# The list events need the list word too: "extremist" alone is not being listed.
_LIST_WORDS = re.compile(r"\b(?:" + _any(_W["list_words"]) + ")", re.I)
_NEGATION = re.compile(r"(?:" + _any(_W["negation_before"]) + r")\s+(?:[\w'-]+\s+){0,2}$")
_REFUSAL = re.compile(r"(?:" + _any(_W["refusal_before"]) + r")\s+(?:[\w'-]+\s+){0,5}$")
_NEGATION_AFTER = re.compile(r"[\w-]*\s+(?:\w+\s+)?(?:" + _any(_W["negation_after"]) + r")\b")

_NEGATABLE = frozenset(
    {
        E.ARREST,
        E.SENTENCED,
        E.RELEASED,
        E.RELEASED_EXPELLED,
        E.PARDONED,
        E.DIED,
        E.TRANSFER,
        E.APPEAL,
        E.CHARGED,
        E.TRIAL,
    }
)

# "Journalist X, sentenced to 14 years for ...": backstory in apposition, not news (but
# "X, according to Viasna, got 15 days" is news)
_FINITE_SENTENCE = tuple(_W["finite_sentence"])
_APPOSITION = re.compile(r",\s*(?:" + _any(_W["apposition"]) + ")?$")
# "a released prisoner", "due to be released", "freed earlier this year": not a release now;
# "many of his cellmates were freed": somebody else's release
_NOT_NOW_BEFORE = re.compile(
    r"(?:"
    + _any(_W["not_now_before"])
    + "|(?:"
    + _any(_W["others"] + _W["relatives"])
    + r")\w*(?:\s+[\w'-]+){0,5})\s+$"
)
_FORMER_WHO = re.compile(
    r"(?:"
    + _any(_W["former"])
    + r")\w*\s+(?:[\w'-]+\s+){0,2}[\w'-]+,?\s+(?:"
    + _any(_W["relative_pronouns"])
    + r")\s+(?:[\w'-]+\s+){0,3}$"
)
_FIRST_PERSON = _words("first_person", r"\s+(?:[\w'-]+\s+){0,2}$")
_SOURCE_BEFORE = _words("source_before", r"\s+$")
# "по словам освобождённых, которых вывезли в Литву, ...": the source's own release, in a
# relative clause on the people the news comes from
_SOURCE_WHO = _words(
    "source_before", r"\s+[\w'-]+,?\s+(?:" + RELATIVE_WORDS + r")\s+(?:[\w'-]+\s+){0,6}$"
)
_NOT_NOW_AFTER = re.compile(r"\w*\s+(?:" + _any(_W["not_now_after"]) + ")")
# "since his arrest", "после ареста": the arrest is backstory
_ARREST_BACKSTORY = re.compile(
    r"(?:" + _any(_W["backstory_before"]) + r")\s+(?:(?:" + _any(_W["possessives"]) + r")\s+)?$"
)
# "хотя она уже отбыла срок", "although he was freed": what a concessive clause grants is known
_CONCESSIVE = _words("concessive", r"(?!\w)")
_TIME_MARKS = frozenset({E.ARREST, E.RELEASED})  # and pardons, expulsions, deaths as nouns
_DEATH_NOUNS = tuple(_W["death_nouns"])
_DATED_BACK = frozenset({E.ARREST, E.SENTENCED, E.CHARGED, E.APPEAL})
# a pardon as a noun ("nach meiner Begnadigung", "after his pardon"); "after Lukashenka pardoned
# them" tells when the news happened
_NOUN_CUE = re.compile(r"(?:ung|ion|on|ease|ни[еяюи]|нн[яеюі]|eni[ea]|nni[ea])$")
# "a petition for pardon", "прашэнне аб памілаванні": asking is not being pardoned
_PETITION = re.compile(r"(?:" + _any(_W["petition"]) + r")\w*\s+(?:\w+\s+){0,2}$")
_INDEFINITE = _words("indefinite", r"\s+$")
# "lists were handed to the American side": a document, not a person, crossed
_DOCUMENT = _words("documents")
# "refused to leave Belarus": no expulsion
_REFUSED_TO_LEAVE = re.compile(_any(_W["refused_to_leave"]))
# "Ранее его осудили на 5 лет": the sentence looks back, its events are the person's past (dated)
_EARLIER = re.compile(
    r"(?:" + _any(_W["earlier"]) + r")(?!\s+(?:" + _any(_W["earlier_today"]) + "))"
)
_REMEMBERING = _words("remembering")
_GERMAN_ATTRIBUTE = re.compile("|".join(f"(?:{w})" for w in _W["german_attribute"]))
_LAW_BEFORE = re.compile(r"(?<!\w)(?:" + _any(_W["law_words"]) + r")\s+(?:[\w'-]+\s+){0,3}$")
_AMNESTY = _words("amnesty")
# "odsiaduje wyrok 20 lat", "serving his term": a state, not a sentencing
_SERVING = re.compile(r"(?:" + _any(_W["serving"]) + r")\w*\s+(?:[\w'-]+\s+){0,2}$")
# "białoruski dziennikarz skazany na 14 lat": a participle after a noun for the person describes
# their past (the nouns are the referring nouns of lexicon/context.toml)
_PARTICIPLES = tuple(_W["sentenced_participles"])
_PERSON_NOUN_BEFORE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(n) for n in lexicon.REFERRING_NOUNS) + r")\w{0,3},?\s+$"
)
# The phrase a sentencing participle opens, when the participle is an attribute ("Znak, sentenced
# to ten years, ...", "politologa skazanego na 10 lat"): up to the next clause break, every
# sentencing cue in it is backstory
_ATTRIBUTE = re.compile(
    r"(?<!\w)(?:" + "|".join(_PARTICIPLES) + r")\w*?(?:" + _any(_W["attributive_endings"]) + r")\b"
)
_PARTICIPLE = re.compile(r"(?<!\w)(?:" + "|".join(_PARTICIPLES) + r")")
_NON_FINITE_SENTENCE = (*_PARTICIPLES, *_W["sentence_nouns"])
_AUXILIARY_BEFORE = _words("auxiliaries", r"\s+(?:\w+\s+)?$")
_CLAUSE_BREAK = re.compile(r"[,;:.!?()]")
_CLAUSE_END = re.compile(_CLAUSE_BREAK.pattern + "|$")
# "чатыры гады таму загінуў", "vor vier Jahren": a grave event that far back is the past
# "(two) years", "(a) month": the count may be left out ("Рік тому")
_LONG_SPAN = r"(?<!\w)(?:(?:\d+|[\w-]+)\s+)?(?:" + _any(_W["ago_units"]) + r")\w*"
# weeks: counted ("kilka tygodni temu", "vor drei Wochen"; a count is a number, a number word
# or "a few", not any word), or uncounted inside the sentence ("якога тыдзень таму вызвалілі",
# "freed a week ago"); but "Неделю назад директор вышла из колонии" opening the sentence tells
# the story's own news, as the press often learns of a release days later
_COUNT = r"(?:\d+|" + _any([*_W["few"], *sorted(NUMBER_WORDS, key=len, reverse=True)]) + ")"
_WEEKS = r"(?:" + _any(_W["week_units"]) + r")\w*"
_SPAN = _LONG_SPAN + r"|(?<!\w)" + _COUNT + r"\s+" + _WEEKS + r"|(?<=[\w,]\s)" + _WEEKS
_AGO = re.compile(
    "(?:"
    + _SPAN
    + r")\s+(?:"
    + _any(_W["ago_after"])
    + r")(?!\w)|(?<!\w)(?:"
    + _any(_W["ago_before"])
    + r")\s+(?:[\w-]+\s+)?(?:"
    + _any([*_W["ago_units"], *_W["week_units"]])
    + r")\w*"
    # "Минуло два роки від ...", "two years have passed since"
    + r"|(?<!\w)(?:"
    + _any(_W["elapsed_before"])
    + r")\s+(?:\w+\s+)?(?:"
    + _SPAN
    + ")|(?:"
    + _SPAN
    + r")\s+(?:"
    + _any(_W["elapsed_after"])
    + r")(?!\w)"
    # "in December 2024", "в 2024 году", "last year": a month or a year, not a day (news of today
    # says the day: "3 снежня 2026 года" is not caught, the digit before the month says so)
    + r"|(?<![\d.]\s)(?<!\w)(?:"
    + _any(_W["month_or_year_before"])
    + r")\s+(?:[\w-]+\s+)?(?:19|20)\d\d(?!\d)(?:\s?(?:r|г|h)\.)?|(?<!\w)(?:"
    + _any(_W["last_year"])
    + r")(?!\w)"
    # a month or season alone: not after a day's number, not before a year or a day
    + r"|(?<!\d)(?<!\d\s)(?<!\d\.\s)(?<!\w)(?:"
    + _any(_W["month_only"])
    + r")(?!\w)(?!\s*\d)"
)
# "vier Jahre nach dem Tod", "two years after his release": the span, then "after" and the cue
_SPAN_THEN = re.compile(
    "(?:" + _SPAN + r")\s+(?:" + _any(_W["backstory_before"]) + r")\s+(?:[\w'-]+\s+)?$"
)
# up to six words to the cue, one of them may carry a relative clause set off by commas ("пасля
# таго, як блогера, што правёў за кратамі пяць гадоў, вызвалілі")
_EMBEDDED = (
    r"[\w'-]+,\s+(?:"
    + RELATIVE_WORDS
    + "|"
    + _any(_W["that"])
    + r")\s+(?:[\w'-]+\s+){0,6}[\w'-]+,\s+"
)
_TO_CUE = r"(?:[\w'-]+\s+|" + _EMBEDDED + "){0,6}$"
_SPAN_AFTER_CLAUSE = re.compile(  # months or years: "a week after he was detained" is news
    "(?:"
    + _LONG_SPAN
    + r")\s+(?:"
    + _any(_W["after_clause"] + _W["backstory_before"])
    + r")\s+"
    + _TO_CUE
)
# "since he was moved", "відтоді, як його етапували": the cue's event is the backstory
_SINCE = _words("since_clause", r"\s+" + _TO_CUE)
_AFTER_CLAUSE = _words("after_clause", r"\s+" + _TO_CUE)
_SINCE_THEN = re.compile(r"[\W_]*" + _words("since_then", r"(?!\w)").pattern)
# "вызваленне калег", "the release of her colleagues": someone else's (one or two words after)
_OTHERS_AFTER = re.compile(
    r"\w*\s+(?:(?:of|der|des|seiner|ihrer|his|her|their|jej|jego|ich|яе|яго|её|его|її|його|іх|их)\s+)?(?:"
    + _any(_W["others_after"] + _W["relatives"])
    + ")"
)
_SINCE_YEAR = re.compile(r"[\W_]*" + _words("since_year", r"\s+(?:19|20)\d\d(?!\d)").pattern)
_NOBODY = _words("nobody", r"(?!\w)")
_DAYS_BEFORE = _words("day_units", r",?\s+$")
_MANY_TIMES = _words("many_times", r"(?!\w)")
_RECENT_SPAN = _words("recent_span")
# what a story sums up by counting ("трижды добавляли срок", "was detained twice before")
_SUMMED = frozenset(
    {E.PUNISHMENT_CELL, E.TRANSFER, E.NEW_CASE, E.SENTENCED, E.CHARGED, E.ARREST, E.HUNGER_STRIKE}
)
_CASE_OR_GRAVE = GRAVE | {E.ARREST, E.CHARGED, E.NEW_CASE, E.TRIAL, E.SENTENCED, E.APPEAL}
_AFTER_CLAUSE_PAST = _CASE_OR_GRAVE | {E.TRANSFER, E.PUNISHMENT_CELL}
_CONVOY = re.compile(_any(_W["convoy"]))
_REGIME = re.compile(_any(_W["regime"]))
_HELD = _words("held", r"(?!\w)")
_NOT_A_TRANSFER_TO = _words("not_a_transfer_to")


def _where_to_before(places: str, then: str) -> re.Pattern[str]:
    """A place of rule ``places`` with the preposition of where to, then the words ``then`` up
    to the cue: the verb last ("nach Litauen gebracht", "ŭ balnicu jaho pieraviali")."""
    return re.compile(
        r"(?<!\w)(?:" + _any(_W["where_to"]) + r")\s+(?:\w+\s+)?(?:" + _any(_W[places]) + ")" + then
    )


# "в Литву вывезли" (but "с границы вернули" is from the border: a transfer back)
_ABROAD_BEFORE = _where_to_before("not_a_transfer_to", r"\w*\s+(?:\w+\s+)?$")
_HOSPITAL = _words("hospital")
# "do szpitala go przewieziono"
_HOSPITAL_BEFORE = _where_to_before("hospital", r"\w*\s+(?:[\w'-]+\s+){0,2}$")
_WORD_BEFORE = re.compile(r"[\w'-]+\s+$")
_PRISON_HOSPITAL = _words("prison_hospital")
_NUMBERED = re.compile(r"(?:№|\bno\.?|\bnr\.?|\bnumber)\s*\d", re.I)
_FROM = _words("from_a_place", r"\s")
_FROM_A_PLACE = _words(
    "from_a_place", r"\s+(?:\w+\s+){0,2}?(?:" + _any(_W["prison_hospital"]) + ")"
)
_HOSPITAL_WHITHER = re.compile(
    r"(?:"
    + _any(_W["hospital"])
    + r")\w*,?\s+(?:[\w'.-]+,?\s+){0,4}?(?:"
    + _any(_W["whither"])
    + r")\s+(?:[\w'-]+\s+){0,3}$"
)
_COURT_OR_BORDER = _words("court_or_border")
# "soon to be moved": not a transfer yet
_FUTURE_BEFORE = re.compile(r"(?:" + _any(_W["soon"]) + r")\s+(?:\w+\s+)?$")

# a question: "?" ending the sentence (before closing quotes or brackets)
_QUESTION = re.compile(r"\?[\s\"»”)\]]*$")
# "ŠIZA", "ŠIZO" fold to "siza", "sizo" like SIZA, SIZO (the remand prison, in Łacinka and
# English): check the unfolded text
_SIZA = re.compile(r"(?<![\w])(?:šiza|šyza|šizo|šyzo|шіза|шiза|шиза|шізо|шизо)", re.I)


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
    asked = _QUESTION.search(sentence) is not None
    scripts = scripts_of(text)
    for event, patterns in _COMPILED:
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
            if event is E.HEALTH and _COPING_AFTER.match(text, end):
                continue  # "похудел, но держится бодро": how they look, and that they cope
            if event is E.INCOMMUNICADO and _SUCH_IN.search(match.group()):
                continue  # "nie mamy takich informacji": about a report, not the prisoner
            if (
                event is E.SENTENCED
                and not match.group().startswith(_FINITE_SENTENCE)
                and _APPOSITION.search(text, 0, start)
            ):
                continue
            if _a_time(event, match.group()) and _ARREST_BACKSTORY.search(
                text, max(0, start - 30), start
            ):
                # "since his arrest", "after his release": a time, not the news; "four years
                # after his death": what the rest of the story says of it is recalled too (but
                # "the body was handed over four days after his death" is the death's news)
                long_ago = _SPAN_THEN.search(text, max(0, start - 60), start) is not None
                if long_ago or event is E.PARDONED:
                    # (a pardon as the time of a release told now is that release's pardon:
                    # "Following the decision on clemency, X has been released")
                    marks.add(event)
                if event is not E.DIED or long_ago:
                    continue
            if event is E.SENTENCED and _SERVING.search(text, max(0, start - 40), start):
                continue
            if (
                event is E.SENTENCED
                and match.group().startswith(_PARTICIPLES)
                and _PERSON_NOUN_BEFORE.search(text, max(0, start - 30), start)
            ):
                continue
            if event is E.SENTENCED and _in_attribute(text, start):
                continue
            if event is E.SENTENCED and _GERMAN_ATTRIBUTE.search(text, max(0, end - 80), end):
                continue  # "der zu 25 Jahren verurteilte Veteran": who he is, not news
            if event is E.PARDONED and _PETITION.search(text, max(0, start - 40), start):
                continue
            if event in (E.RELEASED_EXPELLED, E.PARDONED) and _INDEFINITE.search(
                text, max(0, start - 8), start
            ):
                continue
            if event is E.RELEASED_EXPELLED and _DOCUMENT.search(
                text, *_clause_around(text, start, end, 40)
            ):
                continue  # "lists were handed to the American side": a document crossed
            if event in (E.RELEASED, E.RELEASED_EXPELLED) and _REFUSED_TO_LEAVE.search(text):
                continue  # "X, put on the list of the freed, refused to leave": freed only to leave
            if (
                event is E.PUNISHMENT_CELL
                and match.group().rstrip().endswith(("siza", "sizo"))
                and not _SIZA.search(sentence)
            ):
                continue
            if (
                event is E.ARREST
                and _FOLDED_SIZA_WORD.search(match.group())
                and _SIZA.search(sentence)
            ):
                continue  # "źmiaścili ŭ ŠIZA": the punishment cell, folded like SIZA (remand)
            if _SINCE.search(text, max(0, start - 60), start):
                continue
            if event in _SUMMED and _summed_up(text, start, end):
                continue  # "dvojčy trapiała ŭ ŠIZA", "months in punishment cells": her past
            if event in _AFTER_CLAUSE_PAST and _long_after(text, start):
                continue
            if (
                event is E.TRANSFER
                and _CONVOY.fullmatch(match.group().strip())
                and _COURT_OR_BORDER.search(text)
            ):
                continue  # brought to a hearing, or driven to the border, under convoy
            if (
                event is E.TRANSFER
                and _REGIME.search(match.group())
                and _HELD.search(text, _clause_start(text, start), start)
            ):
                continue  # "held under prison regime": where they are, not a move
            if event is E.TRANSFER and _not_a_transfer(text, start, end):
                continue  # "przewieziony na Litwę", "taken to hospital": expelled, or health
            if event is E.TRANSFER:
                # "soon to be moved"; but "вскоре его перевели" happened (a past-tense verb)
                soon = _FUTURE_BEFORE.search(text, max(0, start - 25), start)
                if soon and not modality.PAST_VERB.match(text, start):
                    continue
                if cells is None:
                    cells = _cell_starts(text, scripts, sentence)
                # "переведён в ШИЗО", "przeniesiony do karceru": a punishment, not a transfer
                if any(start <= c <= end + 30 for c in cells):
                    continue
            if event is E.RELEASED and _NOT_NOW_BEFORE.search(text, max(0, start - 60), start):
                continue
            if event in (E.RELEASED, E.RELEASED_EXPELLED) and _NOT_NOW_AFTER.match(text, end):
                continue  # "freed prisoners", "вывезенные в Литву политзаключённые"
            if (
                event in GRAVE
                and any(map(_NOUN_CUE.search, match.group().split()))
                and _OTHERS_AFTER.match(text, end)
            ):
                continue  # "пра вызваленне калег даведалася з газет": the colleagues' release
            if event is E.RELEASED:
                if cells is None:
                    cells = _cell_starts(text, scripts, sentence)
                # "выпустили из ШИЗО", "released from the punishment cell": back to the colony
                if any(end <= c <= end + 30 for c in cells):
                    continue
            if event in (E.RELEASED, E.RELEASED_EXPELLED) and _FORMER_WHO.search(
                text, max(0, start - 90), start
            ):
                continue
            if event in GRAVE and (
                _SOURCE_BEFORE.search(text, max(0, start - 50), start)
                or _SOURCE_WHO.search(text, max(0, start - 120), start)
            ):
                continue  # "according to freed prisoners": a source, not the news
            if (
                event in FREEING
                and _FIRST_PERSON.search(text, max(0, start - 40), start)
                and not _NOW.search(
                    text, _clause_start(text, start), _CLAUSE_END.search(text, end).start()
                )
            ):
                continue  # "«Мяне выпусцілі», — кажа ён": the speaker recalls it ("on Thursday": news)
            if (
                event in GRAVE
                and any(map(_NOUN_CUE.search, match.group().split()))
                and _NOBODY.search(text, *_clause_around(text, start, end, 80))
            ):
                continue  # "об освобождении никто не хотел и слышать": nobody's release
            if event in GRAVE and _CONCESSIVE.search(text, _clause_start(text, start), start):
                continue  # "хотя она уже отбыла свой срок": granted, not told
            if (event in GRAVE or event in _DATED_BACK) and _long_ago(text, start, end):
                dated.add(event)  # and every other cue of it here ("вышла в 2024 году, отбыв срок")
                continue
            found.append(event)
            if event is E.SENTENCED:
                recalled = match.group().startswith(_NON_FINITE_SENTENCE) and not (
                    _AUXILIARY_BEFORE.search(text, max(0, start - 25), start)
                )
            break
    found = [e for e in found if e not in dated]
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
    if E.INCOMMUNICADO not in found and _cut_off(text, scripts, asked):
        found.append(E.INCOMMUNICADO)
        found.sort(key=_ORDER.__getitem__)
    if E.HEALTH not in found and E.DIED not in found and _ailing(text, scripts, asked):
        found.append(E.HEALTH)
        found.sort(key=_ORDER.__getitem__)
    timed = frozenset((*dated, *marks))
    if _EARLIER.search(text) or (_REMEMBERING.search(text) and not _AMNESTY.search(text)):
        # "Ранее его осудили на 5 лет": the sentence looks back, all it tells is the past
        return (), frozenset((*timed, *found)), timed
    return _tidy(found), timed, timed


_ORDER = {e: i for i, e in enumerate(E)}
# Quotation marks around a word do not part it from its phrase: "on the list of “extremists”",
# "na listę „ekstremistów”" (an apostrophe inside a word stays: "в'язнів", "n't")
_QUOTES = re.compile(r"[\"«»„“”‘]|(?<!\w)['’]|['’](?!\w)")


def _cut_off(text: str, scripts: tuple[str, ...], asked: bool) -> bool:
    """A contact word with an absence word near it, in one clause, reported as real and now."""
    return _said_together(
        text, scripts, asked, E.INCOMMUNICADO, _CONTACT, _ABSENCE, _ABSENCE_BEFORE
    )


def _ailing(text: str, scripts: tuple[str, ...], asked: bool) -> bool:
    """A body word with a trouble word near it, or a doctor word with an absence word, in one
    clause, reported as real and now."""
    return _said_together(text, scripts, asked, E.HEALTH, _BODY, _TROUBLE, {}) or _said_together(
        text, scripts, asked, E.HEALTH, _DOCTOR, _ABSENCE, _ABSENCE_BEFORE
    )


def _said_together(
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
            if _SUCH.search(text, max(0, start - 12), start):
                continue  # "we have no such information": about a report, not the prisoner
            span = _near(text, start, end, either.get(script), before.get(script))
            if span is None:
                continue
            lo, hi = min(start, span[0]), max(end, span[1])
            if not modality.unreal(text, lo, hi, event.value, asked, scripts):
                return True
    return False


def _near(
    text: str,
    start: int,
    end: int,
    either: re.Pattern[str] | None,
    before: re.Pattern[str] | None,
) -> tuple[int, int] | None:
    """The span of an ``either`` word within three words before ``start`` or after ``end``, or
    of a ``before`` word within three words before ``start`` (one clause)."""
    near = _NEAR.match(text, end)
    if either is not None and near is not None:
        for pos in (*_word_starts(text, end, near.end()), near.end()):
            found = either.match(text, pos)
            if found is not None:
                return found.span()
    for pattern in (before, either):
        for found in pattern.finditer(text, max(0, start - 60), start) if pattern else ():
            if _NEAR.fullmatch(text, found.end(), start):
                return found.span()
    return None


_BUT = _W["contrast"][0].replace(",\\s*", ",?\\s*", 1)  # the comma optional: "lost weight but ..."
_COPING_AFTER = re.compile(
    r"\w*(?:\s+[\w'-]+){0,3}?(?:" + _BUT + r")\s+(?:[\w'-]+\s+){0,3}?(?:" + _any(_W["coping"]) + ")"
)
_SUCH = _words("such", r"\s+$")
_SUCH_IN = _words("such", r"\s")
_WORD_START = re.compile(r"(?<![\w'-])\w")


def _word_starts(text: str, lo: int, hi: int) -> list[int]:
    return [m.start() for m in _WORD_START.finditer(text, lo, hi)]


def _in_attribute(text: str, position: int) -> bool:
    """``position`` lies in the phrase of an attributive sentencing participle: one in an oblique
    case, or one right after a comma ("X, skazany na 10 lat, ...")."""
    for found in _PARTICIPLE.finditer(text):
        if found.start() > position:
            break
        attributive = _ATTRIBUTE.match(text, found.start()) or _APPOSITION.search(
            text, 0, found.start()
        )
        if attributive and position < _CLAUSE_END.search(text, found.end()).start():
            return True
    return False


def _clause_start(text: str, start: int) -> int:
    before = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)]
    return before[-1] if before else 0


def _clause_around(text: str, start: int, end: int, reach: int) -> tuple[int, int]:
    """Up to ``reach`` characters either side of a cue, within its clause ("Марыю, якой не
    было ў спісах, вызвалілі": the list is another clause's)."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    before = [m.end() for m in _CLAUSE_BREAK.finditer(text, lo, start)]
    after = _CLAUSE_BREAK.search(text, end, hi)
    return (before[-1] if before else lo), (after.start() if after else hi)


def _a_time(event: E, cue: str) -> bool:
    """Whether the cue, after "since" or "after", names a time rather than this story's news:
    an arrest or a release; a death as a noun ("four years after his death"); a pardon as a
    noun ("after his pardon"; "after Lukashenka pardoned them" is the news); an expulsion told from its noun without a verb of its own ("paśla
    vyzvaleńnia ... žyvie ŭ Kijevie"; "После освобождения её вывезли в Украину" is the news)."""
    if event is E.PARDONED:
        return _NOUN_CUE.search(cue.rstrip()) is not None
    if event is E.DIED:  # "after his death", "nach dem Tod von ...", "po śmierci"
        return any(word.startswith(_DEATH_NOUNS) for word in cue.split())
    if event is E.RELEASED_EXPELLED:
        first, *rest = cue.split()
        return _NOUN_CUE.search(first) is not None and not any(
            map(modality.PAST_VERB.fullmatch, rest)
        )
    return event in _TIME_MARKS


def _summed_up(text: str, start: int, end: int) -> bool:
    """The cue is counted or spread over years ("twice", "неоднократно", "over the past years")
    in its clause, and the span is not recent ("w ostatnich miesiącach"): the person's past."""
    lo, hi = _clause_around(text, start, end, 60)
    return _MANY_TIMES.search(text, lo, hi) is not None and not _RECENT_SPAN.search(text, lo, hi)


def _illness_named(text: str, scripts: tuple[str, ...]) -> bool:
    """A health cue that is more than a hospital's name ("pneumonia", "his condition worsened"):
    told with a death, it is how the person died, which the alert says too."""
    return any(
        not _HOSPITAL.search(found.group())
        for script in scripts
        if script in _HEALTH
        for found in _HEALTH[script].finditer(text)
    )


def _not_a_transfer(text: str, start: int, end: int) -> bool:
    """A transport to the border or abroad (an expulsion), or to a hospital or a medical unit
    (health news), said after the cue in its clause (or right before it with a where-to
    preposition, or as the hospital "where" it went: "в больнице, куда его перевели"). A move to
    another unit of the same prison ("в другой отряд") is no transfer either; one to a prison
    hospital that is another institution (its number, or where from) is."""
    lo, stop = _clause_around(text, start, end, 40)
    if _NOT_A_TRANSFER_TO.search(text, end, stop):
        return True
    if _ABROAD_BEFORE.search(text, max(lo, start - 40), start):
        return True  # the verb last, as German puts it: "nach Litauen gebracht"
    hospital = (
        _HOSPITAL_BEFORE.search(text, max(lo, start - 50), start)
        or _HOSPITAL_WHITHER.search(text, max(0, start - 90), start)  # "w szpitalu, dokąd ..."
        or _HOSPITAL.search(text, start, stop)  # in the cue too: "ins Gefängniskrankenhaus"
    )
    return hospital is not None and not _another_institution(text, hospital, 0, stop)


def _another_institution(text: str, hospital: re.Match[str], lo: int, stop: int) -> bool:
    """The hospital is the prison system's ("в тюремную больницу", "szpitala więziennego", "при
    колонии") and another institution than the one the prisoner left: numbered ("при колонии №
    12") or moved to from a named place ("z kolonii w Szkłowie do szpitala więziennego")."""
    phrase_end = _CLAUSE_END.search(text, hospital.end()).start()
    origin = _FROM.search(text, hospital.end(), phrase_end)  # "ў рэанімацыю з турмы": not its
    if origin is not None:
        phrase_end = origin.start()
    if not _PRISON_HOSPITAL.search(text, hospital.start(), phrase_end):
        return False
    numbered = _NUMBERED.search(text, hospital.end(), hospital.end() + 40)  # "No." ends no clause
    if numbered and not _FROM.search(text, hospital.end(), numbered.start()):
        return True  # the hospital's own number, not that of the prison it came from
    return _FROM_A_PLACE.search(text, lo, stop) is not None


# a bare year right before the cue: "whose 2020 arrest", "war 2020 festgenommen worden"; not a
# date's year ("am 3. Dezember 2026 freigelassen": the month before it, which _AGO reads)
_YEAR_BEFORE = re.compile(r"(?<!\w)(\w+\.?\s+)?(?:19|20)\d\d\s+$")
_NOW = _words("now_words", r"(?!\w)")
_NOW_RIGHT_AFTER = re.compile(r"\s+(?:" + _any(_W["now_words"]) + r")(?!\w)")
_LEADING = re.compile(r"[\W\d_]*(?:\w+\s+)?")  # an emoji, a quote, one word ("Exactly", "Роўна")
_MONTH_OR_IN = re.compile(r"(?:" + _any(_W["month_or_year_before"]) + r")\.?\s+$")


def _long_ago(text: str, start: int, end: int) -> bool:
    """A time years or months back ("four years ago") in the cue's own clause, or a year as
    the cue's attribute ("the blogger whose 2020 arrest ...")."""
    if _SPAN_AFTER_CLAUSE.search(text, max(0, start - 140), start):
        return True  # "three months after the blogger was freed", "vier Jahre nach dem Tod"
    since = _clause_start(text, start)
    if any(p.match(text, at) for p in (_SINCE_YEAR, _SINCE_THEN) for at in (since, 0)):
        return True  # "Since 2021, at least six have died": a tally over the years
    year = _YEAR_BEFORE.search(text, max(0, start - 30), start)
    if year is not None and not (year.group(1) and _MONTH_OR_IN.fullmatch(year.group(1))):
        return True
    for found in _AGO.finditer(text):
        if start <= found.start() and found.end() <= end:
            return True  # inside the cue: "kam vor drei Wochen frei"
        if found.end() <= start and _dated_main_clause(text, found, start):
            return True
        lo, hi = (found.end(), start) if found.end() <= start else (end, found.start())
        if lo <= hi and not _CLAUSE_BREAK.search(text, lo, hi):
            # unless the cue's own time follows ("who tore up her passport in 2020 was among
            # the prisoners handed over today"; "two years ago today" is an anniversary)
            return found.end() > start or not _NOW.search(
                text, _past_now(text, found.end()), _CLAUSE_END.search(text, end).start()
            )
        if _LEADING.fullmatch(text, 0, found.start()) and found.end() <= start:
            # "Two years ago X, an IT specialist, died": a time that opens the sentence dates
            # all of it, commas and all, up to a contrast ("..., but now ..."); "two years ago
            # today" is an anniversary, its "today" no time of the news
            return contrast_part(text, start)[0] <= found.start() and not _NOW.search(
                text, _past_now(text, found.end()), _CLAUSE_END.search(text, end).start()
            )
    return False


def _long_after(text: str, start: int) -> bool:
    """The cue lies in an after-clause ("после того, как его перевели в колонию") that is not
    a day or two back ("dzień po tym, jak został uwolniony", "einen Tag nachdem er ... gebracht
    worden ist": yesterday's news, told from today)."""
    found = _AFTER_CLAUSE.search(text, max(0, start - 70), start)
    return (
        found is not None
        and not _DAYS_BEFORE.search(text, max(0, found.start() - 25), found.start())
        and not _NOW.search(text, found.end(), start)  # "пасля таго, як у суботу яе вызвалілі"
    )


def _past_now(text: str, position: int) -> int:
    """Past a now-word right after a time ("two years ago today": the anniversary's day)."""
    after = _NOW_RIGHT_AFTER.match(text, position)
    return after.end() if after else position


def _dated_main_clause(text: str, time: re.Match[str], start: int) -> bool:
    """The time stands in the sentence's first clause and the cue in a relative clause that
    hangs off it ("W marcu 2021 r. zatrzymano Andżelikę Borys, którą po roku wypuszczono"):
    the relative clause goes on in the main clause's time."""
    if _CLAUSE_BREAK.search(text, 0, time.start()):
        return False
    relative = OPEN_RELATIVE.search(text, 0, start)
    return (
        relative is not None
        and relative.start() >= time.end()
        and not _CLAUSE_BREAK.search(text, time.end(), relative.start())
        and not _NOW.search(text, relative.start(), _CLAUSE_END.search(text, start).start())
    )  # "..., who was freed on Saturday": a time of its own


def _cell_starts(text: str, scripts: tuple[str, ...], sentence: str) -> list[int]:
    """Where punishment-cell words start; folded Łacinka "siza" is ŠIZA only when the sentence
    writes the Š (else it is SIZA, the remand prison: "z kałonii ŭ babrujski SIZA")."""
    cells = [m.start() for s in scripts if s in _CELL for m in _CELL[s].finditer(text)]
    if cells and not _SIZA.search(sentence):
        cells = [c for c in cells if not text.startswith(_FOLDED_SIZA, c)]
    return cells


_FOLDED_SIZA = ("siza", "sizo", "syza", "syzo")
_FOLDED_SIZA_WORD = re.compile(r"(?<!\w)s[iy]z[ao]\b")


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


_CELL = dict(_COMPILED)[E.PUNISHMENT_CELL]
_HEALTH = dict(_COMPILED)[E.HEALTH]
