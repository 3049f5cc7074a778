"""What reading a registry file takes whatever its format: the result (targets, problems, warnings),
cleaned text fields, dates and birth years, and facts dated by their source.

Shared by the CSV reader (``csv_rows``), the Viasna reader (``viasna``), the bundled registry and
the entry points in ``importers``; it imports none of them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from feeds.registry.models import FACTS, Facility, Fact, Prisoner, PrisonerStatus


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


_YEAR = re.compile(r"^\s*((?:19|20)\d\d)(?:\b|-)")


def birth_year(text: str) -> int | None:
    """The year of a birth date ("1996-05-17", "1996"), or None: Vestka keeps only the year, to
    tell namesakes apart. A date it cannot read is dropped, not an error (the field is optional)."""
    found = _YEAR.match(text or "")
    year = int(found.group(1)) if found else None
    return year if year is not None and 1900 <= year <= 2030 else None


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


def parse_date(text: str) -> date | None:
    """A date written YYYY-MM-DD (a time after it is ignored), or None."""
    found = _DATE.match(text or "")
    if not found:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None
