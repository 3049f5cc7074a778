"""Compile (once per registry version): every name word, town form, nickname and kind word becomes
skeleton stems with the endings they take (``forms``), in one dict ``stem -> [(endings, pattern)]``,
plus the look-ups the facility rules need (kind + number, kind + town adjective, kind + qualifier).

``CompiledRegistry`` is the data; ``Engine`` (engine.py) adds the scan. Both are immutable once
built, so one compiled registry serves any number of threads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from feeds.mentions import lexicon
from feeds.mentions.forms import matches, splits
from feeds.mentions.lexicon.common_words import is_common
from feeds.mentions.lexicon.foreign_towns import names_a_town_at_home
from feeds.mentions.names import (
    add_forms,
    devowel,
    first_name_lexicon,
    first_name_spec,
    freeze,
    fuzzy_key,
    russian_forms,
    split_name,
    town_adjective_stem,
    word_spec,
    words,
)
from feeds.mentions.scripts import cyrillic_variants, fold, skeleton
from feeds.registry.models import Facility, FacilityKind, Gender, Prisoner

# Pattern kinds
SURNAME, KIND, QUAL, TOWN, NICK = "S", "K", "Q", "T", "N"
FUZZY = "F"  # a surname matched on its consonants only: needs the person's first name right before

_PREPOSITIONS = frozenset(
    {"в", "у", "ў", "w", "u", "in", "на", "na", "at", "ля", "каля", "под", "пад", "pod", "near"}
)

# the size at which a per-engine memo (token infos, look-ups, fits, stems) starts over
MEMO_LIMIT = 200_000


@dataclass(frozen=True, slots=True, eq=False)
class Pattern:
    kind: str
    ref: object  # prisoner index, FacilityKind, qualifier name, facility index (TOWN: a tuple)
    rest: tuple[dict[str, frozenset[str]], ...] = ()  # forms of the words after the first
    needs_cap: bool = False
    risky: bool = False  # a common word or common surname (Знак, Колесникова): needs more evidence


@dataclass(frozen=True, slots=True)
class Person:
    target: Prisoner
    first: dict[str, frozenset[str]]  # stem -> endings of every first-name form
    first_keys: frozenset[str]  # for initials


@dataclass(frozen=True, slots=True)
class Place:
    target: Facility
    qualifiers: frozenset[str]
    adjective_keys: frozenset[str]  # vowel-less adjective stems: Горецкая ~ Горацкай ~ Horecka
    town_consonants: frozenset[str]  # vowel-less town stems: Глыбокае ~ Głębokiem


class Hit(NamedTuple):
    """A pattern found at tokens ``first``..``last`` (inclusive). A tuple, not a frozen dataclass:
    a long story makes a hundred of these, and a frozen dataclass's ``__init__`` costs several
    times a tuple's."""

    pattern: Pattern
    first: int
    last: int


def _spec_key(spec: dict[str, frozenset[str]]) -> tuple:
    """A hashable, order-free form of a spec (stem -> endings), to tell equal spellings apart."""
    return tuple(sorted((stem, tuple(sorted(endings))) for stem, endings in spec.items()))


@lru_cache(maxsize=1 << 14)
def first_names_spec(
    given: tuple[str, ...],
) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """The forms of all of a person's given names (Алесь, Aleś, Ales) as one spec, shared by
    every person with the same given names: thousands of people have a few hundred, so one merged
    spec each would be most of the compile time and memory of the people."""
    specs = {id(spec): spec for spec in map(first_name_spec, given)}
    if len(specs) == 1:
        return next(iter(specs.values()))
    merged: dict[str, set[str]] = {}
    keys: set[str] = set()
    for spec, spec_keys in specs.values():
        add_forms(merged, spec.items())
        keys |= spec_keys
    return freeze(merged), frozenset(keys)


# A Latin-only name's skeleton as the German press spells the same Cyrillic: з "s", ж "sch", ц "z"
# (in skeleton letters: z -> s, Z -> S, c -> z)
_GERMAN = str.maketrans({"z": "s", "Z": "S", "c": "z"})
_GERMAN_CH = str.maketrans({"z": "s", "Z": "S", "c": "z", "h": "C"})  # х as German "ch"


class CompiledRegistry:
    """The registry as patterns and look-ups (see the module docstring)."""

    def __init__(self, targets: Iterable[Prisoner | Facility]) -> None:
        self.people: list[Person] = []
        self.places: list[Place] = []
        self.patterns: list[Pattern] = []
        index: dict[str, dict[int, frozenset[str]]] = {}
        self._first_lexicon = first_name_lexicon()
        self.devowel_index: dict[str, set[int]] = {}
        # people whose surname alone names nobody: two letters ("Us") or a first name ("Juryi
        # Sjarhei": every "Сяргей" would be him); only their given name and surname together count
        self.needs_given: set[int] = set()
        self.risky_people: set[int] = set()  # a surname that is a frequent word (is_common)

        def add(first_spec: dict[str, frozenset[str]], pattern: Pattern) -> None:
            if pattern.kind == TOWN and self._join_town(first_spec, pattern):
                return
            pid = len(self.patterns)
            self.patterns.append(pattern)
            for stem, endings in first_spec.items():
                entries = index.setdefault(stem, {})
                known = entries.get(pid)
                # the spec's own frozenset, shared: a copy per (stem, pattern) was most of compile
                entries[pid] = endings if known is None else known | endings

        # town spelling -> its pattern id: every facility in one town shares one TOWN pattern
        self._town_pids: dict[tuple, int] = {}

        seen: set[str] = set()
        for target in targets:
            if target.id in seen:
                continue
            seen.add(target.id)
            if isinstance(target, Prisoner):
                self._compile_person(target, add)
            else:
                self._compile_place(target, add)
        self._compile_kinds(add)
        self._freeze_towns()
        self._first_lexicon = _with_registry_given_names(self._first_lexicon, self.people)
        # stem -> {pattern id: endings}: kept as built (a copy into tuples was a fifth of compile)
        self.index: dict[str, dict[int, frozenset[str]]] = index
        self.person_ids = frozenset(p.target.id for p in self.people)
        self.person_targets = tuple(p.target for p in self.people)  # index -> Prisoner
        # whose gender the registry gives: a carried release needs a pronoun that fits (result.py)
        self.genders = {
            p.target.id: p.target.gender for p in self.people if p.target.gender != Gender.UNKNOWN
        }
        self._stem_memo: dict[str, frozenset[str]] = {}  # see _stems
        # stems of the second word of every naming phrase ("centre", "Haft"): a cheap "no" first
        self._phrase_heads = frozenset(
            stem
            for p in self.patterns
            if p.rest and p.kind not in (TOWN, QUAL)
            for stem in p.rest[0]
        )
        # a fuzzy surname is as risky as the person's own (a frequent word needs prison context)
        self._fuzzy_patterns = [
            Pattern(FUZZY, i, (), True, i in self.risky_people) for i in range(len(self.people))
        ]
        self.by_kind_number: dict[tuple[FacilityKind, int], tuple[int, ...]] = {}
        # (kind, vowel-less adjective stem) -> places, and (kind, strong qualifier) -> places: the
        # look-ups behind a kind word with neither number nor town, without a pass over all places
        self.by_kind_adjective: dict[tuple[FacilityKind, str], tuple[int, ...]] = {}
        self.by_kind_strong: dict[tuple[FacilityKind, str], tuple[int, ...]] = {}
        for i, place in enumerate(self.places):
            kind = place.target.kind
            if place.target.number is not None:
                key = (kind, place.target.number)
                self.by_kind_number[key] = (*self.by_kind_number.get(key, ()), i)
            for stem in place.adjective_keys:
                self.by_kind_adjective[kind, stem] = (
                    *self.by_kind_adjective.get((kind, stem), ()),
                    i,
                )
            for q in place.qualifiers:
                if lexicon.QUALIFIERS[q][0]:
                    self.by_kind_strong[kind, q] = (*self.by_kind_strong.get((kind, q), ()), i)
        # every kind's town adjective stems: a word before a kind word that is none of them
        # cannot make it a place (PlacesResolver._bare)
        self.adjective_stems = frozenset(stem for _kind, stem in self.by_kind_adjective)

    # -- compile ---------------------------------------------------------------------------------

    def _join_town(self, first_spec: dict[str, frozenset[str]], pattern: Pattern) -> bool:
        """Add the pattern's facility to an earlier TOWN pattern with the same spelling, if any.

        Minsk has a dozen facilities: one pattern per town spelling (``ref`` a tuple of facility
        indices, see ``_freeze_towns``) makes one town word one hit instead of a dozen."""
        key = (_spec_key(first_spec), tuple(_spec_key(s) for s in pattern.rest), pattern.needs_cap)
        pid = self._town_pids.get(key)
        if pid is None:
            self._town_pids[key] = len(self.patterns)
            return False
        places = self.patterns[pid].ref
        places.extend(p for p in pattern.ref if p not in places)
        return True

    def _freeze_towns(self) -> None:
        """TOWN patterns' facility lists become tuples (patterns are immutable once compiled)."""
        for pid in self._town_pids.values():
            p = self.patterns[pid]
            self.patterns[pid] = Pattern(p.kind, tuple(p.ref), p.rest, p.needs_cap, p.risky)
        del self._town_pids

    def _compile_person(self, target: Prisoner, add) -> None:
        female = {Gender.FEMALE: True, Gender.MALE: False}.get(target.gender)
        surnames: list[list[str]] = []
        given_names: dict[str, None] = {}
        for name in target.names():
            given, last = split_name(name)
            if last and last not in surnames:
                surnames.append(last)
            for word in given[:1]:
                given_names[word] = None
        first, first_keys = first_names_spec(tuple(given_names))
        index = len(self.people)
        for last in surnames:
            specs = [word_spec(w, "surname", female) for w in last]
            # alone, a surname that is a common word, two letters ("Us") or a first name ("Juryi
            # Sjarhei": every "Сяргей" would be him) needs more than a sentence about prison
            key = skeleton(last[0]) if len(last) == 1 else ""
            if len(last) == 1 and (
                len(key) <= 2
                or matches(key, self._first_lexicon)
                or names_a_town_at_home(last[0])  # "Baranovich": Baranavichy
            ):
                self.needs_given.add(len(self.people))  # alone it is never this person
            # a frequent word or name of the language (Знак, Жук, Иванов): needs prison context
            is_risky = len(last) == 1 and is_common(last[0])
            if is_risky:
                self.risky_people.add(index)
            add(specs[0], Pattern(SURNAME, index, tuple(specs[1:]), True, is_risky))
            # the first word of a surname (of a double one too: "Шарендо-Панасюк" for Шарэнда-)
            # by its consonants, for the fuzzy path beside the given name
            latin_only = not (target.name_be or target.name_ru)
            if specs:
                for stem in specs[0]:
                    if len(stem) >= 4:
                        self.devowel_index.setdefault(fuzzy_key(stem), set()).add(index)
                    # a name the registry has only in Latin letters, as the Russian press writes
                    # it (Dziadok -> Дедок, Tsikhanouski -> Тихановский); generated forms only
                    # ever match after the person's own first name (the fuzzy path)
                    russian = russian_forms(stem) if latin_only else []
                    for form in russian:
                        if len(form) >= 4:
                            self.devowel_index.setdefault(fuzzy_key(form), set()).add(index)
                    # ... and as the German press spells it, from the English or the Russian
                    # form (Kazlou -> Kaslou, Zhylinski -> Schylinski, Kuznyatsova ->
                    # Kusnjazowa, Tsikhanouski -> Tichanowski: х is "ch"): the same guard
                    for form in (stem, *russian) if latin_only else ():
                        for german in {form.translate(_GERMAN), form.translate(_GERMAN_CH)}:
                            if german != stem and len(german) >= 4:
                                self.devowel_index.setdefault(fuzzy_key(german), set()).add(index)
        self.people.append(Person(target, first, first_keys))

    def _compile_place(self, target: Facility, add) -> None:
        index = len(self.places)
        texts = [
            target.name_be,
            target.name_ru,
            target.name_en,
            *target.aliases,
            *target.nicknames,
            *(v for k, vs in target.town_forms.items() for v in vs),
        ]
        qualifiers = set()
        for text in texts:
            for name, (_strong, qwords) in lexicon.QUALIFIERS.items():
                if any(fold(q) in fold(text).split() for q in qwords):
                    qualifiers.add(name)
        kind_keys = self._kind_keys()
        town_texts = [target.town_be, target.town_ru, target.town_en]
        adjective_texts: list[str] = []
        for key, values in target.town_forms.items():
            if key.startswith("short_"):
                continue
            (adjective_texts if key.startswith("adjective") else town_texts).extend(values)
        nick_texts = list(target.nicknames)
        for alias in target.aliases:
            alias_words = words(alias)
            if any(self._is_kind_word(w, kind_keys) for w in alias_words):
                adjective_texts.extend(
                    w for w in alias_words if not self._is_kind_word(w, kind_keys)
                )
            else:
                nick_texts.append(alias)
        adjective_keys: set[str] = set()
        town_keys: set[str] = set()
        town_consonants: set[str] = set()
        for text in town_texts:
            ws = [w for w in words(text) if w.lower() not in _PREPOSITIONS]
            if ws and not ws[0].isdigit():
                specs = [word_spec(w, "word") for w in ws]
                add(specs[0], Pattern(TOWN, [index], tuple(specs[1:]), True))
                for key in cyrillic_variants(ws[0]):
                    town_keys.add(key)
                    adjective_keys.add(devowel(town_adjective_stem(key)))
                for stem in specs[0]:
                    town_consonants.add(devowel(stem))
        qualifier_words = {fold(q) for _s, qs in lexicon.QUALIFIERS.values() for q in qs}
        for text in adjective_texts:
            for w in words(text):
                low = w.lower()
                if low in _PREPOSITIONS or w.isdigit() or lexicon.is_town_filler(fold(w)):
                    continue
                if fold(w) in qualifier_words:
                    continue
                spec = word_spec(w, "word")
                add(spec, Pattern(TOWN, [index], (), False))
                adjective_keys.update(devowel(stem) for stem in spec)
        self.places.append(
            Place(
                target,
                frozenset(qualifiers),
                frozenset(adjective_keys),
                frozenset(c for c in town_consonants if len(c) >= 3),
            )
        )
        for text in nick_texts:
            ws = words(text)
            if not ws or all(len(w) <= 2 for w in ws):
                continue
            if len(ws) == 1 and cyrillic_variants(ws[0]) & town_keys:
                # the town itself (Віцьба): only with prison context in the same sentence
                add(word_spec(ws[0], "word"), Pattern(NICK, index, (), True, True))
                continue
            specs = [word_spec(w, "word") for w in ws]
            needs_cap = not text.islower()
            add(specs[0], Pattern(NICK, index, tuple(specs[1:]), needs_cap))

    _KIND_KEYS: dict[str, FacilityKind] | None = None

    def _kind_keys(self) -> dict[str, FacilityKind]:
        if self._KIND_KEYS is None:
            keys: dict[str, FacilityKind] = {}
            for kind, phrases in lexicon.KIND_WORDS.items():
                for phrase in phrases:
                    for w in words(phrase):
                        keys.setdefault(skeleton(w), kind)
            for abbr, kind in lexicon.KIND_ABBREVIATIONS.items():
                keys.setdefault(skeleton(abbr), kind)
            self._KIND_KEYS = keys
        return self._KIND_KEYS

    @staticmethod
    def _is_kind_word(word: str, kind_keys: dict[str, FacilityKind]) -> bool:
        key = skeleton(word)
        return any(stem in kind_keys or (stem + "a") in kind_keys for stem, _e in splits(key))

    def _compile_kinds(self, add) -> None:
        for kind, phrases in lexicon.KIND_WORDS.items():
            for phrase in phrases:
                ws = words(phrase)
                specs = [word_spec(w, "word") for w in ws]
                add(specs[0], Pattern(KIND, kind, tuple(specs[1:]), False))
        for name, (_strong, qwords) in lexicon.QUALIFIERS.items():
            for q in qwords:
                if q.isupper():
                    continue  # abbreviations are looked up verbatim
                add(word_spec(q, "word"), Pattern(QUAL, name, (), False))
        # abbreviations are looked up verbatim (upper case): ИК-9, СИЗО КГБ, ВК-2
        self.abbreviations: dict[str, tuple[Pattern, ...]] = {}
        for abbr, kind in lexicon.KIND_ABBREVIATIONS.items():
            self.abbreviations[abbr] = (Pattern(KIND, kind),)
        for name, (_s, qs) in lexicon.QUALIFIERS.items():
            for q in qs:
                if q.isupper():
                    self.abbreviations[q] = (*self.abbreviations.get(q, ()), Pattern(QUAL, name))


def _with_registry_given_names(
    known: dict[str, frozenset[str]], people: list
) -> dict[str, frozenset[str]]:
    """The first-name lexicon with the registry's own given names added ("Ema Stsepulionak":
    "Эма" is in no lexicon of first names, so "Эма Сцепулёнак" would never be read as a given name
    beside a surname spelt another way). Added after the people are compiled: whether a surname
    alone is also a first name (``needs_given``) is a question of the language, not of the list."""
    extra: dict[str, set[str]] = {}
    for person in people:
        for stem, endings in person.first.items():
            if not endings <= known.get(stem, frozenset()):
                extra.setdefault(stem, set()).update(endings)
    if not extra:
        return known
    merged = dict(known)
    for stem, endings in extra.items():
        merged[stem] = merged.get(stem, frozenset()) | endings
    return merged
