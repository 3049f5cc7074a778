"""Facts carry their date and their source (issue 14): a merge never replaces a status, facility or
sentence with an older one; a Viasna export is dated by the newest date in it; cards show both."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.telegram.render import card
from feeds.registry.bundled import BUNDLED_SOURCE, bundled_prisoners
from feeds.registry.importers import load_registry_file
from feeds.registry.models import PrisonerStatus
from feeds.registry.store import RegistryStore
from feeds.registry.viasna import newest_date
from feeds.storage.connection import Storage
from tests.conftest import ROOT

SAMPLE = ROOT / "tests" / "data" / "viasna-sample-en.json"
HEADER = "id,kind,name_en,status,facility,as_of\n"


def csv_file(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


async def test_an_older_file_never_undoes_a_newer_fact(storage: Storage, tmp_path: Path) -> None:
    registry = RegistryStore(storage)
    newer = csv_file(tmp_path, "newer.csv", "p-1,prisoner,Ihar Losik,released,,2025-06-01\n")
    await registry.import_file(newer)
    older = csv_file(
        tmp_path, "older.csv", "p-1,prisoner,Ihar Losik,in_custody,ik-1-navapolack,2023-02-01\n"
    )
    version = await registry.version()
    _, report = await registry.import_file(older)
    kept = await registry.get("p-1")
    assert kept.status == PrisonerStatus.RELEASED
    assert kept.facts["status"].as_of == date(2025, 6, 1)
    assert kept.facts["status"].source == "newer.csv"
    assert ("p-1", "status") in report.stale and "older than stored" in report.line()
    # the place in an outdated record is old news too: nothing changed, nobody is told
    assert kept.facility_id is None and "facility" not in kept.facts
    assert (report.changes, report.unchanged) == ([], 1)
    assert await registry.version() == version


async def test_an_older_sentence_keeps_the_newer_one(storage: Storage, tmp_path: Path) -> None:
    registry = RegistryStore(storage)
    header = "id,kind,name_en,status,sentence,as_of\n"
    newer = tmp_path / "n.csv"
    newer.write_text(header + "p-1,prisoner,Ihar Losik,in_custody,15 years,2024-01-01\n")
    older = tmp_path / "o.csv"
    older.write_text(header + "p-1,prisoner,Ihar Losik,in_custody,8 years,2022-01-01\n")
    await registry.import_file(newer)
    _, report = await registry.import_file(older)
    kept = await registry.get("p-1")
    assert kept.extra["sentence"] == "15 years" and ("p-1", "sentence") in report.stale


async def test_a_newer_file_changes_a_fact_and_dates_it(storage: Storage, tmp_path: Path) -> None:
    registry = RegistryStore(storage)
    await registry.import_file(
        csv_file(tmp_path, "a.csv", "p-1,prisoner,Ihar Losik,in_custody,,2023-02-01\n")
    )
    _, report = await registry.import_file(
        csv_file(tmp_path, "b.csv", "p-1,prisoner,Ihar Losik,released,,2025-06-01\n")
    )
    [change] = report.changes
    assert change.status_changed
    now = await registry.get("p-1")
    assert (now.status, now.facts["status"].as_of) == (PrisonerStatus.RELEASED, date(2025, 6, 1))


async def test_the_same_fact_again_changes_nothing(storage: Storage, tmp_path: Path) -> None:
    registry = RegistryStore(storage)
    row = "p-1,prisoner,Ihar Losik,in_custody,,2023-02-01\n"
    await registry.import_file(csv_file(tmp_path, "a.csv", row))
    _, report = await registry.import_file(csv_file(tmp_path, "copy.csv", row))
    assert (report.updated, report.unchanged) == (0, 1)
    assert (await registry.get("p-1")).facts["status"].source == "a.csv"


async def test_as_of_dates_a_whole_file(storage: Storage, tmp_path: Path) -> None:
    registry = RegistryStore(storage)
    path = csv_file(tmp_path, "undated.csv", "p-1,prisoner,Ihar Losik,released,,\n")
    await registry.import_file(path, as_of=date(2024, 1, 2))
    assert (await registry.get("p-1")).facts["status"].as_of == date(2024, 1, 2)


def test_a_viasna_export_is_dated_by_the_newest_date_in_it() -> None:
    records = json.loads(SAMPLE.read_text(encoding="utf-8"))
    result = load_registry_file(SAMPLE)
    assert result.as_of == newest_date(records) and result.as_of is not None
    prisoner = result.targets[0]
    assert prisoner.facts["status"].as_of == result.as_of
    assert prisoner.facts["status"].source == SAMPLE.name
    future = [{"arrested": "2099-01-01"}, {"verdict_date": "2021-05-04"}]
    assert newest_date(future, today=date(2026, 12, 6)) == date(2021, 5, 4)


def test_bundled_rows_carry_their_date_and_cards_show_it() -> None:
    prisoner = bundled_prisoners()[0]
    assert prisoner.facts["status"].source == BUNDLED_SOURCE
    when = prisoner.facts["status"].as_of.isoformat()
    assert f"as of {when}" in card(prisoner, "en") and f"на {when}" in card(prisoner, "be")


def test_a_bad_as_of_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    result = load_registry_file(csv_file(tmp_path, "bad.csv", "p-1,prisoner,X Y,released,,May\n"))
    assert result.fatal and "as_of 'May' is not a date" in result.problems[0].reason
    run = subprocess.run(
        [sys.executable, "-m", "bot", "registry", "import", "x.csv", "--as-of", "yesterday"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 2 and "is not a date (YYYY-MM-DD)" in run.stderr


async def test_a_status_alert_says_as_of_when_and_who_says_so(
    storage: Storage, tmp_path: Path
) -> None:
    from bot.telegram.alert_parts import registry_line
    from feeds.watching.timeline import record_registry_changes

    registry = RegistryStore(storage)
    await registry.import_file(
        csv_file(tmp_path, "a.csv", "p-1,prisoner,Ihar Losik,in_custody,,2023-02-01\n")
    )
    _, report = await registry.import_file(
        csv_file(tmp_path, "b.csv", "p-1,prisoner,Ihar Losik,released,,2025-06-01\n")
    )
    [alert] = await record_registry_changes(storage, report.changes, "test", report.version)
    assert (alert.change.as_of, alert.change.source) == (date(2025, 6, 1), "b.csv")
    line = registry_line(alert, {}, "en")
    assert "as of 2025-06-01, b.csv" in line and "released" in line


async def test_the_same_person_from_another_source_lands_on_the_stored_id(
    storage: Storage, tmp_path: Path
) -> None:
    """One person, one target (issue 14 point 3): matched by Viasna id, else by profile URL."""
    from feeds.registry.models import Prisoner

    registry = RegistryStore(storage)
    await registry.merge(
        [
            Prisoner(id="ales-b", name_be="Алесь Бяляцкі", viasna_id=964),
            Prisoner(
                id="maryja-k",
                name_be="Марыя Калеснікава",
                profile_url="https://prisoners.spring96.org/en/person/maryja-kalesnikava",
            ),
        ]
    )
    path = tmp_path / "other.csv"
    path.write_text(
        "id,kind,name_en,viasna_id,profile_url\n"
        "ales-bialiatski,prisoner,Ales Bialiatski,964,\n"
        "m-kalesnikava,prisoner,Maria Kalesnikava,,http://prisoners.spring96.org/person/maryja-kalesnikava/\n"
        "someone-else,prisoner,Ihar Losik,,\n"
    )
    _, report = await registry.import_file(path)
    assert (report.added, report.updated) == (1, 2)
    assert {t.id for t in await registry.all()} == {"ales-b", "maryja-k", "someone-else"}
    assert (await registry.get("ales-b")).name_en == "Ales Bialiatski"
    assert (await registry.get("maryja-k")).name_en == "Maria Kalesnikava"
