"""For the operations tests: role subprocesses with their stderr in files, HTTP probes of
``/healthz`` and ``/metrics``, and a throwaway ``redis-server`` on its own port that a test can stop
and start again (same port, same folder, append-only file on)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import unittest
from pathlib import Path

import aiohttp

from testkit.waiting import wait_for_sync


def live_env(cli_env: dict[str, str], api, feed_list: Path, **extra: str) -> dict[str, str]:
    """The environment of a role that talks to the fake Bot API ``api`` and watches the feeds in
    ``feed_list`` (local, so private addresses allowed) with the eval registry."""
    from testkit.harness import EVAL_REGISTRY

    return {
        **cli_env,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.url,
        "FEEDS_FILE": str(feed_list),
        "REGISTRY_FILE": str(EVAL_REGISTRY),
        "ALLOW_PRIVATE_FEEDS": "true",
        "POLL_INTERVAL": "10",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Role:
    """``python -m bot ROLE`` as a subprocess; stderr goes to ``<tmp>/<name>.log``."""

    def __init__(self, role: str, env: dict[str, str], cwd: Path, name: str | None = None) -> None:
        self.role = role
        self.env = env
        self.cwd = cwd
        self.name = name or role
        self.log_path = cwd / f"{self.name}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> Role:
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            self.role,
            env=self.env,
            cwd=self.cwd,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
        log.close()
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def terminate(self, within: float = 10.0) -> tuple[int, float]:
        """SIGTERM; (exit code, seconds it took)."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), within)
        return code, time.monotonic() - started

    async def kill(self) -> None:
        if self.alive:
            assert self.process is not None
            self.process.kill()
            await self.process.wait()


@contextlib.asynccontextmanager
async def roles(*items: Role):
    """Start the roles; kill whatever still runs at the end, print the logs on failure."""
    try:
        for item in items:
            await item.start()
        yield items
    except BaseException:
        for item in items:
            print(f"----- {item.name} -----\n{item.log()[-6000:]}", file=sys.stderr)
        raise
    finally:
        for item in items:
            await item.kill()


async def get(url: str, timeout: float = 5.0) -> tuple[int, str] | None:
    """(status, body), or None when nothing listens yet."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.get(url) as response,
        ):
            return response.status, await response.text()
    except (aiohttp.ClientError, TimeoutError, OSError):
        return None


class RedisServer:
    """``redis-server --port N --save "" --appendonly yes --dir DIR``; ``stop()`` and ``start()``
    again keep the port and the data (the append-only file)."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise unittest.SkipTest("redis-server is not installed")  # pytest skips the test
        self.binary = binary
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.folder),
            ],
            stdout=(self.folder / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for_sync(self._answers, timeout=15, message="redis-server to answer")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"*1\r\n$4\r\nPING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
