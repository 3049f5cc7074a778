"""Replies to users share the send budget with alerts, and a 429 is waited out, not dropped."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import pytest

from bot.telegram.i18n import t
from bot.telegram.services import rate_config
from feeds.storage.connection import Storage
from subscriptions.ratelimit import RateLimiter
from testkit.harness import Harness, running_bot
from testkit.waiting import wait_for

USER = 501


@pytest.fixture
async def bot(storage: Storage) -> AsyncIterator[Harness]:
    async with running_bot(storage) as harness:
        yield harness


async def test_a_reply_that_meets_a_429_is_sent_after_retry_after(bot: Harness) -> None:
    bot.api.fail("flood", chat_id=USER, method="sendMessage", retry_after=1, times=1)
    started = time.monotonic()
    bot.api.send_text(USER, "/start")
    answer = await bot.api.wait_for_call("sendMessage", lambda c: c.chat_id == USER and c.ok)
    assert answer.params["text"] == t("en", "start.greeting")
    answers = bot.api.calls("sendMessage", USER)
    assert [c.status for c in answers] == [429, 200]  # refused once, then answered
    assert time.monotonic() - started >= 1.0  # not before Telegram's retry_after


async def test_a_reply_waits_for_its_chats_slot_in_the_shared_budget(bot: Harness) -> None:
    """An alert sender (another process, same Redis) just sent to this chat: the reply waits for
    the chat's next slot instead of drawing a 429."""
    sender_side = RateLimiter(bot.services.storage, rate_config(bot.services.settings))
    taken = await sender_side.acquire(USER)
    assert taken.go
    started = time.monotonic()
    assert await bot.say(USER, "/start") == t("en", "start.greeting")
    assert time.monotonic() - started >= 0.9  # one message a second to a private chat
    assert [c.status for c in bot.api.calls("sendMessage", USER)] == [200]


async def test_a_429_longer_than_the_bounded_wait_gives_up(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram asks for ten minutes: the reply is not held that long (the handler's error path
    runs at once, and its apology meets the same 429)."""
    caplog.set_level(logging.WARNING)
    bot.api.fail("flood", chat_id=USER, method="sendMessage", retry_after=600, times=None)
    bot.api.send_text(USER, "/start")
    await wait_for(
        lambda: any("could not apologise" in r.getMessage() for r in caplog.records),
        message="the handler gave up",
    )
    assert [c.status for c in bot.api.calls("sendMessage", USER)] == [429, 429]
    assert any("handler failed: RetryAfter" in r.getMessage() for r in caplog.records)
