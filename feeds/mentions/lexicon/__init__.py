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
ORDINARY_CRIMES: tuple[str, ...] = tuple(_CONTEXT["ordinary_crimes"])
POLITICS: tuple[str, ...] = tuple(_CONTEXT["politics"])
ORDINARY_ARTICLES: frozenset[str] = frozenset(_CONTEXT["ordinary_articles"])
TITLES: tuple[str, ...] = tuple(_CONTEXT["titles"])
OFFICIALS: tuple[str, ...] = tuple(_CONTEXT["officials"])
OFFICIAL_OF: tuple[str, ...] = tuple(_CONTEXT["official_of"])
RUSSIA: tuple[str, ...] = tuple(_CONTEXT["russia"])
RUSSIA_PLACES: tuple[str, ...] = tuple(_CONTEXT["russia_places"])
BELARUS_PLACES: tuple[str, ...] = tuple(_CONTEXT["belarus_places"])
BELARUS_COUNTRY: tuple[str, ...] = tuple(_CONTEXT["belarus_country"])
ABROAD_PLACES: tuple[str, ...] = tuple(_CONTEXT["abroad_places"])
FOREIGN_COURTS: tuple[str, ...] = tuple(_CONTEXT["foreign_courts"])
EMIGRATED: tuple[str, ...] = tuple(_CONTEXT["emigrated"])
FINED: tuple[str, ...] = tuple(_CONTEXT["fined"])
EMIGRE_PLACES: tuple[str, ...] = tuple(_CONTEXT["emigre_places"])
# Words that open a sentence referring back to the person just named: pronouns and nouns ("The
# journalist ...", "his wife says ...").
REFERRING_NOUNS = frozenset(_CONTEXT["referring_nouns"])
PRONOUNS = frozenset(_CONTEXT["pronouns"]) | REFERRING_NOUNS


CYRILLIC_LANGS = ("be", "ru", "uk")  # written in Cyrillic; be is also read as Łacinka
LACINKA_FROM = "be"


def _per_language(folder: str) -> dict[str, dict]:
    return {
        path.stem: tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((HERE / folder).glob("*.toml"))
    }


_EVENT_FILES = _per_language("events")
_MODALITY_FILES = _per_language("modality")


def _words(files: dict[str, dict], name: str, key: str | None) -> dict[str, tuple[str, ...]]:
    """Language -> the words of ``name`` (a table's ``key`` list, or a plain list)."""
    out: dict[str, tuple[str, ...]] = {}
    for lang, data in files.items():
        found = data.get(name)
        if isinstance(found, dict):
            found = found.get(key or "", [])
        if found:
            out[lang] = tuple(found)
    return out


def event_words(event: str, key: str = "cues") -> dict[str, tuple[str, ...]]:
    """Language -> the ``cues`` (or ``future`` forms) of one event type, from
    lexicon/events/<lang>.toml: regex fragments on folded text, matched at a word start."""
    return _words(_EVENT_FILES, event, key)


def modality_words(name: str) -> dict[str, tuple[str, ...]]:
    """Language -> the words of one modality class (demand, hope, plan, condition, possibility,
    delay, alleged, question, denial, rumour), from lexicon/modality/<lang>.toml."""
    return _words(_MODALITY_FILES, name, None)
