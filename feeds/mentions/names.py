"""Name words of the registry: how a stored name splits into given name and surname, which
first names are the same name (Алесь, Aleś, Ales, Александр), and the forms (stem -> endings) each
word takes in text. The engine compiles from these; search keys its index with ``name_keys``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from feeds.mentions import lexicon
from feeds.mentions.forms import Form, first_name_forms, fixed_forms, surname_forms, word_forms
from feeds.mentions.scripts import PATRONYMIC, cyrillic_variants, skeleton
from feeds.registry.models import Facility, Prisoner

_PARENS = re.compile(r"\([^)]*\)")
_WORDS = re.compile(r"[^\W\d_][^\W\d_'’ʼ.]*(?:['’ʼ][^\W\d_]+)*|\d+")
_VOWELS = re.compile(r"[aeiou]")
_DOUBLE_LETTER = re.compile(r"(.)\1+")


def fuzzy_key(stem: str) -> str:
    """A surname stem's key for the fuzzy path: its consonants, and whether it opens with a vowel
    ("Isaenka" and "Сянько" share s-n-k, but one starts with a vowel: not one name). ч reads as
    ц: Polish "cz" and Łacinka "č" typed without its mark meet (Poczobut ~ Pacobut); the path
    only ever matches beside the person's own given name."""
    return ("_" if _VOWELS.match(stem) else "") + devowel(stem).replace("C", "c")


def devowel(stem: str) -> str:
    """Consonants only: the part of a town adjective that be/ru/Łacinka spellings share."""
    consonants = _VOWELS.sub("", stem)
    if _DOUBLE_LETTER.search(consonants):  # a template sub is slow even when nothing matches
        return _DOUBLE_LETTER.sub(r"\1", consonants)
    return consonants


def town_adjective_stem(key: str) -> str:
    """The adjective stem a town name gives: Горкі -> горецк-, Шклоў -> шклоўск-, Гомель ->
    гомельск-, Івацэвічы -> івацэвіцк- (in key space)."""
    stem = key.rstrip("aeiou") or key
    if stem.endswith("sk"):
        return stem
    if stem.endswith(("k", "C")):
        return stem[:-1] + "ck"
    return stem + "sk"


def words(name: str) -> list[str]:
    return _WORDS.findall(_PARENS.sub(" ", name))


def split_name(name: str) -> tuple[list[str], list[str]]:
    """ "Алесь Бяляцкі" -> (["Алесь"], ["Бяляцкі"]); "Бабарико Виктор Дмитриевич" (surname first,
    patronymic last) -> (["Виктор"], ["Бабарико"]); "Шарэнда-Панасюк" stays two surname words."""
    parts = _PARENS.sub(" ", name).split()
    if not parts:
        return [], []
    if len(parts) == 3 and PATRONYMIC.search(skeleton(parts[2])):
        return [parts[1]], words(parts[0])
    if len(parts) == 1:
        return [], words(parts[0])
    return [w for p in parts[:-1] for w in words(p)], words(parts[-1])


_GROUPS: dict[str, frozenset[str]] = {}


def first_name_groups() -> dict[str, frozenset[str]]:
    """skeleton of any first-name form -> all forms (as raw strings) of its lines."""
    if not _GROUPS:
        for line in lexicon.FIRST_NAME_GROUPS.splitlines():
            forms = line.split()
            for form in forms:
                key = skeleton(form)
                _GROUPS[key] = _GROUPS.get(key, frozenset()) | frozenset(forms)
    return _GROUPS


def first_name_lexicon() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in lexicon.FIRST_NAME_GROUPS.splitlines():
        for form in line.split():
            for key in cyrillic_variants(form):
                for stem, endings in first_name_forms(key):
                    out.setdefault(stem, set()).update(endings)
    return {k: frozenset(v) for k, v in out.items()}


def add_forms(target: dict[str, set[str]], forms: Iterable[Form]) -> None:
    for stem, endings in forms:
        target.setdefault(stem, set()).update(endings)


def freeze(forms: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in forms.items()}


@lru_cache(maxsize=1 << 16)
def first_name_spec(word: str) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Forms of a first name and all its equivalents (Алесь -> Aleś, Ales...): (stem -> endings,
    keys for initials). Cached: thousands of prisoners share a few hundred first names."""
    groups = first_name_groups()
    spec: dict[str, set[str]] = {}
    keys: set[str] = set()
    for form in set(groups.get(skeleton(word), frozenset())) | {word}:
        for key in cyrillic_variants(form):
            keys.add(key)
            if len(key) <= SHORT_EQUIVALENT and skeleton(form) != skeleton(word):
                # "Ян" ("an") for an Ivan: inflected, it is every "Анну", "Анны" of the text
                add_forms(spec, [(key, frozenset({""}))])
            else:
                add_forms(spec, first_name_forms(key))
    return freeze(spec), frozenset(keys)


SHORT_EQUIVALENT = 2  # an equivalent given name this short is matched as written, not inflected


@lru_cache(maxsize=1 << 16)
def word_spec(word: str, kind: str, female: bool | None = None) -> dict[str, frozenset[str]]:
    spec: dict[str, set[str]] = {}
    for key in cyrillic_variants(word):
        if kind == "surname":
            add_forms(spec, surname_forms(key, female))
        elif kind == "fixed":
            add_forms(spec, fixed_forms(key))
        else:
            add_forms(spec, word_forms(key))
    return freeze(spec)


def name_keys(target: Prisoner | Facility) -> set[str]:
    """Skeleton keys of every name word of a target (surnames, first names and their equivalents,
    towns, nicknames). For search-as-you-type: a query word fits a target when ``skeleton(word)``
    is a prefix of one of its keys, so "bial", "Бяляц", "беляцк", "Białacki" and "Bialiatski" all
    find Алесь Бяляцкі."""
    keys: set[str] = set()
    if isinstance(target, Prisoner):
        groups = first_name_groups()
        for name in target.names():
            first, last = split_name(name)
            for word in last:
                keys |= cyrillic_variants(word)
            for word in first:
                for form in groups.get(skeleton(word), frozenset({word})):
                    keys |= cyrillic_variants(form)
                keys |= cyrillic_variants(word)
    else:
        for text in (
            target.name_be,
            target.name_ru,
            target.name_en,
            target.town_be,
            target.town_ru,
            target.town_en,
            *target.nicknames,
            *target.aliases,
            *(v for vs in target.town_forms.values() for v in vs),
        ):
            for word in words(text):
                keys |= cyrillic_variants(word)
        if target.number is not None:
            keys.add(str(target.number))
    keys.discard("")
    return keys


# Belarusian sounds the Russian spelling of the same name has otherwise, in skeleton space:
# дз ~ д and ц ~ т before a vowel (Дзядок ~ Дедок, Ціханоўскі ~ Тихановский)
_BY_TO_RU = ((re.compile(r"dz(?=[aeiou])"), "d"), (re.compile(r"c(?=[ie])"), "t"))
MAX_GENERATED_FORMS = 3  # per surname stem


def russian_forms(stem: str) -> list[str]:
    """The Russian spellings' skeletons of a Belarusian-transliterated stem, at most a few."""
    forms = {stem}
    for pattern, replacement in _BY_TO_RU:
        forms |= {pattern.sub(replacement, form) for form in forms}
    forms.discard(stem)
    return sorted(forms)[:MAX_GENERATED_FORMS]
