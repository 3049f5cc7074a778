"""Webhook mode: ``serve`` with ``WEBHOOK_URL`` registers it (with ``WEBHOOK_SECRET``), answers the
updates the fake Bot API POSTs to it, refuses requests without the right secret (403), and stops
cleanly; a ``WEBHOOK_URL`` without a secret is a configuration error."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from bot.telegram.i18n import t
from testkit.botapi import FakeBotAPI
from testkit.roles import Role, free_port, get, roles
from testkit.waiting import wait_for

SECRET = "s3cret_-Token"


def test_webhook_url_needs_a_secret(cli) -> None:
    result = cli("serve", TELEGRAM_BOT_TOKEN="1:x", WEBHOOK_URL="https://bot.example.org/hook")
    assert result.returncode == 2
    assert "WEBHOOK_SECRET" in result.stderr
    bad = cli(
        "serve",
        TELEGRAM_BOT_TOKEN="1:x",
        WEBHOOK_URL="https://bot.example.org/hook",
        WEBHOOK_SECRET="no spaces!",
    )
    assert bad.returncode == 2 and "WEBHOOK_SECRET" in bad.stderr


async def test_serve_answers_updates_by_webhook(cli_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    async with FakeBotAPI() as api:
        env = {
            **cli_env,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.url,
            "PORT": str(port),
            "WEBHOOK_URL": hook,
            "WEBHOOK_SECRET": SECRET,
            "LOG_LEVEL": "DEBUG",
        }
        async with roles(Role("serve", env, tmp_path)) as (serve,):
            await api.wait_for_call("setWebhook", timeout=60)
            assert api.webhook is not None
            assert api.webhook["url"] == hook and api.webhook["secret_token"] == SECRET
            api.send_text(601, "/start")
            call = await api.wait_for_call("sendMessage", lambda c: c.chat_id == 601, timeout=30)
            assert call.params["text"] == t("en", "start.greeting")
            assert not api.calls("getUpdates")  # no long polling in webhook mode

            update = {"update_id": 999, "message": {"message_id": 1, "text": "/start"}}
            async with aiohttp.ClientSession() as session:
                for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                    async with session.post(hook, json=update, headers=headers) as response:
                        assert response.status == 403
            _status, body = await get(f"http://127.0.0.1:{port}/healthz")
            assert json.loads(body)["bot"] == "webhook"

            code, took = await serve.terminate()
            assert code == 0 and took < 10
            logged = serve.log()
            assert api.token not in logged and SECRET not in logged
            assert "refused a request without the right secret" in logged


async def test_run_webhook_update_reaches_the_queue_once(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """Several updates in a row, each answered once: the fake retries non-2xx answers, so a
    double answer or a lost update would show."""
    port = free_port()
    async with FakeBotAPI() as api:
        env = {
            **cli_env,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.url,
            "PORT": str(port),
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
            "WEBHOOK_SECRET": SECRET,
        }
        async with roles(Role("run", env, tmp_path)) as (run,):
            await api.wait_for_call("setWebhook", timeout=60)
            chats = list(range(701, 706))
            for chat in chats:
                api.send_text(chat, "/help")
            await wait_for(
                lambda: all(api.sent_texts(c) for c in chats), timeout=30, message="answers"
            )
            assert all(len(api.sent_texts(c)) == 1 for c in chats)
            assert all(200 <= status < 300 for _, status in api.webhook_deliveries)
            code, _ = await run.terminate()
            assert code == 0
