"""``shared_path``: data from ../shared is returned when present; when absent the test skips on a
developer's machine and fails under ``CI=true``, naming the missing path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import SHARED, shared_path


def test_present_path_is_returned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.json").write_text("[]")
    monkeypatch.setenv("CI", "true")
    assert shared_path("data/x.json", root=tmp_path) == tmp_path / "data" / "x.json"


def test_missing_path_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        shared_path("data/absent.json", root=tmp_path)
    assert str(tmp_path / "data" / "absent.json") in str(failed.value)
    assert "CI=true" in str(failed.value)


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_missing_path_skips_outside_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception) as skipped:
        shared_path("data/absent.json", root=tmp_path)
    assert str(tmp_path / "data" / "absent.json") in str(skipped.value)


def test_shared_is_the_sibling_of_the_repo() -> None:
    repo = Path(__file__).resolve().parent.parent
    assert repo.parent / "shared" == SHARED
