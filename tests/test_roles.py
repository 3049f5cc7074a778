"""The process roles as an operator starts them: ``serve`` and ``run`` answer Telegram (the fake Bot
API over HTTP) and stop cleanly on SIGTERM; ``serve`` without a token says why it cannot run."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.telegram.i18n import t
from testkit.botapi import FakeBotAPI


def test_serve_needs_a_token(cli) -> None:
    result = cli("serve")
    assert result.returncode == 2
    assert "needs TELEGRAM_BOT_TOKEN" in result.stderr


@pytest.mark.parametrize("role", ["serve", "run"])
async def test_role_answers_telegram_and_stops_on_sigterm(
    role: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    async with FakeBotAPI() as api:
        env = {
            **cli_env,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.url,
            "LOG_LEVEL": "DEBUG",
        }  # the chattiest logs must still hide the token
        log = (tmp_path / "stderr.log").open("wb")  # a file: a full pipe would block the child
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            role,
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
        try:
            api.send_text(501, "/start")
            call = await api.wait_for_call("sendMessage", lambda c: c.chat_id == 501, timeout=60)
            assert call.params["text"] == t("en", "start.greeting")
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 10) == 0
            assert time.monotonic() - started < 10
            logged = (tmp_path / "stderr.log").read_text()
            assert "getUpdates" in logged  # DEBUG logs did name the calls...
            assert api.token not in logged  # ...but never the token
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            log.close()
