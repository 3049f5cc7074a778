"""Registry files: CSV and Viasna JSON, good rows load, bad rows are reported by line and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feeds.registry.bundled import bundled_facilities, bundled_targets
from feeds.registry.importers import load_registry_file
from feeds.registry.models import Facility, FacilityKind, Gender, Prisoner, PrisonerStatus
from feeds.registry.viasna import resolve_facility_title, slugify
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
    path = shared_path("data/viasna-prisoners-en-2023.json")
    result = load_registry_file(path)
    # 3,084 records, 959 marked np (left out), placeholders and repeats skipped
    assert len(result.targets) > 2000 and result.left_out_np == 959
    assert len(load_registry_file(path, include_np=True).targets) > 2900
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


# -- files that must never abort (issue 11, point 4) ----------------------------------------------

GOOD_1 = "good-1,prisoner,Марфа Рабкова,,,,,,,"
GOOD_2 = "good-2,sizo,,,,,1,Мінск,,"


@pytest.mark.parametrize(
    ("bad_lines", "expected"),
    [
        # one cell over the csv module's own limit (131,072): it used to raise _csv.Error
        (
            ["x1,prisoner," + "Я" * 200_000 + ",,,,,,,"],
            [("line 3", "a cell is longer than 20000 characters")],
        ),
        # over our cap but under the csv module's
        (
            ["x2,prisoner,Імя,,,,,," + "a" * 30_000],
            [("line 3", "town_ru: cell of 30000 characters, over the cap of 20000")],
        ),
        # a quoted over-long cell running over lines: its second line is read as a row of its own
        (
            ['x3,prisoner,"' + "Я" * 200_000, "still inside,,,"],
            [
                ("line 3", "a cell is longer than 20000 characters"),
                ("line 4", "id 'still inside' must match [a-z0-9_-]{1,40}"),
            ],
        ),
        # a quote that never closes would swallow the rest of the file unless reading re-syncs
        (['x4,prisoner,"Імя,,,,,,,'], [("line 3", "a quote is never closed")]),
        # a quote closed on a later line: the name would have eaten that line
        (
            ['x5,prisoner,"Імя,,,,,,,', 'y,"'],
            [
                (
                    "line 3",
                    "name_be: a quoted cell runs over several lines (a quote never closed?)",
                ),
                ("line 4", "a quote is never closed"),
            ],
        ),
        # a closing quote followed by more text in the same cell
        (['x6,prisoner,"Імя"x,,,,,,,'], [("line 3", "broken quote: ',' expected after '\"'")]),
    ],
)
def test_unreadable_row_in_the_middle_is_rejected_and_the_rest_loads(
    tmp_path: Path, bad_lines: list[str], expected: list[tuple[str, str]]
) -> None:
    text = "\n".join([HEADER, GOOD_1, *bad_lines, GOOD_2]) + "\n"
    path = write(tmp_path, text)
    result = load_registry_file(path)
    assert [t.id for t in result.targets] == ["good-1", "good-2"]
    assert result.fatal is None
    assert {p.source for p in result.problems} == {str(path)}
    assert [(p.where, p.reason) for p in result.problems] == expected


def test_unclosed_quote_in_a_description_at_the_end_of_the_file(tmp_path: Path) -> None:
    text = f'id,kind,name_be,description\n{GOOD_1[:25]},\nx,prisoner,Імя,"no end\ngood-3,prisoner,Ян,\n'
    result = load_registry_file(write(tmp_path, text))
    assert [t.id for t in result.targets] == ["good-1", "good-3"]
    assert [(p.where, p.reason) for p in result.problems] == [("line 3", "a quote is never closed")]


def test_multiline_description_is_kept_as_one_line(tmp_path: Path) -> None:
    text = 'id,kind,name_be,description\np-1,prisoner,Ян,"first\nsecond"\np-2,prisoner,Ян,\n'
    result = load_registry_file(write(tmp_path, text))
    assert result.problems == [] and result.warnings == []
    assert [(t.id, t.description) for t in result.targets] == [("p-1", "first second"), ("p-2", "")]


@pytest.mark.parametrize(
    ("name_be", "note"),
    [
        ("Алесь\x00 Бяляцкі", "name_be: removed 1 control character"),
        ("Алесь Бяля\x00цкі", "name_be: removed 1 control character"),
        ("\x1bАлесь\x7f Бяляцкі\x9b", "name_be: removed 3 control characters"),
        ("\u0301Алесь Бяляцкі", "name_be: dropped 1 combining mark with no base letter"),
        ("Алесь \u0308Бяляцкі", "name_be: dropped 1 combining mark with no base letter"),
        ("Алесь Бяляцкі\x00\u0301", "name_be: removed 1 control character; dropped 1 combining"),
        ("Алесь Бяляцкı\u0307".replace("ı\u0307", "і"), None),  # nothing to clean
        ("Алесь Бяляцки\u0306".replace("ки\u0306", "кі"), None),
    ],
)
def test_names_are_cleaned_with_a_warning_and_never_lost(
    tmp_path: Path, name_be: str, note: str | None
) -> None:
    text = f"{HEADER}\nales-bialiacki,prisoner,{name_be},,,,,,,\n"
    path = write(tmp_path, text)
    result = load_registry_file(path)
    assert result.problems == []
    [prisoner] = result.targets
    assert prisoner.name_be == "Алесь Бяляцкі"
    if note is None:
        assert result.warnings == []
    else:
        [warning] = result.warnings
        assert (warning.source, warning.where) == (str(path), "line 2")
        assert warning.reason.startswith(note)


def test_whitespace_controls_become_spaces_and_nfc_applies(tmp_path: Path) -> None:
    decomposed = "Вячаслау\u0306"  # у + combining breve: NFC makes ў
    text = f"{HEADER}\np-1,prisoner,Алесь\tБяляцкі,{decomposed},,a\u000bb;c,,,,\n"
    result = load_registry_file(write(tmp_path, text))
    [prisoner] = result.targets
    assert prisoner.name_be == "Алесь Бяляцкі"
    assert prisoner.name_ru == "Вячаслаў"
    assert prisoner.aliases == ["a b", "c"]
    assert [w.reason for w in result.warnings] == ["name_ru: normalised to NFC"]


def test_viasna_text_fields_are_cleaned_with_a_warning(tmp_path: Path) -> None:
    record = {**json.loads(SAMPLE.read_text())[0], "name": "\u0301Andrei\x00 Chapiuk"}
    path = write(tmp_path, json.dumps([record]), name="viasna.json")
    result = load_registry_file(path)
    assert result.problems == []
    assert [t.name_en for t in result.targets] == ["Andrei Chapiuk"]
    assert [str(w) for w in result.warnings] == [
        f"{path}: record 1: name: removed 1 control character; "
        "dropped 1 combining mark with no base letter"
    ]


@pytest.mark.parametrize(
    ("content", "fatal"),
    [
        (None, "cannot read: No such file or directory"),
        ("dir", "cannot read: Is a directory"),
        ("", "no header (expected columns such as id,kind,"),
        ("name,town\nx,y\n", "header lacks id, kind"),
        (HEADER + "\n", "no rows"),
        (HEADER + "\nBAD,prisoner,x,,,,,,,\n", "no valid row (1 rejected; first: line 2: id 'BAD'"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", "not text: not UTF-8 (byte 0)"),
        ("[]", "no rows"),
        ("[{", "line 1: not valid JSON"),
        ("{}", "expected a JSON array of records"),
    ],
)
def test_a_file_that_cannot_be_used_is_fatal(
    tmp_path: Path, content: str | bytes | None, fatal: str
) -> None:
    path = tmp_path / "registry.csv"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = load_registry_file(path)
    assert result.targets == []
    assert result.fatal is not None and result.fatal.startswith(fatal)


def test_viasna_records_marked_np_are_left_out_unless_asked(tmp_path) -> None:
    records = [
        {
            "id": 1,
            "url": "https://prisoners.spring96.org/en/person/a-one",
            "name": "Ales One",
            "status": "active",
        },
        {
            "id": 2,
            "url": "https://prisoners.spring96.org/en/person/b-two",
            "name": "Boris Two",
            "status": "np",
        },
        {
            "id": 3,
            "url": "https://prisoners.spring96.org/en/person/c-three",
            "name": "Cyril Three",
            "status": "former",
        },
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    default = load_registry_file(path)
    assert [t.id for t in default.targets] == ["a-one", "c-three"]
    assert default.left_out_np == 1 and default.problems == []
    kept = load_registry_file(path, include_np=True)
    assert [t.id for t in kept.targets] == ["a-one", "b-two", "c-three"]
    assert kept.left_out_np == 0
