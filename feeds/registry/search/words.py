"""Word keys: how a name word becomes its keys and stems (every script, vowel-folded, with the
endings it takes), and how a prisoner's or a facility's words are collected with their roles."""

from __future__ import annotations

from functools import lru_cache

from feeds.mentions import lexicon
from feeds.mentions.forms import (
    ALL_ENDINGS,
    first_name_forms,
    fixed_forms,
    surname_forms,
    word_forms,
)
from feeds.mentions.names import split_name, words
from feeds.mentions.scripts import MAX_TOKEN, cyrillic_variants, skeleton, vowel_fold
from feeds.registry.models import Facility, Gender, Prisoner
from feeds.registry.search.vocabulary import (
    _ADULT_COLONY_ABBREVIATIONS,
    _JUVENILE_ABBREVIATIONS,
    _LABELS_EN,
    _LABELS_RU,
    _all_kind_keys,
    _first_name_groups,
    _kind_words,
)

# Roles of a name word. Surname-like ones decide the tier; first-name-like ones only add to it.
SURNAME, PLACE, NUMBER, FIRST, KIND, FIRST_EQ = range(6)


_FOLDED_ENDINGS = frozenset(vowel_fold(e) for e in ALL_ENDINGS)


# -- keys of one word ---------------------------------------------------------------------------------

Keys = tuple[tuple[str, str], ...]  # (folded key, raw key)
Stems = tuple[tuple[str, frozenset[str]], ...]  # (folded stem, folded endings)


@lru_cache(maxsize=1024)
def _fold_endings(endings: frozenset[str]) -> frozenset[str]:
    return frozenset(vowel_fold(e) for e in endings if e)


@lru_cache(maxsize=1 << 16)
def _word_keys(word: str, how: str, female: bool | None = None) -> tuple[Keys, Stems]:
    """(keys, stems with endings) of one name word; ``how`` picks the inflection rules."""
    if word.isdigit():
        number = str(int(word))
        return ((number, number),), ()
    keys = sorted(cyrillic_variants(word))
    stems: dict[str, frozenset[str]] = {}
    for key in keys:
        for stem, folded in _key_stems(key, how, female):
            stems[stem] = stems[stem] | folded if stem in stems else folded
    return tuple((vowel_fold(k), k) for k in keys), tuple(sorted(stems.items()))


@lru_cache(maxsize=1 << 16)
def _key_stems(key: str, how: str, female: bool | None) -> Stems:
    """Folded stems and endings of one key (the be and Latin spellings often share a key)."""
    if how == "surname":
        forms = surname_forms(key, female)
    elif how == "first":
        forms = _first_forms(key)
    elif how == "fixed":
        forms = fixed_forms(key)
    else:
        forms = word_forms(key)
    out: dict[str, frozenset[str]] = {}
    for stem, endings in forms:
        folded = _fold_endings(endings)
        if len(stem) >= 2 and folded:
            stem = vowel_fold(stem)
            out[stem] = out[stem] | folded if stem in out else folded
    return tuple(out.items())


@lru_cache(maxsize=4096)
def _equivalent_keys(line: tuple[str, ...]) -> tuple[Keys, Stems]:
    """Keys and stems of every first name of a lexicon line (``_first_name_groups`` values)."""
    keys: dict[tuple[str, str], None] = {}
    stems: dict[str, frozenset[str]] = {}
    for other in line:
        other_keys, other_stems = _word_keys(other, "first")
        keys.update(dict.fromkeys(other_keys))
        for stem, endings in other_stems:
            stems[stem] = stems[stem] | endings if stem in stems else endings
    return tuple(keys), tuple(stems.items())


_CONS_M = frozenset({"a", "u", "om", "am", "em", "e", "ovi", "ie", "iem", "aC"})


def _first_forms(key: str) -> list[tuple[str, frozenset[str]]]:
    """``forms.first_name_forms`` plus the -аў/-оў first names it leaves undeclined: Станіслаў ->
    Станіслава, Вячаславам, Stanisławowi (the ў comes back as в, or stays u in Polish -ауowi)."""
    forms = list(first_name_forms(key))
    if len(key) > 3 and key.endswith(("au", "ou", "eu")):
        forms += [(key[:-1] + "v", _CONS_M), (key, frozenset({"ovi", "a", "u", "em"}))]
    return forms


def _form_of(word: str, be: int, ru: int, latin: int) -> int:
    """Which display form a word generated from lexicons belongs to, by its script."""
    low = word.lower()
    if any(c in "іў" for c in low):
        return be
    return latin if low.isascii() or not any("а" <= c <= "я" for c in low) else ru


# -- the index ----------------------------------------------------------------------------------------


class _Builder:
    """Collects one target's words: folded key -> (best role, {raw key: form}), stems likewise."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[int, dict[str, int]]] = {}
        self.stems: dict[str, tuple[int, frozenset[str], int]] = {}

    def add(self, word: str, role: int, form: int, how: str, female: bool | None = None) -> None:
        self.add_keys(_word_keys(word[:MAX_TOKEN], how, female), role, form)

    def add_keys(self, entries: tuple[Keys, Stems], role: int, form: int) -> None:
        keys, stems = entries
        for folded, raw in keys:
            old = self.keys.get(folded)
            if old is None:
                self.keys[folded] = (role, {raw: form})
            else:
                old[1].setdefault(raw, form)
                if role < old[0]:
                    self.keys[folded] = (role, old[1])
        for stem, endings in stems:
            old_stem = self.stems.get(stem)
            if old_stem is None:
                self.stems[stem] = (role, endings, form)
            elif role < old_stem[0] or not endings <= old_stem[1]:
                best = min(old_stem[0], role)
                self.stems[stem] = (
                    best,
                    old_stem[1] | endings,
                    form if role < old_stem[0] else old_stem[2],
                )


def _prisoner_words(
    target: Prisoner, builder: _Builder, groups: list[tuple[str, ...]]
) -> list[str]:
    """Adds the target's own words to ``builder``; appends to ``groups`` the lexicon lines of its first
    names (their equivalents are indexed once per line, not once per prisoner)."""
    forms = target.names() or [target.id]
    female = {Gender.FEMALE: True, Gender.MALE: False}.get(target.gender)
    lines = _first_name_groups()
    for index, name in enumerate(forms):
        first, last = split_name(name)
        for word in last:
            builder.add(word, SURNAME, index, "surname", female)
        for word in first:
            builder.add(word, FIRST, index, "first")
            line = lines.get(skeleton(word[:MAX_TOKEN]))
            if line and line not in groups:
                groups.append(line)
    return forms


def _facility_forms(target: Facility) -> tuple[list[str], bool]:
    shorts = [v for k, vs in target.town_forms.items() if k.startswith("short_") for v in vs]
    juvenile_keys = {skeleton(w) for w in lexicon.QUALIFIERS["juvenile"][1]}
    texts = [*shorts, *target.aliases, target.name_ru, target.name_be, target.name_en]
    juvenile = any(skeleton(w) in juvenile_keys for text in texts for w in words(text))
    town_ru = target.town_ru or target.town_be or target.town_en
    town_en = target.town_en or target.town_ru or target.town_be
    ru_label, en_label = _LABELS_RU[target.kind], _LABELS_EN[target.kind]
    if juvenile:
        ru_label, en_label = "ВК-{n}", "Juvenile colony No. {n}"
    if target.number is None:  # "ИК-{n}" -> "ИК", "SIZO No. {n}" -> "SIZO"
        ru, en = ru_label.split("-{")[0].split(" №")[0], en_label.split(" No.")[0]
    else:
        ru, en = ru_label.format(n=target.number), en_label.format(n=target.number)
    forms = [
        target.display_name,
        target.name_ru or f"{ru}, {town_ru}".strip(", "),
        target.name_en or f"{en}, {town_en}".strip(", "),
    ]
    forms += [*target.nicknames, *target.aliases, *shorts]
    return list(dict.fromkeys(f for f in forms if f)), juvenile


def _facility_words(target: Facility, builder: _Builder) -> list[str]:
    forms, juvenile = _facility_forms(target)
    kind_words = _kind_words()[target.kind]
    if juvenile:
        kind_words = tuple(w for w in kind_words if w not in _ADULT_COLONY_ABBREVIATIONS)
        kind_words += tuple(_JUVENILE_ABBREVIATIONS)
    else:
        kind_words = tuple(w for w in kind_words if w not in _JUVENILE_ABBREVIATIONS)
    kind_keys = _all_kind_keys()
    if target.number is not None:
        builder.add(str(target.number), NUMBER, 0, "fixed")
    for word in kind_words:
        how = "fixed" if word.isupper() else "word"
        builder.add(word, KIND, _form_of(word, 0, 1, 2), how)
    towns = [
        target.town_be,
        target.town_ru,
        target.town_en,
        *(v for vs in target.town_forms.values() for v in vs),
    ]
    for index, text in [(i, f) for i, f in enumerate(forms)] + [(-1, t) for t in towns if t]:
        for word in words(text):
            if word.isdigit():
                continue  # only the facility's own number counts ("Витьба-3" has it anyway)
            role = KIND if skeleton(word) in kind_keys else PLACE
            form = index if index >= 0 else _form_of(word, 0, 1, 2)
            builder.add(word, role, form, "fixed" if word.isupper() else "word")
    return forms
