"""The registry Vestka ships with: every facility of facilities.json and a few dozen known prisoners.

facilities.json (from ``shared/reference``) is richer than our ``Facility`` columns; its extra spellings
(Łacinka, Polish, press forms, adjectives such as "Горецкая", locatives such as "у Горках") go into
``Facility.town_forms`` so the mention engine can use them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from feeds.registry.csv_rows import load_csv_text
from feeds.registry.models import FACILITY_TYPE_TO_KIND, Facility, Prisoner
from feeds.registry.reading import date_facts

DATA = resources.files("feeds.registry") / "data"


@cache
def bundled_facilities() -> tuple[Facility, ...]:
    records = json.loads((DATA / "facilities.json").read_text(encoding="utf-8"))
    return tuple(facility_from_reference(record) for record in records)


BUNDLED_SOURCE = "Vestka's bundled registry (PRISONERS.md)"


def bundled_prisoners() -> tuple[Prisoner, ...]:
    path = DATA / "prisoners.csv"
    if not path.is_file():
        return ()
    result = load_csv_text(path.read_text(encoding="utf-8"), source="bundled prisoners.csv")
    date_facts(result.targets, None, BUNDLED_SOURCE)  # each row's as_of: when it was checked
    return tuple(t for t in result.targets if isinstance(t, Prisoner))


def bundled_targets() -> list[Prisoner | Facility]:
    return [*bundled_facilities(), *bundled_prisoners()]


def facility_from_reference(record: dict) -> Facility:
    """One facilities.json record -> ``Facility`` (ids verbatim)."""
    town = record.get("town") or {}
    forms: dict[str, list[str]] = {}
    for key, value in town.items():
        _add_forms(forms, key, value)
    for group, prefix in (
        ("town_cases", "case_"),  # case forms and press variants per language ("w Homlu")
        ("town_near", "near_"),  # the city a facility outside it goes by ("колония в Витебске")
        ("town_near_cases", "near_case_"),
        ("town_adjective", "adjective_"),
        ("town_locative", "locative_"),
        ("short_forms_manual", "short_"),
    ):
        for lang, value in (record.get(group) or {}).items():
            _add_forms(forms, prefix + lang, value)
    return Facility(
        id=record["id"],
        kind=FACILITY_TYPE_TO_KIND[record["type"]],
        number=record.get("number"),
        town_be=town.get("be") or "",
        town_ru=town.get("ru") or "",
        town_en=_strip_note(town.get("en_national") or ""),
        nicknames=[n["form"] for n in record.get("nicknames") or [] if n.get("form")],
        postal_address=record.get("address_viasna_en") or "",
        town_forms=forms,
    )


def _add_forms(forms: dict[str, list[str]], key: str, value: object) -> None:
    values = value if isinstance(value, list) else [value]
    for item in values:
        if not isinstance(item, str):
            continue
        for part in item.split(" / "):
            part = _strip_note(part)
            if part and part not in forms.setdefault(key, []):
                forms[key].append(part)


def _strip_note(text: str) -> str:
    """'Kliasnicy (spelling as noted from Viasna; unverified)' -> 'Kliasnicy'."""
    return re.sub(r"\s*\(.*?\)\s*", " ", text).strip()
