"""Read registry files (our CSV, or Viasna's English JSON export) into targets.

A bad row never sinks a file: it becomes a ``Problem`` naming the file, the line (CSV) or record (JSON)
and the reason, and every good row still loads. A row the csv module cannot read (a cell over
``MAX_CELL`` characters, a broken quote) is rejected by its first line and reading picks up again on
the next line. A file that is not UTF-8 is read as cp1251, the usual culprit for Belarusian and
Russian spreadsheets, and that is reported too.

Every text field is cleaned (``clean_text``): control characters go (ordinary whitespace becomes a
space), a combining mark with no base character is dropped, the rest is NFC; each cleaning is a
warning naming file, line or record, and field. A file that cannot be used at all (unreadable, binary,
no header, no valid row) sets ``ImportResult.fatal``; ``RegistryFileError`` carries it to callers.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

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
    problems: list[Problem] = field(default_factory=list)  # rejected rows (and file notes)
    warnings: list[Problem] = field(default_factory=list)  # cleaned fields; the row loaded
    fatal: str | None = None  # why the file as a whole cannot be used (then ``targets`` is empty)
    left_out_np: int = 0  # Viasna records marked "np" (not recognised political prisoners) left out
    as_of: date | None = None  # the file's date: --as-of, or the newest date in a Viasna export

    @property
    def ok(self) -> bool:
        return not self.problems


class RegistryFileError(Exception):
    """A registry file that cannot be used at all; ``str()`` is one line: "PATH: reason"."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason


def load_registry_file(
    path: str | Path, include_np: bool = False, as_of: date | None = None
) -> ImportResult:
    """CSV or Viasna JSON, told apart by the first non-blank character. Never raises on bad input:
    a file that cannot be used comes back with ``fatal`` set and no targets. Viasna's records of
    people it does not recognise as political prisoners (status ``np``) are left out and counted,
    unless ``include_np``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = f"cannot read: {exc.strerror or exc}"
        return ImportResult(problems=[Problem(str(path), "file", reason)], fatal=reason)
    return load_registry_bytes(raw, str(path), include_np, as_of)


def load_registry_bytes(
    raw: bytes, source: str, include_np: bool = False, as_of: date | None = None
) -> ImportResult:
    """``load_registry_file`` for bytes already read (a registry fetched from ``REGISTRY_URL``).
    Every status, facility and sentence comes out dated (``date_facts``): a row's own ``as_of``,
    else ``as_of``, else a Viasna export's newest date."""
    try:
        text, problems = decode(raw, source)
    except ValueError as exc:
        return ImportResult(problems=[Problem(source, "file", str(exc))], fatal=str(exc))
    result = (
        load_json_text(text, source, include_np)
        if text.lstrip()[:1] in ("[", "{")
        else load_csv_text(text, source)
    )
    result.problems[:0] = problems
    result.as_of = as_of or result.as_of
    date_facts(result.targets, result.as_of, source_name(source))
    if result.fatal is None and not result.targets:
        rejected = [p for p in result.problems if p.where != "file"]
        result.fatal = (
            f"no valid row ({len(rejected)} rejected; first: {rejected[0].where}: "
            f"{rejected[0].reason})"
            if rejected
            else "no rows"
        )
    return result


def decode(raw: bytes, source: str) -> tuple[str, list[Problem]]:
    """UTF-8 (or UTF-16 with a BOM); else cp1251 with a note. ``ValueError`` for binary data."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise ValueError(f"not text: bad UTF-16 at byte {exc.start}") from None
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        if b"\x00" in raw:  # no cp1251 spreadsheet holds NUL bytes: this is not a text file
            raise ValueError(
                f"not text: not UTF-8 (byte {exc.start}) and holds NUL bytes"
            ) from None
        note = Problem(source, "file", f"not UTF-8 (byte {exc.start}); read as cp1251, check names")
        return raw.decode("cp1251", errors="replace"), [note]


# -- cleaning -------------------------------------------------------------------------------------

_WHITESPACE_CONTROLS = frozenset("\t\n\r\v\f\x85")


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _is_base(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def clean_text(value: str) -> tuple[str, list[str]]:
    """Controls out (ordinary whitespace becomes a space), combining marks with no base character
    (at the start, after a space or punctuation) dropped, then NFC. Returns the text and what was
    done, as short notes for a warning ("removed 1 control character")."""
    if value.isascii() and value.isprintable():
        return value, []
    kept: list[str] = []
    controls = marks = 0
    attach = False  # may a combining mark attach here: after a kept letter, digit or mark
    for char in value:
        if _is_control(char):
            if char in _WHITESPACE_CONTROLS:
                kept.append(" ")
            else:
                controls += 1
            attach = False
            continue
        if _is_mark(char) and not attach:
            marks += 1
            continue
        kept.append(char)
        attach = _is_base(char)
    joined = "".join(kept)
    text = unicodedata.normalize("NFC", joined)
    notes = []
    if controls:
        notes.append(f"removed {controls} control character{'s' if controls > 1 else ''}")
    if marks:
        notes.append(
            f"dropped {marks} combining mark{'s' if marks > 1 else ''} with no base letter"
        )
    if text != joined:
        notes.append("normalised to NFC")
    return text, notes


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


def load_json_text(text: str, source: str = "<json>", include_np: bool = False) -> ImportResult:
    result = ImportResult()
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON: {exc.msg}"
        result.problems.append(Problem(source, f"line {exc.lineno}", reason))
        result.fatal = f"line {exc.lineno}: {reason}"
        return result
    if not isinstance(records, list):
        result.fatal = "expected a JSON array of records"
        result.problems.append(Problem(source, "file", result.fatal))
        return result
    result.as_of = newest_date(records)
    seen: set[str] = set()
    for index, record in enumerate(records, start=1):
        where = f"record {index}"

        def warn(field_name: str, notes: list[str], where: str = where) -> None:
            result.warnings.append(Problem(source, where, f"{field_name}: {'; '.join(notes)}"))

        if not include_np and isinstance(record, dict) and record.get("status") == "np":
            result.left_out_np += 1
            continue
        try:
            prisoner = prisoner_from_viasna(record, warn)
        except ValueError as exc:
            result.problems.append(Problem(source, where, _reason(exc)))
            continue
        if prisoner.id in seen:
            result.problems.append(Problem(source, where, f"repeats id {prisoner.id!r}; skipped"))
            continue
        seen.add(prisoner.id)
        result.targets.append(prisoner)
    return result


def prisoner_from_viasna(
    record: object, warn: Callable[[str, list[str]], None] | None = None
) -> Prisoner:
    """One record of Viasna's English export -> ``Prisoner`` (id = the profile URL's slug).
    Text fields are cleaned (``clean_text``); ``warn(field, notes)`` hears what was cleaned."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")

    def _text(field_name: str) -> str:
        value = record.get(field_name)
        if not isinstance(value, str):
            return ""
        text, notes = clean_text(value)
        if notes and warn is not None:
            warn(field_name, notes)
        text = text.strip()
        return "" if text == "FALSE" else text  # Viasna's export writes FALSE for empty cells

    url, name = _text("url"), " ".join(_text("name").split())
    slug = slugify(url.rstrip("/").rsplit("/", 1)[-1]) if url else ""
    if not slug:
        raise ValueError("no profile url to take an id from")
    if not name:
        raise ValueError("empty name")
    if PLACEHOLDER_RE.match(name):
        raise ValueError(f"anonymised placeholder name {name[:40]!r}; skipped")
    title = _text("prison/title")
    viasna_id = record.get("id")
    return Prisoner(
        id=slug,
        name_en=name,
        gender=_enum(Gender, _text("gender"), Gender.UNKNOWN),
        status=VIASNA_STATUS.get(_text("status"), PrisonerStatus.UNKNOWN),
        facility_id=resolve_facility_title(title),
        description=_text("description")[:500],
        profile_url=url,
        viasna_id=viasna_id if isinstance(viasna_id, int) else None,
        born=birth_year(_text("birthday")),
        extra={
            key: value for field_name, key in VIASNA_EXTRA.items() if (value := _text(field_name))
        }
        | _articles_of(record),
    )


_ARTICLE_NUMBER = re.compile(r"\bArt\.\s*(\d{3})")


def _articles_of(record: dict) -> dict[str, str]:
    """The criminal code articles of a record ("articles/0": "Part 2 of Art. 339 of the Criminal
    Code — ..."), as "articles": "339 342": a story naming the article tells namesakes apart."""
    numbers = {
        number
        for key, value in record.items()
        if key.startswith("articles") and isinstance(value, str)
        for number in _ARTICLE_NUMBER.findall(value)
    }
    return {"articles": " ".join(sorted(numbers))} if numbers else {}


_YEAR = re.compile(r"^\s*((?:19|20)\d\d)(?:\b|-)")


def birth_year(text: str) -> int | None:
    """The year of a birth date ("1996-05-17", "1996"), or None: Vestka keeps only the year, to
    tell namesakes apart. A date it cannot read is dropped, not an error (the field is optional)."""
    found = _YEAR.match(text or "")
    year = int(found.group(1)) if found else None
    return year if year is not None and 1900 <= year <= 2030 else None


def source_name(source: str) -> str:
    """How a card names a file or URL source: its last path part, without query or credentials
    ("viasna-prisoners-en-2023.json", "registry.example.org/export.json")."""
    text = source.split("?", 1)[0].split("#", 1)[0]
    if "://" in text:
        text = text.split("://", 1)[1].rsplit("@", 1)[-1]
        return text[:200]
    return Path(text).name[:200] or text[:200]


def date_facts(targets: list, as_of: date | None, source: str) -> None:
    """Give every prisoner's status, facility and sentence a ``Fact`` (when and by whom), in
    place: a fact the row already dated keeps its date, and one it does not state gets none."""
    for index, target in enumerate(targets):
        if not isinstance(target, Prisoner):
            continue
        facts = dict(target.facts)
        for name in FACTS:
            own = facts.pop(name, None)
            if target.fact_value(name) in ("", PrisonerStatus.UNKNOWN):
                continue  # nothing stated, nothing dated
            facts[name] = Fact(
                as_of=(own.as_of if own else None) or as_of,
                source=(own.source if own and own.source else source),
            )
        if facts != target.facts:
            targets[index] = target.model_copy(update={"facts": facts})


_DATE = re.compile(r"^\s*((?:19|20)\d\d)-(\d\d)-(\d\d)")
VIASNA_DATES = ("arrested", "verdict_date", "appeal_date", "release_date", "penalty_start_date")


def parse_date(text: str) -> date | None:
    """A date written YYYY-MM-DD (a time after it is ignored), or None."""
    found = _DATE.match(text or "")
    if not found:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def newest_date(records: list, today: date | None = None) -> date | None:
    """The newest date a Viasna export mentions (not after today): the export's own date."""
    today = today or date.today()
    found = [
        d
        for record in records
        if isinstance(record, dict)
        for name in VIASNA_DATES
        if isinstance(record.get(name), str) and (d := parse_date(record[name])) and d <= today
    ]
    return max(found, default=None)


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
