"""Registry files: CSV and Viasna JSON, good rows load, bad rows are reported by line and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feeds.registry.bundled import bundled_facilities, bundled_targets
from feeds.registry.importers import (
    load_registry_file,
    resolve_facility_title,
    slugify,
)
from feeds.registry.models import Facility, FacilityKind, Gender, Prisoner, PrisonerStatus
from tests.conftest import ROOT
from tests.shared_data import shared_path

HEADER = "id,kind,name_be,name_ru,name_en,aliases,number,town_be,town_ru,town_en"
SAMPLE = ROOT / "tests" / "data" / "viasna-sample-en.json"


def write(tmp_path: Path, text: str, name: str = "registry.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_good_rows_any_column_order_and_unknown_columns_kept(tmp_path: Path) -> None:
    text = (
        "kind,name_en,id,note,aliases,name_be,gender,status,facility,number,town_be\n"
        "prisoner,Ales Bialiatski,ales-bialiacki,Nobel 2022,Aleś Bialacki; Алесь Беляцкі ,"
        "Алесь Бяляцкі,male,released_expelled,,,\n"
        "colony,,ik-9-x,,Горецкая калонія,,,,,9,Горкі\n"
    )
    result = load_registry_file(write(tmp_path, text))
    assert result.problems == []
    prisoner, colony = result.targets
    assert isinstance(prisoner, Prisoner) and isinstance(colony, Facility)
    assert prisoner.name_be == "Алесь Бяляцкі" and prisoner.name_en == "Ales Bialiatski"
    assert prisoner.aliases == ["Aleś Bialacki", "Алесь Беляцкі"]
    assert prisoner.extra == {"note": "Nobel 2022"}
    assert (prisoner.gender, prisoner.status) == (Gender.MALE, PrisonerStatus.RELEASED_EXPELLED)
    assert (colony.kind, colony.number, colony.town_be) == (FacilityKind.COLONY, 9, "Горкі")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("Ales,prisoner,,,,,,,,", "id 'Ales' must match [a-z0-9_-]{1,40}"),
        ("a" * 41 + ",prisoner,x,,,,,,,", "must match [a-z0-9_-]{1,40}"),
        ("x1,spaceship,Імя,,,,,,,", "kind 'spaceship' is not one of prisoner, colony"),
        ("x2,prisoner,,,,,,,,", "a prisoner needs name_be, name_ru or name_en"),
        ("x3,colony,,,,,,,,", "a facility needs a number, a town or a name"),
        ("x4,colony,,,,,nine,,,", "number 'nine' is not a whole number"),
        ("x5,prisoner," + "Я" * 10_000 + ",,,,,,,", "name_be: name longer than 200 characters"),
        ("x6,prisoner,Імя,,,,,,,,extra", "more cells than header columns"),
        (",prisoner,Імя,,,,,,,", "id '' must match"),
    ],
)
def test_csv_malformed_row_is_reported_and_good_rows_still_load(
    tmp_path: Path, row: str, reason: str
) -> None:
    text = f"{HEADER}\ngood-1,prisoner,Марфа Рабкова,,,,,,,\n{row}\ngood-2,sizo,,,,,1,Мінск,,\n"
    path = write(tmp_path, text)
    result = load_registry_file(path)
    assert [t.id for t in result.targets] == ["good-1", "good-2"]
    [problem] = result.problems
    assert (problem.source, problem.where) == (str(path), "line 3")
    assert reason in problem.reason


def test_csv_without_required_columns(tmp_path: Path) -> None:
    result = load_registry_file(write(tmp_path, "name,town\nx,y\n"))
    assert result.targets == []
    assert "header lacks id, kind" in result.problems[0].reason


def test_cp1251_file_is_read_and_flagged(tmp_path: Path) -> None:
    text = f"{HEADER}\nmarfa-rabkova,prisoner,Марфа Рабкова,Марфа Рабкова,,,,,,\n"
    result = load_registry_file(write(tmp_path, text, encoding="cp1251"))
    assert [t.name_be for t in result.targets] == ["Марфа Рабкова"]
    assert "not UTF-8" in result.problems[0].reason and "cp1251" in result.problems[0].reason


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = load_registry_file(tmp_path / "nope.csv")
    assert result.targets == [] and "cannot read" in result.problems[0].reason


def test_viasna_sample(tmp_path: Path) -> None:
    result = load_registry_file(SAMPLE)
    assert result.problems == []
    by_id = {t.id: t for t in result.targets}
    capiuk = by_id["andrej-capiuk"]
    assert isinstance(capiuk, Prisoner)
    assert capiuk.name_en == "Andrei Chapiuk" and capiuk.viasna_id == 1
    assert capiuk.status is PrisonerStatus.IN_CUSTODY and capiuk.gender is Gender.MALE
    assert capiuk.facility_id == "sizo-1-minsk"
    assert capiuk.profile_url.endswith("/andrej-capiuk")
    assert by_id["eduard-palcys"].facility_id == "prison-4-mahiliou"


def test_viasna_malformed_records(tmp_path: Path) -> None:
    records = json.loads(SAMPLE.read_text())
    good = records[0]
    bad = [
        "not an object",
        {**good, "url": ""},
        {**good, "url": "https://x/en/person/other", "name": ""},
        {**good, "url": "https://x/en/person/citizen-k", "name": "Citizen K."},
        {**good, "url": "https://x/en/person/third", "gender": "robot"},
        good,  # repeats the id
    ]
    path = write(tmp_path, json.dumps([good, *bad]), name="viasna.json")
    result = load_registry_file(path)
    assert [t.id for t in result.targets] == ["andrej-capiuk"]
    reasons = {p.where: p.reason for p in result.problems}
    assert reasons == {
        "record 2": "not a JSON object",
        "record 3": "no profile url to take an id from",
        "record 4": "empty name",
        "record 5": "anonymised placeholder name 'Citizen K.'; skipped",
        "record 6": "'robot' is not one of male, female, unknown",
        "record 7": "repeats id 'andrej-capiuk'; skipped",
    }


def test_viasna_truncated_json(tmp_path: Path) -> None:
    result = load_registry_file(write(tmp_path, SAMPLE.read_text()[:500], name="cut.json"))
    assert result.targets == [] and "not valid JSON" in result.problems[0].reason


def test_ten_megabyte_viasna_file(tmp_path: Path) -> None:
    template = json.loads(SAMPLE.read_text())[0]
    records = [
        {
            **template,
            "id": i,
            "url": f"https://prisoners.spring96.org/en/person/p-{i}",
            "description": "x" * 2000,
        }
        for i in range(4000)
    ]
    path = write(tmp_path, json.dumps(records), name="big.json")
    assert path.stat().st_size > 10_000_000
    result = load_registry_file(path)
    assert result.problems == [] and len(result.targets) == 4000


def test_full_viasna_export_loads() -> None:
    result = load_registry_file(shared_path("data/viasna-prisoners-en-2023.json"))
    assert len(result.targets) > 2900
    assert all(
        "placeholder" in p.reason or "repeats id" in p.reason or "empty name" in p.reason
        for p in result.problems
    )


@pytest.mark.parametrize(
    ("title", "facility"),
    [
        ("Penal colony No. 15", "ik-15-mahiliou"),
        ("Penal Colony No. 12", "ik-12-orsa-tb"),
        ("Penal colony No. 1", "ik-1-navapolack"),
        ("Juvenile penal colony No. 2", "vk-2-babrujsk-juvenile"),
        ("Pre-trial detention center No. 8", "sizo-8-zodzina"),
        ("Prison No. 4", "prison-4-mahiliou"),
        ("Open correctional facility No. 55", "iuot-55-minsk"),
        ("Pre-trial detention center of KGB", "kgb-sizo-minsk"),
        ("Open correctional facility No. 43", None),
        ("Released awaiting the commencement of the sentence", None),
        ("", None),
    ],
)
def test_prison_titles_resolve_to_facility_ids(title: str, facility: str | None) -> None:
    assert resolve_facility_title(title) == facility


def test_slugify() -> None:
    assert slugify("n.-savicki") == "n-savicki"
    assert slugify("Hramadzjanka-H.") == "hramadzjanka-h"
    assert slugify("ŭładzimir") == "uadzimir"


def test_bundled_registry_is_complete_and_valid() -> None:
    reference = json.loads((ROOT / "feeds" / "registry" / "data" / "facilities.json").read_text())
    facilities = bundled_facilities()
    assert [f.id for f in facilities] == [r["id"] for r in reference]
    horki = next(f for f in facilities if f.id == "ik-9-horki")
    assert horki.town_forms["adjective_ru"] == ["горецкая"]
    assert "у Горках" in horki.town_forms["locative_be"]
    ids = [t.id for t in bundled_targets()]
    assert len(ids) == len(set(ids))
