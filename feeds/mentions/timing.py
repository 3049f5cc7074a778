"""When a cue happened: news now, or the person's past told again.

"Four years ago he died", "three months after he was freed", "since his arrest", "Since 2021, six
have died", "Ранее его осудили": a cue dated months or years back, counted over the years or told
as the time of something else is backstory, not this story's news; "yesterday", "on Thursday",
"two years ago today" (an anniversary's day) keep it news. The words are ``lexicon/rules.toml``'s;
these are the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from feeds.mentions import modality
from feeds.mentions.cues import OPEN_RELATIVE, RELATIVE_WORDS, contrast_part
from feeds.mentions.event_words import (
    CLAUSE_BREAK,
    CLAUSE_END,
    COMPILED,
    NOUN_CUE,
    W,
    any_of,
    clause_around,
    clause_start,
    rule_pattern,
)
from feeds.mentions.models import GRAVE
from feeds.mentions.models import EventType as E
from feeds.mentions.namesakes import NUMBER_WORDS

# "since his arrest", "после ареста": the arrest is backstory
# (an adjective or a month between: "пасля снежаньскага вызвалення", "after the December
# releases", "po grudniowym uwolnieniu"; or a freeing noun joined before the cue: "nach seiner
# Freilassung und Abschiebung")
ARREST_BACKSTORY = re.compile(
    r"(?:"
    + any_of(W["backstory_before"])
    + r")\s+(?:(?:"
    + any_of(W["possessives"])
    + r")\s+)?(?:(?:\w+(?:"
    + any_of(W["adjective_endings"])
    + r")|"
    + any_of(W["months"])
    + r")\s+)?(?:\w+\s+(?:"
    + any_of(W["and"])
    + r")\s+)?$"
)
TIME_MARKS = frozenset({E.ARREST, E.RELEASED})  # and pardons, expulsions, deaths as nouns
DEATH_NOUNS = tuple(W["death_nouns"])

# "Ранее его осудили на 5 лет": the sentence looks back, its events are the person's past (dated)
# (not "ранее осуждённый X": a participle there says who X is)
EARLIER = re.compile(
    r"(?:"
    + any_of(W["earlier"])
    + r")(?!\s+(?:"
    + any_of(W["earlier_today"] + W["sentenced_participles"] + W["previously_convicted"])
    + "))"
)
REMEMBERING = rule_pattern("remembering")
REMINDING = rule_pattern("reminding")
# a when-clause not closed before the cue
_OPEN_WHEN = re.compile(r",\s*(?:" + any_of(W["when"]) + r")\s[^,;:()\u2014\u2013]*$")
# a time, then "when" opening the cue's clause
_WHEN_AFTER = re.compile(
    r"(?:\s(?:19|20)?\d\d(?:-?\w{1,2})?)?(?:\s+\w+\.?)?,\s+(?:" + any_of(W["when"]) + r")\s"
)
AMNESTY = rule_pattern("amnesty")

# "чатыры гады таму загінуў", "vor vier Jahren": a grave event that far back is the past
# "(two) years", "(a) month": the count may be left out ("Рік тому")
LONG_SPAN = r"(?<!\w)(?:(?:\d+|[\w'’-]+)\s+)?(?:" + any_of(W["ago_units"]) + r")\w*"

# weeks: counted ("kilka tygodni temu", "vor drei Wochen"; a count is a number, a number word
# or "a few", not any word), or uncounted inside the sentence ("якога тыдзень таму вызвалілі",
# "freed a week ago"); but "Неделю назад директор вышла из колонии" opening the sentence tells
# the story's own news, as the press often learns of a release days later
COUNT = r"(?:\d+|" + any_of([*W["few"], *sorted(NUMBER_WORDS, key=len, reverse=True)]) + ")"
WEEKS = r"(?:" + any_of(W["week_units"]) + r")\w*"
SPAN = LONG_SPAN + r"|(?<!\w)" + COUNT + r"\s+" + WEEKS + r"|(?<=[\w,]\s)" + WEEKS
# the years before last: a story of today dated so tells of the past, whatever its day
YEARS_BACK = r"(?:" + "|".join(str(y) for y in range(1990, date.today().year - 1)) + r")(?!\d)"
AGO = re.compile(
    "(?:"
    + SPAN
    + r")\s+(?:"
    + any_of(W["ago_after"])
    + r")(?!\w)|(?<!\w)(?:"
    + any_of(W["ago_before"])
    + r")\s+(?:[\w-]+\s+)?(?:"
    + any_of([*W["ago_units"], *W["week_units"]])
    + r")\w*"
    # "Минуло два роки від ...", "two years have passed since"
    + r"|(?<!\w)(?:"
    + any_of(W["elapsed_before"])
    + r")\s+(?:\w+\s+)?(?:"
    + SPAN
    + ")|(?:"
    + SPAN
    + r")\s+(?:"
    + any_of(W["elapsed_after"])
    + r")(?!\w)"
    # "in December 2024", "в 2024 году", "last year": a month or a year, not a day (news of today
    # says the day: "3 снежня 2026 года" is not caught, the digit before the month says so)
    + r"|(?<![\d.]\s)(?<!\w)(?:"
    + any_of(W["month_or_year_before"])
    + r")\s+(?:[\w-]+\s+)?(?:19|20)\d\d(?!\d)(?:\s?(?:r|г|h)\.)?|(?<!\w)(?:"
    + any_of(W["last_year"])
    + r")(?!\w)"
    # a month or season alone: not after a day's number, not before a year or a day
    + r"|(?<!\d)(?<!\d\s)(?<!\d\.\s)(?<!\w)(?:"
    + any_of(W["month_only"])
    + r")(?!\w)(?!\s*\d)"
    # a day's date of a year well before this one: "21 траўня 2021 года", "on May 21, 2021"
    + r"|(?<!\d)\d{1,2}(?:\.|-?\w{1,2})?\s+(?:"
    + any_of(W["months"])
    + r")\s+"
    + YEARS_BACK
    + r"|(?<!\w)(?:"
    + any_of(W["months"])
    + r")\s+\d{1,2},?\s+"
    + YEARS_BACK
    + r"|(?<!\d)\d{1,2}\.\d{1,2}\.\s?"
    + YEARS_BACK
)

# after the cue in its clause, a year well back with its word or ending and no preposition:
# "помер у Шкловській колонії 2021 року", "у колонії «Вітьба» 2023-го"; not a year that says
# what happened then ("лідерка протестів 2020 року", "z 2020 roku")
BARE_YEAR_AFTER = re.compile(
    r"(?<![\w.])"
    + "".join(rf"(?<!\b{word}\s)" for word in W["year_of"])
    + YEARS_BACK
    + r"(?:-?(?:"
    + any_of(W["year_suffixes"])
    + r")(?!\w)|\s+(?:"
    + any_of(W["the_year_words"])
    + r")(?!\w))"
)

# "vier Jahre nach dem Tod", "two years after his release": the span, then "after" and the cue
SPAN_THEN = re.compile(
    "(?:" + SPAN + r")\s+(?:" + any_of(W["backstory_before"]) + r")\s+(?:[\w'-]+\s+)?$"
)

# up to six words to the cue, one of them may carry a relative clause set off by commas ("пасля
# таго, як блогера, што правёў за кратамі пяць гадоў, вызвалілі")
EMBEDDED = (
    r"[\w'-]+,\s+(?:"
    + RELATIVE_WORDS
    + "|"
    + any_of(W["that"])
    + r")\s+(?:[\w'-]+\s+){0,6}[\w'-]+,\s+"
)
TO_CUE = r"(?:[\w'-]+\s+|" + EMBEDDED + "){0,6}$"
SPAN_AFTER_CLAUSE = re.compile(  # months or years: "a week after he was detained" is news
    "(?:"
    + LONG_SPAN
    + r")\s+(?:"
    + any_of(W["after_clause"] + W["backstory_before"])
    + r")\s+"
    + TO_CUE
)

# "since he was moved", "відтоді, як його етапували": the cue's event is the backstory
SINCE = rule_pattern("since_clause", r"\s+" + TO_CUE)
AFTER_CLAUSE = rule_pattern("after_clause", r"\s+" + TO_CUE)
# ... however far the cue lies in it, up to the clause's end ("Праз год пасля таго, як яго
# вызвалілі з калоніі і разам з іншымі палітвязнямі перадалі Украіне, ...")
AFTER_CLAUSE_OPEN = rule_pattern("after_clause", r"\s+[^,;:.!?()\u2014\u2013]*$")
SINCE_THEN = re.compile(r"[\W_]*" + rule_pattern("since_then", r"(?!\w)").pattern)
SINCE_YEAR = re.compile(r"[\W_]*" + rule_pattern("since_year", r"\s+(?:19|20)\d\d(?!\d)").pattern)
DAYS_BEFORE = rule_pattern("day_units", r",?\s+$")
MANY_TIMES = rule_pattern("many_times", r"(?!\w)")
RECENT_SPAN = rule_pattern("recent_span")


def a_time(event: E, cue: str) -> bool:
    """Whether the cue, after "since" or "after", names a time rather than this story's news:
    an arrest or a release; a death as a noun ("four years after his death"); a pardon as a
    noun ("after his pardon"; "after Lukashenka pardoned them" is the news); an expulsion told from its noun without a verb of its own ("paśla
    vyzvaleńnia ... žyvie ŭ Kijevie"; "После освобождения её вывезли в Украину" is the news)."""
    if event is E.PARDONED:
        return NOUN_CUE.search(cue.rstrip()) is not None
    if event is E.DIED:  # "after his death", "nach dem Tod von ...", "po śmierci"
        return any(word.startswith(DEATH_NOUNS) for word in cue.split())
    if event is E.RELEASED_EXPELLED:
        first, *rest = cue.split()
        return NOUN_CUE.search(first) is not None and not any(
            map(modality.PAST_VERB.fullmatch, rest)
        )
    return event in TIME_MARKS


def summed_up(text: str, start: int, end: int) -> bool:
    """The cue is counted or spread over years ("twice", "неоднократно", "over the past years")
    in its clause, and the span is not recent ("w ostatnich miesiącach"): the person's past."""
    lo, hi = clause_around(text, start, end, 60)
    return MANY_TIMES.search(text, lo, hi) is not None and not RECENT_SPAN.search(text, lo, hi)


# a bare year right before the cue: "whose 2020 arrest", "war 2020 festgenommen worden"; not a
# date's year ("am 3. Dezember 2026 freigelassen": the month before it, which AGO reads)
YEAR_BEFORE = re.compile(r"(?<!\w)(\w+\.?\s+)?(?:19|20)\d\d\s+$")
NOW = rule_pattern("now_words", r"(?!\w)")
NOW_RIGHT_AFTER = re.compile(r"\s+(?:" + any_of(W["now_words"]) + r")(?!\w)")
LEADING = re.compile(r"[\W\d_]*(?:\w+\s+)?")  # an emoji, a quote, one word ("Exactly", "Роўна")
MONTH_OR_IN = re.compile(r"(?:" + any_of(W["month_or_year_before"]) + r")\.?\s+$")


# an auxiliary, then a year, the participle further on ("war 2023 ... gestorben", "wurde 2021
# ... verhaftet", "war bereits 2024 ...", "war im Dezember 2025 ... freigelassen"): the year dates
# the verb, however many words lie between
_AUXILIARY = rule_pattern("auxiliaries", r"(?!\w)")
# ... and German puts the participle last past any commas: the year of its auxiliary
VERB_LAST_YEAR = rule_pattern("dated_auxiliaries", r"\s+(?:\w+\s+){0,2}(?:19|20)\d\d(?!\d)")


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    found = None
    for found in matches:  # noqa: B007 (the last one is wanted)
        pass
    return found


AUXILIARY_YEAR = rule_pattern("auxiliaries", r"\s+(?:\w+\s+){0,2}(?:19|20)\d\d(?!\d)")


# where the cue's clause ends for a "now" that would make a dated freeing news: a dash too ("Рік
# тому його звільнили — тепер він вимагає ...": the now is the next clause's)
_CLAUSE_OR_DASH_END = re.compile(CLAUSE_END.pattern + r"|\s[\u2014\u2013]\s")


def long_ago(text: str, start: int, end: int) -> bool:
    """A time years or months back ("four years ago") in the cue's own clause, or a year as
    the cue's attribute ("the blogger whose 2020 arrest ...")."""
    if SPAN_AFTER_CLAUSE.search(text, max(0, start - 140), start):
        return True  # "three months after the blogger was freed", "vier Jahre nach dem Tod"
    since = clause_start(text, start)
    if any(p.match(text, at) for p in (SINCE_YEAR, SINCE_THEN) for at in (since, 0)):
        return True  # "Since 2021, at least six have died": a tally over the years
    if AUXILIARY_YEAR.search(text, since, start):
        return True  # "Puschkin war 2023 nach Haft in Grodno gestorben": German, verb last
    dated_verb = _last(VERB_LAST_YEAR.finditer(text, 0, since))
    if dated_verb is not None and not _AUXILIARY.search(text, dated_verb.end(), start):
        return True  # "Sewerinez war im Dezember 2025 nach Haft, zuletzt in Schklou, freigelassen"
    year = YEAR_BEFORE.search(text, max(0, start - 30), start)
    if year is not None and not (year.group(1) and MONTH_OR_IN.fullmatch(year.group(1))):
        return True
    if BARE_YEAR_AFTER.search(text, end, CLAUSE_END.search(text, end).start()):
        return True
    for found in _times(text, start):
        when = _WHEN_AFTER.match(text, found.end()) if found.end() <= start else None
        if when is not None and not CLAUSE_BREAK.search(text, when.end(), start):
            return True  # "декабрь 2025 года, когда Колесникову помиловали"
        if start <= found.start() and found.end() <= end:
            return True  # inside the cue: "kam vor drei Wochen frei"
        if found.end() <= start and dated_main_clause(text, found, start):
            return True
        # (a time read from a word inside the cue on, "вивезений до України рік тому": after it)
        lo, hi = (found.end(), start) if found.end() <= start else (end, max(end, found.start()))
        if lo <= hi and not CLAUSE_BREAK.search(text, lo, hi):
            # unless the cue's own time follows ("who tore up her passport in 2020 was among
            # the prisoners handed over today"; "two years ago today" is an anniversary)
            return found.end() > start or not NOW.search(
                text, past_now(text, found.end()), _CLAUSE_OR_DASH_END.search(text, end).start()
            )
        if (
            LEADING.fullmatch(text, 0, found.start())
            and found.end() <= start
            and contrast_part(text, start)[0] <= found.start()
            and not NOW.search(
                text, past_now(text, found.end()), _CLAUSE_OR_DASH_END.search(text, end).start()
            )
        ):
            # "Two years ago X, an IT specialist, died": a time that opens the sentence dates
            # all of it, commas and all, up to a contrast ("..., but now ..."); "two years ago
            # today" is an anniversary, its "today" no time of the news (past a contrast, a
            # later time may still date the cue: "«Год назад меня выпустили, а его держат», —
            # пишет он, которого в декабре 2025-го вывезли")
            return True
    return False


def _times(text: str, start: int) -> Iterator[re.Match[str]]:
    """The times in a sentence, read on past one that runs over the cue's first word ("had been
    freed the year before": "been freed the year" is no time elapsed, "the year before" is)."""
    at = 0
    while (found := AGO.search(text, at)) is not None:
        if found.start() < start < found.end():
            at = found.start() + 1
            continue
        yield found
        at = max(found.end(), found.start() + 1)


def long_after(text: str, start: int) -> bool:
    """The cue lies in an after-clause ("после того, как его перевели в колонию") that is not
    a day or two back ("dzień po tym, jak został uwolniony", "einen Tag nachdem er ... gebracht
    worden ist": yesterday's news, told from today)."""
    found = AFTER_CLAUSE.search(text, max(0, start - 70), start) or AFTER_CLAUSE_OPEN.search(
        text, max(0, start - 160), start
    )
    return (
        found is not None
        and not DAYS_BEFORE.search(text, max(0, found.start() - 25), found.start())
        and not NOW.search(text, found.end(), start)  # "пасля таго, як у суботу яе вызвалілі"
    )


def past_now(text: str, position: int) -> int:
    """Past a now-word right after a time ("two years ago today": the anniversary's day)."""
    after = NOW_RIGHT_AFTER.match(text, position)
    return after.end() if after else position


def dated_main_clause(text: str, time: re.Match[str], start: int) -> bool:
    """The time stands in the sentence's first clause and the cue in a relative clause that
    hangs off it ("W marcu 2021 r. zatrzymano Andżelikę Borys, którą po roku wypuszczono"), or a
    when-clause ("we wrześniu 2025 r. odmówił ..., gdy ... dowieziono go do granicy"): it goes on
    in the main clause's time."""
    if CLAUSE_BREAK.search(text, 0, time.start()):
        return False
    relative = OPEN_RELATIVE.search(text, 0, start) or _OPEN_WHEN.search(text, 0, start)
    return (
        relative is not None
        and relative.start() >= time.end()
        and not CLAUSE_BREAK.search(text, time.end(), relative.start())
        and not NOW.search(text, relative.start(), CLAUSE_END.search(text, start).start())
    )  # "..., who was freed on Saturday": a time of its own


_BEFORE_CLAUSE = rule_pattern("before_clause", r"\s+(?:[\w'-]+\s+){0,6}$")


def before_what_is_told(text: str, start: int, scripts: tuple[str, ...]) -> bool:
    """The cue lies in a before-clause and no freeing is told before it in the sentence (that
    one's road goes on: "pardoned them before they were driven to the border")."""
    before = _BEFORE_CLAUSE.search(text, max(0, start - 70), start)
    return before is not None and not any(
        patterns[script].search(text, 0, before.start())
        for event, patterns in COMPILED
        if event in GRAVE
        for script in scripts
        if script in patterns
    )
