"""Kind words that combine: a German compound ending in a kind word ("Frauenstraflager",
"Transitgefängnis"), an adjective that makes the kind word beside it another kind ("więzienie
śledcze" is a remand prison, "offene Besserungsanstalt" an open facility), and two kind words in
a row that name one place ("pre-trial detention center" is SIZO). The words are
``lexicon/places.toml``'s.
"""

from __future__ import annotations

from feeds.mentions import lexicon
from feeds.mentions.scripts import fold
from feeds.registry.models import FacilityKind

_MODIFIER_STEMS = tuple(lexicon.KIND_MODIFIERS)
_COMPOUND_HEADS = tuple(lexicon.COMPOUND_HEADS)


def modifier_kind(folded: str) -> FacilityKind | None:
    if not folded.startswith(_MODIFIER_STEMS):
        return None
    return next(k for stem, k in lexicon.KIND_MODIFIERS.items() if folded.startswith(stem))


def compound_kind(tok: str) -> FacilityKind | None:
    """The kind of a German compound ending in a kind word ("Frauenstraflager",
    "Transitgefängnis"); the plain kind words themselves are in the index."""
    if len(tok) < 9 or not tok[:1].isupper():
        return None
    low = fold(tok)
    if not low.endswith(_COMPOUND_HEADS):
        return None
    return lexicon.COMPOUND_HEADS[next(h for h in _COMPOUND_HEADS if low.endswith(h))]


def compound_kinds(
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
