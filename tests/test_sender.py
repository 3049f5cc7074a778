"""The sender against the fake Bot API and real Redis: delivery and acks, each error of the policy
(403s in a row, chat not found, migration, too long, bad HTML, 429, 5xx/timeouts, permanent 400s),
the duplicate guard (claims skip ``sent``, resend a dead owner's ``sending``), and the lanes."""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import pytest

from feeds.storage.connection import Storage
from subscriptions.chats import Chat, ChatKind
from subscriptions.deliveries import GROUP, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.outcomes import delivery_stats
from subscriptions.ratelimit import RateConfig
from subscriptions.store import SubscriptionStore
from testkit.botapi import FakeBotAPI, parse_html
from testkit.sending import counters, delivery, enqueue, queue_empty, running, sender
from testkit.waiting import wait_for


@pytest.fixture
async def api():
    async with FakeBotAPI() as server:
        yield server


async def test_sends_acks_and_marks_sent(storage: Storage, api: FakeBotAPI) -> None:
    await enqueue(storage, *(delivery(chat) for chat in range(1, 21)))
    async with running(sender(storage, api)):
        await wait_for(lambda: api.stats()["delivered_total"] == 20, message="20 messages")
        await wait_for(lambda: queue_empty(storage), message="an empty queue")
    assert api.sent_texts(7) == ["<b>News</b> for 7 about a1"]
    assert api.stats()["duplicate_total"] == 0
    assert (await counters(storage))["sent"] == 20
    assert (
        await storage.redis.get(SubscriptionKeys.of(storage.keys).delivery_guard("a:a1:7"))
        == b"sent"
    )
    pending = await storage.redis.xpending(
        SubscriptionKeys.of(storage.keys).deliveries("alerts"), GROUP
    )
    assert pending["pending"] == 0


# -- 403 and chat not found ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "chat_id", "reason"),
    [
        ("blocked", 42, "blocked"),
        ("deactivated", 43, "deactivated"),
        ("kicked", -44, "kicked"),
        ("kicked_channel", -1000045, "kicked"),
        ("chat_not_found", 46, "not_found"),
    ],
)
async def test_unreachable_chat_goes_inactive_after_five_in_a_row(
    storage: Storage, api: FakeBotAPI, kind: str, chat_id: int, reason: str
) -> None:
    store = SubscriptionStore(storage)
    await store.save_chat(
        Chat(id=chat_id, kind=ChatKind.PRIVATE if chat_id > 0 else ChatKind.GROUP)
    )
    await store.subscribe(chat_id, "someone")
    api.fail(kind, chat_id=chat_id, times=None)
    await enqueue(storage, *(delivery(chat_id, ref=f"n{k}") for k in range(8)))
    await enqueue(storage, delivery(7))  # another chat is not affected
    async with running(sender(storage, api, concurrency=1)):
        await wait_for(lambda: queue_empty(storage), message="the queue to empty")
    chat = await store.chat(chat_id)
    assert chat is not None and not chat.active and chat.inactive_reason == reason
    assert api.method_counts["sendMessage"] == 5 + 1  # the other three were dropped unsent
    found = await counters(storage)
    assert (found["blocked"], found["deactivated"], found["sent"]) == (5, 1, 1)
    assert found["dropped"] + 5 == 8 or found["dropped"] == 0  # dropped at once or at send time


async def test_a_success_resets_the_count(storage: Storage, api: FakeBotAPI) -> None:
    store = SubscriptionStore(storage)
    await store.save_chat(Chat(id=42))
    rule = api.fail("blocked", chat_id=42, times=4)
    s = sender(storage, api, concurrency=1)
    async with running(s):
        await enqueue(storage, *(delivery(42, ref=f"a{k}") for k in range(5)))
        await wait_for(lambda: s.totals["sent"] == 1, message="the fifth message to go through")
        assert rule.spent
        api.fail("blocked", chat_id=42, times=4)
        await enqueue(storage, *(delivery(42, ref=f"b{k}") for k in range(4)))
        await wait_for(lambda: s.totals["blocked"] == 8, message="four more 403s")
    chat = await store.chat(42)
    assert chat is not None and chat.active  # never five in a row


async def test_inactive_chat_is_not_sent_to(storage: Storage, api: FakeBotAPI) -> None:
    store = SubscriptionStore(storage)
    await store.save_chat(Chat(id=42, active=False, inactive_reason="blocked"))
    s = sender(storage, api)
    await enqueue(storage, delivery(42))
    async with running(s):
        await wait_for(lambda: s.totals["dropped"] == 1, message="the delivery to be dropped")
    assert api.method_counts["sendMessage"] == 0


# -- migration -------------------------------------------------------------------------------------
async def test_group_upgraded_to_supergroup_moves_and_resends(
    storage: Storage, api: FakeBotAPI
) -> None:
    store = SubscriptionStore(storage)
    await store.save_chat(Chat(id=-500, kind=ChatKind.GROUP, lang="be"))
    await store.subscribe(-500, "palcys")
    api.migrate(-500, -1000500)
    await enqueue(storage, delivery(-500))
    async with running(sender(storage, api)):
        await wait_for(lambda: api.sent_texts(-1000500), message="the message at the new id")
    assert api.sent_texts(-1000500) == ["<b>News</b> for -500 about a1"]
    assert await store.targets_of(-1000500) == ["palcys"]
    assert await store.targets_of(-500) == []
    moved = await store.chat(-1000500)
    assert moved is not None and moved.kind == ChatKind.SUPERGROUP and moved.lang == "be"
    assert (await counters(storage))["migrated"] == 1


# -- too long, bad HTML ----------------------------------------------------------------------------
async def test_too_long_is_split_with_balanced_html(storage: Storage, api: FakeBotAPI) -> None:
    paragraph = "<b>Name</b> said: " + "words &amp; more words. " * 40 + "\n"
    text = "<i>" + paragraph * 25 + "</i>"  # ~25,000 characters, all in italics
    buttons = {"inline_keyboard": [[{"text": "card", "callback_data": "card:x"}]]}
    await enqueue(storage, delivery(42, text, reply_markup=buttons))
    async with running(sender(storage, api)):
        await wait_for(lambda: queue_empty(storage), message="the queue to empty")
    messages = api.sent_messages(42)
    assert len(messages) >= 7
    whole, _ = parse_html(text)
    assert "".join(m["text"] for m in messages).split() == whole.split()
    assert all(m["entities"] and m["entities"][0]["type"] == "italic" for m in messages)
    assert [("reply_markup" in m) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert (await counters(storage))["split"] == 1


async def test_split_resumes_after_a_flood_without_repeating_parts(
    storage: Storage, api: FakeBotAPI
) -> None:
    text = "".join(f"Paragraph {k}. " + "A sentence here. " * 200 + "\n" for k in range(4))
    await enqueue(storage, delivery(42, text, parse_mode=None))
    slow = RateConfig(send_rate=1000, private_interval_ms=1000)  # parts one second apart
    async with running(sender(storage, api, slow)):
        await wait_for(lambda: api.sent_texts(42), message="the first part")
        api.fail("flood", chat_id=42, retry_after=1)  # the second part gets a 429
        await wait_for(lambda: queue_empty(storage), timeout=20, message="the queue to empty")
    statuses = [c.status for c in api.calls("sendMessage")]
    assert statuses[:3] == [400, 200, 429]  # too long, part 1, flood on part 2
    assert statuses[3:] == [400, 200, 200, 200]  # too long again; part 1 skipped; parts 2-4
    assert api.stats()["duplicate_total"] == 0
    assert "".join(api.sent_texts(42)).split() == text.split()


async def test_bad_html_is_resent_as_plain_text(storage: Storage, api: FakeBotAPI) -> None:
    await enqueue(storage, delivery(42, "Line one<br>line <b>two</b> &amp; more"))
    async with running(sender(storage, api)):
        await wait_for(lambda: api.sent_texts(42), message="the plain message")
    [message] = api.sent_messages(42)
    assert message["text"] == "Line oneline two & more"
    assert "entities" not in message
    assert api.last_call("sendMessage").params.get("parse_mode") is None
    assert (await counters(storage))["plain"] == 1


async def test_cant_parse_entities_answer_also_falls_back(
    storage: Storage, api: FakeBotAPI
) -> None:
    api.fail("parse_entities", chat_id=42)
    await enqueue(storage, delivery(42, "<b>Bold</b> &lt;3"))
    async with running(sender(storage, api)):
        await wait_for(lambda: api.sent_texts(42), message="the plain message")
    assert api.sent_texts(42) == ["Bold <3"]


# -- 429 -------------------------------------------------------------------------------------------
async def test_flood_is_waited_out_and_requeued_never_dropped(
    storage: Storage, api: FakeBotAPI
) -> None:
    api.fail("flood", chat_id=42, retry_after=1, times=2)
    await enqueue(storage, delivery(42), *(delivery(c) for c in range(100, 110)))
    s = sender(storage, api)
    async with running(s):
        await wait_for(lambda: queue_empty(storage), timeout=15, message="the queue to empty")
    assert api.sent_texts(42) == ["<b>News</b> for 42 about a1"]
    assert api.stats()["delivered_total"] == 11
    calls = [c for c in api.calls("sendMessage") if c.chat_id == 42]
    assert [c.status for c in calls] == [429, 429, 200]
    assert calls[1].time - calls[0].time >= 0.95 and calls[2].time - calls[1].time >= 0.95
    assert (await counters(storage))["rate_limited"] == 2


async def test_floods_from_several_chats_pause_everyone(storage: Storage, api: FakeBotAPI) -> None:
    api.fail("flood", retry_after=2, times=3)
    await enqueue(storage, *(delivery(c) for c in range(1, 4)))
    async with running(sender(storage, api)):
        await wait_for(lambda: api.errors[429] == 3, message="three 429s")

        async def everyone_paused() -> bool:
            return await storage.redis.pttl(SubscriptionKeys.of(storage.keys).rate_pause_all) > 1000

        await wait_for(everyone_paused, timeout=1, message="a global pause")
        await wait_for(lambda: queue_empty(storage), timeout=15, message="the queue to empty")
    assert api.stats()["delivered_total"] == 3


# -- 5xx, timeouts, permanent errors ---------------------------------------------------------------
async def test_server_errors_are_retried_with_backoff(storage: Storage, api: FakeBotAPI) -> None:
    api.fail_first("sendMessage", 3, "bad_gateway")
    await enqueue(storage, delivery(42))
    async with running(sender(storage, api)):
        await wait_for(lambda: api.sent_texts(42), message="the message after three 502s")
    assert [c.status for c in api.calls("sendMessage")] == [502, 502, 502, 200]
    assert (await counters(storage))["retried"] == 3


async def test_timeouts_are_retried(storage: Storage, api: FakeBotAPI) -> None:
    api.fail("slow", chat_id=42, delay=1.5)
    await enqueue(storage, delivery(42))
    s = sender(storage, api, request_timeout=0.5)
    async with running(s):
        await wait_for(lambda: s.totals["sent"] == 1, message="the message after a timeout")
    assert s.totals["retried"] == 1


async def test_keeps_failing_goes_to_the_dead_letters(storage: Storage, api: FakeBotAPI) -> None:
    api.fail("server_error", chat_id=42, times=None)
    await enqueue(storage, delivery(42), delivery(43))
    minsk = ZoneInfo("Europe/Minsk")  # the sender counts days where /stats reads them
    async with running(sender(storage, api, max_attempts=4, zone=minsk)):
        await wait_for(lambda: queue_empty(storage), timeout=15, message="the queue to empty")
    dead = await storage.redis.xrange(SubscriptionKeys.of(storage.keys).dead_letters)
    assert len(dead) == 1 and dead[0][1][b"error"] == b"500: Internal Server Error"
    assert api.method_counts["sendMessage"] == 4 + 1
    found = await counters(storage)
    assert (found["dead"], found["failed"], found["sent"]) == (1, 1, 1)
    shown = await delivery_stats(storage, minsk, time.time())  # /stats
    assert shown["sent_today"] == 1 and shown["failed_today"] == 1
    assert shown["dead_letters"] == 1 and shown["queued_alerts"] == 0


async def test_permanent_bad_request_is_dead_at_once(storage: Storage, api: FakeBotAPI) -> None:
    bad = {"inline_keyboard": [[{"text": "x", "callback_data": "y" * 65}]]}
    await enqueue(storage, delivery(42, reply_markup=bad))
    async with running(sender(storage, api)):
        await wait_for(lambda: queue_empty(storage), message="the queue to empty")
    assert api.method_counts["sendMessage"] == 1
    [(_, fields)] = await storage.redis.xrange(SubscriptionKeys.of(storage.keys).dead_letters)
    assert b"BUTTON_DATA_INVALID" in fields[b"error"]


async def test_bad_token_keeps_the_message_and_pauses(storage: Storage, api: FakeBotAPI) -> None:
    await enqueue(storage, delivery(42))
    broken = sender(storage, api, fatal_pause=0.5)
    broken.config.api_url = api.base_url + "123:wrong"
    async with running(broken):
        await wait_for(
            lambda: DeliveryQueue(storage).delayed_count(), message="the message set aside"
        )
    assert (await DeliveryQueue(storage).delayed_count()) == 1
    async with running(sender(storage, api)):
        await wait_for(lambda: api.sent_texts(42), timeout=10, message="the message, later")


# -- the duplicate guard ---------------------------------------------------------------------------
async def test_claimer_skips_sent_and_resends_a_dead_owners_sending(
    storage: Storage, api: FakeBotAPI
) -> None:
    queue = await enqueue(storage, delivery(1), delivery(2), delivery(3), delivery(4))
    taken = await queue.read("dead-sender", count=10)  # a sender that then died
    assert len(taken) == 4
    redis, keys = storage.redis, SubscriptionKeys.of(storage.keys)
    await redis.set(keys.delivery_guard("a:a1:1"), "sent")  # accepted before it died
    await redis.set(keys.delivery_guard("a:a1:2"), "sending:dead-sender")  # in flight when killed
    await redis.set(keys.delivery_guard("a:a1:3"), "sending:live-sender")
    await redis.set(keys.sender_alive("live-sender"), "1", px=60_000)  # alive: it will ack
    s = sender(storage, api, claim_idle_ms=100)
    async with running(s):
        await wait_for(lambda: s.totals["sent"] == 2, message="2 and 4 sent")
        await wait_for(lambda: s.totals["duplicates_skipped"] == 1, message="1 skipped")
    assert sorted(api.delivered) == [2, 4]
    pending = await redis.xpending(keys.deliveries("alerts"), GROUP)
    assert pending["pending"] == 1  # 3: left to its live owner


async def test_a_stopped_sender_hands_back_what_it_had_not_sent(
    storage: Storage, api: FakeBotAPI
) -> None:
    await enqueue(storage, *(delivery(c) for c in range(1, 101)))
    slow = sender(storage, api, RateConfig(send_rate=20, alert_burst=0))
    async with running(slow):
        await wait_for(lambda: api.stats()["delivered_total"] >= 10, message="some sent")
    handed = slow.totals["handed_back"]
    assert handed > 0
    s = sender(storage, api)
    async with running(s):
        await wait_for(lambda: api.stats()["delivered_total"] == 100, message="all 100")
    assert api.stats()["duplicate_total"] == 0


# -- lanes -----------------------------------------------------------------------------------------
async def test_a_broadcast_backlog_never_delays_an_alert(storage: Storage, api: FakeBotAPI) -> None:
    await enqueue(storage, *(delivery(c, lane=Lane.BROADCAST, ref="bc") for c in range(1000, 1500)))
    s = sender(storage, api, RateConfig(send_rate=100))
    async with running(s):
        await wait_for(lambda: api.stats()["delivered_total"] >= 50, message="the broadcast")
        before = api.stats()["delivered_total"]
        await enqueue(storage, delivery(7, ref="urgent"))
        await wait_for(lambda: api.sent_texts(7), message="the alert")
        after = [c.chat_id for c in api.calls("sendMessage") if c.ok].index(7)
    assert after - before <= 8, (before, after)  # within the next few sends


# -- delayed set -----------------------------------------------------------------------------------
async def test_delayed_deliveries_come_back_and_forget_drops_them(storage: Storage) -> None:
    queue = await enqueue(storage, delivery(1), delivery(2))
    got = await queue.read("s1", count=10)
    for lane, entry_id, d in got:
        d.not_before = 1.0 if d.chat_id == 1 else 4e9
        await queue.defer(lane, entry_id, d)
    assert await queue.lengths() == {"alerts": 0, "broadcast": 0, "dead": 0}
    assert await queue.delayed_count() == 2
    assert await queue.promote_due() == 1
    assert [d.chat_id for _, _, d in await queue.read("s1")] == [1]
    assert await queue.drop_chat(2) == 1
    assert await queue.delayed_count() == 0


async def test_forget_removes_the_chats_delivery_state(storage: Storage, api: FakeBotAPI) -> None:
    await enqueue(storage, delivery(42, ref="x1"))
    async with running(sender(storage, api)):
        await wait_for(lambda: api.sent_texts(42), message="one message")
    queue = await enqueue(storage, delivery(42, ref="x2"), delivery(43, ref="x2"))
    await storage.redis.set(SubscriptionKeys.of(storage.keys).chat_failures(42), 3)
    assert await queue.forget_chat(42) == 1
    assert (
        await storage.redis.exists(SubscriptionKeys.of(storage.keys).delivery_guard("a:x1:42")) == 0
    )
    assert await storage.redis.exists(SubscriptionKeys.of(storage.keys).chat_failures(42)) == 0
    assert await storage.redis.exists(SubscriptionKeys.of(storage.keys).rate_chat(42)) == 0
    assert [d.chat_id for _, _, d in await queue.read("s")] == [43]


async def test_dead_consumers_are_forgotten(storage: Storage) -> None:
    queue = await enqueue(storage, delivery(1))
    [(lane, entry_id, _)] = await queue.read("gone-1")
    await queue.ack(lane, entry_id)
    await queue.enqueue([delivery(2)])
    await queue.read("busy-1")  # owns a pending entry: kept
    await storage.redis.set(
        SubscriptionKeys.of(storage.keys).sender_alive("idle-alive"), "1", px=10_000
    )
    await queue.enqueue([delivery(3)])
    [(lane, entry_id, _)] = await queue.read("idle-alive")
    await queue.ack(lane, entry_id)  # owns nothing, but alive: kept
    assert await queue.forget_consumers(idle_ms=0) >= 1
    names = {
        c["name"].decode()
        for c in await storage.redis.xinfo_consumers(
            SubscriptionKeys.of(storage.keys).deliveries("alerts"), GROUP
        )
    }
    assert "gone-1" not in names and {"busy-1", "idle-alive"} <= names
