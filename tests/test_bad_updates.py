"""Long polling survives any update Telegram (or something pretending to be it) sends.

Each bad update is injected into the fake Bot API's ``getUpdates`` queue between good ones: the bad
one is acknowledged and skipped, logged once without its contents, and the bot goes on answering.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.telegram.i18n import t
from bot.telegram.updates import readable
from feeds.storage.connection import Storage
from testkit.harness import Harness, running_bot
from testkit.waiting import wait_for

USER = 501
SECRET_TEXT = "Siarhei-private-words-4711"  # must never reach a log line at INFO or above
SECRET_CHAT = 987654321

BAD_UPDATES = {
    "message without date or chat": {"message": {"message_id": 1}},
    "chat without an id": {
        "message": {"message_id": 2, "date": 1700000000, "chat": {"type": "private"}}
    },
    "edited message that is a string": {"edited_message": SECRET_TEXT},
    "chat of the wrong type": {
        "message": {
            "message_id": 3,
            "date": 1700000000,
            "chat": f"{SECRET_CHAT}",
            "text": SECRET_TEXT,
        }
    },
    "date of the wrong type": {
        "message": {
            "message_id": 4,
            "date": {"when": "now"},
            "chat": {"id": SECRET_CHAT, "type": "private"},
            "text": SECRET_TEXT,
        }
    },
    "callback query with a sender that is a string": {
        "callback_query": {"id": "q1", "from": SECRET_TEXT, "chat_instance": "c", "data": "x"}
    },
    "message that is a list": {"message": [SECRET_TEXT, SECRET_CHAT]},
}


@pytest.fixture
async def bot(storage: Storage) -> AsyncIterator[Harness]:
    async with running_bot(storage) as harness:
        yield harness


def contents_logged(records: list[logging.LogRecord]) -> list[str]:
    return [
        r.getMessage()
        for r in records
        if r.levelno >= logging.INFO
        and (SECRET_TEXT in r.getMessage() or str(SECRET_CHAT) in r.getMessage())
    ]


@pytest.mark.parametrize("shape", sorted(BAD_UPDATES))
async def test_a_bad_update_is_skipped_and_the_bot_answers_on(
    bot: Harness, shape: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad_id = bot.api.inject(BAD_UPDATES[shape])
    assert await bot.say(USER, "/start") == t("en", "start.greeting")
    # acknowledged: a getUpdates asked for an offset past it, so Telegram forgets it
    await wait_for(lambda: bot.api.pending_updates == 0, message="the bad update acknowledged")
    skipped = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(skipped) == 1 and f"update_id={bad_id}" in skipped[0].getMessage()
    assert contents_logged(caplog.records) == []
    # and the bot did not spin: a handful of polls, not thousands
    assert len(bot.api.calls("getUpdates")) < 50


async def test_a_message_without_chat_is_read_and_answers_nobody(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """PTB reads this one (``chat`` is left empty); no handler may fail on it loudly."""
    caplog.set_level(logging.INFO)
    bot.api.inject({"message": {"message_id": 2, "date": 1700000000, "text": SECRET_TEXT}})
    assert await bot.say(USER, "/start") == t("en", "start.greeting")
    await wait_for(lambda: bot.api.pending_updates == 0, message="the update acknowledged")
    assert contents_logged(caplog.records) == []


async def test_one_bad_update_in_a_batch_of_good_ones(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    users = [601, 602, 603]
    # all four arrive in one getUpdates answer: good, bad, good, good
    bot.api.send_text(users[0], "/start")
    bot.api.inject(BAD_UPDATES["message without date or chat"])
    bot.api.send_text(users[1], "/start")
    bot.api.send_text(users[2], "/start")
    for user in users:
        call = await bot.api.wait_for_call("sendMessage", lambda c, u=user: c.chat_id == u)
        assert call.params["text"] == t("en", "start.greeting")
    assert contents_logged(caplog.records) == []


async def test_unknown_fields_are_read(bot: Harness) -> None:
    """Fields Telegram adds after this bot was written are not an error."""
    bot.api.inject(
        {
            "message": {
                "message_id": 9,
                "date": 1700000000,
                "chat": {"id": USER, "type": "private", "shiny_new_field": 1},
                "from": {"id": USER, "is_bot": False, "first_name": "A"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                "another_new_field": {"x": [1, 2]},
            },
            "brand_new_update_kind": {"a": 1},
        }
    )
    call = await bot.api.wait_for_call("sendMessage", lambda c: c.chat_id == USER)
    assert call.params["text"] == t("en", "start.greeting")


def test_readable_keeps_good_updates_and_ids_of_bad_ones() -> None:
    good = {
        "update_id": 5,
        "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}},
    }
    batch = [good, {"update_id": 6, "message": {"message_id": 1}}, {"message": {}}, "junk"]
    assert readable(batch) == [good, {"update_id": 6}]
