"""The bot end to end: the real Application polls the fake Bot API over HTTP; tests write as users
would and read what the bot sent, word for word where it matters."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator

import pytest

from bot.telegram.i18n import t
from feeds.registry.models import Prisoner
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.timeline import Timeline, TimelineEvent, TimelineSource
from subscriptions.chats import ChatKind
from testkit.harness import ADMIN, Harness, running_bot

USER = 501
GROUP = -4001
ADMIN_IN_GROUP = 777


@pytest.fixture
async def bot(storage: Storage) -> AsyncIterator[Harness]:
    async with running_bot(storage) as harness:
        yield harness


def card_head(name: str) -> str:
    return f"<b>{name}</b>"


# -- start, help, language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "lang"), [("be", "be"), ("ru-RU", "ru"), ("pl", "en"), (None, "en")]
)
async def test_start_greets_in_the_users_language(
    bot: Harness, code: str | None, lang: str
) -> None:
    assert await bot.say(USER, "/start", language_code=code) == t(lang, "start.greeting")
    stored = await bot.services.subscriptions.chat(USER)
    assert stored is not None and stored.lang == lang


async def test_command_menu_is_set_per_language(bot: Harness) -> None:
    calls = await bot.api.wait_for_calls("setMyCommands", count=3)
    by_lang = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_lang) == {None, "be", "ru"}
    assert {"command": "subscribe", "description": t("be", "commands.subscribe")} in by_lang["be"]


async def test_failing_command_menu_is_not_fatal(storage: Storage) -> None:
    from testkit.botapi import FakeBotAPI  # noqa: F401 - documents where the failure comes from

    async with running_bot(storage) as harness:
        harness.api.fail_first("setMyCommands", 3, "server_error")
        assert await harness.say(USER, "/start") == t("en", "start.greeting")


async def test_help_lists_commands_and_admin_part_only_for_admins(bot: Harness) -> None:
    text = await bot.say(USER, "/help")
    assert text == t("en", "help.text", bot="vestka_test_bot")
    admin_text = await bot.say(ADMIN, "/help")
    assert admin_text.endswith(t("en", "help.admin"))


async def test_lang_command_and_button(bot: Harness) -> None:
    assert await bot.say(USER, "/lang ru") == t("ru", "lang.set")
    await bot.say(USER, "/lang")
    assert [data for _, data in bot.buttons(USER)] == ["lang:be", "lang:ru", "lang:en"]
    await bot.press(USER, "lang:be")
    await bot.api.wait_for_call("sendMessage", lambda c: c.params["text"] == t("be", "lang.set"))
    assert (await bot.services.subscriptions.chat(USER)).lang == "be"


# -- following ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Bialiatski", "Бяляцкі", "беляцкий", "Białacki", "Ales Bialiatski"]
)
async def test_subscribe_by_any_spelling(bot: Harness, query: str) -> None:
    text = await bot.say(USER, f"/subscribe {query}")
    assert text.startswith(t("en", "subscribe.done", name="Ales Bialiatski"))
    assert card_head("Алесь Бяляцкі") in text
    assert await bot.services.subscriptions.targets_of(USER) == ["ales-bialiacki"]


async def test_plain_text_in_private_chat_is_a_name(bot: Harness) -> None:
    text = await bot.say(USER, "Калеснікава")
    assert text.startswith(t("en", "subscribe.done", name="Maria Kalesnikava"))


async def test_subscribe_twice_says_already(bot: Harness) -> None:
    await bot.say(USER, "/subscribe Znak")
    assert (await bot.say(USER, "/subscribe Znak")).startswith(
        t("en", "subscribe.already", name="Maksim Znak")
    )


async def test_several_matches_offer_buttons(bot: Harness) -> None:
    text = await bot.say(USER, "/subscribe Babaryka")
    assert text == t("en", "subscribe.pick", query="Babaryka")
    buttons = dict(bot.buttons(USER))
    assert set(buttons.values()) >= {"sub:viktar-babaryka", "sub:eduard-babaryka"}
    await bot.press(USER, "sub:eduard-babaryka")
    await bot.api.wait_for_call(
        "sendMessage",
        lambda c: c.params["text"].startswith(t("en", "subscribe.done", name="Eduard Babaryka")),
    )


async def test_no_match(bot: Harness) -> None:
    text = await bot.say(USER, "/subscribe Zzyzx Qwerty")
    assert text in (
        t("en", "subscribe.none", query="Zzyzx Qwerty"),
        t("en", "subscribe.suggest", query="Zzyzx Qwerty"),
    )


async def test_a_name_not_on_the_list_never_follows_a_stranger(bot: Harness) -> None:
    """A family types a name that is not listed, with a word that names nobody: the answer says the
    person is not on the list, offers the near matches as such, and follows no one."""
    text = await bot.say(USER, "/subscribe Babaryka Zzyzx")
    assert text == t("en", "subscribe.suggest", query="Babaryka Zzyzx")
    assert "not on the list" in text
    assert await bot.services.subscriptions.targets_of(USER) == []
    labels = [label for label, _data in bot.buttons(USER)]
    assert any("Babaryka" in label for label in labels)


async def test_facility_by_kind_and_number(bot: Harness) -> None:
    text = await bot.say(USER, "/subscribe ИК-9")
    assert "ik-9-horki" in await bot.services.subscriptions.targets_of(USER), text


async def test_list_and_unsubscribe_button(bot: Harness) -> None:
    assert await bot.say(USER, "/list") == t("en", "list.empty")
    await bot.say(USER, "/subscribe Losik")
    await bot.say(USER, "/subscribe Poczobut")
    text = await bot.say(USER, "/list")
    assert text.startswith(t("en", "list.header", count=2))
    assert ("✖ Andrzej Poczobut", "unsub:andrzej-poczobut") in bot.buttons(USER)
    await bot.press(USER, "unsub:andrzej-poczobut")
    await bot.api.wait_for_call(
        "sendMessage",
        lambda c: c.params["text"] == t("en", "unsubscribe.done", name="Andrzej Poczobut"),
    )
    assert await bot.services.subscriptions.targets_of(USER) == ["ihar-losik"]


async def test_unsubscribe_by_name(bot: Harness) -> None:
    await bot.say(USER, "/subscribe Losik")
    assert await bot.say(USER, "/unsubscribe Лосік") == t(
        "en", "unsubscribe.done", name="Ihar Losik"
    )
    assert await bot.say(USER, "/unsubscribe Лосік") == t("en", "unsubscribe.missing", name="Лосік")


async def test_subscription_cap(bot: Harness) -> None:
    bot.services.subscriptions.cap = 2
    await bot.say(USER, "/subscribe Losik")
    await bot.say(USER, "/subscribe Znak")
    assert await bot.say(USER, "/subscribe Poczobut") == t("en", "subscribe.cap", cap=2)
    assert len(await bot.services.subscriptions.targets_of(USER)) == 2


async def test_mute_and_unmute(bot: Harness) -> None:
    assert await bot.say(USER, "/mute") == t("en", "mute.usage")
    assert await bot.say(USER, "/mute forever") == t("en", "mute.usage")
    text = await bot.say(USER, "/mute 3d")
    assert text.startswith("Alerts paused until ")
    chat = await bot.services.subscriptions.chat(USER)
    assert abs(chat.muted_until - (time.time() + 3 * 86400)) < 60
    assert await bot.say(USER, "/unmute") == t("en", "mute.unmuted")
    assert await bot.say(USER, "/unmute") == t("en", "mute.not_muted")


# -- cards and inline search ---------------------------------------------------------------------------


async def test_status_card_with_facility_address_and_timeline(
    bot: Harness, storage: Storage
) -> None:
    from datetime import UTC, datetime

    await Timeline(storage.redis, storage.keys).add(
        "eduard-palcys",
        TimelineEvent(
            at=datetime(2026, 3, 12, 10, tzinfo=UTC),
            kind="news",
            alert_id="a1",
            events=["punishment_cell"],
            sources=[TimelineSource(name="Nasha <Niva>", link="https://nn.by/x?a=1&b=2")],
        ),
    )
    text = await bot.say(USER, "/status Palchys")
    assert text.startswith(card_head("Эдуард Пальчыс"))
    assert "Status: in custody" in text
    assert "Mahiliou" in text or "Магілёў" in text
    assert (
        "• 12.03.2026: punishment cell — "
        '<a href="https://nn.by/x?a=1&amp;b=2">Nasha &lt;Niva&gt;</a>' in text
    )


async def test_inline_search_across_scripts(bot: Harness) -> None:
    for query in ("bial", "Бяляц", "беляцк", "Białacki", "Bialiatski"):
        update_id = bot.api.inline_query(query, user=USER)
        answer = await bot.api.wait_for_inline_answer(update_id)
        assert answer.results, query
        first = answer.results[0]
        assert first["title"] == "Ales Bialiatski", query
        button = first["reply_markup"]["inline_keyboard"][0][0]
        assert button["url"] == "https://t.me/vestka_test_bot?start=sub_ales-bialiacki"
        assert answer.is_personal is False


async def test_inline_empty_query_shows_own_subscriptions_personally(bot: Harness) -> None:
    await bot.say(USER, "/subscribe Znak")
    answer = await bot.api.wait_for_inline_answer(bot.api.inline_query("", user=USER))
    assert [r["title"] for r in answer.results] == ["Maksim Znak"]
    assert answer.is_personal is True


async def test_inline_pagination(bot: Harness, storage: Storage) -> None:
    await RegistryStore(storage).merge(
        [Prisoner(id=f"p{i}", name_en=f"Ivan Testovich{i:03d}") for i in range(120)]
    )
    await bot.services.registry.refresh(force=True)
    seen: list[str] = []
    offset = ""
    for _ in range(5):
        answer = await bot.api.wait_for_inline_answer(
            bot.api.inline_query("Ivan", user=USER, offset=offset)
        )
        seen += [r["id"] for r in answer.results]
        offset = answer.next_offset or ""
        if not offset:
            break
    assert len(seen) == len(set(seen)) == 120


async def test_inline_hostile_query(bot: Harness) -> None:
    answer = await bot.api.wait_for_inline_answer(
        bot.api.inline_query("<script>alert(1)</script>" * 400, user=USER)
    )
    assert answer.results == [] or all("<script>" not in r["title"] for r in answer.results)


# -- deep links -------------------------------------------------------------------------------------------


async def test_deep_link_subscribes(bot: Harness) -> None:
    text = await bot.say(USER, "/start sub_maksim-znak")
    assert text.startswith(t("en", "subscribe.done", name="Maksim Znak"))


@pytest.mark.parametrize(
    "payload", ["sub_nobody", "sub_../../etc", "x" * 64, "sub_" + "a" * 60, "sub_<b>"]
)
async def test_deep_link_garbage(bot: Harness, payload: str) -> None:
    assert await bot.say(USER, f"/start {payload}") == t("en", "start.bad_link")
    assert await bot.services.subscriptions.targets_of(USER) == []


# -- bad input ---------------------------------------------------------------------------------------------


async def test_ten_thousand_character_name(bot: Harness) -> None:
    assert await bot.say(USER, "/subscribe " + "Я" * 10_000) == t("en", "errors.too_long", max=200)


async def test_html_in_names_is_escaped(bot: Harness, storage: Storage) -> None:
    await RegistryStore(storage).merge(
        [
            Prisoner(
                id="evil",
                name_en="<script>alert(1)</script> Hack",
                description="<b>bold</b> & more",
            )
        ]
    )
    await bot.services.registry.refresh(force=True)
    text = await bot.say(USER, "/subscribe Hack")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hack" in text
    assert "<script>" not in text
    # the fake API parses HTML as Telegram does: an unescaped tag would have been refused
    assert bot.api.last_call("sendMessage", USER).ok


async def test_html_in_query_is_escaped(bot: Harness) -> None:
    text = await bot.say(USER, "/subscribe <b>nobody</b>")
    assert "&lt;b&gt;nobody&lt;/b&gt;" in text


async def test_unknown_command(bot: Harness) -> None:
    assert await bot.say(USER, "/frobnicate") == t("en", "errors.unknown_command")


@pytest.mark.parametrize("data", ["sub:nobody-here", "unsub:", "card:???", "zzz", "lang:xx"])
async def test_callback_from_an_old_message(bot: Harness, data: str) -> None:
    assert await bot.press(USER, data, message_id=999) == t("en", "errors.expired")


# -- groups, channels, membership ------------------------------------------------------------------------


async def test_group_subscriptions_need_a_group_admin(bot: Harness) -> None:
    bot.api.set_member(GROUP, USER, "member")
    bot.api.set_member(GROUP, ADMIN_IN_GROUP, "administrator")
    assert await bot.say(GROUP, "/subscribe Znak", user=USER) == t("en", "groups.admins_only")
    assert await bot.services.subscriptions.targets_of(GROUP) == []
    text = await bot.say(GROUP, "/subscribe Znak", user=ADMIN_IN_GROUP)
    assert text.startswith(t("en", "subscribe.done", name="Maksim Znak"))


async def test_forum_topic_is_remembered(bot: Harness) -> None:
    supergroup = -1009001
    bot.api.set_member(supergroup, ADMIN_IN_GROUP, "creator")
    await bot.say(
        supergroup,
        "/subscribe Znak",
        user=ADMIN_IN_GROUP,
        chat_type="supergroup",
        message_thread_id=55,
        extra={"is_topic_message": True},
    )
    chat = await bot.services.subscriptions.chat(supergroup)
    assert chat.thread_id == 55
    assert bot.api.last_call("sendMessage", supergroup).params.get("message_thread_id") == 55


async def test_migration_keeps_subscriptions(bot: Harness) -> None:
    bot.api.set_member(GROUP, ADMIN_IN_GROUP, "administrator")
    await bot.say(GROUP, "/subscribe Znak", user=ADMIN_IN_GROUP)
    bot.api.migrate(GROUP, -1004001)
    await _until(lambda: bot.services.subscriptions.targets_of(-1004001), ["maksim-znak"])
    assert await bot.services.subscriptions.targets_of(GROUP) == []
    assert (await bot.services.subscriptions.chat(-1004001)).kind is ChatKind.SUPERGROUP


async def test_channel_can_subscribe(bot: Harness) -> None:
    channel = -1007007
    bot.api.channel_post(channel, "/subscribe Znak")
    await _until(lambda: bot.services.subscriptions.targets_of(channel), ["maksim-znak"])


async def test_blocked_and_unblocked(bot: Harness) -> None:
    await bot.say(USER, "/start")
    bot.api.my_chat_member(USER, "member", "kicked")
    await _until(_active(bot, USER), False)
    bot.api.my_chat_member(USER, "kicked", "member")
    await _until(_active(bot, USER), True)


async def test_added_to_group_greets(bot: Harness) -> None:
    bot.api.my_chat_member(GROUP, "left", "member", chat_type="group")
    call = await bot.api.wait_for_call("sendMessage", lambda c: c.chat_id == GROUP)
    assert call.params["text"] == t("en", "groups.added")


# -- privacy -------------------------------------------------------------------------------------------------


async def test_forget_deletes_everything(bot: Harness, storage: Storage) -> None:
    await bot.say(USER, "/subscribe Znak")
    assert await bot.say(USER, "/forget") == t("en", "forget.confirm")
    await bot.press(USER, "forget:yes")
    await bot.api.wait_for_call(
        "editMessageText", lambda c: c.params["text"] == t("en", "forget.done")
    )
    assert await bot.services.subscriptions.chat(USER) is None
    assert USER not in await bot.services.subscriptions.subscribers_of("maksim-znak")


# -- admins ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/stats", "/feeds", "/track x; Імя Прозвішча", "/untrack x"])
async def test_admin_commands_refused_for_others(
    bot: Harness, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert await bot.say(USER, command) == t("en", "admin.not_allowed")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("vestka"))
    assert "refused an admin command" in logged
    # no id of the user (as a number of its own: a port like 44501 is not one) and no command
    assert not re.search(rf"(?<!\d){USER}(?!\d)", logged) and command not in logged


async def test_admin_stats_counts_only(bot: Harness) -> None:
    await bot.say(USER, "/subscribe Znak")
    text = await bot.say(ADMIN, "/stats")
    assert "Subscriptions: 1" in text and str(USER) not in text


async def test_admin_track_and_untrack(bot: Harness) -> None:
    text = await bot.say(ADMIN, "/track new-one; Ігар Новы; Игорь Новый; Ihar Novy")
    assert text == t("en", "admin.track_done", name="Ihar Novy", id="new-one")
    assert (await bot.say(USER, "/subscribe Novy")).startswith(
        t("en", "subscribe.done", name="Ihar Novy")
    )
    assert await bot.say(ADMIN, "/untrack new-one") == t(
        "en", "admin.untrack_done", id="new-one", chats=1
    )
    assert await bot.say(ADMIN, "/untrack new-one") == t(
        "en", "admin.untrack_missing", id="new-one"
    )
    assert (await bot.say(ADMIN, "/track BAD ID; x")).startswith("Not saved: ")


async def test_admin_feeds(bot: Harness) -> None:
    refused = await bot.say(ADMIN, "/feeds add file:///etc/passwd")
    assert refused.startswith("Not done: ") and "file" in refused
    assert (await bot.say(ADMIN, "/feeds add https://example.org/rss")) == t(
        "en", "admin.feeds_done", action="add", url="https://example.org/rss"
    )
    listing = await bot.say(ADMIN, "/feeds")
    assert "https://example.org/rss" in listing
    assert (await bot.say(ADMIN, "/feeds pause https://example.org/rss")).startswith("Done: pause")


# -- helpers -----------------------------------------------------------------------------------------------------


def _active(bot: Harness, chat_id: int):
    async def read() -> bool | None:
        chat = await bot.services.subscriptions.chat(chat_id)
        return None if chat is None else chat.active

    return read


async def _until(read, expected: object, timeout: float = 10.0) -> None:
    from testkit.waiting import wait_for

    async def matches() -> bool:
        return await read() == expected

    await wait_for(matches, timeout=timeout, message=f"value to become {expected!r}")


async def test_admin_track_edits_names_and_adds_aliases(bot: Harness) -> None:
    await bot.say(ADMIN, "/track ihar-losik; ; ; ; Igor Losik, Ігар Лосік-Л")
    target = await bot.services.registry_store.get("ihar-losik")
    assert target.name_be == "Ігар Лосік"  # empty fields keep what was there
    assert {"Igor Losik", "Ігар Лосік-Л"} <= set(target.aliases)


async def test_inline_empty_query_for_a_newcomer_shows_people_in_the_news(
    bot: Harness, storage: Storage
) -> None:
    from feeds.watching.alerts import Alert, AlertStream

    await AlertStream(storage.redis, storage.keys).append(
        Alert(id="x1", kind="news", prisoners=["marfa-rabkova"])
    )
    answer = await bot.api.wait_for_inline_answer(bot.api.inline_query("", user=9999))
    assert answer.results[0]["title"] == "Marfa Rabkova"
    assert answer.is_personal is True


@pytest.mark.parametrize("setting", ["namesakes", "links"])
async def test_on_off_settings(bot: Harness, setting: str) -> None:
    usage = "\n\n" + t("en", f"{setting}.usage")
    assert await bot.say(USER, f"/{setting}") == t("en", f"{setting}.current_on") + usage
    assert await bot.say(USER, f"/{setting} off") == t("en", f"{setting}.off_done")
    saved = await bot.services.subscriptions.chat(USER)
    assert saved is not None and getattr(saved, setting) is False
    assert await bot.say(USER, f"/{setting}") == t("en", f"{setting}.current_off") + usage
    assert await bot.say(USER, f"/{setting} on") == t("en", f"{setting}.on_done")
    saved = await bot.services.subscriptions.chat(USER)
    assert saved is not None and getattr(saved, setting) is True
