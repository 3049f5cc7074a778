"""Admin broadcasts end to end: the real bot and the real sender against the fake Bot API, the
broadcast lane in real Redis, and the monitor driven tick by tick with a fake clock. What the
admin is told is checked against what the fake Bot API accepted."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import pytest
from telegram import Bot

import bot.telegram.handlers.broadcast as handlers
import subscriptions.broadcast_store as broadcast_module
from bot.telegram.broadcast_monitor import BroadcastMonitor, Rate, broadcast_monitor, clock_text
from bot.telegram.i18n import t
from bot.telegram.replies import SharedReplyLimiter
from feeds.storage.connection import Storage
from subscriptions.broadcast import ALL, Broadcast, Draft, State
from subscriptions.broadcast_store import BroadcastStore
from subscriptions.chats import Chat, ChatKind
from subscriptions.deliveries import Delivery, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.ratelimit import RateConfig
from subscriptions.sender import Sender
from testkit import sending as sendkit
from testkit.botapi import Call
from testkit.harness import ADMIN, Harness, running_bot
from testkit.sending import FAST
from testkit.waiting import wait_for

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBUserWarning")

USER = 501
CHATS = [11, 12, 13]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def sending(h: Harness, rates: RateConfig = FAST, **config: object) -> AsyncIterator[Sender]:
    """The real sender, delivering the queue through the harness' fake Bot API until the block
    ends."""
    real = sendkit.sender(h.services.storage, h.api, rates, **config)
    async with sendkit.running(real):
        yield real


async def settled(h: Harness, broadcast_id: str, count: int) -> Broadcast:
    """The broadcast once ``count`` of its deliveries are settled (sent, failed or blocked)."""
    store = BroadcastStore(h.services.storage)

    async def check() -> Broadcast | None:
        found = await store.get(broadcast_id)
        return found if found is not None and found.settled >= count else None

    return await wait_for(check, message=f"{count} settled deliveries of {broadcast_id}")


async def deliver_all(h: Harness, broadcast_id: str, count: int) -> Broadcast:
    """Run the real sender until ``count`` deliveries of the broadcast are settled."""
    async with sending(h):
        return await settled(h, broadcast_id, count)


def accepted(h: Harness, text: str, chats: Iterable[int] | None = None) -> list[int]:
    """Chats whose sendMessage/copyMessage with ``text`` Telegram accepted, in order."""
    wanted = None if chats is None else set(chats)
    return [
        c.chat_id
        for c in h.api.calls(ok=True)
        if c.method in ("sendMessage", "copyMessage")
        and c.params.get("text", text) == text
        and (wanted is None or c.chat_id in wanted)
    ]


@pytest.fixture
async def h(storage: Storage) -> AsyncIterator[Harness]:
    await DeliveryQueue(storage).ensure_groups()
    async with running_bot(storage) as harness:
        await add_chats(harness, CHATS)
        await say(harness, ADMIN, "/start")  # the admin's own chat exists and is active
        yield harness


async def add_chats(
    h: Harness, ids: list[int], *, active: bool = True, thread_id: int | None = None
) -> None:
    for chat_id in ids:
        kind = ChatKind.PRIVATE if chat_id > 0 else ChatKind.SUPERGROUP
        await h.services.subscriptions.save_chat(
            Chat(id=chat_id, kind=kind, active=active, thread_id=thread_id)
        )


async def say(h: Harness, chat_id: int, text: str, **kwargs: object) -> str:
    return await h.say(chat_id, text, **kwargs)


def monitor(h: Harness, clock: Clock | None = None, **options: object) -> BroadcastMonitor:
    bot = Bot(h.api.token, base_url=f"{h.api.url}/bot")
    return broadcast_monitor(
        h.services.storage, h.services.settings, bot=bot, clock=clock or Clock(), **options
    )


async def lane(h: Harness) -> list[Delivery]:
    entries = await h.services.storage.redis.xrange(
        SubscriptionKeys.of(h.services.storage.keys).deliveries(Lane.BROADCAST)
    )
    return [Delivery.model_validate_json(fields[b"d"]) for _, fields in entries]


async def preview(h: Harness, text: str, **kwargs: object) -> str:
    """Send a /broadcast command; returns the preview, once the confirm question is there too."""
    before = len(h.api.calls("sendMessage", ADMIN))
    first = await say(h, ADMIN, text, **kwargs)
    await h.api.wait_for_calls("sendMessage", lambda c: c.chat_id == ADMIN, count=before + 2)
    assert "reply_markup" in h.api.last_call("sendMessage", ADMIN).params
    return first


async def final_report(h: Harness, word: str = "finished") -> Call:
    return await h.api.wait_for_call(
        "sendMessage", lambda c: c.chat_id == ADMIN and word in c.params["text"]
    )


def question(h: Harness) -> tuple[int, dict]:
    call = h.api.last_call("sendMessage", ADMIN)
    return call.result["message_id"], call.params


async def confirm(h: Harness) -> str:
    """Press "send" on the last question; returns the broadcast id once its progress is posted."""
    message_id, params = question(h)
    data = params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data.startswith("bc:go:")
    await h.press(ADMIN, data, message_id=message_id)
    broadcast_id = data.removeprefix("bc:go:")
    await h.api.wait_for_call(
        "sendMessage",
        lambda c: (
            c.chat_id == ADMIN
            and c.params["text"].startswith("📣")
            and broadcast_id in c.params["text"]
        ),
    )
    return broadcast_id


async def enqueued(h: Harness, count: int) -> list[Delivery]:
    return await wait_for(
        lambda: _lane_if(h, count), message=f"{count} broadcast deliveries enqueued"
    )


async def _lane_if(h: Harness, count: int) -> list[Delivery] | None:
    found = await lane(h)
    return found if len(found) >= count else None


def progress(broadcast_id: str, sent: int, remaining: int, total: int, eta: str) -> str:
    """The English progress text of a broadcast to all active chats, nothing failed or blocked."""
    return t(
        "en",
        "broadcast.progress",
        id=broadcast_id,
        audience="all active chats",
        sent=sent,
        failed=0,
        blocked=0,
        remaining=remaining,
        total=total,
        eta=eta,
    )


# -- preview, confirm, cancel ----------------------------------------------------------------------


async def test_preview_then_confirm_sends_to_every_active_chat(h: Harness) -> None:
    await add_chats(h, [14], active=False)
    first = await preview(h, "/broadcast Hearing moved to <Monday> & more")
    assert first == "Hearing moved to &lt;Monday&gt; &amp; more"  # as it will look: escaped
    message_id, params = question(h)
    assert params["text"] == t("en", "broadcast.confirm", audience="all active chats", count=4)
    labels = [b["text"] for b in params["reply_markup"]["inline_keyboard"][0]]
    assert labels == [t("en", "broadcast.send_button"), t("en", "broadcast.cancel_button")]

    broadcast_id = await confirm(h)
    edited = await h.api.wait_for_call(
        "editMessageText", lambda c: c.params["message_id"] == message_id
    )
    assert edited.params["text"] == t("en", "broadcast.started", id=broadcast_id)
    deliveries = await enqueued(h, 4)
    assert sorted(d.chat_id for d in deliveries) == sorted([ADMIN, *CHATS])  # 14 is inactive
    assert {d.id for d in deliveries} == {f"b:{broadcast_id}:{c}" for c in [ADMIN, *CHATS]}
    assert all(
        d.method == "sendMessage"
        and d.params == {"text": first, "parse_mode": "HTML"}
        and d.kind == "broadcast"
        and d.ref == broadcast_id
        for d in deliveries
    )
    stored = await BroadcastStore(h.services.storage).get(broadcast_id)
    assert stored is not None and stored.state is State.RUNNING and stored.total == 4

    await deliver_all(h, broadcast_id, 4)
    for chat in CHATS:
        assert h.api.sent_texts(chat) == [first]
    await monitor(h).tick()
    report = await final_report(h)
    done = await BroadcastStore(h.services.storage).get(broadcast_id)
    assert done is not None and done.state is State.DONE
    assert report.params["text"] == t(
        "en",
        "broadcast.report_done",
        id=broadcast_id,
        audience="all active chats",
        sent=4,
        failed=0,
        blocked=0,
        lost=0,
        total=4,
        duration=clock_text(done.finished_at - done.started_at),
    )
    assert await BroadcastStore(h.services.storage).current() is None


async def test_formatting_of_the_command_is_kept(h: Harness) -> None:
    text = "/broadcast Read this now"
    entities = [
        {"type": "bot_command", "offset": 0, "length": 10},
        {"type": "bold", "offset": 11, "length": 4},
        {"type": "italic", "offset": 21, "length": 3},
    ]
    first = await preview(h, text, entities=entities)
    assert first == "<b>Read</b> this <i>now</i>"


async def test_preview_then_cancel_sends_nothing(h: Harness) -> None:
    await preview(h, "/broadcast Never mind")
    message_id, params = question(h)
    go, no = (b["callback_data"] for b in params["reply_markup"]["inline_keyboard"][0])
    await h.press(ADMIN, no, message_id=message_id)
    edited = await h.api.wait_for_call(
        "editMessageText", lambda c: c.params["message_id"] == message_id
    )
    assert edited.params["text"] == t("en", "broadcast.discarded")
    assert await h.press(ADMIN, go, message_id=message_id) == t("en", "errors.expired")
    assert await lane(h) == []
    assert await BroadcastStore(h.services.storage).current() is None


async def test_reply_to_a_message_copies_it(h: Harness) -> None:
    uid = h.api.send_text(
        ADMIN,
        "Letters day: write to them",
        entities=[{"type": "bold", "offset": 0, "length": 11}],
    )
    original = h.api.update(uid)["message"]["message_id"]
    await h.api.wait_for_call("sendMessage", lambda c: c.chat_id == ADMIN, count=2)  # name search
    h.api.send_text(ADMIN, "/broadcast", reply_to_message_id=original)
    shown = await h.api.wait_for_call("copyMessage", lambda c: c.chat_id == ADMIN)
    assert shown.params["from_chat_id"] == ADMIN and shown.params["message_id"] == original
    call = await h.api.wait_for_call(
        "sendMessage", lambda c: c.chat_id == ADMIN and "reply_markup" in c.params
    )
    assert call.params["text"] == (
        t("en", "broadcast.confirm", audience="all active chats", count=4)
        + "\n"
        + t("en", "broadcast.copy_note")
    )
    broadcast_id = await confirm(h)
    deliveries = await enqueued(h, 4)
    assert {d.method for d in deliveries} == {"copyMessage"}
    assert all(d.params == {"from_chat_id": ADMIN, "message_id": original} for d in deliveries)
    await deliver_all(h, broadcast_id, 4)
    for chat in CHATS:
        (copy,) = h.api.calls("copyMessage", chat)
        assert copy.ok and copy.params["message_id"] == original
    await monitor(h).tick()
    stored = await BroadcastStore(h.services.storage).get(broadcast_id)
    assert stored is not None and stored.state is State.DONE and stored.sent == 4


async def test_reply_with_text_as_well_is_ambiguous(h: Harness) -> None:
    uid = h.api.send_text(ADMIN, "/help")
    original = h.api.update(uid)["message"]["message_id"]
    await h.api.wait_for_call("sendMessage", lambda c: c.chat_id == ADMIN, count=2)
    h.api.send_text(ADMIN, "/broadcast and this too", reply_to_message_id=original)
    await h.api.wait_for_call(
        "sendMessage", lambda c: c.params["text"] == t("en", "broadcast.usage")
    )


async def test_target_only_audience(h: Harness) -> None:
    subs = h.services.subscriptions
    await add_chats(h, [-100500], thread_id=7)
    await add_chats(h, [15], active=False)
    for chat in (11, 12, -100500, 15):
        await subs.subscribe(chat, "maksim-znak")
    first = await preview(h, "/broadcast maksim-znak Court hearing\ntomorrow at 10")
    assert first == "Court hearing\ntomorrow at 10"
    _, params = question(h)
    assert params["text"] == t(
        "en", "broadcast.confirm", audience="the subscribers of Maksim Znak", count=3
    )
    broadcast_id = await confirm(h)
    deliveries = await enqueued(h, 3)
    by_chat = {d.chat_id: d for d in deliveries}
    assert set(by_chat) == {11, 12, -100500}  # not 13 (no subscription), not 15 (inactive)
    assert by_chat[-100500].params["message_thread_id"] == 7  # the group's topic
    assert "message_thread_id" not in by_chat[11].params
    stored = await BroadcastStore(h.services.storage).get(broadcast_id)
    assert stored is not None and stored.audience == "maksim-znak"


async def test_unknown_target_is_refused(h: Harness) -> None:
    assert await say(h, ADMIN, "/broadcast no-such-person hello") == t(
        "en", "broadcast.unknown_target", id="no-such-person"
    )
    assert await say(h, ADMIN, "/broadcast") == t("en", "broadcast.usage")
    assert await say(h, ADMIN, "/broadcast maksim-znak") == t("en", "broadcast.usage")
    assert await BroadcastStore(h.services.storage).current() is None


async def test_a_first_word_that_is_not_an_id_is_text(h: Harness) -> None:
    first = await preview(h, "/broadcast hello everyone")
    assert first == "hello everyone"
    assert question(h)[1]["text"] == t(
        "en", "broadcast.confirm", audience="all active chats", count=4
    )


async def test_target_without_active_subscribers(h: Harness) -> None:
    await h.services.subscriptions.subscribe(11, "ihar-losik")
    await add_chats(h, [11], active=False)
    assert await say(h, ADMIN, "/broadcast ihar-losik hi") == t(
        "en", "broadcast.no_audience", audience="the subscribers of Ihar Losik"
    )


async def test_non_admin_is_refused(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="vestka")
    assert await say(h, USER, "/broadcast secret words") == t("en", "admin.not_allowed")
    assert await say(h, USER, "/broadcast_cancel") == t("en", "admin.not_allowed")
    # a non-admin cannot press an admin's button either
    await preview(h, "/broadcast Real one")
    _, params = question(h)
    go = params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert await h.press(USER, go) == t("en", "admin.not_allowed")
    assert await lane(h) == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused" in logged
    assert "secret" not in logged and str(USER) not in logged


async def test_the_audience_label_is_escaped_once(h: Harness) -> None:
    store = BroadcastStore(h.services.storage)
    draft = Draft(
        id="esc1",
        admin_chat=ADMIN,
        params={"text": "x"},
        audience=ALL,
        audience_label="A & <B>",
    )
    await store.save_draft(draft)
    assert (await store.start(draft))[0] == "started"
    await store.prepare("esc1")
    m = monitor(h)
    await m.tick()
    posted = await h.api.wait_for_call(
        "sendMessage", lambda c: c.chat_id == ADMIN and "esc1" in c.params["text"]
    )
    assert "A &amp; &lt;B&gt;" in posted.params["text"]


# -- progress, report, cancel ----------------------------------------------------------------------


async def test_progress_is_edited_with_counts_and_eta(h: Harness) -> None:
    await add_chats(h, [14, 16])
    clock = Clock()
    m = monitor(h, clock)
    await preview(h, "/broadcast Count me")
    broadcast_id = await confirm(h)
    progress_call = h.api.last_call("sendMessage", ADMIN)
    progress_id = progress_call.result["message_id"]
    assert progress_call.params["text"] == progress(
        broadcast_id, sent=0, remaining=6, total=6, eta=t("en", "broadcast.eta_unknown")
    )
    await enqueued(h, 6)
    # 14 has blocked the bot, 16 refuses the text; both answer late, so the four others settle
    # first and the monitor sees a broadcast half-way
    h.api.fail("blocked", chat_id=14, delay=3.0)
    h.api.fail("too_long", chat_id=16, method="sendMessage", delay=3.0)

    await m.tick()  # t=1000: nothing settled yet, text unchanged: no edit
    assert [
        c for c in h.api.calls("editMessageText") if c.params["message_id"] == progress_id
    ] == []
    async with sending(h):
        halfway = await settled(h, broadcast_id, 4)
        assert (halfway.sent, halfway.failed, halfway.blocked) == (4, 0, 0)
        clock.now += 6
        await m.tick()  # 4 settled in 6 s: 2 remain at 0.67/s: 3 s
        edit = h.api.last_call("editMessageText", ADMIN)
        assert edit.params["message_id"] == progress_id
        assert edit.params["text"] == progress(
            broadcast_id, sent=4, remaining=2, total=6, eta="0:00:03"
        )
        await settled(h, broadcast_id, 6)
    clock.now += 2
    await m.tick()
    report = await final_report(h)
    assert sorted(accepted(h, "Count me", [11, 12, 13, 14, 16])) == [11, 12, 13]
    assert (
        "Sent: 4, failed: 1, blocked the bot: 1, not delivered: 0, of 6 chats."
        in report.params["text"]
    )
    final = h.api.last_call("editMessageText", ADMIN)
    assert final.params["message_id"] == progress_id
    assert final.params["text"].endswith("Not delivered: 0 of 6")
    await m.tick()  # the report is posted once
    reports = [c for c in h.api.calls("sendMessage", ADMIN) if "finished" in c.params["text"]]
    assert len(reports) == 1


async def test_monitor_run_loop_reports_and_stops(h: Harness) -> None:
    await preview(h, "/broadcast Loop")
    await confirm(h)
    await enqueued(h, 4)
    stop = asyncio.Event()
    task = asyncio.create_task(monitor(h, interval=0.02).run(stop))
    async with sending(h):
        await final_report(h)
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_cancel_mid_way_stops_what_the_sender_holds(h: Harness) -> None:
    await add_chats(h, [14, 16, 17])
    await preview(h, "/broadcast Stop me")
    broadcast_id = await confirm(h)
    await enqueued(h, 7)
    # one broadcast message a second: the sender claims the whole batch at once and holds the
    # rest while it waits for their turn
    slow = RateConfig(send_rate=100, broadcast_rate=1, private_interval_ms=5, group_interval_ms=5)
    async with sending(h, slow) as sender:
        await wait_for(lambda: len(accepted(h, "Stop me", [11, 12, 13, 14, 16, 17])) >= 2)
        text = await say(h, ADMIN, "/broadcast_cancel")
        await wait_for(lambda: sender.totals["cancelled"] > 0, message="a held delivery skipped")
    # what Telegram accepted (the admin's first "Stop me" is the preview, not the broadcast)
    sent_before = accepted(h, "Stop me", [ADMIN, 11, 12, 13, 14, 16, 17])[1:]
    assert 2 <= len(sent_before) < 7
    # what was queued or held when the cancel came left the lane
    assert text in {
        t("en", "broadcast.cancel_done", id=broadcast_id, dropped=n) for n in range(1, 6)
    }
    assert await lane(h) == []
    await monitor(h).tick()
    report = await final_report(h, "cancelled")
    store = BroadcastStore(h.services.storage)
    assert not await store.record(broadcast_id, "sent", 99)  # counters froze with the report
    assert (
        f"Sent before the stop: {len(sent_before)}, failed: 0, blocked the bot: 0; "
        f"not sent: {7 - len(sent_before)} of 7 chats." in report.params["text"]
    )
    assert await say(h, ADMIN, "/broadcast_cancel") == t("en", "broadcast.cancel_none")
    first = await preview(h, "/broadcast A new one")  # no longer busy
    assert first == "A new one"


async def test_second_broadcast_while_one_runs_is_refused(h: Harness) -> None:
    await preview(h, "/broadcast First")
    first_question = question(h)
    await preview(h, "/broadcast Second")  # previewed before the first was confirmed
    second_question = question(h)
    # confirm the first
    data = first_question[1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await h.press(ADMIN, data, message_id=first_question[0])
    running = await wait_for(lambda: BroadcastStore(h.services.storage).current())
    await h.api.wait_for_call("sendMessage", lambda c: c.params["text"].startswith("📣"))
    assert await say(h, ADMIN, "/broadcast Third") == t("en", "broadcast.busy", id=running.id)
    data = second_question[1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await h.press(ADMIN, data, message_id=second_question[0])
    await h.api.wait_for_call(
        "sendMessage",
        lambda c: c.params["text"] == t("en", "broadcast.busy", id=running.id),
        count=2,
    )
    deliveries = await enqueued(h, 4)
    assert {d.ref for d in deliveries} == {running.id}


async def test_confirming_twice_starts_once(h: Harness) -> None:
    await preview(h, "/broadcast Once")
    message_id, params = question(h)
    data = params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await h.press(ADMIN, data, message_id=message_id)
    assert await h.press(ADMIN, data, message_id=message_id) == t("en", "errors.expired")
    deliveries = await enqueued(h, 4)
    assert len(deliveries) == 4


# -- restart and resume ----------------------------------------------------------------------------


async def test_resume_after_restart(storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    await DeliveryQueue(storage).ensure_groups()
    monkeypatch.setattr(broadcast_module, "BATCH_SIZE", 3)
    monkeypatch.setattr(handlers, "HANDLER_BATCHES", 1)  # the first bot dies after one batch
    chats = list(range(21, 29))
    async with running_bot(storage) as first:
        await add_chats(first, chats)
        await say(first, ADMIN, "/start")
        await preview(first, "/broadcast Survive a restart")
        broadcast_id = await confirm(first)
        await enqueued(first, 3)
        # the sender got through the first batch before everything stopped
        await deliver_all(first, broadcast_id, 3)
    store = BroadcastStore(storage)
    stored = await store.get(broadcast_id)
    assert stored is not None and stored.state is State.RUNNING
    assert (stored.total, stored.cursor, stored.sent) == (9, 3, 3)

    monkeypatch.setattr(handlers, "HANDLER_BATCHES", None)
    async with running_bot(storage) as second:
        assert await say(second, ADMIN, "/broadcast again") == t(
            "en", "broadcast.busy", id=broadcast_id
        )
        m = monitor(second, batches_per_tick=2)
        await m.tick()  # 2 batches of 3: the cursor reaches 9
        deliveries = await lane(second)
        ids = [d.id for d in deliveries]
        assert len(ids) == len(set(ids)) == 6  # the six not enqueued before, no duplicate
        await deliver_all(second, broadcast_id, 9)
        await m.tick()
        report = await final_report(second)
        assert (
            "Sent: 9, failed: 0, blocked the bot: 0, not delivered: 0, of 9 chats."
            in report.params["text"]
        )
        # the progress message of the old API is gone: the monitor posted a new one
        assert any(
            c.params["text"].startswith("📣") for c in second.api.calls("sendMessage", ADMIN)
        )
        # every chat got it exactly once across both runs
        delivered = [
            c.chat_id
            for api in (first.api, second.api)
            for c in api.calls("sendMessage", ok=True)
            if c.params["text"] == "Survive a restart"
        ]
        assert sorted(delivered) == sorted([ADMIN, ADMIN, *chats])  # the admin: preview + copy


async def test_crash_while_preparing_is_resumed(h: Harness) -> None:
    store = BroadcastStore(h.services.storage)
    draft = Draft(id="prep1", admin_chat=ADMIN, params={"text": "hi", "parse_mode": "HTML"})
    await store.save_draft(draft)
    assert await store.start(draft) == ("started", "prep1")
    # the process died here: confirmed, nothing prepared, no progress message
    assert (await store.get("prep1")).state is State.PREPARING
    m = monitor(h)
    await m.tick()
    stored = await store.get("prep1")
    assert stored.state is State.RUNNING and stored.cursor == stored.total == 4
    assert stored.progress_message_id is not None
    assert len(await lane(h)) == 4


async def test_concurrent_enqueuers_never_duplicate(h: Harness) -> None:
    await add_chats(h, list(range(100, 400)))
    store = BroadcastStore(h.services.storage, batch_size=7)
    draft = Draft(id="race1", admin_chat=ADMIN, params={"text": "hi"})
    await store.save_draft(draft)
    await store.start(draft)
    others = [BroadcastStore(h.services.storage, batch_size=7) for _ in range(4)]
    await asyncio.gather(*(s.drive("race1") for s in [store, *others]))
    ids = [d.id for d in await lane(h)]
    assert len(ids) == len(set(ids)) == 304


# -- the sender's hooks and the arithmetic -----------------------------------------------------------


async def test_record_counts_each_chat_once_and_freezes(h: Harness) -> None:
    store = BroadcastStore(h.services.storage)
    draft = Draft(id="rec1", admin_chat=ADMIN, params={"text": "hi"})
    await store.save_draft(draft)
    await store.start(draft)
    await store.prepare("rec1")
    assert await store.record("rec1", "sent", 11)
    assert not await store.record("rec1", "sent", 11)  # a redelivery after a sender crash
    assert await store.record("rec1", "blocked", 12)
    with pytest.raises(ValueError):
        await store.record("rec1", "exploded", 13)
    assert not await store.is_cancelled("rec1")
    assert await store.cancel("rec1")
    assert await BroadcastStore(h.services.storage).is_cancelled("rec1")
    assert await store.record("rec1", "sent", 13)  # on the wire when the cancel came
    await store.retire("rec1")  # the final report is out
    assert not await store.record("rec1", "failed", 14)
    stored = await store.get("rec1")
    assert (stored.sent, stored.blocked, stored.failed) == (2, 1, 0)
    assert not await store.cancel("rec1")  # once


async def test_lost_deliveries_end_the_broadcast_after_a_stall(h: Harness) -> None:
    clock = Clock()
    store = BroadcastStore(h.services.storage)
    draft = Draft(id="lost1", admin_chat=ADMIN, params={"text": "hi"})
    await store.save_draft(draft)
    await store.start(draft)
    await store.drive("lost1")
    queue = DeliveryQueue(h.services.storage)
    got = await queue.read("s", count=10)
    for lane_name, entry_id, delivery in got[:3]:
        await store.record(delivery.ref, "sent", delivery.chat_id)
        await queue.ack(lane_name, entry_id)
    await queue.ack(got[3][0], got[3][1])  # acked without a count (say, /forget dropped it)
    m = monitor(h, clock, stall_seconds=60)
    await m.tick()
    clock.now += 30
    await m.tick()
    assert (await store.get("lost1")).state is State.RUNNING
    clock.now += 31
    await m.tick()
    assert (await store.get("lost1")).state is State.DONE
    report = await final_report(h)
    assert "not delivered: 1, of 4 chats" in report.params["text"]


def test_rate_and_eta() -> None:
    rate = Rate(window=60)
    assert rate.eta(100) is None
    rate.add(0, 0)
    rate.add(10, 300)
    assert rate.per_second() == 30
    assert rate.eta(900) == 30
    rate.add(100, 300)  # stalled for a minute and a half: the old samples leave the window
    assert rate.eta(900) is None
    assert clock_text(3725.4) == "1:02:05"
    assert clock_text(-3) == "0:00:00"


async def test_monitor_builds_its_own_bot_from_settings(h: Harness) -> None:
    m = broadcast_monitor(h.services.storage, h.services.settings, interval=0.01)
    assert m.owns_bot and isinstance(m.bot, Bot)
    # its messages to the admin draw from the budget every sender shares
    assert isinstance(m.bot.rate_limiter, SharedReplyLimiter)
    stop = asyncio.Event()
    stop.set()
    await m.run(stop)  # returns at once and closes its bot


async def test_deliveries_delayed_by_the_sender_count_as_queued_and_are_cancelled(
    h: Harness,
) -> None:
    queue = DeliveryQueue(h.services.storage)
    store = BroadcastStore(h.services.storage)
    draft = Draft(id="later1", admin_chat=ADMIN, params={"text": "hi"})
    await store.save_draft(draft)
    await store.start(draft)
    await store.drive("later1")
    (lane_name, entry_id, delivery), *_ = await queue.read("s", count=1)
    delivery.not_before = 4_000_000_000.0  # a long 429 wait
    await queue.defer(lane_name, entry_id, delivery)
    assert len(await lane(h)) == 3
    assert await store.queued("later1") == 4
    assert await store.cancel("later1")
    assert await store.drop_queued("later1") == 4
    assert await store.queued("later1") == 0
    assert await queue.delayed_count() == 0
