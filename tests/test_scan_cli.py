"""``scan`` as a user runs it: the registry in force comes from storage (so an admin's edit shows),
``--registry`` uses exactly a file, and ``--jsonl`` offsets index the input text."""

from __future__ import annotations

import json

from tests.conftest import ROOT

REGISTRY = str(ROOT / "tests" / "data" / "mentions" / "registry.csv")


def test_without_registry_uses_the_one_in_storage(cli, tmp_path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(
        "id,kind,name_be,name_ru,name_en\nzmicer-novy,prisoner,Зміцер Новы,"
        "Дмитрий Новый,Zmicier Novy\n"
    )
    assert cli("registry", "import", str(path)).returncode == 0
    line = json.dumps({"id": 1, "text": "Political prisoner Zmicier Novy was sentenced today."})
    result = cli("scan", "--jsonl", stdin=line + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["prisoners"] == ["zmicer-novy"]


def test_jsonl_offsets_index_the_text_and_title_mentions_say_so(cli) -> None:
    item = {
        "id": "a",
        "title": "Бяляцкі ў ШІЗА",
        "text": "Палітвязня Алеся Бяляцкага змясцілі ў ШІЗА.",
    }
    result = cli("scan", "--registry", REGISTRY, "--jsonl", stdin=json.dumps(item) + "\n")
    out = json.loads(result.stdout)
    by_place = {m["in"]: m for m in out["mentions"]}
    assert item["title"][by_place["title"]["start"] : by_place["title"]["end"]] == "Бяляцкі"
    text_mention = by_place["text"]
    assert item["text"][text_mention["start"] : text_mention["end"]] == text_mention["text"]
    assert out["events"] == ["punishment_cell"]


def test_jsonl_bad_lines_keep_order_and_exit_1(cli) -> None:
    lines = "\n".join(
        [
            json.dumps({"id": 1, "text": "Марфа Рабкова вызвалена."}),
            "{oops",
            json.dumps({"id": 3}),
            json.dumps({"id": 4, "text": "Nothing here."}),
        ]
    )
    result = cli("scan", "--registry", REGISTRY, "--jsonl", stdin=lines + "\n")
    assert result.returncode == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("id") for r in rows] == [1, None, 3, 4]
    assert "error" in rows[1] and "error" in rows[2]
    assert rows[0]["prisoners"] == ["marfa-rabkova"] and rows[3]["prisoners"] == []


def test_closing_line_tells_the_share_that_may_be_about_a_namesake(cli, tmp_path) -> None:
    registry = tmp_path / "namesakes.csv"
    registry.write_text(
        "id,kind,name_en\n"
        "frantskevich-1,prisoner,Aliaksandr Frantskevich\n"
        "frantskevich-2,prisoner,Aliaksandr Frantskevich\n"
        "marfa-rabkova,prisoner,Marfa Rabkova\n"
    )
    texts = [
        "Political prisoner Aliaksandr Frantskevich was moved to another colony.",
        "Marfa Rabkova was released after serving her sentence.",
        "Nothing about anyone on the list.",
    ]
    lines = "".join(json.dumps({"id": i, "text": text}) + "\n" for i, text in enumerate(texts))
    result = cli("scan", "--registry", str(registry), "--jsonl", stdin=lines)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["ambiguous"] == [["frantskevich-1", "frantskevich-2"]]
    assert result.stderr.strip().splitlines()[-1] == (
        "scan: 3 texts, 2 would alert, 1 of them (50.0%) may be about a namesake"
    )
