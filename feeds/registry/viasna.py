"""Viasna's English JSON export: one record a person, read into prisoners.

A record names its prison by title ("Penal colony No. 15"), resolved against the bundled
facilities; its dates date the export; records marked ``np`` (people Viasna does not recognise as
political prisoners) are left out and counted unless asked for."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from feeds.registry.bundled import bundled_facilities
from feeds.registry.models import Facility, Gender, Prisoner, PrisonerStatus
from feeds.registry.reading import (
    ImportResult,
    Problem,
    _enum,
    _reason,
    birth_year,
    clean_text,
    parse_date,
)

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
    name, aliases = name_and_aliases(name)
    return Prisoner(
        id=slug,
        name_en=name,
        aliases=aliases,
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


_PARENTHESIS = re.compile(r"\s*\(([^()]+)\)")


def name_and_aliases(name: str) -> tuple[str, list[str]]:
    """A record's name and the other names it holds, as the press may use any of them.

    Viasna writes a second surname or given name in parentheses ("Katsiaryna Andreyeva
    (Bakhvalava)": the pen name and the name in her passport; "Viachaslau (Vatslau) Areshka") and
    a double surname with a hyphen ("Akikhiro Hayeuski-Hanada", known as Akihiro Hanada). Each
    other name becomes an alias with the rest of the record's name, so either surname finds the
    person under the same rules as any surname."""
    words = _PARENTHESIS.sub("", name).split()
    if not words:
        return name, []
    aliases: list[str] = []
    for match in _PARENTHESIS.finditer(name):
        other = match.group(1).split()
        before = _PARENTHESIS.sub("", name[: match.start()]).split()
        if len(other) != 1 or not before:
            continue
        if len(before) == 1:  # "Viachaslau (Vatslau) Areshka": another given name
            aliases.append(" ".join([*other, *words[1:]]))
        else:  # "Katsiaryna Andreyeva (Bakhvalava)": another surname
            aliases.append(" ".join([*before[:-1], *other]))
    if len(words) >= 2 and "-" in words[-1].strip("-"):
        parts = [p for p in words[-1].split("-") if len(p) >= 4]
        if len(parts) == 2:
            aliases.extend(" ".join([*words[:-1], part]) for part in parts)
    return " ".join(words), [a for a in dict.fromkeys(aliases) if a != " ".join(words)]


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


VIASNA_DATES = ("arrested", "verdict_date", "appeal_date", "release_date", "penalty_start_date")


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
    return [f.id for f in bundled_facilities()]
