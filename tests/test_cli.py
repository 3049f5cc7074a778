"""The command line as an operator meets it: exit codes, one-line errors, data on stdout."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feeds.registry.bundled import bundled_targets
from testkit.waiting import wait_for_sync
from tests.conftest import ROOT

SAMPLE = ROOT / "tests" / "data" / "viasna-sample-en.json"
TOKEN = "123456789:AAExampleExampleExampleExampleExample12"


def test_no_command_prints_help_and_exits_2(cli) -> None:
    result = cli()
    assert result.returncode == 2 and "commands" in result.stderr


def test_unknown_command_exits_2(cli) -> None:
    result = cli("fly")
    assert result.returncode == 2 and "invalid choice: 'fly'" in result.stderr


@pytest.mark.parametrize("command", ["run", "registry", "scan", "serve"])
def test_help_everywhere(cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0 and "usage: vestka" in result.stdout


def test_bad_setting_is_one_line_exit_2_no_traceback_no_token(cli) -> None:
    result = cli("run", POLL_INTERVAL="often", TELEGRAM_BOT_TOKEN=TOKEN)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "vestka: configuration error: POLL_INTERVAL: Input should be a valid integer, "
        "unable to parse string as an integer"
    ]
    assert TOKEN not in result.stdout + result.stderr


def test_unreachable_redis_exit_2(cli) -> None:
    result = cli("registry", "stats", REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 2
    assert result.stderr.startswith("vestka: Redis does not answer")
    assert "Traceback" not in result.stderr


def test_registry_import_show_stats(cli, tmp_path: Path) -> None:
    imported = cli("registry", "import", str(SAMPLE))
    assert imported.returncode == 0, imported.stderr
    bundled = {t.id for t in bundled_targets()}
    already = len(
        bundled & {"andrej-capiuk", "eduard-palcys", "raman-hvazdziolka", "ksenia-syromolot"}
    )
    expected = f"{4 - already} added, {already} updated, 0 unchanged"
    assert expected in imported.stdout
    # the sample (2023) says Andrei Chapiuk is in custody; the bundled registry knows he was freed
    assert "held: andrej-capiuk stays released (the file says in_custody)" in imported.stderr
    assert "Registry update: Андрэй Чапюк" not in imported.stdout

    shown = cli("registry", "show", "chapiuk", "--json")
    assert shown.returncode == 0
    [line] = shown.stdout.splitlines()
    assert json.loads(line)["id"] == "andrej-capiuk"

    stats = json.loads(cli("registry", "stats", "--json").stdout)
    assert stats["by_kind"]["prisoner"] >= 4 and stats["by_kind"]["colony"] == 19


def test_registry_import_with_rejected_rows_exits_1(cli, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,kind,name_be\nok-1,prisoner,Марфа Рабкова\nBAD ID,prisoner,X\n")
    result = cli("registry", "import", str(path))
    assert result.returncode == 1
    assert "1 added" in result.stdout
    assert f"rejected: {path}: line 3: id 'BAD ID' must match" in result.stderr


def test_registry_show_nothing_found(cli) -> None:
    result = cli("registry", "show", "<script>alert(1)</script>")
    assert result.returncode == 0 and result.stdout == ""
    assert "nothing matches" in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_stops_cleanly_on_sigterm_and_sigint(
    cli_env: dict[str, str], tmp_path: Path, signum: int
) -> None:
    process, lines = _start_run({**cli_env, "LOG_LEVEL": "INFO"}, tmp_path)
    assert "console mode" in lines[-1]
    started = time.monotonic()
    process.send_signal(signum)
    assert process.wait(timeout=10) == 0
    assert time.monotonic() - started < 10


def test_run_with_embedded_storage_from_a_fresh_folder(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in cli_env.items() if k != "REDIS_URL"}
    process, lines = _start_run({**env, "LOG_LEVEL": "INFO"}, tmp_path)
    assert any("embedded valkey" in line for line in lines)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert (tmp_path / "data" / "valkey" / "appendonlydir").is_dir()


def _start_run(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen, list[str]]:
    """``python -m bot run``, returned once it says it is running (with the lines it logged)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], env=env, cwd=cwd, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    wait_for_sync(
        lambda: _read_until(process, lines, "vestka running"), timeout=60, message="run to start"
    )
    return process, lines


def _read_until(process: subprocess.Popen, lines: list[str], needle: str) -> bool:
    if process.poll() is not None:
        raise AssertionError(
            f"exited {process.returncode}: {''.join(lines)}{process.stderr.read()}"
        )
    line = process.stderr.readline()
    lines.append(line)
    return needle in line


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "vestka"
    assert script.exists()
    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, env=os.environ, timeout=60
    )
    assert result.returncode == 0 and "usage: vestka" in result.stdout


REGISTRY_HEADER = "id,kind,name_be,name_ru,name_en,aliases,number,town_be,town_ru,town_en\n"


def _registry_file(tmp_path: Path, case: str) -> tuple[Path, str]:
    """A REGISTRY_FILE that cannot be used, and the reason start-up must give."""
    path = tmp_path / "registry.csv"
    if case == "missing":
        return path, "cannot read: No such file or directory"
    if case == "directory":
        path.mkdir()
        return path, "cannot read: Is a directory"
    if case == "no header":
        path.write_text("")
        return path, "no header (expected columns such as id,kind,"
    if case == "only bad rows":
        path.write_text(REGISTRY_HEADER + "BAD ID,prisoner,X,,,,,,,\nx,prisoner," + "Я" * 200_000)
        return path, "no valid row (2 rejected; first: line 2: id 'BAD ID' must match"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8\x00junk")
    return path, "not text: not UTF-8 (byte 0) and holds NUL bytes"


CASES = ["missing", "directory", "no header", "only bad rows", "binary junk"]


@pytest.mark.parametrize("case", CASES)
def test_unusable_registry_file_stops_start_up_with_one_line_exit_2(
    cli, tmp_path: Path, case: str
) -> None:
    path, reason = _registry_file(tmp_path, case)
    result = cli("run", REGISTRY_FILE=str(path))
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"vestka: REGISTRY_FILE {path}: {reason}")


def test_unusable_registry_file_stops_a_seeded_start_too(cli, tmp_path: Path) -> None:
    assert cli("registry", "stats").returncode == 0  # seeds the bundled registry
    path, reason = _registry_file(tmp_path, "only bad rows")
    result = cli("run", REGISTRY_FILE=str(path))
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"vestka: REGISTRY_FILE {path}: {reason}")


@pytest.mark.parametrize("case", CASES)
def test_registry_import_of_an_unusable_file_is_one_line_exit_2(
    cli, tmp_path: Path, case: str
) -> None:
    path, reason = _registry_file(tmp_path, case)
    result = cli("registry", "import", str(path))
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"vestka: registry import {path}: {reason}")


def test_registry_import_rejects_an_over_long_cell_and_loads_the_rest(cli, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        REGISTRY_HEADER
        + "ok-1,prisoner,Марфа Рабкова,,,,,,,\n"
        + "x,prisoner,"
        + "Я" * 200_000
        + ",,,,,,,\n"
        + "ok-2,prisoner,\u0301Алесь Бяля\x00цкі,,,,,,,\n"
    )
    result = cli("registry", "import", str(path))
    assert result.returncode == 1, result.stderr
    assert "2 added" in result.stdout and "1 problems" in result.stdout
    assert result.stderr.splitlines() == [
        f"rejected: {path}: line 3: a cell is longer than 20000 characters",
        f"cleaned: {path}: line 4: name_be: removed 1 control character; "
        "dropped 1 combining mark with no base letter",
    ]
    shown = cli("registry", "show", "ok-2", "--json")
    assert json.loads(shown.stdout)["name_be"] == "Алесь Бяляцкі"


def test_registry_import_dry_run_prints_the_diff_and_changes_nothing(cli) -> None:
    before = json.loads(cli("registry", "stats", "--json").stdout)
    dry = cli("registry", "import", str(SAMPLE), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert any(line.startswith("add ") for line in lines)
    # the 2023 sample says Andrei Chapiuk is in custody; the bundled registry knows he was freed
    assert "held andrej-capiuk: status stays released (the file says in_custody)" in lines
    assert "dry run, nothing changed" in dry.stderr
    assert json.loads(cli("registry", "stats", "--json").stdout) == before


def test_registry_import_checked_changes_a_held_status_and_announces_it(
    cli, tmp_path: Path
) -> None:
    rearrest = tmp_path / "rearrest.csv"
    rearrest.write_text("id,kind,name_be,status\nandrej-capiuk,prisoner,Андрэй Чапюк,in_custody\n")
    held = cli("registry", "import", str(rearrest))
    assert "held: andrej-capiuk stays released" in held.stderr
    checked = cli("registry", "import", "--checked", str(rearrest))
    assert checked.returncode == 0, checked.stderr
    assert "1 updated" in checked.stdout and "held:" not in checked.stderr
    assert "Registry update: Андрэй Чапюк" in checked.stdout
    shown = json.loads(cli("registry", "show", "andrej-capiuk", "--json").stdout)
    assert shown["status"] == "in_custody"

    whole = tmp_path / "whole.csv"
    whole.write_text(
        "id,kind,name_en\n" + "".join(f"p-{i},prisoner,Person {i}\n" for i in range(21))
    )
    refused = cli("registry", "import", "--checked", str(whole))
    assert refused.returncode == 2
    assert "at most 20 records, this file has 21" in refused.stderr
    assert "p-0" not in cli("registry", "show", "p-0").stdout
