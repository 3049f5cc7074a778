"""Read registry files (our CSV, or Viasna's English JSON export) into targets.

A bad row never sinks a file: it becomes a ``Problem`` naming the file, the line (CSV) or record (JSON)
and the reason, and every good row still loads. A file that is not UTF-8 is read as cp1251, the usual
culprit for Belarusian and Russian spreadsheets, and that is reported too.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from feeds.registry.models import (
    ID_RE,
    Facility,
    FacilityKind,
    Gender,
    Prisoner,
    PrisonerStatus,
)

CSV_COLUMNS = (
    "id",
    "kind",
    "name_be",
    "name_ru",
    "name_en",
    "aliases",
    "number",
    "town_be",
    "town_ru",
    "town_en",
)
# Columns we understand beyond the documented ten; anything else is kept in ``extra``.
CSV_OPTIONAL = (
    "gender",
    "status",
    "facility",
    "viasna_id",
    "profile_url",
    "description",
    "nicknames",
    "postal_address",
)
LIST_SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class Problem:
    source: str
    where: str  # "line 7" or "record 12"
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.where}: {self.reason}"


@dataclass(slots=True)
class ImportResult:
    targets: list[Prisoner | Facility] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def load_registry_file(path: str | Path) -> ImportResult:
    """CSV or Viasna JSON, told apart by the first non-blank character."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ImportResult(problems=[Problem(source, "file", f"cannot read: {exc.strerror}")])
    text, problems = decode(raw, source)
    result = (
        load_json_text(text, source)
        if text.lstrip()[:1] in ("[", "{")
        else load_csv_text(text, source)
    )
    result.problems[:0] = problems
    return result


def decode(raw: bytes, source: str) -> tuple[str, list[Problem]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        note = Problem(source, "file", f"not UTF-8 (byte {exc.start}); read as cp1251, check names")
        return raw.decode("cp1251", errors="replace"), [note]


# -- CSV ------------------------------------------------------------------------------------------


def load_csv_text(text: str, source: str = "<csv>") -> ImportResult:
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = {"id", "kind"} - set(header)
    if missing:
        result.problems.append(
            Problem(
                source,
                "line 1",
                f"header lacks {', '.join(sorted(missing))} "
                f"(expected columns such as {','.join(CSV_COLUMNS)})",
            )
        )
        return result
    reader.fieldnames = header
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row:  # more cells than the header has columns
            result.problems.append(Problem(source, where, "more cells than header columns"))
            continue
        cells = {k: (v or "").strip() for k, v in row.items()}
        if not any(cells.values()):
            continue
        try:
            result.targets.append(target_from_row(cells))
        except ValueError as exc:
            result.problems.append(Problem(source, where, _reason(exc)))
    return result


def target_from_row(cells: dict[str, str]) -> Prisoner | Facility:
    """One CSV row (lower-case column names, stripped values) -> a target, or ``ValueError``."""
    target_id, kind = cells.get("id", ""), cells.get("kind", "").lower()
    if not ID_RE.match(target_id):
        raise ValueError(f"id {target_id[:50]!r} must match [a-z0-9_-]{{1,40}}")
    known = set(CSV_COLUMNS) | set(CSV_OPTIONAL)
    common = {
        "id": target_id,
        "aliases": _list(cells.get("aliases", "")),
        "extra": {k: v for k, v in cells.items() if k not in known and v},
    }
    if kind == "prisoner":
        return _prisoner_from_row(cells, common)
    if kind in FacilityKind._value2member_map_:
        return _facility_from_row(cells, common, FacilityKind(kind))
    kinds = ", ".join(["prisoner", *FacilityKind])
    raise ValueError(f"kind {kind[:30]!r} is not one of {kinds}")


def _prisoner_from_row(cells: dict[str, str], common: dict) -> Prisoner:
    if not (cells.get("name_be") or cells.get("name_ru") or cells.get("name_en")):
        raise ValueError("a prisoner needs name_be, name_ru or name_en")
    return Prisoner(
        **common,
        name_be=cells.get("name_be", ""),
        name_ru=cells.get("name_ru", ""),
        name_en=cells.get("name_en", ""),
        gender=_enum(Gender, cells.get("gender", ""), Gender.UNKNOWN),
        status=_enum(PrisonerStatus, cells.get("status", ""), PrisonerStatus.UNKNOWN),
        facility_id=cells.get("facility") or None,
        description=cells.get("description", ""),
        profile_url=cells.get("profile_url", ""),
        viasna_id=_int(cells.get("viasna_id", ""), "viasna_id"),
    )


def _facility_from_row(cells: dict[str, str], common: dict, kind: FacilityKind) -> Facility:
    number = _int(cells.get("number", ""), "number")
    towns = {k: cells.get(k, "") for k in ("town_be", "town_ru", "town_en")}
    names = {k: cells.get(k, "") for k in ("name_be", "name_ru", "name_en")}
    if number is None and not any(towns.values()) and not any(names.values()):
        raise ValueError("a facility needs a number, a town or a name")
    return Facility(
        **common,
        kind=kind,
        number=number,
        **towns,
        **names,
        nicknames=_list(cells.get("nicknames", "")),
        postal_address=cells.get("postal_address", ""),
    )


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def _int(cell: str, column: str) -> int | None:
    if not cell:
        return None
    if not cell.isdigit() or len(cell) > 9:
        raise ValueError(f"{column} {cell[:20]!r} is not a whole number")
    return int(cell)


def _enum(enum: type, cell: str, default):
    if not cell:
        return default
    try:
        return enum(cell.lower())
    except ValueError:
        raise ValueError(f"{cell[:30]!r} is not one of {', '.join(enum)}") from None


def _reason(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    return str(exc)


# -- Viasna JSON ----------------------------------------------------------------------------------

VIASNA_STATUS = {"active": PrisonerStatus.IN_CUSTODY, "former": PrisonerStatus.RELEASED}
PLACEHOLDER_RE = re.compile(
    r"^(a |an )?(citizen|defendant|guarantor|resident|convicted|accused|suspect|person)\b", re.I
)
VIASNA_EXTRA = {  # export field -> extra key kept for the status card
    "prison/title": "prison_title",
    "prison/address": "prison_address",
    "decision": "sentence",
    "penalty": "penalty",
    "arrested": "arrested",
    "release_date": "release_date",
}


def load_json_text(text: str, source: str = "<json>") -> ImportResult:
    result = ImportResult()
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        result.problems.append(Problem(source, f"line {exc.lineno}", f"not valid JSON: {exc.msg}"))
        return result
    if not isinstance(records, list):
        result.problems.append(Problem(source, "file", "expected a JSON array of records"))
        return result
    seen: set[str] = set()
    for index, record in enumerate(records, start=1):
        where = f"record {index}"
        try:
            prisoner = prisoner_from_viasna(record)
        except ValueError as exc:
            result.problems.append(Problem(source, where, _reason(exc)))
            continue
        if prisoner.id in seen:
            result.problems.append(Problem(source, where, f"repeats id {prisoner.id!r}; skipped"))
            continue
        seen.add(prisoner.id)
        result.targets.append(prisoner)
    return result


def prisoner_from_viasna(record: object) -> Prisoner:
    """One record of Viasna's English export -> ``Prisoner`` (id = the profile URL's slug)."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    url, name = _text(record.get("url")), " ".join(_text(record.get("name")).split())
    slug = slugify(url.rstrip("/").rsplit("/", 1)[-1]) if url else ""
    if not slug:
        raise ValueError("no profile url to take an id from")
    if not name:
        raise ValueError("empty name")
    if PLACEHOLDER_RE.match(name):
        raise ValueError(f"anonymised placeholder name {name[:40]!r}; skipped")
    title = _text(record.get("prison/title"))
    viasna_id = record.get("id")
    return Prisoner(
        id=slug,
        name_en=name,
        gender=_enum(Gender, _text(record.get("gender")), Gender.UNKNOWN),
        status=VIASNA_STATUS.get(_text(record.get("status")), PrisonerStatus.UNKNOWN),
        facility_id=resolve_facility_title(title),
        description=_text(record.get("description"))[:500],
        profile_url=url,
        viasna_id=viasna_id if isinstance(viasna_id, int) else None,
        extra={
            key: value
            for field_name, key in VIASNA_EXTRA.items()
            if (value := _text(record.get(field_name)))
        },
    )


def _text(value: object) -> str:
    """Viasna's export writes FALSE for empty cells."""
    return value.strip() if isinstance(value, str) and value.strip() != "FALSE" else ""


def slugify(text: str) -> str:
    """'n.-savicki' -> 'n-savicki': ascii letters, digits, '-' and '_', at most 40."""
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9_-]+", "", text)
    return re.sub(r"-{2,}", "-", text).strip("-")[:40].strip("-")


TITLE_KINDS = (  # Viasna's English prison/title -> (kind, facilities.json id prefix)
    (re.compile(r"^juvenile (penal )?colony no\.? ?(\d+)$", re.I), "vk-"),
    (re.compile(r"^penal colony no\.? ?(\d+)$", re.I), "ik-"),
    (re.compile(r"^pre-trial detention cent(?:er|re) no\.? ?(\d+)$", re.I), "sizo-"),
    (re.compile(r"^prison no\.? ?(\d+)$", re.I), "prison-"),
    (re.compile(r"^open correctional facility no\.? ?(\d+)$", re.I), "iuot-"),
)
TITLE_NAMES = {"pre-trial detention center of kgb": "kgb-sizo-minsk"}


def resolve_facility_title(title: str, facilities: Iterable[Facility] | None = None) -> str | None:
    """'Penal colony No. 15' -> 'ik-15-mahiliou'; None when no known facility fits."""
    title = " ".join(title.split())
    if not title:
        return None
    if title.lower() in TITLE_NAMES:
        return TITLE_NAMES[title.lower()]
    ids = [f.id for f in facilities] if facilities is not None else _bundled_ids()
    for pattern, prefix in TITLE_KINDS:
        match = pattern.match(title)
        if match:
            number = match.groups()[-1]
            return next(_ids_with_prefix(ids, f"{prefix}{number}"), None)
    return None


def _ids_with_prefix(ids: list[str], prefix: str) -> Iterator[str]:
    """'ik-1' must find 'ik-1-navapolack' but not 'ik-15-mahiliou'."""
    return (i for i in ids if i == prefix or i.startswith(prefix + "-"))


def _bundled_ids() -> list[str]:
    from feeds.registry.bundled import bundled_facilities

    return [f.id for f in bundled_facilities()]
