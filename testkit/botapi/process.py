"""The fake Bot API in its own process, for benchmarks driving it from other processes::

    python -m testkit.botapi --port 0 [--enforce-limits] [--latency-ms 5] [--jitter-ms 200]
        [--seed 7] [--token T] [--any-token] [--global-rate 30] [--private-per-second 1]
        [--group-per-minute 20] [--max-calls N] [--max-messages N]

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
        """``FakeBotAPI.set_limits`` over the admin side (``jitter_ms``, ``seed`` too); returns
        ``{"enforce_limits", "limits", "jitter_ms", "seed"}``."""
        answer = self._admin("limits", {"enforce": enforce, **values})
        answer.pop("ok", None)
        return answer

    def reset(self) -> None:
        self._admin("reset", {})


async def _serve(args: argparse.Namespace) -> None:
    limits = Limits(
        global_rate=args.global_rate,
        private_per_second=args.private_per_second,
        group_per_minute=args.group_per_minute,
    )
    api = FakeBotAPI(
        token=args.token,
        port=args.port,
        enforce_limits=args.enforce_limits,
        limits=limits,
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        seed=args.seed,
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
    parser.add_argument(
        "--enforce-limits", action="store_true", help="answer 429 past a sliding-window limit"
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="fixed delay per call")
    parser.add_argument(
        "--jitter-ms",
        type=float,
        default=0.0,
        help="random delay per call, uniform in 0..N ms, before the limits are checked",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the jitter (repeatable)")
    parser.add_argument(
        "--global-rate", type=int, default=Limits.global_rate, help="messages in any 1 s"
    )
    parser.add_argument(
        "--private-per-second",
        type=int,
        default=Limits.private_per_second,
        help="messages per private chat in any 1 s",
    )
    parser.add_argument(
        "--group-per-minute",
        type=int,
        default=Limits.group_per_minute,
        help="messages per group or channel in any 60 s",
    )
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
