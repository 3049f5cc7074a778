"""The fake Bot API itself: wire formats, updates, failures, validation, limits, admin side.

Most checks go through python-telegram-bot's own ``Bot`` so that what PTB makes of an answer
(exception class, ``retry_after``, ``new_chat_id``, parsed objects) is what is asserted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MenuButtonCommands,
    Update,
)
from telegram import error as tgerr
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from testkit.botapi import (
    BOT_ID,
    BOT_USERNAME,
    DEFAULT_TOKEN,
    FakeBotAPI,
    FakeBotAPIProcess,
    HtmlError,
    parse_html,
)
from testkit.waiting import wait_for


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as b:
        yield b


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def raw(http: aiohttp.ClientSession, api: FakeBotAPI, method: str, **kw) -> tuple[int, dict]:
    async with http.post(f"{api.api_url}/{method}", **kw) as resp:
        return resp.status, await resp.json()


# -- wire format and basic methods ----------------------------------------------------------------
async def test_get_me_through_ptb(bot: Bot, api: FakeBotAPI) -> None:
    me = await bot.get_me()
    assert me.id == BOT_ID and me.username == BOT_USERNAME and me.is_bot
    assert me.supports_inline_queries is True and me.can_join_groups is True
    assert api.calls("getMe")[0].ok


async def test_unknown_method_is_404_like_telegram(api: FakeBotAPI, http) -> None:
    status, body = await raw(http, api, "sendTelepathy", data={"chat_id": "1"})
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}


async def test_wrong_token_is_401_and_ptb_says_invalid_token(api: FakeBotAPI) -> None:
    async with http_session() as http, http.post(f"{api.base_url}123:wrong/getMe") as resp:
        assert resp.status == 401
        assert (await resp.json())["description"] == "Unauthorized"
    bad = Bot("123:wrong", base_url=api.base_url)
    with pytest.raises(tgerr.InvalidToken):
        await bad.initialize()


def http_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


async def test_json_form_and_multipart_bodies_decode_alike(api: FakeBotAPI, http) -> None:
    markup = {"inline_keyboard": [[{"text": "ok", "callback_data": "x:1"}]]}
    status, body = await raw(
        http, api, "sendMessage", json={"chat_id": "5", "text": "123", "reply_markup": markup}
    )
    assert status == 200 and body["result"]["text"] == "123"
    assert body["result"]["reply_markup"] == markup
    status, body = await raw(
        http,
        api,
        "sendMessage",
        data={"chat_id": "5", "text": "true", "reply_markup": json.dumps(markup)},
    )
    assert status == 200 and body["result"]["text"] == "true"  # text stays a string
    form = aiohttp.FormData()
    form.add_field("chat_id", "5")
    form.add_field("caption", "a photo")
    form.add_field("photo", b"\x89PNG....", filename="p.png", content_type="image/png")
    status, body = await raw(http, api, "sendPhoto", data=form)
    assert status == 200 and body["result"]["caption"] == "a photo"
    calls = api.calls(chat_id=5)
    assert [c.params["chat_id"] for c in calls] == [5, 5, 5]
    assert calls[0].params["reply_markup"] == markup == calls[1].params["reply_markup"]
    assert calls[2].params["photo"] == {"filename": "p.png", "content_type": "image/png", "size": 8}
    assert [c.result["message_id"] for c in calls] == [1, 2, 3]


async def test_message_ids_count_per_chat_including_users_messages(bot: Bot, api) -> None:
    a1 = await bot.send_message(1, "a")
    b1 = await bot.send_message(2, "b")
    api.send_text(1, "hi")
    a2 = await bot.send_message(1, "c")
    assert (a1.message_id, b1.message_id, a2.message_id) == (1, 1, 3)
    assert a2.chat.type == "private" and a2.from_user.username == BOT_USERNAME
    assert api.sent_texts(1) == ["a", "c"] and api.sent_texts() == ["a", "b", "c"]


async def test_html_send_returns_plain_text_with_utf16_entities(bot: Bot) -> None:
    msg = await bot.send_message(
        1, '😀 <b>Бяляцкі</b> &amp; <a href="https://x.org/?a=1&amp;b=2">src</a>', parse_mode="HTML"
    )
    assert msg.text == "😀 Бяляцкі & src"
    bold, link = msg.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 3, 7)  # the emoji is 2 UTF-16 units
    assert (link.type, link.url, link.offset) == ("text_link", "https://x.org/?a=1&b=2", 13)


async def test_edit_delete_copy_forward(bot: Bot, api: FakeBotAPI) -> None:
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("mute", callback_data="mute:x")]])
    msg = await bot.send_message(9, "one", reply_markup=kb)
    edited = await bot.edit_message_text("two", chat_id=9, message_id=msg.message_id)
    assert edited.text == "two" and edited.edit_date is not None and edited.reply_markup is None
    with pytest.raises(tgerr.BadRequest, match="Message is not modified"):
        await bot.edit_message_text("two", chat_id=9, message_id=msg.message_id)
    with pytest.raises(tgerr.BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=9, message_id=999)
    again = await bot.edit_message_reply_markup(9, msg.message_id, reply_markup=kb)
    assert again.reply_markup == kb
    with pytest.raises(tgerr.BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(9, msg.message_id, reply_markup=kb)
    copied = await bot.copy_message(10, from_chat_id=9, message_id=msg.message_id)
    assert copied.message_id == 1
    assert api.messages[(10, 1)]["text"] == "two"
    forwarded = await bot.forward_message(11, from_chat_id=9, message_id=msg.message_id)
    assert forwarded.text == "two" and forwarded.forward_origin is not None
    assert await bot.delete_message(9, msg.message_id) is True
    with pytest.raises(tgerr.BadRequest, match="Message to delete not found"):
        await bot.delete_message(9, msg.message_id)
    assert api.stats()["delivered"] == {"9": 1, "10": 1, "11": 1}


async def test_commands_menu_chat_action_and_webhook_info(bot: Bot, api: FakeBotAPI) -> None:
    en = [BotCommand("start", "Start"), BotCommand("help", "Help")]
    assert await bot.set_my_commands(en)
    assert await bot.set_my_commands(
        [BotCommand("start", "Пачаць")], scope=BotCommandScopeAllGroupChats(), language_code="be"
    )
    assert await bot.get_my_commands() == tuple(en)
    assert [
        c.description for c in await bot.get_my_commands(BotCommandScopeAllGroupChats(), "be")
    ] == ["Пачаць"]
    assert api.get_commands({"type": "all_group_chats"}, "be")[0]["command"] == "start"
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(tgerr.BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert await bot.send_chat_action(5, "typing")
    assert await bot.delete_webhook()
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    assert await bot.log_out() and await bot.close()


async def test_get_chat_member_is_programmable(bot: Bot, api: FakeBotAPI) -> None:
    api.set_member(-100, 7, "creator")
    api.set_member(-100, 8, "administrator")
    api.set_member(-100, 9, "left")
    api.set_member(-100, 10, "kicked")
    api.set_member(-100, 11, "restricted")
    got = {uid: (await bot.get_chat_member(-100, uid)).status for uid in (7, 8, 9, 10, 11, 12)}
    assert got == {
        7: "creator",
        8: "administrator",
        9: "left",
        10: "kicked",
        11: "restricted",
        12: "member",
    }
    assert (await bot.get_chat_member(-100, BOT_ID)).status == "administrator"
    chat = await bot.get_chat(-100)
    assert chat.id == -100 and chat.type == "group"


# -- updates and long polling ---------------------------------------------------------------------
async def test_command_entities_as_telegram_builds_them(bot: Bot, api: FakeBotAPI) -> None:
    ids = [
        api.send_text(5, "/start sub_bialiatski"),
        api.send_text(-200, "/subscribe@vestka_test_bot Бяляцкі", user=77, chat_type="group"),
        api.send_text(-1001, "/list", user=77, chat_type="supergroup", message_thread_id=12),
        api.send_text(5, "just a name", language_code="be"),
        api.channel_post(-1002, "/subscribe ik-9"),
    ]
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == ids
    m0, m1, m2, m3 = (u.message for u in updates[:4])
    assert m0.entities[0].type == "bot_command" and m0.entities[0].length == len("/start")
    assert m0.chat.type == "private" and m0.from_user.id == 5
    assert m1.entities[0].length == len("/subscribe@vestka_test_bot")
    assert m1.chat.type == "group" and m1.from_user.id == 77
    assert m2.message_thread_id == 12 and m2.is_topic_message and m2.chat.is_forum
    assert m3.entities == () and m3.from_user.language_code == "be"
    post = updates[4].channel_post
    assert post.chat.type == "channel" and post.sender_chat.id == -1002 and post.from_user is None
    assert post.entities[0].length == len("/subscribe")


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotAPI, http) -> None:
    async def inject_later() -> None:
        await wait_for(lambda: api.method_counts["getUpdates"], message="the poll to arrive")
        api.send_text(5, "hello")

    task = asyncio.create_task(inject_later())
    started = time.monotonic()
    status, body = await raw(http, api, "getUpdates", data={"timeout": "20"})
    elapsed = time.monotonic() - started
    await task
    assert status == 200 and body["result"][0]["message"]["text"] == "hello"
    assert elapsed < 2.0, f"long poll held the update for {elapsed:.2f}s"


async def test_long_poll_times_out_empty(api: FakeBotAPI, http) -> None:
    started = time.monotonic()
    status, body = await raw(http, api, "getUpdates", data={"timeout": "0.3"})
    assert status == 200 and body["result"] == []
    assert 0.25 <= time.monotonic() - started < 2


async def test_offset_confirms_and_allowed_updates_filter(bot: Bot, api: FakeBotAPI) -> None:
    first = api.send_text(5, "a")
    second = api.callback_query(5, 1, "x")
    third = api.send_text(5, "b")
    got = await bot.get_updates(allowed_updates=["message"])
    assert [u.update_id for u in got] == [first, third]
    got = await bot.get_updates(offset=first + 1)  # the setting sticks, as on Telegram
    assert [u.update_id for u in got] == [third]
    assert api.pending_updates == 2  # second and third, not confirmed yet
    got = await bot.get_updates(offset=third + 1, allowed_updates=[])
    assert got == () and api.pending_updates == 0
    assert second < third
    a, b = api.send_text(5, "c"), api.send_text(5, "d")
    got = await bot.get_updates(offset=-1)
    assert [u.update_id for u in got] == [b] and a < b


async def test_second_poller_terminates_the_first_with_conflict(api: FakeBotAPI, http) -> None:
    first = asyncio.create_task(raw(http, api, "getUpdates", data={"timeout": "10"}))
    await wait_for(lambda: api.method_counts["getUpdates"], message="the first poll")
    second = asyncio.create_task(raw(http, api, "getUpdates", data={"timeout": "0.2"}))
    status, body = await asyncio.wait_for(first, 5)
    assert status == 409 and body["description"].startswith("Conflict: terminated by other")
    assert (await second)[0] == 200


async def test_callback_and_inline_queries(bot: Bot, api: FakeBotAPI) -> None:
    sent = await bot.send_message(
        5,
        "card",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("s", callback_data="s")]]),
    )
    cb_new = api.callback_query(5, sent.message_id, "status:bialiatski", user=5)
    cb_old = api.callback_query(5, 77, "mute:x", user=5)
    iq = api.inline_query("bial", user=5, offset="50")
    updates = {u.update_id: u for u in await bot.get_updates()}
    q = updates[cb_new].callback_query
    assert q.data == "status:bialiatski" and q.message.text == "card" and q.chat_instance
    old = updates[cb_old].callback_query.message  # Telegram sends date 0 for an old message
    assert old.message_id == 77 and not old.is_accessible
    inline = updates[iq].inline_query
    assert (inline.query, inline.offset, inline.from_user.id) == ("bial", "50", 5)

    assert await bot.answer_callback_query(q.id, text="ok")
    assert api.callback_answers[q.id]["text"] == "ok"
    with pytest.raises(tgerr.BadRequest, match="Query is too old"):
        await bot.answer_callback_query("never-issued")
    results = [
        InlineQueryResultArticle(str(i), f"r{i}", InputTextMessageContent(f"<b>{i}</b>", "HTML"))
        for i in range(3)
    ]
    await bot.answer_inline_query(
        inline.id, results, next_offset="53", is_personal=True, cache_time=0
    )
    answer = await api.wait_for_inline_answer(iq)
    assert [r["id"] for r in answer.results] == ["0", "1", "2"]
    assert (answer.next_offset, answer.is_personal, answer.cache_time) == ("53", True, 0)


async def test_my_chat_member_blocks_and_unblocks_delivery(bot: Bot, api: FakeBotAPI) -> None:
    uid = api.my_chat_member(5, "member", "kicked")
    (upd,) = await bot.get_updates()
    assert upd.update_id == uid
    change = upd.my_chat_member
    assert change.new_chat_member.status == "kicked" and change.chat.type == "private"
    assert change.new_chat_member.user.id == BOT_ID
    with pytest.raises(tgerr.Forbidden, match="bot was blocked by the user"):
        await bot.send_message(5, "x")
    api.my_chat_member(5, "kicked", "member")
    assert (await bot.send_message(5, "x")).text == "x"
    api.my_chat_member(-300, "left", "administrator", chat_type="supergroup")
    api.my_chat_member(-300, "administrator", "left", chat_type="supergroup")
    with pytest.raises(tgerr.Forbidden, match="kicked from the supergroup chat"):
        await bot.send_message(-300, "x")


async def test_migration_updates_and_old_id_answers_chat_migrated(bot: Bot, api) -> None:
    last = api.migrate(-400, -100400)
    old, new = await bot.get_updates()
    assert new.update_id == last
    assert old.message.chat.id == -400 and old.message.migrate_to_chat_id == -100400
    assert new.message.chat.type == "supergroup" and new.message.migrate_from_chat_id == -400
    with pytest.raises(tgerr.ChatMigrated) as info:
        await bot.send_message(-400, "alert")
    assert info.value.new_chat_id == -100400
    assert (await bot.send_message(-100400, "alert")).chat.type == "supergroup"


async def test_raw_injection_keeps_fields(bot: Bot, api: FakeBotAPI) -> None:
    uid = api.inject(
        {
            "edited_message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 1, "type": "private"},
                "text": "e",
            }
        }
    )
    (u,) = await bot.get_updates()
    assert u.update_id == uid and u.edited_message.text == "e"


# -- programmable failures ------------------------------------------------------------------------
FAILURES = [
    ("blocked", tgerr.Forbidden, "Forbidden: bot was blocked by the user"),
    ("kicked", tgerr.Forbidden, "Forbidden: bot was kicked from the group chat"),
    ("deactivated", tgerr.Forbidden, "Forbidden: user is deactivated"),
    ("chat_not_found", tgerr.BadRequest, "Chat not found"),
    ("too_long", tgerr.BadRequest, "Message is too long"),
    ("parse_entities", tgerr.BadRequest, "Can't parse entities"),
    ("server_error", tgerr.NetworkError, "Internal Server Error"),
    ("bad_gateway", tgerr.NetworkError, "Bad Gateway"),
]


@pytest.mark.parametrize(("kind", "exc", "text"), FAILURES, ids=[f[0] for f in FAILURES])
async def test_failure_once_for_one_chat(bot: Bot, api: FakeBotAPI, kind, exc, text) -> None:
    api.fail(kind, chat_id=5)
    assert (await bot.send_message(6, "other chat")).text == "other chat"
    with pytest.raises(exc) as info:
        await bot.send_message(5, "x")
    assert info.value.message.startswith(text)
    assert (await bot.send_message(5, "then fine")).text == "then fine"
    assert api.failures == []


async def test_failure_migrated_gives_chat_migrated(bot: Bot, api: FakeBotAPI) -> None:
    api.fail("migrated", chat_id=-5, new_chat_id=-1005)
    with pytest.raises(tgerr.ChatMigrated) as info:
        await bot.send_message(-5, "x")
    assert info.value.new_chat_id == -1005


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_failure_flood_gives_retry_after(bot: Bot, api: FakeBotAPI, http) -> None:
    api.fail("flood", retry_after=7)
    with pytest.raises(tgerr.RetryAfter) as info:
        await bot.send_message(5, "x")
    assert info.value.retry_after == 7
    api.fail("flood", retry_after=3)
    status, body = await raw(http, api, "sendMessage", data={"chat_id": "5", "text": "x"})
    assert status == 429 and body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


async def test_persistent_failure_until_removed(bot: Bot, api: FakeBotAPI) -> None:
    rule = api.fail("blocked", chat_id=5, times=None)
    for _ in range(3):
        with pytest.raises(tgerr.Forbidden):
            await bot.send_message(5, "x")
    api.unfail(rule)
    assert (await bot.send_message(5, "x")).text == "x"


async def test_global_failure_spares_startup_methods(bot: Bot, api: FakeBotAPI) -> None:
    api.fail("server_error", times=None)
    assert (await bot.get_me()).username == BOT_USERNAME
    await bot.get_updates(timeout=0)
    with pytest.raises(tgerr.NetworkError):
        await bot.answer_callback_query("x")
    with pytest.raises(tgerr.NetworkError):
        await bot.send_message(1, "x")


async def test_fail_first_k_calls_of_a_method(bot: Bot, api: FakeBotAPI) -> None:
    api.fail_first("sendMessage", 2, "bad_gateway")
    assert (await bot.send_chat_action(1, "typing")) is True
    for _ in range(2):
        with pytest.raises(tgerr.NetworkError, match="Bad Gateway"):
            await bot.send_message(1, "x")
    assert (await bot.send_message(1, "x")).text == "x"
    assert [c.status for c in api.calls("sendMessage")] == [502, 502, 200]


async def test_slow_response(bot: Bot, api: FakeBotAPI) -> None:
    api.fail("slow", delay=0.4, method="sendMessage")
    started = time.monotonic()
    assert (await bot.send_message(1, "x")).text == "x"
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    await bot.send_message(1, "y")
    assert time.monotonic() - started < 0.4


async def test_custom_failure(api: FakeBotAPI, http) -> None:
    api.fail(status=418, description="I'm a teapot", method="getChat")
    status, body = await raw(http, api, "getChat", data={"chat_id": "1"})
    assert status == 418 and body["description"] == "I'm a teapot"


# -- validation like Telegram -----------------------------------------------------------------------
async def test_text_length_counts_after_entity_parsing(bot: Bot) -> None:
    assert len((await bot.send_message(1, "я" * 4096)).text) == 4096
    assert (
        len((await bot.send_message(1, "<b>" + "я" * 4096 + "</b>", parse_mode="HTML")).text)
        == 4096
    )
    with pytest.raises(tgerr.BadRequest, match="Message is too long"):
        await bot.send_message(1, "я" * 4097)
    with pytest.raises(tgerr.BadRequest, match="Message text is empty"):
        await bot.send_message(1, "<b> </b>", parse_mode="HTML")


GOOD_HTML = [
    "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>",
    '<a href="https://example.org/?q=1&amp;r=2">link</a> <a href="tg://user?id=1">u</a>',
    '<code>x &lt; y</code> <pre><code class="language-python">print(1)</code></pre>',
    '<tg-spoiler>a</tg-spoiler> <span class="tg-spoiler">b</span>',
    "<blockquote>q</blockquote> <blockquote expandable>long</blockquote>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    "a &gt; b &amp; c &quot;d&quot; &#39;e&#x27; &nbsp; 5 > 3 & more",
    "<B>upper-case tag</B> <b>nested <i>fine</i></b>",
]
BAD_HTML = [
    ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
    ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
    ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
    ("Бяляцкі <x>", 'Unsupported start tag "x" at byte offset 15'),
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ('<span class="other">x</span>', 'Tag "span" must have class "tg-spoiler"'),
    ("<b", "Unclosed start tag at byte offset 0"),
    ('<a href="x>y</a>', "Unclosed end of an attribute value"),
]


@pytest.mark.parametrize("text", GOOD_HTML)
async def test_html_subset_is_accepted(bot: Bot, text: str) -> None:
    assert (await bot.send_message(1, text, parse_mode="HTML")).text


@pytest.mark.parametrize(("text", "reason"), BAD_HTML, ids=[b[0] for b in BAD_HTML])
async def test_bad_html_is_rejected(bot: Bot, api: FakeBotAPI, text: str, reason: str) -> None:
    with pytest.raises(tgerr.BadRequest, match="Can't parse entities"):
        await bot.send_message(1, text, parse_mode="HTML")
    error = api.calls("sendMessage")[-1].error
    assert error.startswith(f"Bad Request: can't parse entities: {reason}")
    assert (await bot.send_message(1, text)).text == text  # without parse_mode it is plain text


def test_parse_html_entities_and_pre_language() -> None:
    plain, ents = parse_html(
        '<pre><code class="language-py">x</code></pre><blockquote expandable>q</blockquote>'
    )
    assert plain == "xq"
    assert {e["type"] for e in ents} == {"pre", "code", "expandable_blockquote"}
    with pytest.raises(HtmlError):
        parse_html("<blockquote><blockquote>x</blockquote></blockquote>")


async def test_callback_data_over_64_bytes(bot: Bot) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="я" * 32)]])  # 64 bytes
    assert (await bot.send_message(1, "x", reply_markup=ok)).reply_markup == ok
    bad = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="я" * 33)]])  # 66 bytes
    with pytest.raises(tgerr.BadRequest, match="Button_data_invalid"):
        await bot.send_message(1, "x", reply_markup=bad)


async def test_callback_answer_over_200_characters(bot: Bot, api: FakeBotAPI) -> None:
    api.callback_query(5, 1, "a")
    api.callback_query(5, 1, "b")
    (qa, qb) = [u.callback_query for u in await bot.get_updates()]
    assert await bot.answer_callback_query(qa.id, text="я" * 200)
    with pytest.raises(tgerr.BadRequest):
        await bot.answer_callback_query(qb.id, text="я" * 201)


async def test_inline_results_over_50(bot: Bot, api: FakeBotAPI) -> None:
    qid = api.query_id(api.inline_query("x"))
    results = [
        InlineQueryResultArticle(str(i), "t", InputTextMessageContent("m")) for i in range(51)
    ]
    with pytest.raises(tgerr.BadRequest, match="Results_too_much"):
        await bot.answer_inline_query(qid, results)
    assert await bot.answer_inline_query(qid, results[:50])
    assert len(api.inline_answers[qid].results) == 50


# -- rate limits: sliding windows, jitter ---------------------------------------------------------
class Clock:
    """The fake's clock, moved by hand; ``sleep`` moves it too (so jitter costs no real time)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
async def limited() -> AsyncIterator[tuple[FakeBotAPI, Clock]]:
    async with FakeBotAPI(enforce_limits=True) as server:
        clock = Clock()
        server.clock = clock
        yield server, clock


async def send_ok(http, api: FakeBotAPI, chat: int) -> int:
    status, _ = await raw(http, api, "sendMessage", data={"chat_id": str(chat), "text": "x"})
    return status


async def sends_at(http, api: FakeBotAPI, clock: Clock, times: list[float], first_chat: int = 1):
    """One send per time (each to a chat of its own, so only the bot's window counts)."""
    out = []
    for i, t in enumerate(times):
        clock.now = t
        out.append(
            await raw(http, api, "sendMessage", data={"chat_id": str(first_chat + i), "text": "x"})
        )
    return out


async def test_31_sends_inside_one_second_get_exactly_one_429(limited, http) -> None:
    api, clock = limited
    answers = await sends_at(http, api, clock, [1000.0 + 0.03 * i for i in range(31)])
    statuses = [status for status, _ in answers]
    assert statuses == [200] * 30 + [429]
    # the first send (1000.0) leaves the window at 1001.0; the 31st came at 1000.9
    assert answers[-1][1]["parameters"]["retry_after"] == 1
    assert answers[-1][1]["description"] == "Too Many Requests: retry after 1"
    assert api.rate_limited == 1 and api.rate_limited_by_scope == {"global": 1}
    clock.now = 1001.0  # exactly one second after the first: its slot is free
    assert await send_ok(http, api, 999) == 200
    stats = api.stats()
    assert stats["rate_limited"] == 1 and stats["max_per_second"] == 30
    assert stats["chat_window_violations"] == 0


async def test_a_window_across_a_second_boundary_is_caught(limited, http) -> None:
    """15 sends in the second 1000, 16 in the second 1001 (every 1/32 s, exact in binary): no
    calendar second holds 31, but the window ending at the 31st does."""
    api, clock = limited
    times = [1000.5 + k / 32 for k in range(15)] + [1001.0 + k / 32 for k in range(16)]
    answers = await sends_at(http, api, clock, times)
    assert [status for status, _ in answers] == [200] * 30 + [429]
    assert answers[-1][1]["parameters"]["retry_after"] == 1  # 1000.5 leaves at 1001.5
    more = await sends_at(http, api, clock, [1001.5, 1001.5 + 1 / 64], first_chat=100)
    assert [status for status, _ in more] == [200, 429]  # one slot freed, one taken
    assert api.rate_limited == 2 and api.stats()["max_per_second"] == 30


async def test_a_steady_stream_under_30_a_second_passes_over_it_is_refused(limited, http) -> None:
    api, clock = limited
    # 28.5/s for 3 s (every 35 ms): never a 429
    statuses = [
        s for s, _ in await sends_at(http, api, clock, [1000 + 0.035 * i for i in range(86)])
    ]
    assert set(statuses) == {200} and api.stats()["max_per_second"] == 29
    # then 31/s (every 1/31 s) over 1.2 s: the 31st of each running second is one too many
    start = 1010.0
    times = [start + i / 31 for i in range(38)]
    answers = await sends_at(http, api, clock, times, first_chat=1000)
    refused = [i for i, (status, _) in enumerate(answers) if status == 429]
    assert refused and refused[0] == 30  # 30 accepted in (start - 1, start + 30/31]: the 31st waits
    assert {body["parameters"]["retry_after"] for s, body in answers if s == 429} == {1}
    assert api.stats()["max_per_second"] == 30


async def test_private_chat_one_message_in_any_second(limited, http) -> None:
    api, clock = limited
    assert await send_ok(http, api, 5) == 200
    clock.now += 0.999
    status, body = await raw(http, api, "sendMessage", data={"chat_id": "5", "text": "x"})
    assert status == 429 and body["parameters"]["retry_after"] == 1
    assert await send_ok(http, api, 6) == 200  # other chats are not affected
    clock.now = 1001.0  # one second after the first: free again (the refused one took no slot)
    assert await send_ok(http, api, 5) == 200
    clock.now += 0.5
    assert await send_ok(http, api, 5) == 429
    assert api.rate_limited == 2 and api.rate_limited_by_scope == {"private": 2}
    assert api.stats()["chat_window_violations"] == 2


async def test_group_20_in_any_minute(limited, http) -> None:
    api, clock = limited
    statuses = []
    for i in range(20):  # one every 2 s: 20 within 38 s
        clock.now = 1000.0 + 2 * i
        statuses.append(await send_ok(http, api, -77))
    assert statuses == [200] * 20
    clock.now = 1040.0
    status, body = await raw(http, api, "sendMessage", data={"chat_id": "-77", "text": "x"})
    assert status == 429 and body["parameters"]["retry_after"] == 20  # the first leaves at 1060
    assert await send_ok(http, api, -78) == 200  # another group is not affected
    clock.now = 1041.6
    status, body = await raw(http, api, "sendMessage", data={"chat_id": "-77", "text": "x"})
    assert status == 429 and body["parameters"]["retry_after"] == 19  # 18.4 s, rounded up
    clock.now = 1060.0
    assert await send_ok(http, api, -77) == 200
    assert api.rate_limited_by_scope == {"group": 2}
    assert api.stats()["chat_window_violations"] == 2


async def test_limits_off_never_429_but_the_windows_still_count(api: FakeBotAPI, http) -> None:
    clock = Clock()
    api.clock = clock
    assert {await send_ok(http, api, 5) for _ in range(50)} == {200}
    assert api.rate_limited == 0
    stats = api.stats()
    assert stats["max_per_second"] == 50 and stats["chat_window_violations"] == 49


async def test_jitter_is_uniform_within_jitter_ms_seeded_and_sends_count_when_they_arrive(
    http,
) -> None:
    async with FakeBotAPI(enforce_limits=True, jitter_ms=200, seed=7) as api:
        clock = Clock()
        api.clock, api.sleep = clock, clock.sleep
        expected = random.Random(7)
        for chat in range(1, 21):
            before = clock.now
            assert await send_ok(http, api, chat) == 200
            delay = clock.now - before  # measured on the fake's clock: the jitter alone
            assert 0.0 <= delay <= 0.2
            assert delay == pytest.approx(expected.uniform(0.0, 0.2))
        assert [c.jitter for c in api.calls("sendMessage")] == clock.slept
        assert len(set(clock.slept)) == 20 and max(clock.slept) > 0.1 > min(clock.slept)
        api.reset()  # a reset starts the seeded sequence again
        clock.slept.clear()
        await send_ok(http, api, 1)
        assert clock.slept[0] == pytest.approx(random.Random(7).uniform(0.0, 0.2))

        # A private chat, two sends exactly 1 s apart as the bot sent them: they arrive d1 and d2
        # later, so the second is refused exactly when d2 < d1 (it arrives within the window).
        seed = next(n for n in range(100) if _two_delays(n, 0.2)[1] < _two_delays(n, 0.2)[0])
        api.set_limits(seed=seed)
        d1, d2 = _two_delays(seed, 0.2)
        clock.now = 2000.0
        assert await send_ok(http, api, 42) == 200
        clock.now = 2001.0
        status, body = await raw(http, api, "sendMessage", data={"chat_id": "42", "text": "x"})
        assert status == 429 and body["parameters"]["retry_after"] == 1
        assert [c.jitter for c in api.calls("sendMessage", 42)] == [d1, d2]


def _two_delays(seed: int, jitter: float) -> tuple[float, float]:
    rng = random.Random(seed)
    return rng.uniform(0.0, jitter), rng.uniform(0.0, jitter)


async def test_jitter_delays_a_real_call_by_at_most_jitter_ms_but_not_polling(http) -> None:
    async with FakeBotAPI(jitter_ms=40, seed=3) as api:
        for chat in range(1, 11):
            started = time.monotonic()
            assert await send_ok(http, api, chat) == 200
            elapsed = time.monotonic() - started
            call = api.last_call("sendMessage", chat)
            assert 0.0 <= call.jitter <= 0.040 and elapsed >= call.jitter
        assert len({c.jitter for c in api.calls("sendMessage")}) == 10
        await raw(http, api, "getUpdates", data={"timeout": "0"})
        assert api.last_call("getUpdates").jitter == 0.0


async def test_set_limits_checks_names_and_values(api: FakeBotAPI) -> None:
    with pytest.raises(ValueError, match="unknown limit"):
        api.set_limits(private_burst=3)
    with pytest.raises(ValueError, match="whole number"):
        api.set_limits(global_rate=0.5)
    info = api.set_limits(True, global_rate=10, jitter_ms=25, seed=9)
    assert info == {
        "enforce_limits": True,
        "limits": {"global_rate": 10, "private_per_second": 1, "group_per_minute": 20},
        "jitter_ms": 25.0,
        "seed": 9,
    }
    assert {k: api.stats()[k] for k in info} == info


# -- recording, memory, helpers ---------------------------------------------------------------------
async def test_calls_are_capped_but_counters_kept() -> None:
    async with FakeBotAPI(max_calls=10) as api, aiohttp.ClientSession() as http:
        for i in range(30):
            await send_ok(http, api, i % 3 + 1)
        assert len(api.calls()) == 10
        assert api.method_counts["sendMessage"] == 30
        assert api.stats()["delivered"] == {"1": 10, "2": 10, "3": 10}
        assert api.stats()["duplicate_total"] == 27
        api.clear()
        assert api.calls() == [] and api.method_counts["sendMessage"] == 30


async def test_wait_for_call_waits_on_a_condition_and_times_out(api: FakeBotAPI, bot: Bot) -> None:
    waiter = asyncio.create_task(api.wait_for_call("sendMessage", lambda c: c.chat_id == 2))
    await bot.send_message(1, "no")
    assert not waiter.done()
    await bot.send_message(2, "yes")
    call = await asyncio.wait_for(waiter, 5)
    assert call.params["text"] == "yes" and call.ok
    started = time.monotonic()
    with pytest.raises(AssertionError, match="timed out"):
        await api.wait_for_call("sendPhoto", timeout=0.2)
    assert time.monotonic() - started < 1


async def test_webhook_delivery_and_conflict(api: FakeBotAPI, bot: Bot) -> None:
    received: list[tuple[str | None, dict]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/webhook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/webhook", secret_token="s3cret")
        with pytest.raises(tgerr.Conflict):
            await bot.get_updates()
        uid = api.send_text(5, "/start")
        await wait_for(lambda: received, message="the webhook delivery")
        assert received[0][0] == "s3cret" and received[0][1]["update_id"] == uid
        assert (await bot.get_webhook_info()).url.endswith("/webhook")
        assert await bot.delete_webhook()
        assert await bot.get_updates() == ()
    finally:
        await runner.cleanup()


# -- admin side and subprocess mode -----------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_admin_http(api: FakeBotAPI, http, bot: Bot) -> None:
    async with http.post(
        f"{api.url}/_fake/inject", json={"kind": "send_text", "args": [5, "/start"]}
    ) as r:
        uid = (await r.json())["update_id"]
    async with http.post(
        f"{api.url}/_fake/inject",
        json={
            "callback_query": {
                "id": "z",
                "from": {"id": 5, "is_bot": False, "first_name": "a"},
                "chat_instance": "1",
                "data": "d",
            }
        },
    ) as r:
        raw_id = (await r.json())["update_id"]
    assert [u.update_id for u in await bot.get_updates()] == [uid, raw_id]
    async with http.post(f"{api.url}/_fake/fail", json={"kind": "blocked", "chat_id": 5}) as r:
        assert (await r.json())["ok"]
    with pytest.raises(tgerr.Forbidden):
        await bot.send_message(5, "x")
    await bot.send_message(5, "x")
    await bot.send_message(5, "x")
    async with http.get(f"{api.url}/_fake/stats") as r:
        stats = await r.json()
    assert stats["calls"]["sendMessage"] == 3 and stats["delivered"] == {"5": 2}
    assert stats["duplicates"] == [{"chat_id": 5, "text": "x", "extra": 1}]
    assert stats["errors"] == {"403": 1}
    async with http.get(
        f"{api.url}/_fake/calls", params={"method": "sendMessage", "compact": "1"}
    ) as r:
        rows = await r.json()
    assert [row[1:] for row in rows] == [
        ["sendMessage", 5, 403, "x"],
        ["sendMessage", 5, 200, "x"],
        ["sendMessage", 5, 200, "x"],
    ]
    async with http.post(
        f"{api.url}/_fake/limits", json={"enforce": True, "private_per_second": 1, "jitter_ms": 1}
    ) as r:
        answer = await r.json()
    assert answer["limits"]["private_per_second"] == 1 and answer["jitter_ms"] == 1
    async with http.post(f"{api.url}/_fake/limits", json={"private_burst": 3}) as r:
        assert r.status == 400
    await bot.send_message(8, "x")
    with pytest.raises(tgerr.RetryAfter):
        await bot.send_message(8, "x")
    async with http.post(f"{api.url}/_fake/fail", json={"kind": "nonsense"}) as r:
        assert r.status == 400
    async with http.post(f"{api.url}/_fake/reset") as r:
        assert (await r.json())["ok"]
    assert api.stats()["delivered_total"] == 0 and api.calls() == []


def test_subprocess_mode_serves_and_stops_on_sigterm() -> None:
    fake = FakeBotAPIProcess(
        "--enforce-limits", "--latency-ms", "1", "--jitter-ms", "5", "--seed", "1"
    )
    with fake:
        assert fake.token == DEFAULT_TOKEN and fake.url.startswith("http://127.0.0.1:")

        async def send() -> int:
            async with aiohttp.ClientSession() as http:
                url = f"{fake.base_url}{fake.token}/sendMessage"
                async with http.post(url, data={"chat_id": "3", "text": "hi"}) as r:
                    return r.status

        fake.fail("blocked", chat_id=3)
        assert asyncio.run(send()) == 403
        assert asyncio.run(send()) == 200
        assert fake.inject("migrate", -5, -1005) > 0
        assert (
            fake.inject(
                {"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
            )
            > 0
        )
        stats = fake.stats()
        assert stats["delivered"] == {"3": 1} and stats["enforce_limits"] is True
        assert stats["pending_updates"] == 3 and stats["errors"] == {"403": 1}
        assert [row[3] for row in fake.calls(method="sendMessage", compact=1)] == [403, 200]
        assert stats["jitter_ms"] == 5 and stats["seed"] == 1 and stats["max_per_second"] == 1
        answer = fake.set_limits(False, private_per_second=5, seed=2)
        assert answer["limits"]["private_per_second"] == 5 and answer["seed"] == 2
        assert answer["enforce_limits"] is False
        fake.reset()
        assert fake.stats()["delivered_total"] == 0
        assert fake.stop() == 0  # SIGTERM: a clean exit


# -- the real Application, end to end ---------------------------------------------------------------
async def test_ptb_application_round_trip(api: FakeBotAPI) -> None:
    app = (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)  # PTB calls {base_url}{token}/{method}
        .base_file_url(api.base_file_url)
        .build()
    )

    async def start(update: Update, context) -> None:
        payload = " ".join(context.args)
        await update.effective_message.reply_html(
            f"Hello, <b>{update.effective_user.first_name}</b>! {payload}".strip(),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Help", callback_data="help")]]
            ),
        )

    async def pressed(update: Update, context) -> None:
        await update.callback_query.answer("ok")
        await update.callback_query.edit_message_text("Help text")

    async def inline(update: Update, context) -> None:
        q = update.inline_query.query
        await update.inline_query.answer(
            [InlineQueryResultArticle("1", q, InputTextMessageContent(q))],
            cache_time=0,
            is_personal=True,
        )

    async def echo(update: Update, context) -> None:
        await update.effective_message.reply_text(f"you said {update.effective_message.text}")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(InlineQueryHandler(inline))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=10, poll_interval=0)
        try:
            api.send_text(
                42, "/start sub_bialiatski", user={"id": 42, "is_bot": False, "first_name": "Ales"}
            )
            call = await api.wait_for_call("sendMessage", lambda c: c.chat_id == 42)
            assert call.params["text"] == "Hello, <b>Ales</b>! sub_bialiatski"
            assert call.result["text"] == "Hello, Ales! sub_bialiatski"
            assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "help"

            api.callback_query(42, call.result["message_id"], "help", user=42)
            edit = await api.wait_for_call("editMessageText")
            assert edit.params["text"] == "Help text" and edit.ok
            assert (await api.wait_for_call("answerCallbackQuery")).params["text"] == "ok"

            answer = await api.wait_for_inline_answer(api.inline_query("Бяляцкі", user=42))
            assert answer.results[0]["title"] == "Бяляцкі" and answer.is_personal

            api.send_text(-500, "/start@vestka_test_bot", user=7, chat_type="group")
            api.send_text(42, "Бяляцкі")
            await api.wait_for_call("sendMessage", lambda c: c.chat_id == -500)
            await api.wait_for_call("sendMessage", lambda c: c.params["text"] == "you said Бяляцкі")
        finally:
            await app.updater.stop()
            await app.stop()
    assert {"getMe", "deleteWebhook", "getUpdates"} <= set(api.method_counts)
    assert api.pending_updates == 0  # PTB confirmed everything on the way out


async def test_stop_ends_a_waiting_long_poll_at_once(http) -> None:
    api = FakeBotAPI()
    await api.start()
    poll = asyncio.create_task(raw(http, api, "getUpdates", data={"timeout": "30"}))
    await wait_for(lambda: api.method_counts["getUpdates"], message="the poll")
    started = time.monotonic()
    await api.stop()
    with contextlib.suppress(aiohttp.ClientError):
        await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 2


async def test_reset_does_not_break_a_waiting_poll(api: FakeBotAPI, http) -> None:
    poll = asyncio.create_task(raw(http, api, "getUpdates", data={"timeout": "10"}))
    await wait_for(lambda: api.method_counts["getUpdates"], message="the poll")
    api.reset()
    api.send_text(5, "after reset")
    status, body = await asyncio.wait_for(poll, 5)
    assert status == 200 and body["result"][0]["message"]["text"] == "after reset"


async def test_latency_applies_to_every_call_but_polling() -> None:
    async with FakeBotAPI(latency_ms=300) as api, aiohttp.ClientSession() as http:
        started = time.monotonic()
        await send_ok(http, api, 1)
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        await raw(http, api, "getUpdates", data={"timeout": "0"})
        assert time.monotonic() - started < 0.3


async def test_fixture_and_builder_shortcut(fake_bot_api: FakeBotAPI) -> None:
    app = fake_bot_api.ptb_builder().build()
    async with app:
        assert app.bot.username == BOT_USERNAME
        assert app.bot.base_url == fake_bot_api.api_url
