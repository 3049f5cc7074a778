"""Name search for inline mode, /subscribe, /status and ``registry show``: cross-script, as-you-type.

``SearchIndex.build(targets)`` once per registry version; ``index.search(query)`` per keystroke. Pure,
no I/O; the index is immutable after ``build`` and ``search`` keeps its state in locals, so one index
serves any number of threads.

How a query meets a name
    Every name word of a target (first names, surnames, aliases; a facility's towns in every spelling,
    nicknames, short forms, kind words, number) is keyed with ``skeleton`` and ``cyrillic_variants``
    (``feeds.mentions.scripts``), so Бяляцкі, Bialiatski, Białacki and Bjaljacki share one key, and
    then "vowel-folded" (o, e -> a): the Belarusian and Russian forms of one name differ mostly by
    akanye (Калеснікава / Колесникова, Лойка / Лойко, Чапюк / Чепюк), and the fold lets "беляцк" and
    "Kolesnikova" hit the Belarusian form too. A query word then matches a name word

    - exactly (same key),
    - inflected: the query key is a stem of the name word plus an ending that word takes
      (``feeds.mentions.forms``: Бяляцкага, Калеснікавай, Kalesnikowej, калоніі),
    - as a prefix of the key (as-you-type: "bial", "Бяляц"),
    - fuzzily, only when nothing matched otherwise: Levenshtein distance 1 for words of 5+ letters,
      2 for 9+, a swap of two letters counting as one (rapidfuzz OSA): "Bailiatski", "Kolesnikva".

    Every query word must match some word of the target (AND, any order). A prisoner's first name also
    brings its equivalents from ``lexicon.FIRST_NAME_GROUPS`` (Aleś for Aliaksandr, Nasta for
    Anastasija), ranked below the name as written.

Ranking (``Hit.score``; higher is better; the integer part is the tier)
    5 exact full name (a surname-like and a first-name-like word, both exact or inflected, no prefix),
    4 exact surname, 3 surname prefix, 2 first name only, 1 anything fuzzy. Facilities rank alike:
    towns, nicknames and the number count as surnames, kind words (ИК, colony, СИЗО...) as first names,
    so "ИК-9" and "Horki colony" are tier 5, "Горки" tier 4, "колония" tier 2. The fraction orders within
    a tier (exact over inflected over prefix, the longer share of the word typed, the name as written
    over a vowel-folded or equivalent form). Ties: in custody first, then display name, then id.

Decisions
    - A query made only of numbers (and fillers such as "No.") finds nothing: "9" is no name, and
      listing every facility numbered 9 in a name search would only be noise. Numbers match exactly,
      never as prefixes, and only a facility's number.
    - Fillers ("No.", "nr", "in", "в", "penal", ...: ``lexicon.NUMBER_FILLERS`` and ``TOWN_FILLERS``)
      are dropped from a query that has other words.
    - Hostile input: at most ``MAX_QUERY_CHARS`` characters and ``MAX_QUERY_WORDS`` words are read;
      anything that is not a letter or digit (HTML, emoji, NUL) is a separator; words without a key
      (RTL scripts, symbols) are dropped. An empty query finds nothing.
    - A later target with an id already seen replaces the earlier one.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from feeds.mentions import lexicon
from feeds.mentions.forms import (
    ALL_ENDINGS,
    MAX_ENDING,
    first_name_forms,
    fixed_forms,
    surname_forms,
    word_forms,
)
from feeds.mentions.names import split_name, words
from feeds.mentions.scripts import (
    MAX_TOKEN,
    PATRONYMIC,
    cyrillic_variants,
    skeleton,
    vowel_fold,
)
from feeds.registry.models import Facility, FacilityKind, Gender, Prisoner, PrisonerStatus

Target = Prisoner | Facility

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 6
MAX_LIMIT = 200
SUGGEST_LIMIT = 5
SUGGEST_CUTOFF = 0.6

# Roles of a name word. Surname-like ones decide the tier; first-name-like ones only add to it.
SURNAME, PLACE, NUMBER, FIRST, KIND, FIRST_EQ = range(6)
_SURNAME_LIKE = frozenset({SURNAME, PLACE, NUMBER})
_ROLE_POINTS = {SURNAME: 0.2, PLACE: 0.2, NUMBER: 0.2, FIRST: 0.15, KIND: 0.12, FIRST_EQ: 0.05}

# Match qualities.
EXACT, INFLECTED, PREFIX, FUZZY = 4, 3, 2, 1
_QUALITY_POINTS = {EXACT: 0.6, INFLECTED: 0.5, PREFIX: 0.3, FUZZY: 0.2}


_FOLDED_ENDINGS = frozenset(vowel_fold(e) for e in ALL_ENDINGS)


@dataclass(frozen=True, slots=True)
class Hit:
    target: Target
    score: float
    matched: str  # the name form that matched, for display
    # some words of the query named nobody and were left out: a near match, maybe someone else
    partial: bool = False


# -- facility vocabulary (in addition to lexicon.KIND_WORDS and KIND_ABBREVIATIONS) -----------------

_EXTRA_KIND_WORDS: dict[FacilityKind, tuple[str, ...]] = {
    FacilityKind.COLONY: (
        "исправительная колония",
        "папраўчая калонія",
        "penal colony",
        "correctional colony",
        "kolonia karna",
        "zona",
        "зона",
    ),
    FacilityKind.SIZO: (
        "pre-trial detention centre center",
        "следственный изолятор",
        "следчы ізалятар",
        "areszt",
        "isolator",
        "detention",
    ),
    FacilityKind.PRISON: ("крытая", "krytaja", "krytaya", "тюрма", "więzienie"),
    FacilityKind.OPEN_FACILITY: (
        "исправительное учреждение открытого типа",
        "папраўчая ўстанова адкрытага тыпу",
        "open correctional facility",
        "химия",
        "хімія",
        "khimiya",
        "chemia",
    ),
    FacilityKind.DETENTION_CENTRE: (
        "центр изоляции правонарушителей",
        "изолятор временного содержания",
        "isolation",
        "detention",
    ),
}
_JUVENILE_ABBREVIATIONS = frozenset({"ВК", "VK"})
_ADULT_COLONY_ABBREVIATIONS = frozenset({"ИК", "ІК", "ПК", "IK", "PK"})

_LABELS_RU = {
    FacilityKind.COLONY: "ИК-{n}",
    FacilityKind.SIZO: "СИЗО-{n}",
    FacilityKind.PRISON: "Тюрьма №{n}",
    FacilityKind.OPEN_FACILITY: "ИУОТ №{n}",
    FacilityKind.DETENTION_CENTRE: "ЦИП №{n}",
}
_LABELS_EN = {
    FacilityKind.COLONY: "Penal colony No. {n}",
    FacilityKind.SIZO: "SIZO No. {n}",
    FacilityKind.PRISON: "Prison No. {n}",
    FacilityKind.OPEN_FACILITY: "Open facility No. {n}",
    FacilityKind.DETENTION_CENTRE: "Detention centre No. {n}",
}


@lru_cache(maxsize=1)
def _kind_words() -> dict[FacilityKind, tuple[str, ...]]:
    """Kind -> its words. A phrase lends its words to its kind, except those that are a word of
    another kind on their own ("remand prison" makes "remand" a SIZO word, not "prison")."""
    phrases: dict[FacilityKind, list[str]] = defaultdict(list)
    for source in (lexicon.KIND_WORDS, _EXTRA_KIND_WORDS):
        for kind, entries in source.items():
            phrases[kind].extend(entries)
    for abbreviation, kind in lexicon.KIND_ABBREVIATIONS.items():
        phrases[kind].append(abbreviation)
    singles = {
        kind: {skeleton(p) for p in entries if len(words(p)) == 1}
        for kind, entries in phrases.items()
    }
    out: dict[FacilityKind, tuple[str, ...]] = {}
    for kind, entries in phrases.items():
        others = set().union(*(keys for k, keys in singles.items() if k != kind))
        kept = [
            word
            for entry in entries
            for word in words(entry)
            if len(words(entry)) == 1 or skeleton(word) not in others
        ]
        out[kind] = tuple(dict.fromkeys(kept))
    return out


@lru_cache(maxsize=1)
def _all_kind_keys() -> frozenset[str]:
    words_ = {w for ws in _kind_words().values() for w in ws} | _JUVENILE_ABBREVIATIONS
    return frozenset(skeleton(w) for w in words_)


@lru_cache(maxsize=1)
def _stop_keys() -> frozenset[str]:
    return frozenset(skeleton(w) for w in lexicon.NUMBER_FILLERS | lexicon.TOWN_FILLERS) - {""}


@lru_cache(maxsize=1)
def _first_name_groups() -> dict[str, tuple[str, ...]]:
    """skeleton of any first-name form -> every form of its lexicon lines."""
    groups: dict[str, dict[str, None]] = {}
    for line in lexicon.FIRST_NAME_GROUPS.splitlines():
        forms = line.split()
        for form in forms:
            groups.setdefault(skeleton(form), {}).update(dict.fromkeys(forms))
    return {k: tuple(v) for k, v in groups.items()}


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


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str  # skeleton
    key: str  # folded skeleton
    letters: int
    number: bool
    # Prefix keys for a word cut short where the key's context rules would read the rest: a final
    # "i" that a following vowel would swallow ("Michalki" for Michalkieŭski, "Дзі" for Дзіяка), a
    # final в/v/w that the key turns into u at the end ("Ков" for Кавадлевіч, "Bialiev"), a Latin
    # word cut inside a digraph ("Minc" for Minczou).
    alternatives: tuple[tuple[str, bool], ...] = ()  # (folded key, must a vowel follow)


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: _match caches them
class _Match:
    rank: int  # 5 surname-like exact ... 1 fuzzy: what the tier is made of
    points: float
    role: int
    quality: int
    form: int

    @property
    def order(self) -> float:
        return self.rank + self.points  # points < 1


def _rank(role: int, quality: int) -> int:
    if quality == FUZZY:
        return 1
    exact = quality != PREFIX
    if role in _SURNAME_LIKE:
        return 5 if exact else 4
    return 3 if exact else 2


@lru_cache(maxsize=1 << 14)
def _match(role: int, quality: int, form: int, typed: int, length: int, raw_hit: bool) -> _Match:
    points = _QUALITY_POINTS[quality] + _ROLE_POINTS[role] + (0.1 if raw_hit else 0.0)
    if quality == PREFIX:
        points += 0.09 * typed / max(length, typed)
    return _Match(_rank(role, quality), points, role, quality, form)


class SearchIndex:
    """See the module docstring. Build with ``SearchIndex.build``; never mutated afterwards."""

    def __init__(self) -> None:
        self._targets: list[Target] = []
        self._forms: list[list[str]] = []
        self._tiebreak: list[tuple[int, str, str]] = []
        self._by_id: dict[str, int] = {}
        self._keys: list[str] = []  # sorted folded keys, for prefix ranges
        self._postings: dict[str, tuple[tuple[int, int, dict[str, int]], ...]] = {}
        self._stems: dict[str, tuple[tuple[int, int, frozenset[str], int], ...]] = {}
        self._by_length: dict[int, list[str]] = {}
        self._groups: list[tuple[int, ...]] = []  # first-name equivalents: line -> prisoners

    # -- build ------------------------------------------------------------------------------------

    @classmethod
    def build(cls, targets: Iterable[Target]) -> SearchIndex:
        latest: dict[str, Target] = {}
        for target in targets:
            latest.pop(target.id, None)
            latest[target.id] = target
        index = cls()
        postings: dict[str, list[tuple[int, int, dict[str, int]]]] = defaultdict(list)
        stems: dict[str, list[tuple[int, int, frozenset[str], int]]] = defaultdict(list)
        members: dict[tuple[str, ...], list[int]] = {}  # lexicon line -> prisoners with that name
        for number, target in enumerate(latest.values()):
            builder = _Builder()
            if isinstance(target, Prisoner):
                lines: list[tuple[str, ...]] = []
                forms = _prisoner_words(target, builder, lines)
                for line in lines:
                    members.setdefault(line, []).append(number)
                custody = 0 if target.status == PrisonerStatus.IN_CUSTODY else 1
            else:
                forms = _facility_words(target, builder)
                custody = 0
            index._targets.append(target)
            index._forms.append(forms)
            index._tiebreak.append((custody, target.display_name.casefold(), target.id))
            index._by_id[target.id] = number
            for key, (role, raws) in builder.keys.items():
                postings[key].append((number, role, raws))
            for stem, (role, endings, form) in builder.stems.items():
                stems[stem].append((number, role, endings, form))
        # First-name equivalents: one posting per lexicon line, numbered ~g, expanded when matched.
        for group, (line, numbers) in enumerate(members.items()):
            index._groups.append(tuple(numbers))
            keys, group_stems = _equivalent_keys(line)
            for folded, raw in keys:
                postings[folded].append((~group, FIRST_EQ, {raw: -1}))
            for stem, endings in group_stems:
                stems[stem].append((~group, FIRST_EQ, endings, -1))
        index._postings = {k: tuple(v) for k, v in postings.items()}
        index._stems = {k: tuple(v) for k, v in stems.items()}
        index._keys = sorted(index._postings)
        by_length: dict[int, list[str]] = defaultdict(list)
        for key in index._keys:
            if not key.isdigit():
                by_length[len(key)].append(key)
        index._by_length = dict(by_length)
        return index

    def __len__(self) -> int:
        return len(self._targets)

    def get(self, target_id: str) -> Target | None:
        number = self._by_id.get(target_id)
        return None if number is None else self._targets[number]

    # -- search -----------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[Hit]:
        """Ranked hits, best first; ``offset``/``limit`` page through one deterministic order."""
        limit = max(0, min(int(limit), MAX_LIMIT))
        offset = max(0, int(offset))
        if not limit:
            return []
        tokens = _tokens(query)
        if not tokens or all(t.number for t in tokens):
            return []
        partial = False
        per_token = [self._token_matches(t, fuzzy=False) for t in tokens]
        found = _intersect(per_token)
        if not found and any(t.letters >= 5 and not t.number for t in tokens):
            per_token = [self._with_fuzzy(t, m) for t, m in zip(tokens, per_token, strict=True)]
            found = _intersect(per_token)
        if not found and len(tokens) > 1:
            # a patronymic ("Колесникова Мария Александровна") or a one-letter word ("z
            # Bialackim") is left out, one at a time, before anything else
            for drop in (i for i, t in enumerate(tokens) if _droppable(t)):
                rest = [m for i, m in enumerate(per_token) if i != drop]
                found = _intersect(rest)
                if found:
                    per_token = rest
                    break
        if not found and len(tokens) > 1:
            # words that name nobody here ("Street", "Freiheit für", "died in prison") do not
            # empty the answer either: the largest set of words that names someone decides
            per_token, found = _best_subset(tokens, per_token)
            partial = bool(found)
        if not found:
            return []
        tiebreak = self._tiebreak
        scored = [
            (-_score(tuple(m[number] for m in per_token)), tiebreak[number], number)
            for number in found
        ]
        page = heapq.nsmallest(offset + limit, scored)[offset:]
        page = [(s, n, [m[n] for m in per_token]) for s, _, n in page]
        return [
            Hit(self._targets[n], round(-s, 6), self._matched_form(n, ms), partial)
            for s, n, ms in page
        ]

    def suggest(self, query: str, limit: int = SUGGEST_LIMIT) -> list[Hit]:
        """The closest names for a query that ``search`` answers with nothing ("did you mean").

        Each query word is compared with every name key by normalized Levenshtein similarity (prefixes
        of longer keys count too); a target scores the mean of its best similarity per word. Score in
        [0, 1]; nothing under ``SUGGEST_CUTOFF``.
        """
        tokens = [t for t in _tokens(query) if not t.number and t.letters >= 3 and len(t.key) >= 3]
        if not tokens:
            return []
        totals: dict[int, list[float]] = {}
        forms: dict[int, int] = {}
        for position, token in enumerate(tokens):
            best: dict[int, float] = {}
            for choice, similarity, _ in process.extract(
                token.key,
                self._keys,
                scorer=_prefix_similarity,
                limit=200,
                score_cutoff=SUGGEST_CUTOFF,
            ):
                for number, role, raws in self._postings[choice]:
                    score = similarity * (0.95 if role == FIRST_EQ else 1.0)
                    for member in (number,) if number >= 0 else self._groups[~number]:
                        if score > best.get(member, 0.0):
                            best[member] = score
                            if role in _SURNAME_LIKE or member not in forms:
                                forms[member] = next(iter(raws.values()))
            for number, similarity in best.items():
                totals.setdefault(number, [0.0] * len(tokens))[position] = similarity
        ranked = sorted(
            ((sum(s) / len(tokens), n) for n, s in totals.items() if min(s) > 0),
            key=lambda item: (-item[0], self._tiebreak[item[1]]),
        )
        out = []
        for similarity, number in ranked[: max(0, limit)]:
            if similarity < SUGGEST_CUTOFF:
                break
            form_list = self._forms[number]
            form = forms.get(number, 0)
            matched = form_list[form] if 0 <= form < len(form_list) else form_list[0]
            out.append(Hit(self._targets[number], round(similarity, 6), matched))
        return out

    # -- internals --------------------------------------------------------------------------------

    def _token_matches(self, token: _Token, fuzzy: bool) -> dict[int, _Match]:
        best: dict[int, _Match] = {}

        def offer(number: int, match: _Match) -> None:
            if number >= 0:
                old = best.get(number)
                if old is None or match.order > old.order:
                    best[number] = match
                return
            for member in self._groups[~number]:
                old = best.get(member)
                if old is None or match.order > old.order:
                    best[member] = match

        key, raw = token.key, token.raw
        if token.number:
            for number, role, _raws in self._postings.get(key, ()):
                if role == NUMBER:
                    offer(number, _match(role, EXACT, -1, 1, 1, True))
            return best
        start = bisect.bisect_left(self._keys, key)
        end = bisect.bisect_left(self._keys, key + "\x7f", start)
        for found in self._keys[start:end]:
            exact = found == key
            quality = EXACT if exact else PREFIX
            for number, role, raws in self._postings[found]:
                form, raw_hit = _raw_form(raws, raw, exact)
                offer(number, _match(role, quality, form, len(key), len(found), raw_hit))
        for alternative, vowel_next in token.alternatives:
            start = bisect.bisect_left(self._keys, alternative)
            end = bisect.bisect_left(self._keys, alternative + "\x7f", start)
            size = len(alternative)
            for found in self._keys[start:end]:
                if vowel_next and (len(found) == size or found[size] not in "au"):
                    continue
                for number, role, raws in self._postings[found]:
                    form = next(iter(raws.values()))
                    offer(number, _match(role, PREFIX, form, size, len(found), False))
        for cut in range(1, min(MAX_ENDING, len(key) - 2) + 1):
            ending = key[-cut:]
            if ending not in _FOLDED_ENDINGS:
                continue
            for number, role, endings, form in self._stems.get(key[:-cut], ()):
                if ending in endings:
                    offer(number, _match(role, INFLECTED, form, 1, 1, False))
        return best

    def _with_fuzzy(self, token: _Token, matches: dict[int, _Match]) -> dict[int, _Match]:
        if token.number or token.letters < 5:
            return matches
        key = token.key
        limit = _edits(token.letters) if len(key) >= 3 else 0
        if not limit:
            return matches
        best = dict(matches)
        choices = [
            k
            for n in range(len(key) - limit, len(key) + limit + 1)
            for k in self._by_length.get(n, ())
        ]
        for found, distance, _ in process.extract(
            key, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
        ):
            if distance > _edits(len(found) + 1):
                continue
            for number, role, raws in self._postings[found]:
                form = next(iter(raws.values()))
                match = _match(role, FUZZY, form, 1, 1, False)
                match = _Match(1, match.points - 0.05 * distance, role, FUZZY, form)
                for member in (number,) if number >= 0 else self._groups[~number]:
                    if member not in best:
                        best[member] = match
        return best

    def _matched_form(self, number: int, matches: list[_Match]) -> str:
        forms = self._forms[number]
        votes: dict[int, float] = defaultdict(float)
        for match in matches:
            if 0 <= match.form < len(forms):
                weight = 2.0 if match.role in _SURNAME_LIKE else 1.0
                votes[match.form] += weight if match.role != FIRST_EQ else 0.25
        if not votes:
            return forms[0]
        form = max(votes, key=lambda f: (votes[f], -f))
        return forms[form]


def _edits(length: int) -> int:
    """Typos tolerated in a word of ``length`` letters (or key characters)."""
    return 2 if length >= 7 else 1 if length >= 5 else 0


def _raw_form(raws: dict[str, int], raw: str, exact: bool) -> tuple[int, bool]:
    for key, form in raws.items():
        if key == raw if exact else key.startswith(raw):
            return form, True
    return next(iter(raws.values())), False


def _prefix_similarity(query: str, choice: str, **kwargs: object) -> float:
    """Normalized Levenshtein similarity to the whole key or to its start (as-you-type)."""
    whole = Levenshtein.normalized_similarity(query, choice)
    if len(choice) > len(query) + 1:
        whole = max(whole, 0.98 * Levenshtein.normalized_similarity(query, choice[: len(query)]))
    return whole


@lru_cache(maxsize=1 << 15)
def _score(matches: tuple[_Match, ...]) -> float:
    ranks = [m.rank for m in matches]
    if 1 in ranks:
        tier = 1
    elif 5 in ranks and 3 in ranks and 4 not in ranks and 2 not in ranks:
        tier = 5
    elif 5 in ranks:
        tier = 4
    elif 4 in ranks:
        tier = 3
    else:
        tier = 2
    fine = sum(m.points for m in matches) / len(matches)  # < 1.0
    return tier + min(fine, 0.999)


def _best_subset(
    tokens: list[_Token], per_token: list[dict[int, _Match]]
) -> tuple[list[dict[int, _Match]], list[int]]:
    """The matches of the largest set of query words that names someone together (the best
    scoring such set when several of one size do; a number alone names no one), and who. From
    three words on, at least two must agree: one word of a sentence offers strangers."""
    smallest = 2 if len(per_token) >= 3 else 1
    # short words ("to", "in", "на") name nobody here unless they are a whole name ("Ян")
    usable = [
        i
        for i, t in enumerate(tokens)
        if t.letters >= 3
        or t.number
        or len(tokens) <= 2
        or any(m.quality == EXACT for m in per_token[i].values())
    ]
    for size in range(min(len(per_token) - 1, len(usable)), smallest - 1, -1):
        best: tuple[float, list[dict[int, _Match]], list[int]] | None = None
        for combo in combinations(usable, size):
            if all(tokens[i].number for i in combo):
                continue
            sub = [per_token[i] for i in combo]
            found = _intersect(sub)
            if found:
                top = max(_score(tuple(m[n] for m in sub)) for n in found)
                if best is None or top > best[0]:
                    best = (top, sub, found)
        if best is not None:
            return best[1], best[2]
    return per_token, []


def _intersect(per_token: list[dict[int, _Match]]) -> list[int]:
    ordered = sorted(per_token, key=len)
    if not ordered or not ordered[0]:
        return []
    found = set(ordered[0])
    for matches in ordered[1:]:
        found.intersection_update(matches)
        if not found:
            return []
    return list(found)


# A Latin word cut inside a digraph: "Minc" may be Minczou, "Shys" Shyshewski, "Tsik" Tsikhanouski.
_DIGRAPH_STARTS = {"c": "C", "s": "S", "z": "Z", "k": "h", "t": "cC", "r": "Z"}


def _alternatives(word: str, raw: str) -> tuple[tuple[str, bool], ...]:
    out = []
    last = word[-1:].lower()
    if len(raw) >= 3 and raw.endswith("i"):
        out.append((vowel_fold(raw[:-1]), True))
    if len(raw) >= 2 and raw.endswith("u") and last in "вvw":
        out.append((vowel_fold(raw[:-1] + "v"), False))
    if len(raw) >= 2 and last in _DIGRAPH_STARTS and word.isascii():
        out += [(vowel_fold(raw[:-1] + cls), False) for cls in _DIGRAPH_STARTS[last]]
    return tuple(out)


# Letters and digits apart, so "IK9" and "ИК-9" both read as a kind word and a number (the
# engine's text tokenizer keeps \w runs whole, which suits prose, not typed queries).
QUERY_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*|\d+")


def _droppable(token: _Token) -> bool:
    """A query word that may be left out: one letter (a preposition) or a patronymic's ending."""
    return not token.number and (
        token.letters <= 1 or (token.letters >= 6 and PATRONYMIC.search(token.raw) is not None)
    )


def _tokens(query: str) -> list[_Token]:
    """At most MAX_QUERY_WORDS keyed words of the first MAX_QUERY_CHARS characters; fillers dropped
    when something else is left."""
    if not isinstance(query, str):
        return []
    out: list[_Token] = []
    for word in QUERY_TOKEN_RE.findall(query[:MAX_QUERY_CHARS]):
        word = word[:MAX_TOKEN]
        if word.isdigit():
            number = str(int(word[:9]))
            out.append(_Token(number, number, len(number), True))
        else:
            raw = skeleton(word)
            if raw:
                letters = sum(1 for c in word if c.isalpha())
                out.append(_Token(raw, vowel_fold(raw), letters, False, _alternatives(word, raw)))
        if len(out) >= MAX_QUERY_WORDS:
            break
    stops = _stop_keys()
    kept = [t for t in out if t.number or t.raw not in stops]
    return kept if any(not t.number for t in kept) else (kept or out)
