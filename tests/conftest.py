"""Shared fixtures: real Redis servers (never a mock), unique key prefixes, subprocess helpers, and
the test kit's servers (``fake_bot_api``, ``feed_server``; the kit itself is ``testkit/``).

Every Redis test runs against the embedded Valkey (started once per session in a temp folder) and,
when ``REDIS_URL`` is set (``.ci/run`` sets it), against that server too. Each test gets its own key
prefix and its keys are deleted afterwards, so tests can share servers and run side by side.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis

from feeds.storage.connection import EmbeddedValkey, Storage, connect
from testkit.botapi import FakeBotAPI
from testkit.feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_REDIS_URL = os.environ.get("REDIS_URL")
SERVERS = ["embedded", *(["external"] if EXTERNAL_REDIS_URL else [])]


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedValkey]:
    server = EmbeddedValkey(tmp_path_factory.mktemp("embedded"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=SERVERS)
def redis_url(request: pytest.FixtureRequest) -> str:
    """A URL for each real server under test: the embedded one, and REDIS_URL when set."""
    if request.param == "external":
        return EXTERNAL_REDIS_URL  # type: ignore[return-value]
    server: EmbeddedValkey = request.getfixturevalue("embedded_server")
    return f"unix://{server.socket_path}"


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are removed afterwards."""
    value = f"test-{uuid.uuid4().hex[:12]}:"
    yield value
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=value + "*", count=1000))
    if keys:
        client.unlink(*keys)
    client.close()


@pytest.fixture
async def storage(redis_url: str, prefix: str, tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await connect(redis_url, tmp_path, prefix)
    yield opened
    await opened.close()


@pytest.fixture
def cli_env(redis_url: str, prefix: str, tmp_path: Path) -> dict[str, str]:
    """Environment for running ``python -m bot`` against the server under test, in a clean folder."""
    skip = ("TELEGRAM_", "REGISTRY_", "FEEDS_", "HTTP_PROXY", "HTTPS_PROXY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    no_feeds = tmp_path / "no-feeds.txt"  # the bundled list would reach for the internet
    no_feeds.write_text("# tests serve their own feeds on loopback\n")
    env.update(
        REDIS_URL=redis_url,
        REDIS_PREFIX=prefix,
        VESTKA_DATA_DIR=str(tmp_path / "data"),
        FEEDS_FILE=str(no_feeds),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        PORT="0",  # run/serve listen on PORT: any free port, so tests never collide
        LISTEN_HOST="127.0.0.1",
    )
    return env


def run_cli(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 60, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` in ``cwd`` (a temp folder, so no developer's .env leaks in)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )


@pytest.fixture
def cli(cli_env: dict[str, str], tmp_path: Path):
    """``cli("registry", "stats", EXTRA_VAR="x")`` runs the command against the server under test."""

    def call(*args: str, stdin: str | None = None, timeout: float = 60, **env: str):
        return run_cli(*args, env={**cli_env, **env}, cwd=tmp_path, timeout=timeout, stdin=stdin)

    return call


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotAPI]:
    """A started fake Bot API (``testkit.botapi``) on a free loopback port."""
    async with FakeBotAPI() as api:
        yield api


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    """A started local feed server (``testkit.feedserver``) on a free loopback port."""
    async with FeedServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _heap_unfrozen() -> Iterator[None]:
    """A watcher freezes its heap after a poll cycle (feeds/watching/heap.py); in the one long test
    process, let the next test's collector see everything again."""
    yield
    gc.unfreeze()
