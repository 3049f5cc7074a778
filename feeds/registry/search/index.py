"""The search index: built once per registry version from every target's words, asked per keystroke.

``SearchIndex.build(targets)``; ``index.search(query)`` ranks the targets every query word matches
(exactly, inflected, as a prefix, fuzzily: see the package's docstring), ``index.suggest(query)``
offers the closest names when nothing matched. Pure, no I/O; immutable after ``build``, and
``search`` keeps its state in locals, so one index serves any number of threads.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from feeds.mentions.forms import MAX_ENDING
from feeds.registry.models import Facility, Prisoner, PrisonerStatus
from feeds.registry.search.query import _droppable, _Token, _tokens
from feeds.registry.search.scoring import (
    _SURNAME_LIKE,
    EXACT,
    FUZZY,
    INFLECTED,
    PREFIX,
    _best_subset,
    _edits,
    _intersect,
    _Match,
    _match,
    _prefix_similarity,
    _raw_form,
    _score,
)
from feeds.registry.search.words import (
    _FOLDED_ENDINGS,
    FIRST_EQ,
    NUMBER,
    _Builder,
    _equivalent_keys,
    _facility_words,
    _prisoner_words,
)

Target = Prisoner | Facility
MAX_LIMIT = 200
SUGGEST_LIMIT = 5
SUGGEST_CUTOFF = 0.6


@dataclass(frozen=True, slots=True)
class Hit:
    target: Target
    score: float
    matched: str  # the name form that matched, for display
    # some words of the query named nobody and were left out: a near match, maybe someone else
    partial: bool = False


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
