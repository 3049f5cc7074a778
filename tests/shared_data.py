"""Test data that lives outside the repo, in the sibling folder ``../shared`` (large or third-party
files: the Viasna export, feedparser's test corpus).

``shared_path("data/viasna-prisoners-en-2023.json")`` returns the path when it exists. When it does
not, the test is skipped on a developer's machine (a checkout without ``shared/`` beside it) and
FAILS in CI (environment variable ``CI`` is ``true``), naming the missing path: CI must never pass
by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def shared_path(relative: str, root: Path | None = None) -> Path:
    """``../shared/<relative>``, or skip the test (fail it under ``CI=true``) when it is absent."""
    path = (root or SHARED) / relative
    if path.exists():
        return path
    message = f"shared test data missing: {path} (the sibling folder ../shared beside the repo)"
    if in_ci():
        pytest.fail(f"{message}; CI=true, so this fails instead of skipping", pytrace=False)
    pytest.skip(message)
