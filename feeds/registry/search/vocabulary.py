"""Facility vocabulary (kind words in every language, abbreviations, labels) and first-name
groups, as the search keys them: built once from the engine's lexicon, cached."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from feeds.mentions import lexicon
from feeds.mentions.names import words
from feeds.mentions.scripts import skeleton
from feeds.registry.models import FacilityKind

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
