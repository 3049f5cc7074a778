"""Inflection in key space: a word's skeleton -> (stem, endings) pairs that cover its case forms.

Every word the engine looks for (a surname, a first name, a town, a kind word) is stored as stems
with the skeleton endings that may follow them (``shared/reference/domain.md`` §3, folded through
``skeleton``: Бяляцкага -> "balack"+"aha", Białackiego -> "balack"+"eho", Калеснікавай ->
"kalesnikav"+"ai", Kalesnikawą -> "kalesnikav"+"a"). Matching a text token is then a handful of
dict look-ups: cut 0..``MAX_ENDING`` characters off its skeleton and ask whether the rest is a stem
that takes that ending.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from feeds.mentions.scripts import skeleton

Form = tuple[str, frozenset[str]]  # (stem, endings)

_V = "aeiou"

# Masculine adjectival surnames (-скі/-ский/-ski/-sky): Бяляцкі, Бяляцкага, Беляцкого, Białackiego...
ADJ_M = frozenset({"i", "aha", "amu", "im", "oho", "omu", "om", "eho", "emu", "ei", "oi"})
# Feminine adjectival (-ская/-ska): Ціханоўская, -скай, -ской, -скую, -skiej, -ską.
ADJ_F = frozenset({"a", "ai", "oi", "u", "ei", "ou", "e"})
# Any adjective (town adjectives: Горецкая колония, горецкой колонии, витебском СИЗО, глыбоцкай...).
ADJ_ALL = ADJ_M | ADJ_F | frozenset({"ih", "ie", "e", "ae", "oe", "imi", "aia", "aie", "ego"})
# Possessive masculine (-оў/-ов/-ін): Кастусёў -> Кастусёва, -ову, -овым; Пушкін -> Пушкіна.
POSS_M = frozenset({"a", "u", "im", "e", "om", "em", "ovi", "ie"})
# Feminine in -ова/-ава/-іна: Калеснікава, -авай, -овой, -аву, Kalesnikawej, Kalesnikawą.
FEM_A = frozenset({"a", "ai", "oi", "u", "ei", "ou", "e", "i", "ie"})
# Masculine nouns ending in a consonant: Знак, Знака, Знаку, Знакам, Znakiem, Znakowi, Лосіку.
CONS_M = frozenset({"", "a", "u", "om", "am", "em", "e", "i", "ovi", "ie", "iem", "s"})
# Nouns/names in -а/-я (Бабарыка, Лойка, Марыя, калонія): -і/-ы, -у, -ай/-ой, -ою, -ę, -ą, -е.
NOUN_A = frozenset(
    {"a", "i", "u", "e", "ai", "oi", "ou", "ei", "am", "ie", "ami", "ah", "aC", "ih", "im", "imi"}
)
# Nouns whose nominative ends in -i/-y (Горкі, colony, Dzmitry, Навасады).
NOUN_I = frozenset({"i", "a", "u", "em", "om", "am", "e", "ovi", "ah", "aC", "ami", "es", "ie"})
# -ей/-ай stems (Карней, Андрэй, Мікалай): Карнея, Андрэю, Андрэем, Mikałajem.
NOUN_J = frozenset({"i", "a", "u", "em", "om", "am", "e", "ovi", "m", "iem"})
# Cases that turn a stem-final k/h/t/d/r soft: Бабарыцы, Babaryce, Валадарцы, Poczobucie, Wiktorze.
SOFT_ENDINGS = frozenset({"i", "e"})
_SOFTEN = {"k": "c", "h": "z", "t": "c", "d": "dz", "r": "Z"}

ALL_ENDINGS: frozenset[str] = (
    ADJ_ALL
    | POSS_M
    | FEM_A
    | CONS_M
    | NOUN_A
    | NOUN_I
    | NOUN_J
    | SOFT_ENDINGS
    | frozenset({"", "o"})
)
MAX_ENDING = max(len(e) for e in ALL_ENDINGS)

_ADJ_M_RE = re.compile(r"(?:sk|ck|zk|Sk|Ck|ck)i$")
# -ская, -цкая, -зкая; not the nouns in -шка, -чка (Barushka: Барушцы, Baruszce)
_ADJ_F_RE = re.compile(r"(?:sk|ck|zk)a$")
_POSS_M_RE = re.compile(r"[aeo]u$")
_FEM_POSS_RE = re.compile(r"(?:[aeo]v|in|in)a$")
_FLEETING_RE = re.compile(r"(?<=[^aeiou])[aeo]([kcl])$")


def _fix(stem: str, endings: Iterable[str]) -> Form:
    """Endings as they appear after ``stem`` once the key's rules ran over the joined word."""
    out = set()
    for ending in endings:
        if ending and stem and ending[0] == stem[-1]:
            ending = ending[1:]  # doubled letters collapse: Карней+ем -> "karne"+"m"
        out.add(ending)
    return stem, frozenset(out)


def surname_forms(key: str, female: bool | None) -> list[Form]:
    """Stems and endings of a surname's key. ``female`` None: either gender."""
    forms: list[Form] = []
    if len(key) < 2:
        return [(key, frozenset({""}))]
    if _ADJ_M_RE.search(key):
        return [_fix(key[:-1], ADJ_M)]
    if _ADJ_F_RE.search(key):
        return [_fix(key[:-1], ADJ_F)]
    if key.endswith("iC"):
        return [(key, frozenset({""}))] if female else [_fix(key, CONS_M | {"am"})]
    if _POSS_M_RE.search(key):  # -оў/-ов/-ou/-ow: the v comes back before an ending
        return [(key, frozenset({""})), _fix(key[:-1] + "v", POSS_M)]
    if _FEM_POSS_RE.search(key):
        return [_fix(key[:-1], FEM_A)]
    last = key[-1]
    if last == "a":
        forms.append(_fix(key[:-1], NOUN_A))
        soft = _SOFTEN.get(key[-2])
        if soft:
            forms.append(_fix(key[:-2] + soft, SOFT_ENDINGS))
        return forms
    if last == "o" or last in "eu":
        return [(key, frozenset({""}))]
    if last == "i" and key[-2] in _V:  # -ей/-ай/-ой
        forms.append(_fix(key[:-1], NOUN_J))
        if key.endswith("ei") and len(key) > 5 and key[-3] not in _V:
            # the e is fleeting: Салавей -> Салаўя, Соловей -> Соловья, Воробей -> Воробья
            fleeting = {key[:-2]} | ({key[:-3] + "u"} if key[-3] == "v" else set())
            forms += [_fix(stem, NOUN_J - {"i", ""}) for stem in fleeting]
        return forms
    if last == "i":
        return [_fix(key[:-1], NOUN_I)]
    # a consonant
    if female:
        return [(key, frozenset({""}))]
    forms.append(_fix(key, CONS_M))
    if key.endswith("in") or key.endswith("in"):
        forms.append(_fix(key, POSS_M))
    fleeting = _FLEETING_RE.search(key)
    if fleeting and len(key) > 4:
        plain = key[: fleeting.start()] + fleeting.group(1)
        forms.append(_fix(plain, CONS_M - {""}))
        # and as the key re-runs v -> u before the consonant: Саковец -> Саковца, Сакаўца
        respelt = skeleton(plain + "a")[:-1]
        if respelt != plain:
            forms.append(_fix(respelt, CONS_M - {""}))
    soft = _SOFTEN.get(last)
    if soft:
        forms.append(_fix(key[:-1] + soft, SOFT_ENDINGS))
    return forms


def first_name_forms(key: str) -> list[Form]:
    """First names: Алесь/Алеся/Алесем, Марыя/Марыі/Maryję, Павел/Паўла, Андрэй/Андрэя."""
    if len(key) < 2:
        return [(key, frozenset({""}))]
    last = key[-1]
    if last == "a":
        forms = [_fix(key[:-1], NOUN_A)]
        soft = _SOFTEN.get(key[-2])
        if soft:
            forms.append(_fix(key[:-2] + soft, SOFT_ENDINGS))
        return forms
    if _POSS_M_RE.search(key):  # Станіслаў -> Станіслава, Станіславу: the v comes back
        return [(key, frozenset({""})), _fix(key[:-1] + "v", CONS_M - {""})]
    if last in "oeu":
        return [(key, frozenset({""}))]
    if last == "i" and key[-2] in _V:
        return [_fix(key[:-1], NOUN_J)]
    if last == "i":
        return [_fix(key[:-1], NOUN_I)]
    forms = [_fix(key, CONS_M)]
    fleeting = re.search(r"(?<=[^aeiou])e([lr])$", key)  # Павел -> Паўла (the key re-runs v -> u)
    if fleeting:
        stem = skeleton(key[: fleeting.start()] + fleeting.group(1) + "a")[:-1]
        forms.append(_fix(stem, CONS_M - {""}))
    soft = _SOFTEN.get(last)
    if soft:
        forms.append(_fix(key[:-1] + soft, SOFT_ENDINGS))
    return forms


def word_forms(key: str) -> list[Form]:
    """Any other word (towns, nicknames, kind words): adjective if it looks like one, else a noun."""
    if len(key) < 3:
        return [(key, frozenset({""}))]
    if re.search(r"(?:sk|ck|Sk|Ck|zk)(?:a|i|ae|oe|e)$", key) or re.search(r"(?:ai|oi|ii)$", key):
        stem = re.sub(r"(?:a|i|ae|oe|e)$", "", key)
        return [_fix(stem, ADJ_ALL)]
    if key.endswith(("ae", "oe")):  # Глыбокае/Глубокое: neuter adjective used as a name
        return [_fix(key[:-2], ADJ_ALL | {"ae", "oe", "im", "om"})]
    if key[-1] == "a":
        forms = [_fix(key[:-1], NOUN_A)]
        soft = _SOFTEN.get(key[-2])
        if soft:
            forms.append(_fix(key[:-2] + soft, SOFT_ENDINGS))
        return forms
    if key[-1] == "o":
        return [_fix(key[:-1], NOUN_A | {"o"})]
    if key[-1] == "i":
        return [_fix(key[:-1], NOUN_I)]
    if key[-1] in "eu" and _POSS_M_RE.search(key):
        return [(key, frozenset({""})), _fix(key[:-1] + "v", POSS_M)]
    if key[-1] in "eu":
        return [(key, frozenset({""}))]
    forms = [_fix(key, CONS_M)]
    fleeting = _FLEETING_WORD_RE.search(key)  # Гомель -> Homlu, Бабруйск no
    if fleeting and len(key) > 4:
        plain = key[: fleeting.start()] + fleeting.group(1)
        forms.append(_fix(plain, CONS_M - {""}))
        # and as the key re-runs v -> u before the consonant: Саковец -> Саковца, Сакаўца
        respelt = skeleton(plain + "a")[:-1]
        if respelt != plain:
            forms.append(_fix(respelt, CONS_M - {""}))
    soft = _SOFTEN.get(key[-1])
    if soft:
        forms.append(_fix(key[:-1] + soft, SOFT_ENDINGS))
    return forms


_FLEETING_WORD_RE = re.compile(r"(?<=[^aeiou])[eo]([lkc])$")


def fixed_forms(key: str) -> list[Form]:
    """Abbreviations and other words that never change (СИЗО, ИК, KGB)."""
    return [(key, frozenset({""}))]


def splits(key: str) -> Iterable[tuple[str, str]]:
    """(stem, ending) cuts of a token's key worth looking up."""
    n = len(key)
    yield key, ""
    for k in range(1, min(MAX_ENDING, n - 2) + 1):
        ending = key[n - k :]
        if ending in ALL_ENDINGS:
            yield key[: n - k], ending


def matches(key: str, forms: dict[str, frozenset[str]]) -> bool:
    """Whether a token's key is one of the inflected forms in ``forms`` (stem -> endings)."""
    return any(stem in forms and ending in forms[stem] for stem, ending in splits(key))
