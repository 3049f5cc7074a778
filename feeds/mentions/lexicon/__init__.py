"""The engine's language data: first-name equivalents, facility kind words, context words, event
cues and the words of demands, hopes and denials, one TOML file per subject (and per language for
events and modality) in this folder.

The files are the data; this module only reads them once at import and gives them the shapes the
engine uses. Spellings in any script: they all go through ``skeleton`` (names, places) or ``fold``
(cues). Every list is general vocabulary of its language (dictionaries, gazetteers, name lists),
never a phrase lifted from a test passage; the corpus README says how that is checked.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from feeds.registry.models import FacilityKind

HERE = Path(__file__).resolve().parent


def load(name: str) -> dict:
    """One data file of this folder (``names``, ``places``, ``context`` or ``events/ru``)."""
    return tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))


_NAMES = load("names")
_PLACES = load("places")
_CONTEXT = load("context")
RULE_WORDS: dict[str, list[str]] = load("rules")  # the words of the event rules, per rule

# One line per first name: every form that means the same person (see names.toml).
FIRST_NAME_GROUPS = "\n".join(_NAMES["groups"])

# Facility kinds: words in any language and case; multi-word entries are phrases.
KIND_WORDS: dict[FacilityKind, tuple[str, ...]] = {
    FacilityKind(kind): tuple(words) for kind, words in _PLACES["kinds"].items()
}
# Abbreviations: matched only as upper-case tokens (ИК-9, СИЗО-1, ШІЗА is not one of them).
KIND_ABBREVIATIONS: dict[str, FacilityKind] = {
    abbr: FacilityKind(kind) for abbr, kind in _PLACES["abbreviations"].items()
}
# name -> (strong, words): "СИЗО КГБ" is the KGB remand prison by its kind word and "КГБ" alone.
QUALIFIERS: dict[str, tuple[bool, tuple[str, ...]]] = {
    name: (bool(q["strong"]), tuple(q["words"])) for name, q in _PLACES["qualifiers"].items()
}
COMPOUND_PRECEDENCE = tuple(FacilityKind(k) for k in _PLACES["compound_precedence"])
# folded adjective stem -> the kind it makes of the kind word next to it
KIND_MODIFIERS: dict[str, FacilityKind] = {
    stem: FacilityKind(kind) for kind, stems in _PLACES["kind_modifiers"].items() for stem in stems
}
# folded ending of a German compound -> its kind
COMPOUND_HEADS: dict[str, FacilityKind] = {
    head: FacilityKind(kind) for head, kind in _PLACES["compound_heads"].items()
}
# kind -> the other kinds it may stand for, by number or by town (see places.toml)
KIND_FAMILIES: dict[FacilityKind, tuple[FacilityKind, ...]] = {
    FacilityKind(kind): tuple(FacilityKind(k) for k in family if k != kind)
    for family in _PLACES["kind_families"]
    for kind in family
}
NUMBER_FILLERS = frozenset(_PLACES["number_fillers"])
TOWN_FILLERS = frozenset(_PLACES["town_fillers"])
TOWN_FILLER_STEMS = tuple(_PLACES["town_filler_stems"])


def is_town_filler(token: str) -> bool:
    low = token.lower()
    return low in TOWN_FILLERS or low.startswith(TOWN_FILLER_STEMS)


PRISON_CONTEXT: tuple[str, ...] = tuple(_CONTEXT["prison_context"])
TITLES: tuple[str, ...] = tuple(_CONTEXT["titles"])
RUSSIA: tuple[str, ...] = tuple(_CONTEXT["russia"])
BELARUS_PLACES: tuple[str, ...] = tuple(_CONTEXT["belarus_places"])
RISKY_SURNAMES = frozenset(_CONTEXT["risky_surnames"])
# Words that open a sentence referring back to the person just named: pronouns and nouns ("The
# journalist ...", "his wife says ...").
PRONOUNS = frozenset(_CONTEXT["pronouns"]) | frozenset(_CONTEXT["referring_nouns"])


def _per_language(folder: str) -> list[dict]:
    return [
        tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((HERE / folder).glob("*.toml"))
    ]


def _event_words(key: str) -> dict[str, tuple[str, ...]]:
    words: dict[str, list[str]] = {}
    for data in _per_language("events"):
        for event, table in data.items():
            if isinstance(table, dict):
                words.setdefault(event, []).extend(table.get(key, []))
    return {event: tuple(found) for event, found in words.items()}


# Event type value -> its cues in every language (lexicon/events/<lang>.toml, ``cues``): regex
# fragments on folded text, matched at a word start; and the forms that speak of it as still
# ahead (``future``).
EVENT_CUES: dict[str, tuple[str, ...]] = _event_words("cues")
EVENT_FUTURES: dict[str, tuple[str, ...]] = _event_words("future")

# Modality class (demand, hope, plan, condition, possibility, question, denial, rumour) -> its
# words in every language (lexicon/modality/<lang>.toml).
MODALITY: dict[str, tuple[str, ...]] = {}
for _data in _per_language("modality"):
    for _name, _words in _data.items():
        if isinstance(_words, list):
            MODALITY[_name] = MODALITY.get(_name, ()) + tuple(_words)
