"""The README stays in step with the code: every setting has a row, and the two set-up commands are
the ones CI runs."""

from __future__ import annotations

import re

from bot.ops.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    rows = set(re.findall(r"^\| `([A-Z_]+)`", README, re.M))
    missing = {name.upper() for name in Settings.model_fields} - rows
    assert missing == set()


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n# [^\n]*\n([^\n]+)\n```", README)
    assert len(commands) == 2, "exactly two set-up commands"
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines()
    assert commands[0].endswith("python -m bot run")
