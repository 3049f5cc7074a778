"""``feeds ...`` commands: hostile URLs refused with a clear message, the list kept and shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EMPTY = {"FEEDS_FILE": ""}  # seeded from the bundled list; nothing here fetches it


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "scheme 'file' is not allowed"),
        ("javascript:alert(1)", "scheme 'javascript' is not allowed"),
        ("http://user:secret@example.org/rss", "credentials"),
        ("https://example.org/" + "a" * 5000, "the limit is 2048"),
        ("http://127.0.0.1:8080/rss", "SSRF guard"),
        ("http://[::ffff:10.0.0.1]/rss", "SSRF guard"),
    ],
)
def test_feeds_add_refuses_hostile_urls(cli, url: str, why: str) -> None:
    result = cli("feeds", "add", url, **EMPTY)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("vestka: refused feed URL") and why in line
    assert "secret" not in result.stderr or "credentials" in why  # shown as given, once
    assert len(line) < 400


def test_feeds_add_list_pause_resume_remove_export(cli, tmp_path: Path) -> None:
    url = "https://example.org/feeds/test.xml"
    added = cli("feeds", "add", url, "--name", "Test outlet", "--lang", "be", **EMPTY)
    assert added.returncode == 0, added.stderr
    feed_id = added.stdout.split("\t")[0]
    again = cli("feeds", "add", url + "#frag")
    assert again.returncode == 0 and "already there" in again.stdout
    rows = [json.loads(line) for line in cli("feeds", "list", "--json").stdout.splitlines()]
    mine = next(r for r in rows if r["id"] == feed_id)
    assert (mine["health"], mine["name"], mine["lang"]) == ("new", "Test outlet", "be")
    assert any(r["blocks_robots"] for r in rows)  # the bundled list was seeded
    assert cli("feeds", "pause", feed_id).returncode == 0
    listed = cli("feeds", "list").stdout
    assert f"{feed_id}\tpaused" in listed
    assert cli("feeds", "resume", url).returncode == 0
    exported = cli("feeds", "export").stdout
    assert (
        exported.startswith("<?xml") and 'xmlUrl="https://example.org/feeds/test.xml"' in exported
    )
    assert cli("feeds", "remove", url).returncode == 0
    missing = cli("feeds", "remove", url)
    assert missing.returncode == 1 and "no feed" in missing.stderr
    assert cli("feeds", "add", url, "--lang", "klingon!").returncode == 2


def test_feeds_import_reports_bad_lines_and_exits_1(cli, tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("https://example.org/a.xml ru A\nftp://example.org/b ru B\n")
    result = cli("feeds", "import", str(path))
    assert result.returncode == 1
    assert "1 added" in result.stdout
    assert f"rejected: {path}:2: " in result.stderr
