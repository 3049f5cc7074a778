"""The compiled registry and the scan.

Compile (once per registry version): every name word, town form, nickname and kind word becomes
skeleton stems with the endings they take (``forms``), in one dict ``stem -> [(endings, pattern)]``.
Scan (per document): tokenize, key each token (cached), cut 0..4 characters of ending and look the
rest up: O(tokens), whatever the registry size. Hits are candidates; ``_resolve_names`` and
``_resolve_facilities`` turn them into mentions with the evidence rules of the issue, and only then
are sentences split and events read, around the mentions.

The ``Engine`` is immutable after ``compile_registry``; ``scan`` keeps its state in locals, so one
engine serves any number of threads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import itemgetter
from typing import NamedTuple

from feeds.mentions import lexicon
from feeds.mentions.events import sentence_events
from feeds.mentions.forms import (
    Form,
    first_name_forms,
    fixed_forms,
    matches,
    splits,
    surname_forms,
    word_forms,
)
from feeds.mentions.models import EventType, Mention, ScanResult
from feeds.mentions.scripts import (
    MAX_TOKEN,
    PATRONYMIC,
    TOKEN_RE,
    alternatives,
    cyrillic_variants,
    fold,
    skeleton,
)
from feeds.mentions.text import Sentences, summarize
from feeds.registry.models import Facility, FacilityKind, Gender, Prisoner

# Pattern kinds
SURNAME, KIND, QUAL, TOWN, NICK = "S", "K", "Q", "T", "N"
FUZZY = "F"  # a surname matched on its consonants only: needs the person's first name right before

_PARENS = re.compile(r"\([^)]*\)")
_WORDS = re.compile(r"[^\W\d_][^\W\d_'’ʼ.]*(?:['’ʼ][^\W\d_]+)*|\d+")
_PREPOSITIONS = frozenset(
    {"в", "у", "ў", "w", "u", "in", "на", "na", "at", "ля", "каля", "под", "пад", "pod", "near"}
)
_VOWELS = re.compile(r"[aeiou]")
_DOUBLE_LETTER = re.compile(r"(.)\1+")
_CLAUSE = re.compile(r"[,;:()\n.!?]")
_SEPARATOR = re.compile(r"[\s\-‐‑–]{1,3}")


@dataclass(frozen=True, slots=True, eq=False)
class Pattern:
    kind: str
    ref: object  # prisoner index, FacilityKind, qualifier name, facility index (TOWN: a tuple)
    rest: tuple[dict[str, frozenset[str]], ...] = ()  # forms of the words after the first
    needs_cap: bool = False
    risky: bool = False  # a common word or common surname (Знак, Колесникова): needs more evidence


@dataclass(frozen=True, slots=True)
class _Person:
    target: Prisoner
    first: dict[str, frozenset[str]]  # stem -> endings of every first-name form
    first_keys: frozenset[str]  # for initials


@dataclass(frozen=True, slots=True)
class _Place:
    target: Facility
    qualifiers: frozenset[str]
    adjective_keys: frozenset[str]  # vowel-less adjective stems: Горецкая ~ Горацкай ~ Horecka
    town_consonants: frozenset[str]  # vowel-less town stems: Глыбокае ~ Głębokiem


class _TokenInfo(NamedTuple):
    """What one raw token can start, memoised per distinct token (``Engine._token_info``)."""

    key: str  # skeleton ("" for an over-long token)
    pids: tuple[int, ...]  # patterns whose first word takes the key (and the token's case)
    strong: bool  # one of them names a person, a kind or a nickname (towns alone name nothing)
    phrases: tuple  # the rest of such patterns that go on with more words ("detention" + "centre")
    fuzzy: bool  # capitalised, no pattern, but a vowel-less surname stem: "Aleksandrau" (_fuzzy)
    first: bool  # capitalised first name of the lexicon (what _fuzzy wants before a surname)
    continues: bool  # may be the second word of a phrase (a stem of some phrase's second word)
    abbreviations: tuple[Pattern, ...]  # ИК, СИЗО, КГБ... (looked up verbatim)


# A token's interest for the first look at a document (``Engine._worth_resolving``): the max over
# the tokens says whether to go on.
_BORING, _SPECIAL, _STRONG, _NEW = 0, 1, 2, 3


def _interest(info: _TokenInfo) -> int:
    if info.strong:
        return _STRONG
    return _SPECIAL if info.phrases or info.fuzzy else _BORING


_PIDS = itemgetter(1)
_FUZZY_FLAG = itemgetter(4)
_ABBREVIATIONS = itemgetter(7)


@dataclass(frozen=True, slots=True)
class _Hit:
    pattern: Pattern
    first: int  # token indices, inclusive
    last: int


# TOKEN_RE as one group: ``split`` gives the tokens and the gaps between them in one C pass, and the
# spans follow from the lengths (``_spans``), cheaper than a match object per token. Possessive
# quantifiers: TOKEN_RE never backtracks once a \w matched (the tail may be empty), so the tokens
# are the same, found 10% faster.
_TOKEN_SPLIT = re.compile(r"(\w++(?:['’ʼ]\w++)*+)")
assert TOKEN_RE.pattern == r"\w+(?:['’ʼ]\w+)*", "keep _TOKEN_SPLIT in step with TOKEN_RE"


def _spans(parts: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every token from ``_TOKEN_SPLIT.split``'s gap/token list."""
    ends = list(accumulate(map(len, parts)))
    return list(zip(ends[0::2], ends[1::2], strict=False))  # the last gap has no token


def _spec_key(spec: dict[str, frozenset[str]]) -> tuple:
    """A hashable, order-free form of a spec (stem -> endings), to tell equal spellings apart."""
    return tuple(sorted((stem, tuple(sorted(endings))) for stem, endings in spec.items()))


def document_text(text: str, title: str | None = None) -> str:
    """The string ``Engine.scan`` indexes: the title, a blank line, then the text."""
    return f"{title}\n\n{text}" if title else text


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


def _first_name_groups() -> dict[str, frozenset[str]]:
    """skeleton of any first-name form -> all forms (as raw strings) of its lines."""
    if not _GROUPS:
        for line in lexicon.FIRST_NAME_GROUPS.splitlines():
            forms = line.split()
            for form in forms:
                key = skeleton(form)
                _GROUPS[key] = _GROUPS.get(key, frozenset()) | frozenset(forms)
    return _GROUPS


def _first_name_lexicon() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in lexicon.FIRST_NAME_GROUPS.splitlines():
        for form in line.split():
            for key in cyrillic_variants(form):
                for stem, endings in first_name_forms(key):
                    out.setdefault(stem, set()).update(endings)
    return {k: frozenset(v) for k, v in out.items()}


def _add_forms(target: dict[str, set[str]], forms: Iterable[Form]) -> None:
    for stem, endings in forms:
        target.setdefault(stem, set()).update(endings)


def _freeze(forms: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in forms.items()}


@lru_cache(maxsize=1 << 16)
def _first_name_spec(word: str) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Forms of a first name and all its equivalents (Алесь -> Aleś, Ales...): (stem -> endings,
    keys for initials). Cached: thousands of prisoners share a few hundred first names."""
    groups = _first_name_groups()
    spec: dict[str, set[str]] = {}
    keys: set[str] = set()
    for form in set(groups.get(skeleton(word), frozenset())) | {word}:
        for key in cyrillic_variants(form):
            keys.add(key)
            _add_forms(spec, first_name_forms(key))
    return _freeze(spec), frozenset(keys)


@lru_cache(maxsize=1 << 16)
def _word_spec(word: str, kind: str, female: bool | None = None) -> dict[str, frozenset[str]]:
    spec: dict[str, set[str]] = {}
    for key in cyrillic_variants(word):
        if kind == "surname":
            _add_forms(spec, surname_forms(key, female))
        elif kind == "fixed":
            _add_forms(spec, fixed_forms(key))
        else:
            _add_forms(spec, word_forms(key))
    return _freeze(spec)


def name_keys(target: Prisoner | Facility) -> set[str]:
    """Skeleton keys of every name word of a target (surnames, first names and their equivalents,
    towns, nicknames). For search-as-you-type: a query word fits a target when ``skeleton(word)``
    is a prefix of one of its keys, so "bial", "Бяляц", "беляцк", "Białacki" and "Bialiatski" all
    find Алесь Бяляцкі."""
    keys: set[str] = set()
    if isinstance(target, Prisoner):
        groups = _first_name_groups()
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


_LOOKUP_CACHE = 200_000


class _SentenceOf:
    """Token index -> sentence index, computed only for the tokens that are asked about."""

    __slots__ = ("_memo", "_sentences", "_spans")

    def __init__(self, sentences: Sentences, spans: list[tuple[int, int]]) -> None:
        self._sentences = sentences
        self._spans = spans
        self._memo: dict[int, int] = {}

    def __getitem__(self, token: int) -> int:
        memo = self._memo.get(token)
        if memo is None:
            memo = self._memo[token] = self._sentences.index(self._spans[token][0])
        return memo


class Engine:
    """A compiled registry. Build with ``compile_registry``; ``scan`` is thread-safe."""

    def __init__(self, targets: Iterable[Prisoner | Facility]) -> None:
        self.people: list[_Person] = []
        self.places: list[_Place] = []
        self.patterns: list[Pattern] = []
        index: dict[str, dict[int, frozenset[str]]] = {}
        self._first_lexicon = _first_name_lexicon()
        self.devowel_index: dict[str, set[int]] = {}
        # people whose surname alone names nobody: two letters ("Us") or a first name ("Juryi
        # Sjarhei": every "Сяргей" would be him); only their given name and surname together count
        self.needs_given: set[int] = set()
        groups = _first_name_groups()
        risky = {skeleton(w) for w in lexicon.RISKY_SURNAMES}

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
                self._compile_person(target, groups, risky, add)
            else:
                self._compile_place(target, add)
        self._compile_kinds(add)
        self._freeze_towns()
        self.index: dict[str, tuple[tuple[frozenset[str], int], ...]] = {
            stem: tuple((e, pid) for pid, e in entries.items()) for stem, entries in index.items()
        }
        self.person_ids = frozenset(p.target.id for p in self.people)
        # key -> pattern ids. A memo, not state: entries are immutable tuples and a dict get/set is
        # atomic under the GIL, so threads at worst compute an entry twice.
        self._lookups: dict[str, tuple[int, ...]] = {}
        # raw token -> _TokenInfo, the same kind of memo one step earlier: most tokens of a document
        # were seen before, and one dict get is cheaper than ``skeleton`` plus the key look-up
        self._tokens: dict[str, _TokenInfo] = {}
        self._interest: dict[str, int] = {}  # raw token -> _interest(its info), for the first look
        self._fit_memo: dict[tuple[str, int], bool] = {}  # see _fits
        self._stem_memo: dict[str, frozenset[str]] = {}  # see _stems
        # stems of the second word of every naming phrase ("centre", "Haft"): a cheap "no" first
        self._phrase_heads = frozenset(
            stem
            for p in self.patterns
            if p.rest and p.kind not in (TOWN, QUAL)
            for stem in p.rest[0]
        )
        self._fuzzy_patterns = [Pattern(FUZZY, i, (), True) for i in range(len(self.people))]
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

    def _compile_person(self, target: Prisoner, groups, risky, add) -> None:
        female = {Gender.FEMALE: True, Gender.MALE: False}.get(target.gender)
        surnames: list[list[str]] = []
        specs_of_first: dict[int, tuple[dict[str, frozenset[str]], frozenset[str]]] = {}
        for name in target.names():
            given, last = split_name(name)
            if last and last not in surnames:
                surnames.append(last)
            for word in given[:1]:
                spec = _first_name_spec(word)
                specs_of_first[id(spec)] = spec
        if len(specs_of_first) == 1:
            first, first_keys = next(iter(specs_of_first.values()))
        else:
            merged: dict[str, set[str]] = {}
            keys: set[str] = set()
            for spec, spec_keys in specs_of_first.values():
                _add_forms(merged, spec.items())
                keys |= spec_keys
            first, first_keys = _freeze(merged), frozenset(keys)
        index = len(self.people)
        for last in surnames:
            specs = [_word_spec(w, "surname", female) for w in last]
            # alone, a surname that is a common word, two letters ("Us") or a first name ("Juryi
            # Sjarhei": every "Сяргей" would be him) needs more than a sentence about prison
            key = skeleton(last[0]) if len(last) == 1 else ""
            if len(last) == 1 and (len(key) <= 2 or matches(key, self._first_lexicon)):
                self.needs_given.add(len(self.people))  # alone it is never this person
            is_risky = len(last) == 1 and bool(cyrillic_variants(last[0]) & risky)
            add(specs[0], Pattern(SURNAME, index, tuple(specs[1:]), True, is_risky))
            if len(last) == 1:
                latin_only = not (target.name_be or target.name_ru)
                for stem in specs[0]:
                    if len(stem) >= 4:
                        self.devowel_index.setdefault(devowel(stem), set()).add(index)
                    # a name the registry has only in Latin letters, as the Russian press writes
                    # it (Dziadok -> Дедок, Tsikhanouski -> Тихановский); generated forms only
                    # ever match after the person's own first name (the fuzzy path)
                    for form in _russian_forms(stem) if latin_only else ():
                        if len(form) >= 4:
                            self.devowel_index.setdefault(devowel(form), set()).add(index)
        self.people.append(_Person(target, first, first_keys))

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
                specs = [_word_spec(w, "word") for w in ws]
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
                spec = _word_spec(w, "word")
                add(spec, Pattern(TOWN, [index], (), False))
                adjective_keys.update(devowel(stem) for stem in spec)
        self.places.append(
            _Place(
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
                add(_word_spec(ws[0], "word"), Pattern(NICK, index, (), True, True))
                continue
            specs = [_word_spec(w, "word") for w in ws]
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
                specs = [_word_spec(w, "word") for w in ws]
                add(specs[0], Pattern(KIND, kind, tuple(specs[1:]), False))
        for name, (_strong, qwords) in lexicon.QUALIFIERS.items():
            for q in qwords:
                if q.isupper():
                    continue  # abbreviations are looked up verbatim
                add(_word_spec(q, "word"), Pattern(QUAL, name, (), False))
        # abbreviations are looked up verbatim (upper case): ИК-9, СИЗО КГБ, ВК-2
        self.abbreviations: dict[str, tuple[Pattern, ...]] = {}
        for abbr, kind in lexicon.KIND_ABBREVIATIONS.items():
            self.abbreviations[abbr] = (Pattern(KIND, kind),)
        for name, (_s, qs) in lexicon.QUALIFIERS.items():
            for q in qs:
                if q.isupper():
                    self.abbreviations[q] = (*self.abbreviations.get(q, ()), Pattern(QUAL, name))

    # -- scan ------------------------------------------------------------------------------------

    def scan(self, text: str, title: str | None = None, lang: str | None = None) -> ScanResult:
        """Find the registry's targets in one document. Offsets index ``document_text(text, title)``."""
        doc = document_text(text or "", title)
        parts = _TOKEN_SPLIT.split(doc)  # gap, token, gap, token, ..., gap
        toks = parts[1::2]
        if not toks:
            return ScanResult()
        if not self._worth_resolving(toks):
            return ScanResult()  # towns and qualifiers alone name nothing: skip spans and sentences
        infos = self._token_infos(toks)
        spans = _spans(parts)
        keys = [info.key for info in infos]
        hits = self._hits(doc, toks, keys, spans, infos)
        if not hits:
            return ScanResult()
        sentences = Sentences(doc)
        sent_of = _SentenceOf(sentences, spans)
        people, ambiguous = self._resolve_names(doc, toks, keys, spans, hits, sentences, sent_of)
        places = self._resolve_facilities(doc, toks, keys, spans, hits, sentences, sent_of)
        if not (people or ambiguous or places):
            return ScanResult()
        return self._result(doc, spans, sentences, sent_of, people, ambiguous, places)

    def _token_infos(self, toks: list[str]) -> list[_TokenInfo]:
        """What every token can start, from the per-token memo (one dict get per token)."""
        infos = list(map(self._tokens.get, toks))
        if None in infos:  # another thread cleared the memo since _worth_resolving filled it
            infos = [info or self._remember(tok) for tok, info in zip(toks, infos, strict=True)]
        return infos

    def _remember(self, tok: str) -> _TokenInfo:
        """A token's info, computed and memoised (with its interest) if new."""
        info = self._tokens.get(tok)
        if info is None:
            if len(self._tokens) > _LOOKUP_CACHE:
                self._tokens.clear()
                self._interest.clear()
            info = self._tokens[tok] = self._token_info(tok)
            self._interest[tok] = _interest(info)
        return info

    def _token_info(self, tok: str) -> _TokenInfo:
        """Everything about one raw token that does not depend on its neighbours."""
        key = skeleton(tok) if len(tok) <= MAX_TOKEN else ""
        found = self._lookups.get(key)
        if found is None:
            found = () if not key or key.isdigit() else self._lookup(key)
            if len(self._lookups) > _LOOKUP_CACHE:
                self._lookups.clear()
            self._lookups[key] = found
        cap = tok[:1].isupper()
        patterns = self.patterns
        pids = found if cap else tuple(p for p in found if not patterns[p].needs_cap)
        abbreviations = self.abbreviations.get(tok, ())
        compound = _compound_kind(tok) if not found else None
        if compound is not None:  # a compound is a kind word, like an abbreviation
            abbreviations = (*abbreviations, Pattern(KIND, compound))
        naming = [patterns[p] for p in pids if patterns[p].kind not in (TOWN, QUAL)]
        strong = any(not p.rest for p in naming) or any(p.kind == KIND for p in abbreviations)
        phrases = tuple(p.rest for p in naming if p.rest)
        fuzzy = (
            cap
            and not found
            and len(key) >= 5
            and any(devowel(stem) in self.devowel_index for stem, _e in splits(key))
        )
        first = cap and matches(key, self._first_lexicon)
        continues = any(stem in self._phrase_heads for stem, _e in splits(key))
        return _TokenInfo(key, pids, strong, phrases, fuzzy, first, continues, abbreviations)

    def _worth_resolving(self, toks: list[str]) -> bool:
        """Whether the tokens can make any mention: a person, kind or nickname pattern (a phrase
        only when the next words fit too), or a fuzzy surname right after a first name.
        Conservative: the separators between words are not looked at. Most news items have none
        and stop here, after one C-speed pass over the tokens' memoised interest."""
        interest = list(map(self._interest.get, toks, repeat(_NEW)))
        top = max(interest)
        if top == _NEW:  # new words: learn them
            for i in compress(range(len(toks)), map(_NEW.__eq__, interest)):
                interest[i] = _interest(self._remember(toks[i]))
            top = max(interest)
        if top <= _BORING:
            return False
        if top >= _STRONG:
            return True
        n = len(toks)
        for i in compress(range(n), interest):
            info = self._remember(toks[i])
            if info.fuzzy and i and self._remember(toks[i - 1]).first:
                return True
            if not info.phrases or i + 1 == n or not self._remember(toks[i + 1]).continues:
                continue
            for rest in info.phrases:
                if i + len(rest) < n and all(
                    self._fits(self._remember(toks[i + k]).key, spec)
                    for k, spec in enumerate(rest, 1)
                ):
                    return True
        return False

    def _fits(self, key: str, spec: dict[str, frozenset[str]]) -> bool:
        """``matches(key, spec)``, memoised: "ў" starts the phrase "U Haft", so a Belarusian text
        asks it for every word after every "ў". Specs live as long as the engine, so their id is
        a safe key."""
        memo_key = (key, id(spec))
        fit = self._fit_memo.get(memo_key)
        if fit is None:
            if len(self._fit_memo) > _LOOKUP_CACHE:
                self._fit_memo.clear()
            fit = self._fit_memo[memo_key] = matches(key, spec)
        return fit

    def _hits(self, doc, toks, keys, spans, infos) -> list[_Hit]:
        patterns = self.patterns
        hits: list[_Hit] = []
        n = len(toks)
        for i in compress(range(n), map(_ABBREVIATIONS, infos)):
            hits.extend(_Hit(pattern, i, i) for pattern in infos[i].abbreviations)
        for i in compress(range(n), map(_PIDS, infos)):
            for pid in infos[i].pids:
                pattern = patterns[pid]
                j = i
                ok = True
                for spec in pattern.rest:
                    j += 1
                    if (
                        j >= n
                        or not self._fits(keys[j], spec)  # memoised, and rarely true: first
                        or not _SEPARATOR.fullmatch(doc[spans[j - 1][1] : spans[j][0]])
                    ):
                        ok = False
                        break
                if ok:
                    hits.append(_Hit(pattern, i, j))
        for i in compress(range(n), map(_FUZZY_FLAG, infos)):
            if i and infos[i - 1].first:
                hits.extend(self._fuzzy(doc, toks, keys, spans, i))
        return hits

    def _lookup(self, key: str) -> tuple[int, ...]:
        """Pattern ids whose first word takes this key (stem + allowed ending)."""
        found: set[int] = set()
        index = self.index
        for stem, ending in splits(key):
            entries = index.get(stem)
            if entries:
                for endings, pid in entries:
                    if ending in endings:
                        found.add(pid)
        return tuple(found)

    # -- names -----------------------------------------------------------------------------------

    def _adjacent(self, doc, spans, i: int, j: int) -> bool:
        """Tokens i < j touch: only spaces (no punctuation, no line break) between."""
        gap = doc[spans[i][1] : spans[j][0]]
        return 0 < len(gap) <= 3 and gap.isspace() and "\n" not in gap

    def _initial(self, doc, toks, spans, i: int) -> str | None:
        tok = toks[i]
        if len(tok) <= 2 and tok[:1].isupper() and doc[spans[i][1] : spans[i][1] + 1] == ".":
            return skeleton(tok)
        return None

    def _resolve_names(self, doc, toks, keys, spans, hits, sentences, sent_of):
        by_span: dict[tuple[int, int], set[int]] = {}
        safe_spans: set[tuple[int, int]] = set()  # matched by at least one non-risky spelling
        for hit in hits:
            if hit.pattern.kind in (SURNAME, FUZZY):
                by_span.setdefault((hit.first, hit.last), set()).add(hit.pattern.ref)
                if not hit.pattern.risky:
                    safe_spans.add((hit.first, hit.last))
        fuzzy_spans = {(h.first, h.last) for h in hits if h.pattern.kind == FUZZY}
        surname_tokens = {
            i for h in hits if h.pattern.kind == SURNAME for i in range(h.first, h.last + 1)
        }
        # (first tok, last tok, people, risky)
        confirmed: list[tuple[int, int, tuple[int, ...], bool]] = []
        pending: list[tuple[int, int, frozenset[int], bool]] = []
        rivals: set[int] = set()
        n = len(toks)
        spans_sorted = sorted(by_span, key=lambda s: (s[0], -(s[1] - s[0])))
        covered_until = -1
        for first, last in spans_sorted:
            if first <= covered_until:
                continue  # a longer surname hit (Шарэнда-Панасюк) hides shorter ones inside it
            covered_until = last
            cands = by_span[(first, last)]
            risky = (first, last) not in safe_spans
            start_tok, end_tok = first, last
            chosen: set[int] = set()
            rejected = False
            # a first name (or initial) right before: "Алесь Бяляцкі", "А. Бяляцкі"
            p = first - 1
            if p >= 0:
                initial = self._initial(doc, toks, spans, p)
                if initial is not None and doc[spans[p][1] : spans[first][0]].strip() == ".":
                    chosen = {c for c in cands if self._initial_fits(c, initial)}
                    rejected = not chosen
                    if chosen:
                        start_tok = p
                elif self._adjacent(doc, spans, p, first) and toks[p][:1].isupper():
                    chosen = {c for c in cands if matches(keys[p], self.people[c].first)}
                    if chosen:
                        start_tok = p
                    elif (
                        p > 0
                        and PATRONYMIC.search(keys[p])
                        and self._adjacent(doc, spans, p - 1, p)
                        and toks[p - 1][:1].isupper()
                    ):
                        # "Алесь Віктаравіч Бяляцкі": the given name before the patronymic
                        chosen = {c for c in cands if matches(keys[p - 1], self.people[c].first)}
                        if chosen:
                            start_tok = p - 1
                    elif matches(keys[p], self._first_lexicon) and p not in surname_tokens:
                        rejected = True
            # surname first: "Бабарико Виктор", "Бяляцкі Алесь"
            q = last + 1
            if (
                not chosen
                and not rejected
                and q < n
                and self._adjacent(doc, spans, last, q)
                and toks[q][:1].isupper()
            ):
                chosen = {c for c in cands if matches(keys[q], self.people[c].first)}
                if chosen:
                    end_tok = q
            # court style: "Колесниковой М. А.", "Знака М. В."
            if not chosen and not rejected and q < n:
                initial = self._initial(doc, toks, spans, q)
                if initial is not None and not doc[spans[last][1] : spans[q][0]].strip():
                    chosen = {c for c in cands if self._initial_fits(c, initial)}
                    if chosen:
                        end_tok = q
            if rejected:
                rivals |= cands
                continue
            if chosen:
                confirmed.append((start_tok, end_tok, tuple(sorted(chosen)), risky))
            elif (first, last) not in fuzzy_spans:
                pending.append((first, last, frozenset(cands), risky))
        # a common-word or common surname needs prisoner context somewhere in the document, even
        # with the right first name (Grandmaster Andrei Aleksandrov, singer Katerina Andreyeva)
        if any(c[3] for c in confirmed) and not any(
            _says(sentences, _CONTEXT, i) for i in range(len(sentences))
        ):
            confirmed = [c for c in confirmed if not c[3]]
        full: dict[int, list[int]] = {}
        for first, _last, people, _r in confirmed:
            if len(people) == 1:
                full.setdefault(people[0], []).append(first)
        out = [c[:3] for c in confirmed if len(c[2]) == 1]
        ambiguous = [c[:3] for c in confirmed if len(c[2]) > 1]
        for first, last, cands, risky in pending:
            known = [c for c in cands if c in full]
            cands = cands - self.needs_given
            if not cands and not known:
                continue
            if known:
                best = min(
                    known,
                    key=lambda c: min(
                        (first - f if f <= first else 10_000 + f - first) for f in full[c]
                    ),
                )
                out.append((first, last, (best,)))
                continue
            if cands <= rivals:
                continue
            if risky and not self._titled(doc, toks, spans, first):
                continue
            if not self._context(sentences, sent_of[first]):
                continue
            group = tuple(sorted(cands))
            (out if len(group) == 1 else ambiguous).append((first, last, group))
        return out, ambiguous

    def _fuzzy(self, doc, toks, keys, spans, i: int) -> list[_Hit]:
        """First name + a surname spelt with the other language's vowels ("Andrej Aleksandrau",
        "Maryja Kalesnikova"): the consonants of the surname must agree, the first name exactly."""
        if not self._adjacent(doc, spans, i - 1, i) or not matches(
            keys[i - 1], self._first_lexicon
        ):
            return []
        people: set[int] = set()
        for stem, _ending in splits(keys[i]):
            people |= self.devowel_index.get(devowel(stem), set())
        return [
            _Hit(self._fuzzy_patterns[p], i, i)
            for p in people
            if matches(keys[i - 1], self.people[p].first)
        ]

    def _titled(self, doc, toks, spans, first: int) -> bool:
        """ "political prisoner Znak", "палітвязень Знак": a title right before the surname."""
        start = spans[max(0, first - 3)][0]
        return bool(_TITLE.search(fold(doc[start : spans[first][0]])))

    def _initial_fits(self, person: int, initial: str) -> bool:
        return any(k.startswith(initial) for k in self.people[person].first_keys)

    def _context(self, sentences: Sentences, index: int, reach: int = 1) -> bool:
        lo, hi = max(0, index - reach), min(len(sentences), index + reach + 1)
        return any(_says(sentences, _CONTEXT, i) for i in range(lo, hi))

    # -- facilities ------------------------------------------------------------------------------

    def _resolve_facilities(self, doc, toks, keys, spans, hits, sentences, sent_of):
        out: list[tuple[int, int, int]] = []  # (first tok, last tok, place)
        town_hits: list[_Hit] = []
        quals: list[tuple[int, str]] = []
        kinds: list[tuple[int, int, FacilityKind]] = []
        for hit in hits:
            kind = hit.pattern.kind
            if kind == NICK:
                # Американка / Akrestsina Street / Віцьба the river: a nickname needs prison context
                if self._context(sentences, sent_of[hit.first], 0 if hit.pattern.risky else 1):
                    out.append((hit.first, hit.last, hit.pattern.ref))
            elif kind == TOWN:
                town_hits.append(hit)
            elif kind == QUAL:
                quals.append((hit.first, hit.pattern.ref))
            elif kind == KIND:
                kinds.append((hit.first, hit.last, hit.pattern.ref))
        if not kinds:
            return self._dedupe(out)  # a town is only ever read next to a kind word
        towns: dict[int, list[tuple[int, int, int]]] = {}  # sentence -> (first, last, place)
        for hit in town_hits:
            here = towns.setdefault(sent_of[hit.first], [])
            here.extend((hit.first, hit.last, place) for place in hit.pattern.ref)
        kinds = [self._modified(hit, toks) for hit in _compound_kinds(sorted(kinds))]
        foreign: set[tuple[FacilityKind, int]] = set()  # numbers this document placed abroad
        used_until = -1
        for first, last, kind in kinds:
            if first <= used_until:
                continue
            sent = sent_of[first]
            number, num_tok = self._number_after(toks, keys, spans, doc, last)
            qual_here = (
                {q for qi, q in quals if abs(qi - first) <= 3 and sent_of[qi] == sent}
                if quals
                else set()
            )
            near_towns = self._near_towns(
                doc, toks, keys, spans, towns.get(sent, ()), kind, first, num_tok or last
            )
            if not near_towns and number is None:
                # "the Grodno remand prison" is Hrodna's prison, which holds its remand prisoners
                for other in lexicon.KIND_FAMILIES.get(kind, ()):
                    near_towns = self._near_towns(
                        doc, toks, keys, spans, towns.get(sent, ()), other, first, last
                    )
                    if near_towns:
                        break
            cands: list[int] = []
            if number is not None and (kind, number) not in self.by_kind_number:
                family = self._same_number_elsewhere(
                    doc, toks, keys, spans, towns.get(sent, ()), kind, number, first, num_tok
                )
                if family is not None:
                    # the number of a place of another name in the town named: that place, or
                    # (another town, or none) a place that is not ours
                    if len(family) != 1:
                        continue
                    near_towns, number, cands = [], None, family
                elif not near_towns or kind is FacilityKind.DETENTION_CENTRE:
                    # a number we do not track (or a date: "kałoniji 21 maja"): the town may still
                    # say, except for a detention centre, which has no number here
                    continue
                else:
                    number = None
            if number is not None:
                cands = list(self.by_kind_number.get((kind, number), ()))
                by_town = [c for c in cands if any(t[2] == c for t in near_towns)]
                if by_town:
                    cands = by_town
                elif (
                    (kind, number) in foreign
                    or any(
                        _says(sentences, _RUSSIA, i)
                        for i in range(max(0, sent - 1), min(len(sentences), sent + 2))
                    )
                    or self._foreign_place_after(doc, toks, keys, spans, num_tok, cands)
                ):
                    foreign.add((kind, number))  # "ИК-9" later in the story is the same one
                    continue
            elif not near_towns and cands:
                pass  # found by the same number under another name
            else:
                cands = sorted({t[2] for t in near_towns})
                if not cands:  # places of this kind named by a strong qualifier here
                    by_kind = self.by_kind_strong
                    cands = sorted({i for q in qual_here for i in by_kind.get((kind, q), ())})
            cands = self._by_qualifier(cands, qual_here) if cands else cands
            if len(cands) != 1:
                continue
            place = cands[0]
            end_tok = max(last, num_tok or last)
            start_tok = first
            for t in near_towns:
                if t[2] == place:
                    start_tok, end_tok = min(start_tok, t[0]), max(end_tok, t[1])
            used_until = end_tok
            out.append((start_tok, end_tok, place))
        return self._dedupe(out)

    def _near_towns(self, doc, toks, keys, spans, towns, kind, first: int, last: int):
        """Town forms that qualify the kind word: right before it ("Горецкая колония", "the Horki
        colony", "шкловской исправительной колонии"), or after it and its number with only
        prepositions between ("колония №9 в Горках", "penal colony No. 9 in Horki")."""
        towns = [t for t in towns if self.places[t[2]].target.kind == kind] if towns else []
        before: list[tuple[int, int, int]] = []
        pos = first - 1
        for _step in range(3):
            if pos < 0 or _CLAUSE.search(doc[spans[pos][1] : spans[pos + 1][0]]):
                break
            before = [t for t in towns if t[1] == pos]
            if before or not lexicon.is_town_filler(fold(toks[pos])):
                break
            pos -= 1
        if before:
            return before
        if pos >= 0 and pos < first and not toks[pos][:1].isdigit():
            # a town adjective the registry does not spell out: Горацкай / Гарадзенскай / Škłoŭskaj
            stems = self._stems(keys[pos])
            by_stem = self.by_kind_adjective
            places = sorted({i for stem in stems for i in by_stem.get((kind, stem), ())})
            if places:
                return [(pos, pos, i) for i in places]
        if not towns:  # nothing after the kind word can name a town of this kind
            return []
        pos = last + 1
        for _step in range(5):  # "kolonia karna dla kobiet w Homlu"
            if pos >= len(toks) or _CLAUSE.search(doc[spans[pos - 1][1] : spans[pos][0]]):
                break
            after = [t for t in towns if t[0] == pos]
            if after:
                return after
            if not lexicon.is_town_filler(fold(toks[pos])):
                break
            pos += 1
        return []

    @staticmethod
    def _modified(
        hit: tuple[int, int, FacilityKind], toks: list[str]
    ) -> tuple[int, int, FacilityKind]:
        """The kind an adjective next to the kind word makes of it ("więzienie śledcze" is a
        remand prison, "offene Besserungsanstalt" an open facility; the hit then spans it), else
        the hit as it is."""
        first, last, _kind = hit
        for pos in (first - 1, last + 1):
            if 0 <= pos < len(toks):
                made = _modifier_kind(fold(toks[pos]))
                if made is not None:
                    return min(first, pos), max(last, pos), made
        return hit

    def _same_number_elsewhere(
        self, doc, toks, keys, spans, towns, kind, number: int, first: int, num_tok: int | None
    ) -> list[int] | None:
        """For a kind and number we do not track: the places that go by that number under a kind
        of the same family (``lexicon.KIND_FAMILIES``) in the town named next to it. None when no
        kind of the family has that number."""
        found: list[int] = []
        known = False
        for other in lexicon.KIND_FAMILIES.get(kind, ()):
            cands = self.by_kind_number.get((other, number))
            if not cands:
                continue
            known = True
            near = self._near_towns(doc, toks, keys, spans, towns, other, first, num_tok or first)
            found.extend(c for c in cands if any(t[2] == c for t in near))
        return sorted(set(found)) if known else None

    def _stems(self, key: str) -> frozenset[str]:
        """The vowel-less stems a key may split into (memoised: kind words recur in a document)."""
        stems = self._stem_memo.get(key)
        if stems is None:
            if len(self._stem_memo) > _LOOKUP_CACHE:
                self._stem_memo.clear()
            stems = self._stem_memo[key] = frozenset(devowel(s) for s, _e in splits(key))
        return stems

    def _foreign_place_after(self, doc, toks, keys, spans, last: int, cands) -> bool:
        """ "ИК-9 в Кемеровской области", "SIZO-1 in St Petersburg": a place right after the number
        that is none of ours (our towns matched already; Belarusian regions are fine)."""
        pos = last + 1
        for _step in range(2):
            if pos >= len(toks) or _CLAUSE.search(doc[spans[pos - 1][1] : spans[pos][0]]):
                return False
            tok = toks[pos]
            if tok.lower() in _LOCATIVE_PREPOSITIONS:
                pos += 1
                continue
            if not tok[:1].isupper() or fold(tok).startswith(_BELARUS_PLACES):
                return False
            if pos == last + 1 and matches(keys[pos], self._first_lexicon):
                return False  # "в ИК-15 Павел ..." names a person, not a town
            stems = self._stems(keys[pos])
            return not any(self.places[c].town_consonants & stems for c in cands)
        return False

    def _by_qualifier(self, cands: list[int], present: set[str]) -> list[int]:
        if len(cands) <= 1 and not any(self.places[c].qualifiers for c in cands):
            return cands
        exact = [c for c in cands if self.places[c].qualifiers & present]
        if exact:
            return exact
        return [c for c in cands if not self.places[c].qualifiers]

    def _number_after(self, toks, keys, spans, doc, last: int) -> tuple[int | None, int | None]:
        j = last + 1
        skipped = 0
        while j < len(toks) and skipped <= 2:
            gap = doc[spans[j - 1][1] : spans[j][0]]
            if len(gap) > 4 or "\n" in gap or any(c in gap for c in ",;:()"):
                return None, None
            tok = toks[j]
            if tok.isdigit():
                return (int(tok), j) if len(tok) <= 3 else (None, None)
            if tok.lower() in lexicon.NUMBER_FILLERS:
                skipped += 1
                j += 1
                continue
            return None, None
        return None, None

    @staticmethod
    def _dedupe(out: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        out.sort()
        result: list[tuple[int, int, int]] = []
        for item in out:
            if result and item[0] <= result[-1][1] and item[2] == result[-1][2]:
                continue
            result.append(item)
        return result

    # -- result ----------------------------------------------------------------------------------

    def _result(self, doc, spans, sentences, sent_of, people, ambiguous, places) -> ScanResult:
        raw: list[
            tuple[int, int, str, tuple[str, ...], bool]
        ] = []  # start, end, id, others, person
        for first, last, group in people:
            raw.append((spans[first][0], spans[last][1], self.people[group[0]].target.id, (), True))
        for first, last, group in ambiguous:
            ids = [self.people[g].target.id for g in group]
            raw.append((spans[first][0], spans[last][1], ids[0], tuple(ids[1:]), True))
        for first, last, place in places:
            raw.append((spans[first][0], spans[last][1], self.places[place].target.id, (), False))
        raw = [
            (s, e - 2 if doc[e - 2 : e] in ("'s", "’s") else e, t, o, p) for s, e, t, o, p in raw
        ]
        raw.sort()
        raw = _capped(raw)
        person_sents: dict[int, list[int]] = {}
        for k, (start, _e, _t, _o, is_person) in enumerate(raw):
            if is_person:
                person_sents.setdefault(sentences.index(start), []).append(k)
        mention_events: list[set[EventType]] = [set() for _ in raw]
        sent_cache: dict[int, tuple[EventType, ...]] = {}

        def events_of(index: int) -> tuple[EventType, ...]:
            if index not in sent_cache:
                sent_cache[index] = sentence_events(sentences.get(index))
            return sent_cache[index]

        for k, (start, _e, _t, _o, _p) in enumerate(raw):
            mention_events[k].update(events_of(sentences.index(start)))
        # "52 prisoners were pardoned. Among them were X and Y.": the names take the events of the
        # sentence before, when that one names nobody
        for index, ks in person_sents.items():
            if index and index - 1 not in person_sents and _says(sentences, _AMONG, index):
                for k in ks:
                    mention_events[k].update(events_of(index - 1))
        own_events = [set(evs) for evs in mention_events]
        # The one or two sentences after a person's mention that name nobody else carry their
        # events to that person: "... was sentenced to 13 years. The closed trial lasted two days."
        # A sentence naming a person starts over; a paragraph break ends the carry unless the
        # sentence refers back with a pronoun ("He was moved to ...", as before).
        last_person: int | None = None
        for index in range(len(sentences)):
            if index in person_sents:
                last_person = index
                continue
            if last_person is None or index - last_person > 2:
                continue
            if not (
                _same_paragraph(sentences, last_person, index) or _refers_back(sentences.get(index))
            ):
                continue
            evs = events_of(index)
            if evs:
                for k in person_sents[last_person]:
                    mention_events[k].update(evs)
        if not person_sents:
            # no prisoner named: what happens at a facility ("students detained at Akrestsina")
            # happened to nobody the item is about
            for evs in mention_events:
                evs.clear()
        for evs in mention_events:
            if EventType.SENTENCED in evs:
                # the charges of the case a person was sentenced in are that case's backstory
                evs.discard(EventType.CHARGED)
            if EventType.PARDONED in evs and EventType.RELEASED_EXPELLED not in evs:
                evs.add(EventType.RELEASED)  # a pardon here frees the prisoner
            if len(evs) > 1:
                evs.discard(EventType.OTHER)  # "other" is for news that is none of the named
        if any(EventType.RELEASED_EXPELLED in evs for evs in mention_events):
            # "freed ... and taken to Lithuania" across sentences: one released_expelled event
            for evs in mention_events:
                evs.discard(EventType.RELEASED)
        mentions: list[Mention] = []
        all_events: set[EventType] = set()
        scores: dict[int, float] = {}
        for k, (start, end, target, others, is_person) in enumerate(raw):
            evs = tuple(e for e in EventType if e in mention_events[k])
            carried = tuple(e for e in evs if e not in own_events[k])
            all_events.update(evs)
            index = sentences.index(start)
            mentions.append(
                Mention(
                    target=target,
                    start=start,
                    end=end,
                    text=doc[start:end],
                    events=evs,
                    sentence=sentences.get(index),
                    ambiguous_with=others,
                    carried=carried,
                )
            )
            scores[index] = (
                scores.get(index, 0.0)
                + (2.0 if is_person else 1.0)
                + len(events_of(index))
                - index * 0.01
            )
        prisoners = tuple(dict.fromkeys(m.target for m in mentions if _is_person(m, self)))
        groups = tuple(
            dict.fromkeys(
                group
                for m in mentions
                if m.ambiguous_with
                for group in [tuple(sorted((m.target, *m.ambiguous_with)))]
                if not set(group) & set(prisoners)
            )
        )
        facilities = tuple(
            dict.fromkeys(m.target for m in mentions if m.target not in self.person_ids)
        )
        places_in: dict[int, dict[str, None]] = {}
        for m in mentions:
            if m.target in facilities:
                places_in.setdefault(sentences.index(m.start), {})[m.target] = None
        located: dict[str, dict[str, None]] = {}
        for m in mentions:
            here = places_in.get(sentences.index(m.start))
            if here and m.target in prisoners:
                located.setdefault(m.target, {}).update(here)
        locations = {k: tuple(v) for k, v in located.items()}
        summary, summary_spans = summarize(sentences, scores, [(m.start, m.end) for m in mentions])
        return ScanResult(
            prisoners=prisoners,
            facilities=facilities,
            ambiguous=groups,
            events=tuple(e for e in EventType if e in all_events),
            mentions=tuple(mentions),
            summary=summary,
            summary_spans=summary_spans,
            locations=locations,
        )


MAX_MENTIONS_PER_TARGET = 50


# Belarusian sounds the Russian spelling of the same name has otherwise, in skeleton space:
# дз ~ д and ц ~ т before a vowel (Дзядок ~ Дедок, Ціханоўскі ~ Тихановский)
_BY_TO_RU = ((re.compile(r"dz(?=[aeiou])"), "d"), (re.compile(r"c(?=[ie])"), "t"))
MAX_GENERATED_FORMS = 3  # per surname stem


def _russian_forms(stem: str) -> list[str]:
    """The Russian spellings' skeletons of a Belarusian-transliterated stem, at most a few."""
    forms = {stem}
    for pattern, replacement in _BY_TO_RU:
        forms |= {pattern.sub(replacement, form) for form in forms}
    forms.discard(stem)
    return sorted(forms)[:MAX_GENERATED_FORMS]


_MODIFIER_STEMS = tuple(lexicon.KIND_MODIFIERS)
_COMPOUND_HEADS = tuple(lexicon.COMPOUND_HEADS)


def _modifier_kind(folded: str) -> FacilityKind | None:
    if not folded.startswith(_MODIFIER_STEMS):
        return None
    return next(k for stem, k in lexicon.KIND_MODIFIERS.items() if folded.startswith(stem))


def _compound_kind(tok: str) -> FacilityKind | None:
    """The kind of a German compound ending in a kind word ("Frauenstraflager",
    "Transitgefängnis"); the plain kind words themselves are in the index."""
    if len(tok) < 9 or not tok[:1].isupper():
        return None
    low = fold(tok)
    if not low.endswith(_COMPOUND_HEADS):
        return None
    return lexicon.COMPOUND_HEADS[next(h for h in _COMPOUND_HEADS if low.endswith(h))]


def _compound_kinds(
    kinds: list[tuple[int, int, FacilityKind]],
) -> list[tuple[int, int, FacilityKind]]:
    """Two kind words in a row name one place ("pre-trial detention center", "папраўчая ўстанова
    адкрытага тыпу"): of the kind ``lexicon.COMPOUND_PRECEDENCE`` puts first, else the first's."""
    out: list[tuple[int, int, FacilityKind]] = []
    for first, last, kind in kinds:
        if out and out[-1][1] + 1 == first:
            prev_first, _prev_last, prev_kind = out[-1]
            both = (prev_kind, kind)
            merged = next((k for k in lexicon.COMPOUND_PRECEDENCE if k in both), prev_kind)
            out[-1] = (prev_first, last, merged)
        else:
            out.append((first, last, kind))
    return out


def _says(sentences: Sentences, pattern: re.Pattern[str], index: int) -> bool:
    """``pattern`` found in the folded sentence ``index``; memoised per document, because every
    hit asks about its own sentence and the neighbours (a list of 5,000 colonies asked 100,000
    times)."""
    key = (pattern, index)
    found = sentences.memo.get(key)
    if found is None:
        found = sentences.memo[key] = bool(pattern.search(fold(sentences.get(index))))
    return found


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def _same_paragraph(sentences: Sentences, first: int, last: int) -> bool:
    """No blank line (the paragraph break of ``html_to_text`` and of a title) between the end of
    sentence ``first`` and the start of sentence ``last``."""
    return not _PARAGRAPH_BREAK.search(
        sentences.text, sentences.bounds[first][1], sentences.bounds[last][0]
    )


def _refers_back(sentence: str) -> bool:
    """A pronoun among the sentence's first twelve words ("He was moved to ...")."""
    tokens = fold(sentence).split()
    return any(t.strip('.,;:!?«»"()') in lexicon.PRONOUNS for t in tokens[:12])


def _capped(raw: list) -> list:
    """At most MAX_MENTIONS_PER_TARGET mentions of one target per document (the first ones): a
    page repeating a name ten thousand times says nothing more than fifty times."""
    seen: dict[str, int] = {}
    out = []
    for item in raw:
        count = seen.get(item[2], 0)
        if count < MAX_MENTIONS_PER_TARGET:
            seen[item[2]] = count + 1
            out.append(item)
    return out


def _is_person(mention: Mention, engine: Engine) -> bool:
    return mention.target in engine.person_ids and not mention.ambiguous_with


_CONTEXT = re.compile(r"(?<!\w)(?:" + alternatives(lexicon.PRISON_CONTEXT) + ")")

_LOCATIVE_PREPOSITIONS = frozenset({"в", "у", "ў", "in", "w", "we", "im"})
_BELARUS_PLACES = tuple(fold(p) for p in lexicon.BELARUS_PLACES)
_AMONG = re.compile(r"(?<!\w)(?:" + alternatives(lexicon.RULE_WORDS["among_them"]) + r")\b")
_TITLE = re.compile(r"(?:" + "|".join(lexicon.TITLES) + r")\s*$")
_RUSSIA = re.compile(r"(?<!\w)(?:" + alternatives(lexicon.RUSSIA) + ")")


def compile_registry(targets: Iterable[Prisoner | Facility]) -> Engine:
    """Compile the registry's prisoners and facilities into an ``Engine`` (immutable)."""
    return Engine(targets)
