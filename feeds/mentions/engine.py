"""The scan: a compiled registry (``compiled.py``) read over one document.

Tokenize, key each token (memoised), cut 0..4 characters of ending and look the rest up: O(tokens),
whatever the registry size. Most news items stop at the first look (``_worth_resolving``). Hits are
candidates; the people rules (``people.py``) and the facility rules (``places.py``) turn them into
mentions, and only then are sentences split and events read, around the mentions (``result.py``).

The ``Engine`` is immutable after ``compile_registry``; ``scan`` keeps its state in locals and
memos whose entries never change, so one engine serves any number of threads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import accumulate, compress, repeat
from operator import itemgetter
from typing import NamedTuple

from feeds.mentions.compiled import (
    KIND,
    MEMO_LIMIT,
    QUAL,
    SURNAME,
    TOWN,
    CompiledRegistry,
    Hit,
    Pattern,
)
from feeds.mentions.forms import matches, splits
from feeds.mentions.kind_words import compound_kind
from feeds.mentions.models import ScanResult
from feeds.mentions.names import fuzzy_key
from feeds.mentions.people import PeopleResolver
from feeds.mentions.places import PlacesResolver, within_reach
from feeds.mentions.result import build_result
from feeds.mentions.scripts import MAX_TOKEN, TOKEN_RE, skeleton
from feeds.mentions.text import Sentences
from feeds.registry.models import Facility, Prisoner

_SEPARATOR = re.compile(r"[\s\-‐‑–]{1,3}")


class _TokenInfo(NamedTuple):
    """What one raw token can start, memoised per distinct token (``Engine._token_info``)."""

    key: str  # skeleton ("" for an over-long token)
    pids: tuple[int, ...]  # patterns whose first word takes the key (and the token's case)...
    strong: bool  # one of them names a person, a kind or a nickname (towns alone name nothing)
    phrases: tuple  # the rest of such patterns that go on with more words ("detention" + "centre")
    fuzzy: bool  # capitalised, a vowel-less surname stem: "Aleksandrau", "Недбайло" (_fuzzy)
    first: bool  # capitalised first name of the lexicon (what _fuzzy wants before a surname)
    continues: bool  # may be the second word of a phrase (a stem of some phrase's second word)
    abbreviations: tuple[Pattern, ...]  # ИК, СИЗО, КГБ... (looked up verbatim)
    towns: tuple[Pattern, ...]  # ... except town patterns: only read next to a kind word


# A token's interest for the first look at a document (``Engine._worth_resolving``): the max over
# the tokens says whether to go on.
_BORING, _SPECIAL, _STRONG, _NEW = 0, 1, 2, 3


def _interest(info: _TokenInfo) -> int:
    if info.strong:
        return _STRONG
    return _SPECIAL if info.phrases or info.fuzzy else _BORING


_PIDS = itemgetter(1)
_FUZZY_FLAG = itemgetter(4)
_TOWNS = itemgetter(8)


def _initial_like(tok: str) -> bool:
    """One capital letter: an initial when a full stop follows (people.py checks the stop)."""
    return len(tok) == 1 and tok.isupper()


_ABBREVIATIONS = itemgetter(7)


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


def document_text(text: str, title: str | None = None) -> str:
    """The string ``Engine.scan`` indexes: the title, a blank line, then the text."""
    return f"{title}\n\n{text}" if title else text


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


class Engine(PeopleResolver, PlacesResolver, CompiledRegistry):
    """A compiled registry that scans. Build with ``compile_registry``; ``scan`` is thread-safe."""

    def __init__(self, targets: Iterable[Prisoner | Facility]) -> None:
        super().__init__(targets)
        # key -> pattern ids. A memo, not state: entries are immutable tuples and a dict get/set is
        # atomic under the GIL, so threads at worst compute an entry twice.
        self._lookups: dict[str, tuple[int, ...]] = {}
        # raw token -> _TokenInfo, the same kind of memo one step earlier: most tokens of a document
        # were seen before, and one dict get is cheaper than ``skeleton`` plus the key look-up
        self._tokens: dict[str, _TokenInfo] = {}
        self._interest: dict[str, int] = {}  # raw token -> _interest(its info), for the first look
        self._fit_memo: dict[tuple[str, int], bool] = {}  # see _fits
        self._fuzzy_memo: dict[str, frozenset[int]] = {}  # see PeopleResolver._fuzzy
        self._fuzzy_first_memo: dict[tuple[str, str], frozenset[int]] = {}  # see _fuzzy_named
        # words after the first of the longest town name: a token no kind word is near for that
        # many words is near none for any of its towns
        self._longest_town = max((len(p.rest) for p in self.patterns if p.kind == TOWN), default=0)

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
        people, ambiguous = self.resolve_names(doc, toks, keys, spans, hits, sentences, sent_of)
        places = self.resolve_facilities(doc, toks, keys, spans, hits, sentences, sent_of)
        if not (people or ambiguous or places):
            return ScanResult()
        return build_result(self, doc, spans, sentences, sent_of, people, ambiguous, places)

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
            if len(self._tokens) > MEMO_LIMIT:
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
            if len(self._lookups) > MEMO_LIMIT:
                self._lookups.clear()
            self._lookups[key] = found
        cap = tok[:1].isupper()
        patterns = self.patterns
        pids = found if cap else tuple(p for p in found if not patterns[p].needs_cap)
        abbreviations = self.abbreviations.get(tok, ())
        compound = compound_kind(tok) if not found else None
        if compound is not None:  # a compound is a kind word, like an abbreviation
            abbreviations = (*abbreviations, Pattern(KIND, compound))
        naming = [patterns[p] for p in pids if patterns[p].kind not in (TOWN, QUAL)]
        strong = any(not p.rest for p in naming) or any(p.kind == KIND for p in abbreviations)
        phrases = tuple(p.rest for p in naming if p.rest)
        fuzzy = (
            cap
            and len(key) >= 5
            and any(fuzzy_key(stem) in self.devowel_index for stem, _e in splits(key))
        )
        first = cap and matches(key, self._first_lexicon)
        continues = any(stem in self._phrase_heads for stem, _e in splits(key))
        towns = tuple(patterns[p] for p in pids if patterns[p].kind == TOWN)
        if towns:
            pids = tuple(p for p in pids if patterns[p].kind != TOWN)
        return _TokenInfo(key, pids, strong, phrases, fuzzy, first, continues, abbreviations, towns)

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
            if info.fuzzy and (
                (i and self._remember(toks[i - 1]).first)
                or (i + 1 < n and self._remember(toks[i + 1]).first)
                # two initials beside it, court style ("Захаренко С. Н."); one capital alone is
                # too often a sentence's first word ("В", "W", "A", "I")
                or (i + 2 < n and _initial_like(toks[i + 1]) and _initial_like(toks[i + 2]))
                or (i >= 2 and _initial_like(toks[i - 1]) and _initial_like(toks[i - 2]))
            ):
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
            if len(self._fit_memo) > MEMO_LIMIT:
                self._fit_memo.clear()
            fit = self._fit_memo[memo_key] = matches(key, spec)
        return fit

    def _hits(self, doc, toks, keys, spans, infos) -> list[Hit]:
        patterns = self.patterns
        hits: list[Hit] = []
        kind_starts: list[int] = []
        n = len(toks)
        for i in compress(range(n), map(_ABBREVIATIONS, infos)):
            hits.extend(Hit(pattern, i, i) for pattern in infos[i].abbreviations)
            kind_starts += [i for pattern in infos[i].abbreviations if pattern.kind == KIND]
        for i in compress(range(n), map(_PIDS, infos)):
            for pid in infos[i].pids:
                pattern = patterns[pid]
                if pattern.kind == KIND:
                    kind_starts.append(i)
                if not pattern.rest:  # one word (most surnames): nothing to follow
                    hits.append(Hit(pattern, i, i))
                    continue
                hit = self._whole(doc, keys, spans, pattern, i, n)
                if hit is not None:
                    hits.append(hit)
        if kind_starts:  # a town is only read next to a kind word (places.py): elsewhere, no hit
            kind_starts.sort()
            for i in compress(range(n), map(_TOWNS, infos)):
                towns = infos[i].towns  # a town token starts many places' patterns
                if not within_reach(kind_starts, i, i + self._longest_town):
                    continue  # no kind word near enough for even the longest town name
                for pattern in towns:
                    words = len(pattern.rest)
                    if words < self._longest_town and not within_reach(kind_starts, i, i + words):
                        continue
                    if not words:  # a one-word town (most): nothing to follow
                        hits.append(Hit(pattern, i, i))
                        continue
                    hit = self._whole(doc, keys, spans, pattern, i, n)
                    if hit is not None:
                        hits.append(hit)
        for i in compress(range(n), map(_FUZZY_FLAG, infos)):
            if i and infos[i - 1].first:  # "Andrej Aleksandrau"
                fuzzy, given = self._fuzzy, i - 1
            elif i + 1 < n and infos[i + 1].first:  # court style: "Недбайло Павел Иванович"
                fuzzy, given = self._fuzzy, i + 1
            elif i + 2 < n and _initial_like(toks[i + 1]) and _initial_like(toks[i + 2]):
                fuzzy, given = self._fuzzy_initials, i + 1  # court style: "Захаренко С. Н."
            elif i >= 2 and _initial_like(toks[i - 2]) and _initial_like(toks[i - 1]):
                fuzzy, given = self._fuzzy_initials, i - 2
            else:
                continue
            exact = [patterns[pid] for pid in infos[i].pids if patterns[pid].kind == SURNAME]
            hits.extend(fuzzy(doc, toks, keys, spans, i, given, exact))
        return hits

    def _whole(self, doc, keys, spans, pattern: Pattern, i: int, n: int) -> Hit | None:
        """The hit of ``pattern`` starting at token ``i`` when its other words follow, or None."""
        j = i
        for spec in pattern.rest:
            j += 1
            if (
                j >= n
                or not self._fits(keys[j], spec)  # memoised, and rarely true: first
                or not _SEPARATOR.fullmatch(doc[spans[j - 1][1] : spans[j][0]])
            ):
                return None
        return Hit(pattern, i, j)

    def _lookup(self, key: str) -> tuple[int, ...]:
        """Pattern ids whose first word takes this key (stem + allowed ending)."""
        found: set[int] = set()
        index = self.index
        for stem, ending in splits(key):
            entries = index.get(stem)
            if entries:
                for pid, endings in entries.items():
                    if ending in endings:
                        found.add(pid)
        return tuple(found)


def compile_registry(targets: Iterable[Prisoner | Facility]) -> Engine:
    """Compile the registry's prisoners and facilities into an ``Engine`` (immutable)."""
    return Engine(targets)
