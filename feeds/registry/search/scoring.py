"""Scoring: what a query word matching a name word is worth (its role and quality), a target's
tier and score from its words' matches, and which query words to keep when not all name someone."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from rapidfuzz.distance import Levenshtein

from feeds.registry.search.query import _Token
from feeds.registry.search.words import FIRST, FIRST_EQ, KIND, NUMBER, PLACE, SURNAME

_SURNAME_LIKE = frozenset({SURNAME, PLACE, NUMBER})
_ROLE_POINTS = {SURNAME: 0.2, PLACE: 0.2, NUMBER: 0.2, FIRST: 0.15, KIND: 0.12, FIRST_EQ: 0.05}

# Match qualities.
EXACT, INFLECTED, PREFIX, FUZZY = 4, 3, 2, 1
_QUALITY_POINTS = {EXACT: 0.6, INFLECTED: 0.5, PREFIX: 0.3, FUZZY: 0.2}


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
