"""The "not about this person" button: shipped renderer makes it, shipped handler counts it,
``/stats`` shows it. Telegram is the fake Bot API; Redis is real."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.telegram.alert_message import alert_buttons
from bot.telegram.i18n import t
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert
from feeds.watching.reports import FalseMatches
from testkit.harness import ADMIN, running_bot

A = "ales-bialiacki"
USER, GROUP, MEMBER, GROUP_ADMIN = 501, -4001, 888, 777


def news_alert(alert_id: str) -> Alert:
    return Alert(
        id=alert_id,
        kind="news",
        created_at=datetime(2026, 5, 12, 11, 5, tzinfo=UTC),
        title="t",
        prisoners=[A],
    )


def not_about_data(alert: Alert) -> str:
    """The callback data of the button the shipped renderer puts under ``alert``."""
    rows = alert_buttons(alert, "en", [A], {})
    [data] = [b["callback_data"] for row in rows for b in row if b["callback_data"][:3] == "nm:"]
    return data


async def test_any_member_may_say_so_and_each_chat_counts_once(storage: Storage) -> None:
    data = not_about_data(news_alert("0123abcd" * 4))
    async with running_bot(storage) as bot:
        bot.api.set_admins(GROUP, [GROUP_ADMIN])
        await bot.say(GROUP, "/start", user=GROUP_ADMIN, chat_type="supergroup")
        # not a setting: a member who is not an admin may tell it too
        assert await bot.press(GROUP, data, user=MEMBER) == t("en", "alert.not_about_thanks")
        assert await bot.press(GROUP, data, user=GROUP_ADMIN) == t("en", "alert.not_about_thanks")
        assert await FalseMatches(storage).top() == [(A, 1)]  # the same chat, the same alert
        await bot.say(USER, "/start")
        await bot.press(USER, data)
        assert await FalseMatches(storage).top() == [(A, 2)]
        other_alert = not_about_data(news_alert("ffff0000" * 4))
        await bot.press(USER, other_alert)
        assert await FalseMatches(storage).top() == [(A, 3)]


@pytest.mark.parametrize(
    "data", ["nm:zz:ales-bialiacki", "nm:0123abcd:nobody-here", "nm:0123abcd", "nm:0123abcd:A B"]
)
async def test_forged_or_stale_data_counts_nothing(storage: Storage, data: str) -> None:
    async with running_bot(storage) as bot:
        await bot.say(USER, "/start")
        assert await bot.press(USER, data) == t("en", "errors.expired")
    assert await FalseMatches(storage).top() == []


async def test_stats_lists_the_targets_reported(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        assert "Said to be about someone else: —" in await bot.say(ADMIN, "/stats")
        await bot.say(USER, "/start")
        await bot.press(USER, not_about_data(news_alert("0123abcd" * 4)))
        text = await bot.say(ADMIN, "/stats")
        assert "Said to be about someone else: Ales Bialiatski (1)" in text
        assert str(USER) not in text
