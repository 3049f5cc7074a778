"""The fake Bot API in its own process, for benchmarks driving it from other processes::

    python -m testkit.botapi --port 0 [--enforce-limits] [--latency-ms 5] [--token T]
        [--any-token] [--private-burst 3] [--global-rate 30] [--max-calls N] [--max-messages N]

prints ``LISTENING http://127.0.0.1:PORT TOKEN`` on stdout, then serves until SIGTERM/SIGINT
(exit 0). ``FakeBotAPIProcess`` starts it and wraps the admin side.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from testkit.botapi.limits import Limits
from testkit.botapi.server import FakeBotAPI
from testkit.botapi.wire import DEFAULT_TOKEN

ROOT = Path(__file__).resolve().parents[2]


class FakeBotAPIProcess:
    """The server in its own process, driven over the admin HTTP side (for benchmarks)::

    with FakeBotAPIProcess("--enforce-limits") as fake:
        env["TELEGRAM_API_URL"] = fake.base_url; env["TELEGRAM_TOKEN"] = fake.token
        fake.inject("send_text", 42, "/start")
        fake.fail("blocked", chat_id=42)
        fake.stats()["delivered_total"]
    """

    def __init__(self, *args: str, python: str = sys.executable) -> None:
        self.args = [python, "-m", "testkit.botapi", "--port", "0", *args]
        self.proc: subprocess.Popen[str] | None = None
        self.url = self.token = ""

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            self.args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if len(line) != 3 or line[0] != "LISTENING":
            self.stop()
            raise RuntimeError(f"fake Bot API did not start: {line}")
        _, self.url, self.token = line

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        self.proc.terminate()
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def __enter__(self) -> FakeBotAPIProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _admin(self, path: str, body: dict | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(  # noqa: S310 (loopback URL we printed ourselves)
            f"{self.url}/_fake/{path}", data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            return json.loads(resp.read())

    def stats(self) -> dict:
        return self._admin("stats")

    def calls(self, **query: Any) -> list:
        return self._admin("calls?" + urllib.parse.urlencode(query))

    def inject(self, kind: str | dict, *args: Any, **kwargs: Any) -> int:
        body = (
            {"update": kind}
            if isinstance(kind, dict)
            else {"kind": kind, "args": args, "kwargs": kwargs}
        )
        return self._admin("inject", body)["update_id"]

    def fail(self, kind: str | None = None, **kwargs: Any) -> int:
        return self._admin("fail", {"kind": kind, **kwargs})["id"]

    def unfail(self) -> None:
        self._admin("fail", {"clear": True})

    def set_limits(self, enforce: bool | None = None, **values: float) -> dict:
        return self._admin("limits", {"enforce": enforce, **values})["limits"]

    def reset(self) -> None:
        self._admin("reset", {})


async def _serve(args: argparse.Namespace) -> None:
    limits = Limits(private_burst=args.private_burst, global_rate=args.global_rate)
    api = FakeBotAPI(
        token=args.token,
        port=args.port,
        enforce_limits=args.enforce_limits,
        limits=limits,
        latency_ms=args.latency_ms,
        max_calls=args.max_calls,
        max_messages=args.max_messages,
        any_token=args.any_token,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with api:
        print(f"LISTENING {api.url} {api.token}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m testkit.botapi", description="A fake Telegram Bot API server."
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--any-token", action="store_true", help="accept any bot token")
    parser.add_argument("--enforce-limits", action="store_true")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--private-burst", type=float, default=Limits.private_burst)
    parser.add_argument("--global-rate", type=float, default=Limits.global_rate)
    parser.add_argument("--max-calls", type=int, default=50_000, help="recorded calls kept")
    parser.add_argument("--max-messages", type=int, default=50_000, help="messages kept for edits")
    args = parser.parse_args(argv)
    try:
        import uvloop  # type: ignore[import-not-found]

        uvloop.install()
    except ImportError:
        pass
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0
