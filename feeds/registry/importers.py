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

from datetime import date
from pathlib import Path

from feeds.registry.csv_rows import load_csv_text
from feeds.registry.reading import ImportResult, Problem, date_facts
from feeds.registry.viasna import load_json_text


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


def source_name(source: str) -> str:
    """How a card names a file or URL source: its last path part, without query or credentials
    ("viasna-prisoners-en-2023.json", "registry.example.org/export.json")."""
    text = source.split("?", 1)[0].split("#", 1)[0]
    if "://" in text:
        text = text.split("://", 1)[1].rsplit("@", 1)[-1]
        return text[:200]
    return Path(text).name[:200] or text[:200]
