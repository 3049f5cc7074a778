"""The status card: a story's events are the person's own, and ``/links off`` reaches cards too."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.telegram.i18n import t
from bot.telegram.render import prisoner_card
from feeds.registry.models import Prisoner
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert, AlertSource
from feeds.watching.timeline import Timeline, TimelineEvent, TimelineSource
from testkit.harness import running_bot

MINSK = ZoneInfo("Europe/Minsk")
PERSON = Prisoner(
    id="p-1", name_en="Ihar Losik", profile_url="https://prisoners.spring96.org/en/person/p-1"
)


def story(own: list[str] | None) -> TimelineEvent:
    return TimelineEvent(
        at=datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
        kind="news",
        alert_id="a1",
        events=["released", "transfer"],  # the story's: someone else named in it was released
        own_events=own,
        sources=[TimelineSource(name="Outlet A", link="https://a.example/1")],
    )


def test_a_story_line_shows_the_persons_own_events() -> None:
    text = prisoner_card(PERSON, "en", timeline=[story(["transfer"])], zone=MINSK)
    assert f"• 12.03.2026: {t('en', 'events.transfer')} — " in text
    assert t("en", "events.released") not in text
    # an event recorded before own events were kept falls back to the story's
    old = prisoner_card(PERSON, "en", timeline=[story(None)], zone=MINSK)
    assert f"{t('en', 'events.released')}, {t('en', 'events.transfer')}" in old


def test_a_card_without_links_names_what_it_would_link() -> None:
    linked = prisoner_card(PERSON, "en", timeline=[story(["transfer"])], zone=MINSK)
    assert '<a href="https://a.example/1">Outlet A</a>' in linked
    assert t("en", "card.profile") in linked
    plain = prisoner_card(PERSON, "en", timeline=[story(["transfer"])], zone=MINSK, links=False)
    assert "href" not in plain and "— Outlet A" in plain
    assert t("en", "card.profile") not in plain


async def test_status_in_a_chat_with_links_off(storage: Storage) -> None:
    news = Alert(
        id="b" * 32,
        kind="news",
        title="t",
        prisoners=["ales-bialiacki"],
        sources=[AlertSource(feed_id="a", feed_name="Outlet A", link="https://a.example/1")],
        mentions={"mentions": [{"target": "ales-bialiacki", "events": ["transfer"]}]},
    )
    await Timeline(storage.redis, storage.keys).record_alert(news)
    async with running_bot(storage) as bot:
        linked = await bot.say(501, "/status Bialiatski")
        assert '<a href="https://a.example/1">Outlet A</a>' in linked
        await bot.say(501, "/links off")
        plain = await bot.say(501, "/status Bialiatski")
        assert "href" not in plain and "Outlet A" in plain
