"""Our registry CSV: one prisoner or facility a row, columns ``CSV_COLUMNS`` (and ``CSV_OPTIONAL``).

A row the csv module cannot read (a cell over ``MAX_CELL`` characters, a broken quote) is rejected
by its first line and reading picks up again on the next line; a bad row becomes a ``Problem``
naming its line, and every good row still loads. The bundled ``prisoners.csv`` is read here too."""

from __future__ import annotations

import csv
import re

from feeds.registry.models import (
    FACTS,
    ID_RE,
    Facility,
    FacilityKind,
    Fact,
    Gender,
    Prisoner,
    PrisonerStatus,
)
from feeds.registry.reading import (
    ImportResult,
    Problem,
    _enum,
    _reason,
    birth_year,
    clean_text,
    parse_date,
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
    "born",
    "as_of",
)
LIST_SEPARATOR = ";"
# The longest cell we accept, in characters (descriptions and addresses included; a name allows 200).
MAX_CELL = 20_000
# Columns whose quoted cells must not hold line breaks: one there means a broken quote swallowed the
# following lines. Elsewhere (description, postal_address, columns kept verbatim) they become spaces.
SINGLE_LINE_COLUMNS = frozenset(CSV_COLUMNS + CSV_OPTIONAL) - {"description", "postal_address"}


def _clean_cells(
    cells: dict[str, str], source: str, where: str, warnings: list[Problem]
) -> dict[str, str]:
    cleaned = {}
    for column, value in cells.items():
        text, notes = clean_text(value)
        if notes:
            warnings.append(Problem(source, where, f"{column}: {'; '.join(notes)}"))
        cleaned[column] = text.strip()
    return cleaned


# -- CSV ------------------------------------------------------------------------------------------


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class _Lines:
    """The file's physical lines, fed to one ``csv.reader`` per record from ``pos`` on, so that after
    a bad record reading starts again at the next line instead of wherever the reader stopped."""

    def __init__(self, text: str) -> None:
        self.lines = _LINE_RE.findall(text)
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]

    def record(self) -> tuple[int, list[str] | None, str]:
        """The next record: (its first line, 1-based; its cells or None; why it is unreadable).
        A record that cannot be read consumes only its first line."""
        first = self.pos
        try:
            cells = next(csv.reader(self, strict=True))
        except csv.Error as exc:
            self.pos = first + 1
            return first + 1, None, _csv_reason(str(exc))
        return first + 1, cells, ""

    @property
    def done(self) -> bool:
        return self.pos >= len(self.lines)

    def spans(self, first_line: int) -> bool:
        return self.pos > first_line


def _csv_reason(message: str) -> str:
    if "field larger than field limit" in message:
        return f"a cell is longer than {MAX_CELL} characters"
    if "unexpected end of data" in message:
        return "a quote is never closed"
    if "expected after" in message:
        return f"broken quote: {message}"
    return f"cannot read the row: {message}"


def load_csv_text(text: str, source: str = "<csv>") -> ImportResult:
    result = ImportResult()
    lines = _Lines(text)
    header: list[str] = []
    while not lines.done and not header:  # blank lines before the header are skipped
        line_no, cells, why = lines.record()
        if cells is None:
            result.fatal = f"line {line_no}: header unreadable: {why}"
            result.problems.append(Problem(source, f"line {line_no}", f"header unreadable: {why}"))
            return result
        header = [clean_text(h)[0].strip().lower() for h in cells]
    missing = {"id", "kind"} - set(header)
    if missing:
        reason = (
            f"header lacks {', '.join(sorted(missing))} "
            f"(expected columns such as {','.join(CSV_COLUMNS)})"
            if header
            else f"no header (expected columns such as {','.join(CSV_COLUMNS)})"
        )
        result.problems.append(Problem(source, "line 1", reason))
        result.fatal = reason
        return result
    while not lines.done:
        line_no, cells, why = lines.record()
        where = f"line {line_no}"
        if cells is None:
            result.problems.append(Problem(source, where, why))
            continue
        if not cells:
            continue
        reason = _row_shape(cells, header, spans_lines=lines.spans(line_no))
        if reason:
            result.problems.append(Problem(source, where, reason))
            lines.pos = line_no  # re-read from the next line: a broken quote may have eaten rows
            continue
        raw = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header)}
        cells_clean = _clean_cells(raw, source, where, result.warnings)
        if not any(cells_clean.values()):
            continue
        try:
            result.targets.append(target_from_row(cells_clean))
        except ValueError as exc:
            result.problems.append(Problem(source, where, _reason(exc)))
    return result


def _row_shape(cells: list[str], header: list[str], spans_lines: bool) -> str:
    """Why a parsed record is not a row, or ''."""
    for index, cell in enumerate(cells):
        column = header[index] if index < len(header) else f"cell {index + 1}"
        if len(cell) > MAX_CELL:
            return f"{column}: cell of {len(cell)} characters, over the cap of {MAX_CELL}"
        if spans_lines and column in SINGLE_LINE_COLUMNS and ("\n" in cell or "\r" in cell):
            return f"{column}: a quoted cell runs over several lines (a quote never closed?)"
    if len(cells) > len(header):
        return "more cells than header columns"
    return ""


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
        born=birth_year(cells.get("born", "")),
        facts=_row_facts(cells.get("as_of", "")),
    )


def _row_facts(as_of: str) -> dict[str, Fact]:
    """A CSV row's ``as_of`` dates all its facts (``date_facts`` names the source later)."""
    when = parse_date(as_of)
    if as_of.strip() and when is None:
        raise ValueError(f"as_of {as_of[:30]!r} is not a date (YYYY-MM-DD)")
    return {name: Fact(as_of=when) for name in FACTS} if when else {}


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
