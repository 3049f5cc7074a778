"""Telling namesakes apart by what the story says about them.

A registry of three thousand people has many pairs with one name (two "Aliaksandr Frantskevich",
five "Aliaksei Ivanou"). When a mention fits several, the story often says which one it means: a
birth year ("Артём Соловей, 1996 года рождения", "born in 1981"), the prison ("в шкловской колонии"
where only one of them is held), the term ("осуждённый на пять лет"). Each clue narrows the group
only when some candidates fit it and some do not; what stays ambiguous is told as ambiguous
(subscribers of each get the alert marked as possibly about their person), never dropped.

The clues' words (birth markers, year words, number words) are data in ``lexicon/rules.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache

from feeds.mentions import lexicon
from feeds.mentions.cues import ORDINARY_CRIME
from feeds.mentions.models import EventType
from feeds.mentions.scripts import alternatives, fold
from feeds.registry.models import Prisoner, PrisonerStatus

_W = lexicon.RULE_WORDS
_YEAR = r"((?:19|20)\d\d)"
_MARKER = alternatives(_W["birth_markers"])
# "1996 года рождения", "1996 г.р.", "(1996 r.)" | "born in 1996", "urodzony w 1996", "Jahrgang 1996"
_BORN = re.compile(
    rf"(?<!\d){_YEAR}(?:\s*(?:-?\w{{0,3}}\.?)\s*)?(?:{_MARKER})"
    rf"|(?:{_MARKER})\W{{1,3}}(?:\w{{1,3}}\W{{1,3}})?{_YEAR}(?!\d)"
)
NUMBER_WORDS: dict[str, int] = {
    fold(word): int(value) for value, words in _W["number_words"].items() for word in words.split()
}
_AMOUNT = r"(\d{1,2}|" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + ")"
# "на пять лет", "15 years", "osiem lat", "zu vier Jahren": a term in years
_TERM = re.compile(rf"(?<!\w){_AMOUNT}(?:[\s-]+\w+)?\s+(?:{alternatives(_W['year_words'])})\b")
# "48-летний", "aged 32": an age, to be read against a birth year
_AGE = re.compile(
    r"(?<!\d)(\d{1,2})(?:" + "|".join(_W["age_after"]) + r")"
    r"|(?:" + "|".join(_W["age_before"]) + r")\s+(\d{1,2})(?!\d)"
    r"|(?<!\w)(?:"
    + "|".join(_W["age_relative"])
    + r")\s+(\d{1,2})\s+(?:"
    + alternatives(_W["year_words"])
    + r")\b"
    # "Сергею Батуре, 49 лет, осуждённому ...": an age in commas after the name
    + r"|,\s+(\d{1,2})\s+(?:"
    + alternatives(_W["year_words"])
    + r")\s*[,)]"
)
# the years a story may be from: an age fits a birth year that many years (or one more) before
# any of them (a story's date is not known here; the registry's people were held from 2020 on)
_STORY_YEARS = range(2020, date.today().year + 1)
# "6 years", "1 1/2 years" (the whole years: 1), in the record's sentence or its description
_SENTENCE_YEARS = re.compile(r"(?<![\d/])(\d{1,2})(?:\s+\d/\d)?\s*(?:years?|год|лет)", re.I)
# "по части 2 статьи 339", "art. 342", "артыкула 361-1": the criminal code's article numbers
_ARTICLE = re.compile(
    r"(?<!\w)(?:" + alternatives(_W["article_words"]) + r")\w*\.?\s*(\d{3})(?:[-.]\d)?(?!\d)"
)
# occupation -> a pattern of the stems the press says it by (any language, folded)
_OCCUPATIONS: dict[str, re.Pattern[str]] = {
    name: re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, fold(stems).split())) + ")")
    for name, stems in _W["occupations"].items()
}


def birth_years(sentence: str) -> set[int]:
    """Years the sentence gives as someone's year of birth."""
    return _birth_years(fold(sentence))


def _birth_years(folded: str) -> set[int]:
    return {int(a or b) for a, b in _BORN.findall(folded)}


def age_births(sentence: str) -> set[int]:
    """Birth years the ages a sentence gives may stand for ("48-летнего" in 2020-2026: 1971 to
    1978)."""
    return _age_births(fold(sentence))


def _age_births(folded: str) -> set[int]:
    ages = {int(next(filter(None, found))) for found in _AGE.findall(folded)}
    return {y - age - d for age in ages if age >= 14 for y in _STORY_YEARS for d in (0, 1)}


def term_years(sentence: str) -> set[int]:
    """Terms in whole years the sentence names ("five years", "на 15 лет")."""
    return _term_years(fold(sentence))


def _term_years(folded: str) -> set[int]:
    out: set[int] = set()
    for amount in _TERM.findall(folded):
        value = int(amount) if amount.isdigit() else NUMBER_WORDS.get(amount)
        if value:
            out.add(value)
    return out


def occupations(text: str) -> set[str]:
    """The occupations (``[occupations]`` of lexicon/rules.toml) a text names."""
    return _occupations(fold(text))


@lru_cache(maxsize=4096)
def _occupations(folded: str) -> frozenset[str]:
    """Memoised: a registry person's description is asked about in every story naming them."""
    return frozenset(name for name, pattern in _OCCUPATIONS.items() if pattern.search(folded))


def registry_term(prisoner: Prisoner) -> int | None:
    """The whole years of a registry person's sentence ("6 years", "4 years and 6 months", "1
    1/2 years"), from the record's sentence or, without one, its description ("sentenced to 2
    years in jail")."""
    for text in (prisoner.extra.get("sentence", ""), prisoner.description):
        found = _SENTENCE_YEARS.search(text)
        if found:
            return int(found.group(1))
    return None


# article number -> the crime's names as the press writes them ("оскорбление президента": 368)
_CRIMES: dict[str, re.Pattern[str]] = {
    number: re.compile(r"(?<!\w)(?:" + alternatives(names) + ")")
    for number, names in _W["crimes"].items()
}


_ANY_CRIME = re.compile("|".join(p.pattern for p in _CRIMES.values()))


def articles(text: str) -> set[str]:
    """The criminal code articles a text names, by number ("по части 2 статьи 339": 339) or by
    the crime's name ("за «оскорбление президента»": 368)."""
    folded = fold(text)
    numbers = set(_ARTICLE.findall(folded))
    if _ANY_CRIME.search(folded):  # most sentences name no crime: one search says so
        numbers |= {number for number, named in _CRIMES.items() if named.search(folded)}
    return numbers


def registry_articles(prisoner: Prisoner) -> set[str]:
    """The articles a registry person was charged under (the export's, kept as "articles")."""
    return set(prisoner.extra.get("articles", "").split())


# how far from a name an age or a year of birth is read as that person's ("62-летнюю Наталью
# Малец", "Natalla Malec, 62,")
_AGE_REACH = 40


def too_old_or_young(person: Prisoner, text: str, start: int, end: int) -> bool:
    """The text gives the person's age or year of birth right by the name, and it does not fit the
    record's birth year: another person of that name, one who is not on the list ("62-летнюю
    Наталью Малец" when the listed Natallia Malets was born in 1985)."""
    if person.born is None:
        return False
    near = fold(text[max(0, start - _AGE_REACH) : end + _AGE_REACH])
    if not _DIGIT.search(near):
        return False
    said = _birth_years(near) | _age_births(near)
    return bool(said) and person.born not in said


_DIGIT = re.compile(r"\d")
# events that only happen to someone held now: a namesake who is free is not the one they tell of
HELD_EVENTS = frozenset(
    {
        EventType.TRANSFER,
        EventType.PUNISHMENT_CELL,
        EventType.INCOMMUNICADO,
        EventType.HUNGER_STRIKE,
        EventType.NEW_CASE,
    }
)


def named_in_latin_only(person: Prisoner) -> bool:
    """The registry gives the person's name in Latin letters only (Viasna's export): other
    scripts find them by forms the engine made, which a namesake's name fits as well."""
    return not (person.name_be or person.name_ru)


def held_now(person: Prisoner) -> bool:
    """The record holds the person in custody."""
    return person.status == PrisonerStatus.IN_CUSTODY


def charged_so(person: Prisoner) -> bool:
    """The record itself speaks of an ordinary crime (Viktar Babaryka's "corruption charges",
    an article of fraud or of drugs): a story of such a crime may be about them."""
    return bool(registry_articles(person) & lexicon.ORDINARY_ARTICLES) or bool(
        ORDINARY_CRIME.search(fold(person.description))
    )


def _held_clue(candidates: Sequence[Prisoner]) -> Callable[[Prisoner], bool]:
    """For a sentence telling what happens to someone held now: a candidate fits unless they are
    free and their own case is older than every held candidate's arrest (Ihar Alinevich freed from
    his 2010 case, not the Ihar Alinevich held since 2020). Two people held in one case and one
    of them since freed (the Babarykas, arrested on one day) stay a question for other clues: a
    story may be older than the registry's news of the release."""
    held = [_arrested(p) for p in candidates if p.status == PrisonerStatus.IN_CUSTODY]

    def fits(person: Prisoner) -> bool:
        if person.status == PrisonerStatus.IN_CUSTODY or not held or None in held:
            return True
        arrested = _arrested(person)
        return arrested is None or any(arrested >= h for h in held)

    return fits


def _arrested(person: Prisoner) -> str | None:
    """The record's arrest date (ISO, so it compares as text), if the registry gives one."""
    return person.extra.get("arrested") or None


def tell_apart(
    group: Sequence[int],
    people: Sequence[Prisoner],
    sentence: str,
    places_here: Iterable[str],
    places_in_story: Iterable[str],
    held_now: bool = False,
) -> tuple[int, ...]:
    """The candidates of ``group`` (indices into ``people``) that the story's clues leave: birth
    year, then age, then a prison named in the sentence, then whether the sentence tells of
    someone held now (``held_now``: its events are ``HELD_EVENTS``, moved between colonies, in a
    punishment cell, on hunger strike: not a namesake released years ago), then the term, then the criminal code's article ("статьи
    339"), then what they do (the record's description: "anarchist", "programmer"), then a prison
    named anywhere in the story. A clue that
    fits none or all of them says nothing and is passed over. Each clue is read from the sentence
    only when the ones before it left more than one candidate."""
    folded = fold(sentence)
    digits = _DIGIT.search(folded) is not None  # a birth year or an age is written in digits
    here, story = set(places_here), set(places_in_story)
    # (what a record must hold for the clue to tell it apart, the clue read from the sentence)
    clues: tuple[tuple[str, Callable[[], Callable[[Prisoner], bool]]], ...] = (
        ("born", lambda: lambda p, years=_birth_years(folded) if digits else (): p.born in years),
        ("born", lambda: lambda p, years=_age_births(folded) if digits else (): p.born in years),
        ("facility_id", lambda: lambda p: p.facility_id in here),
        (
            "status",
            lambda: _held_clue([people[i] for i in group]) if held_now else lambda p: True,
        ),
        ("extra", lambda: lambda p, terms=_term_years(folded): registry_term(p) in terms),
        ("extra", lambda: lambda p, said=articles(folded): bool(said & registry_articles(p))),
        (
            "description",
            lambda: lambda p, said=_occupations(folded): bool(said & occupations(p.description)),
        ),
        ("facility_id", lambda: lambda p: p.facility_id in story),
    )
    left = tuple(group)
    for field, make_clue in clues:
        if not any(getattr(people[i], field) for i in left):
            continue  # no candidate's record has it: the clue cannot tell them apart
        clue = make_clue()
        fitting = tuple(i for i in left if clue(people[i]))
        if fitting and len(fitting) < len(left):
            left = fitting
        if len(left) == 1:
            break
    return left
