"""The registry's vocabulary: who and what Vestka tracks.

Every other part of Vestka speaks in these types: the importers build them, the Redis store keeps them
as JSON, the mention engine compiles them, the bot renders them. Ids are short slugs because they travel
in deep links (``/start sub_<id>``) and in 64-byte callback data.
"""

from __future__ import annotations

import json
import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

ID_PATTERN = r"^[a-z0-9_-]{1,40}$"
TargetId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
ID_RE = re.compile(ID_PATTERN)
NAME_MAX = 200  # longer is not a name; it is a mistake or an attack


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class PrisonerStatus(StrEnum):
    IN_CUSTODY = "in_custody"
    RELEASED = "released"
    RELEASED_EXPELLED = "released_expelled"
    DIED = "died"
    UNKNOWN = "unknown"


class FacilityKind(StrEnum):
    """The kinds a CSV ``kind`` column may name (besides ``prisoner``).

    facilities.json is finer grained; ``FACILITY_TYPE_TO_KIND`` says how its types fold into these.
    """

    COLONY = "colony"
    SIZO = "sizo"
    PRISON = "prison"
    OPEN_FACILITY = "open_facility"
    DETENTION_CENTRE = "detention_centre"


# facilities.json ``type`` -> our kind. Juvenile colonies are colonies; the KGB remand prison
# ("Amerikanka") is a SIZO; Akrestsina's isolation centre is a detention centre.
FACILITY_TYPE_TO_KIND: dict[str, FacilityKind] = {
    "correctional_colony": FacilityKind.COLONY,
    "juvenile_colony": FacilityKind.COLONY,
    "sizo": FacilityKind.SIZO,
    "kgb_sizo": FacilityKind.SIZO,
    "prison": FacilityKind.PRISON,
    "open_correctional_facility": FacilityKind.OPEN_FACILITY,
    "isolation_center": FacilityKind.DETENTION_CENTRE,
}


class Target(BaseModel):
    """What prisoners and facilities share: an id, names, and the columns we did not understand."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: TargetId
    aliases: list[str] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)  # unknown CSV columns, kept verbatim

    @field_validator("aliases")
    @classmethod
    def _clean_aliases(cls, value: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for alias in value:
            alias = " ".join(alias.split())
            if len(alias) > NAME_MAX:
                raise ValueError(f"alias longer than {NAME_MAX} characters")
            if alias:
                seen.setdefault(alias)
        return list(seen)


def _clean_name(value: str) -> str:
    value = " ".join(value.split())
    if len(value) > NAME_MAX:
        raise ValueError(f"name longer than {NAME_MAX} characters")
    return value


class Fact(BaseModel):
    """When one fact of a record (its status, facility or sentence) was true, and who said so: a
    merge never replaces a fact with an older one, and a card shows both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: date | None = None
    source: str = Field(default="", max_length=200)


# The dated facts of a prisoner, and where each lives on the model
FACTS = ("status", "facility", "sentence")


class Prisoner(Target):
    kind: Literal["prisoner"] = "prisoner"
    name_be: str = ""  # Belarusian Cyrillic, "Алесь Бяляцкі" (first name first)
    name_ru: str = ""  # Russian Cyrillic, "Алесь Беляцкий"
    name_en: str = ""  # Latin as the registry's source writes it, "Ales Bialiatski"
    gender: Gender = Gender.UNKNOWN
    status: PrisonerStatus = PrisonerStatus.UNKNOWN
    facility_id: TargetId | None = None
    description: str = ""
    profile_url: str = ""
    viasna_id: int | None = None
    # The birth year, only to tell namesakes apart ("Артём Соловей, 1996 года рождения"); never
    # shown, never sent. The year alone: the full date would say more than that job needs.
    born: int | None = Field(default=None, ge=1900, le=2030)
    facts: dict[str, Fact] = Field(default_factory=dict)  # FACTS -> when and by whom

    @field_validator("name_be", "name_ru", "name_en")
    @classmethod
    def _names(cls, value: str) -> str:
        return _clean_name(value)

    @property
    def display_name(self) -> str:
        return self.name_be or self.name_ru or self.name_en or self.id

    def fact_value(self, fact: str) -> object:
        """The value of one of ``FACTS`` ("" / unknown when the record has none)."""
        if fact == "status":
            return self.status
        if fact == "facility":
            return self.facility_id or ""
        return self.extra.get("sentence", "")

    def names(self) -> list[str]:
        """Every name the registry gives, most authoritative first, without repeats."""
        return list(
            dict.fromkeys(n for n in (self.name_be, self.name_ru, self.name_en, *self.aliases) if n)
        )


class Facility(Target):
    kind: FacilityKind
    number: int | None = None
    name_be: str = ""  # official name, when a row gives one
    name_ru: str = ""
    name_en: str = ""
    town_be: str = ""
    town_ru: str = ""
    town_en: str = ""
    nicknames: list[str] = Field(default_factory=list)
    postal_address: str = ""
    # Richer spellings from facilities.json (lacinka, pl, press forms, adjectives...), keyed as there.
    town_forms: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("name_be", "name_ru", "name_en", "town_be", "town_ru", "town_en")
    @classmethod
    def _names(cls, value: str) -> str:
        return _clean_name(value)

    @property
    def display_name(self) -> str:
        if self.name_be or self.name_en:
            return self.name_be or self.name_en
        town = self.town_be or self.town_ru or self.town_en
        number = f" №{self.number}" if self.number is not None else ""
        return f"{FACILITY_LABEL_BE[self.kind]}{number}{', ' + town if town else ''}"


FACILITY_LABEL_BE: dict[FacilityKind, str] = {
    FacilityKind.COLONY: "Калонія",
    FacilityKind.SIZO: "СІЗА",
    FacilityKind.PRISON: "Турма",
    FacilityKind.OPEN_FACILITY: "Папраўчая ўстанова адкрытага тыпу",
    FacilityKind.DETENTION_CENTRE: "Ізалятар",
}

AnyTarget = Prisoner | Facility


def target_from_dict(data: dict) -> AnyTarget:
    """Build the right class for a stored or imported record (``kind`` tells which)."""
    model = Prisoner if data.get("kind") == "prisoner" else Facility
    return model.model_validate(data)


def target_from_json(data: str | bytes) -> AnyTarget:
    return target_from_dict(json.loads(data))
