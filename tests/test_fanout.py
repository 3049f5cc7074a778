"""Fan-out: alerts -> one delivery per subscribed chat, mutes, inactive chats, digests, idempotence
after a crash, two consumers on one stream; the mute button end to end."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.telegram.alert_message import AlertRenderer
from bot.telegram.i18n import t
from bot.telegram.services import RegistryView
from feeds.registry.importers import load_registry_file
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert, AlertSource, AlertStream
from feeds.watching.keys import FANOUT_GROUP, WatchKeys
from subscriptions.chats import Chat, ChatKind, DeliveryMode
from subscriptions.deliveries import Delivery, DeliveryQueue, Lane
from subscriptions.fanout import Fanout
from subscriptions.keys import SubscriptionKeys
from subscriptions.store import SubscriptionStore
from testkit.harness import EVAL_REGISTRY, running_bot
from testkit.sending import queued
from testkit.waiting import wait_for

MINSK = ZoneInfo("Europe/Minsk")
A, B, C, F = "ales-bialiacki", "maryja-kalesnikava", "maksim-znak", "ik-4-homiel-women"


def fake_render(alert: Alert, chat: Chat, followed: list[str]) -> dict:
    """Enough to see what fan-out decided: the chat's language and the targets named."""
    params = {"text": f"{chat.lang}|{alert.id}|{','.join(followed)}", "parse_mode": "HTML"}
    if chat.thread_id is not None:
        params["message_thread_id"] = chat.thread_id
    return params


def alert(n: int = 1, targets: tuple[str, ...] = (A, B), kind: str = "news", **kw) -> Alert:
    fields = {
        "id": f"{n:032x}",
        "kind": kind,
        "title": f"Story {n}",
        "summary": f"Summary {n}",
        "sources": [AlertSource(feed_id="a", feed_name="Outlet A", link=f"https://a.example/{n}")],
        "prisoners": [x for x in targets if not x.startswith("ik-")],
        "facilities": [x for x in targets if x.startswith("ik-")],
        "created_at": datetime(2026, 5, 12, 8, 0, tzinfo=UTC),
    }
    return Alert(**{**fields, **kw})


async def chat(store: SubscriptionStore, chat_id: int, *targets: str, **settings: object) -> None:
    await store.save_chat(Chat(id=chat_id, **settings))
    for target in targets:
        await store.subscribe(chat_id, target)


def texts(deliveries: list[Delivery]) -> dict[int, str]:
    return {d.chat_id: d.params["text"] for d in deliveries}


@pytest.fixture
def store(storage: Storage) -> SubscriptionStore:
    return SubscriptionStore(storage)


def fanout(storage: Storage, **kw) -> Fanout:
    return Fanout(storage, kw.pop("render", fake_render), MINSK, start_id="0", **kw)


# -- who gets what ------------------------------------------------------------------------------------


async def test_one_message_per_chat_naming_all_its_targets(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, A, B, lang="be")
    await chat(store, 2, B)
    await chat(store, 3, C)  # not in the alert
    await chat(store, -100, A, kind=ChatKind.SUPERGROUP, thread_id=42)
    assert await fanout(storage).handle(alert()) == (3, 0)
    got = await queued(storage)
    a_id = f"{1:032x}"
    assert texts(got) == {1: f"be|{a_id}|{A},{B}", 2: f"en|{a_id}|{B}", -100: f"en|{a_id}|{A}"}
    by_chat = {d.chat_id: d for d in got}
    assert by_chat[1].id == f"a:{a_id}:1" and by_chat[1].ref == a_id
    assert by_chat[1].kind == "alert" and by_chat[1].lane is Lane.ALERTS
    assert by_chat[-100].params["message_thread_id"] == 42


async def test_namesake_stories_reach_each_namesake_unless_the_chat_said_no(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, A)
    await chat(store, 2, C)
    await chat(store, 3, C, namesakes=False)
    story = alert(targets=(), namesakes=[[A, C]])
    assert await fanout(storage).handle(story) == (2, 0)
    a_id = f"{1:032x}"
    assert texts(await queued(storage)) == {1: f"en|{a_id}|{A}", 2: f"en|{a_id}|{C}"}
    saved = await store.chat(3)
    assert saved is not None and saved.namesakes is False  # the setting survives a round trip


async def test_facility_followers_and_registry_alerts(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, F)
    await chat(store, 2, A, F)
    assert await fanout(storage).handle(alert(2, (A, F), kind="registry")) == (2, 0)
    assert texts(await queued(storage)) == {
        1: f"en|{2:032x}|{F}",
        2: f"en|{2:032x}|{A},{F}",
    }


async def test_mutes_and_inactive_chats(storage: Storage, store: SubscriptionStore) -> None:
    now = time.time()
    await chat(store, 1, A, B, muted_until=now + 3600)  # whole chat muted
    await chat(store, 2, A, B, muted_until=now - 1)  # mute over
    await chat(store, 3, A, B)
    await store.mute_target(3, A, now + 3600)  # "mute this person"
    await chat(store, 4, A)
    await store.mute_target(4, A, now + 3600)  # its only target muted: nothing
    await chat(store, 5, A)
    await store.mute_target(5, A, now - 1)  # expired person mute
    await chat(store, 6, A, B, active=False, inactive_reason="blocked")
    await store.subscribe(7, A)  # subscribed, but no settings hash: unknown chat
    await fanout(storage).handle(alert())
    a_id = f"{1:032x}"
    assert texts(await queued(storage)) == {
        2: f"en|{a_id}|{A},{B}",
        3: f"en|{a_id}|{B}",
        5: f"en|{a_id}|{A}",
    }


async def test_sources_update_sends_nothing_new(storage: Storage, store: SubscriptionStore) -> None:
    await chat(store, 1, A)
    fan = fanout(storage)
    await fan.handle(alert())
    assert await fan.handle(alert(kind="sources")) == (0, 0)
    assert len(await queued(storage)) == 1


async def test_daily_chats_get_a_digest_entry_instead(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, A, B, mode=DeliveryMode.DAILY, digest_hour=20)
    await chat(store, 2, A)
    clock = datetime(2026, 5, 12, 10, 0, tzinfo=MINSK).timestamp()
    fan = fanout(storage, clock=lambda: clock)
    assert await fan.handle(alert()) == (1, 1)
    assert [d.chat_id for d in await queued(storage)] == [2]
    keys = SubscriptionKeys.of(storage.keys)
    item = json.loads(await storage.redis.hget(keys.digest_buffer(1), f"{1:032x}"))
    assert item["t"] == [A, B]
    due = await storage.redis.zscore(keys.digest_due, 1)
    assert due == datetime(2026, 5, 12, 20, 0, tzinfo=MINSK).timestamp()
    assert 0 < await storage.redis.ttl(keys.digest_buffer(1)) <= 3 * 86400
    stored = Alert.model_validate_json(await storage.redis.get(keys.digest_alert(f"{1:032x}")))
    assert stored.title == "Story 1"
    # A later outlet for the same story refreshes the copy the digest will show.
    more = alert(sources=[*stored.sources, AlertSource(feed_id="b", feed_name="Outlet B")])
    await fan.handle(more.model_copy(update={"kind": "sources"}))
    stored = Alert.model_validate_json(await storage.redis.get(keys.digest_alert(f"{1:032x}")))
    assert [s.feed_name for s in stored.sources] == ["Outlet A", "Outlet B"]


async def test_real_renderer_in_the_chats_language(
    storage: Storage, store: SubscriptionStore
) -> None:
    await RegistryStore(storage).merge(load_registry_file(EVAL_REGISTRY).targets)
    await chat(store, 1, A, lang="ru")
    await chat(store, 2, A, B, lang="en", kind=ChatKind.SUPERGROUP, thread_id=9)
    await chat(store, 3, A, lang="en", links=False)  # /links off
    registry = RegistryView(RegistryStore(storage))
    fan = Fanout(storage, AlertRenderer(registry, MINSK), MINSK, start_id="0")
    await fan.handle(alert())
    by_chat = {d.chat_id: d.params for d in await queued(storage)}
    assert '<a href="https://a.example/1">Outlet A</a>' in by_chat[1]["text"]
    assert "Outlet A" in by_chat[3]["text"] and "href" not in by_chat[3]["text"]
    assert by_chat[1]["text"].startswith("🔔 <b>Алесь Беляцкий</b> — упоминание\n")
    assert by_chat[2]["text"].startswith(
        "🔔 <b>Ales Bialiatski</b>, <b>Maria Kalesnikava</b> — mentioned\n"
    )
    assert by_chat[2]["message_thread_id"] == 9
    assert len(by_chat[2]["reply_markup"]["inline_keyboard"]) == 2


# -- the consumer group: crashes and several consumers ------------------------------------------------


class Crash(Exception):
    pass


class CrashBeforeAck(Fanout):
    async def _ack(self, sid: str) -> None:
        raise Crash


async def test_crash_between_enqueue_and_ack_enqueues_nothing_twice(
    storage: Storage, store: SubscriptionStore
) -> None:
    for chat_id in range(1, 6):
        await chat(store, chat_id, A)
    await chat(store, 9, A, mode=DeliveryMode.DAILY)
    stream = AlertStream(storage.redis, storage.keys)
    first = CrashBeforeAck(storage, fake_render, MINSK, consumer="dies", start_id="0")
    await first.ensure_group()
    await stream.append(alert())
    with pytest.raises(Crash):
        await first.step()
    assert len(await queued(storage)) == 5
    pending = await storage.redis.xpending(WatchKeys.of(storage.keys).alerts, FANOUT_GROUP)
    assert pending["pending"] == 1
    # A chat subscribes meanwhile: the retry reaches it, and nobody else twice.
    await chat(store, 6, A)
    heir = fanout(storage, consumer="heir", claim_idle_ms=0)
    assert await heir.step(block_ms=None) == 1
    got = await queued(storage)
    assert sorted(d.chat_id for d in got) == [1, 2, 3, 4, 5, 6]
    assert await storage.redis.hlen(SubscriptionKeys.of(storage.keys).digest_buffer(9)) == 1
    pending = await storage.redis.xpending(WatchKeys.of(storage.keys).alerts, FANOUT_GROUP)
    assert pending["pending"] == 0


async def test_two_consumers_share_the_stream_without_duplicates(
    storage: Storage, store: SubscriptionStore
) -> None:
    chats = list(range(1, 21))
    for chat_id in chats:
        await chat(store, chat_id, A if chat_id % 2 else B)
    stream = AlertStream(storage.redis, storage.keys)
    consumers = [fanout(storage, consumer=f"c{i}", block_ms=50) for i in range(2)]
    await consumers[0].ensure_group()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(c.run(stop)) for c in consumers]
    try:
        for n in range(60):
            await stream.append(alert(n, (A,) if n % 3 == 0 else (A, B)))
        expected = sum(10 if n % 3 == 0 else 20 for n in range(60))
        await wait_for(
            lambda: storage.redis.xlen(SubscriptionKeys.of(storage.keys).deliveries(Lane.ALERTS)),
            message="deliveries",
        )

        async def all_in() -> bool:
            return (
                await storage.redis.xlen(SubscriptionKeys.of(storage.keys).deliveries(Lane.ALERTS))
                >= expected
            )

        await wait_for(all_in, timeout=20, message="every delivery")
        # Both race on the same entries too (as after a claim): still once each.
        await asyncio.gather(*(c.handle(alert(5)) for c in consumers))
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
    ids = [d.id for d in await queued(storage)]
    assert len(ids) == expected == len(set(ids))
    assert sum(c.processed for c in consumers) == 60 + 2


async def test_new_group_starts_at_the_end_by_default(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, A)
    stream = AlertStream(storage.redis, storage.keys)
    await stream.append(alert(1))  # before the first deploy of the fan-out: history
    fan = Fanout(storage, fake_render, MINSK, block_ms=10)
    await fan.ensure_group()
    await stream.append(alert(2))
    assert await fan.step(block_ms=None) == 1
    assert [d.ref for d in await queued(storage)] == [f"{2:032x}"]


async def test_unreadable_entries_are_skipped_and_acked(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, A)
    fan = fanout(storage)
    await fan.ensure_group()
    await storage.redis.xadd(
        WatchKeys.of(storage.keys).alerts, {"id": "x", "kind": "news", "alert": "{bad"}
    )
    await AlertStream(storage.redis, storage.keys).append(alert())
    assert await fan.step(block_ms=None) == 2
    assert len(await queued(storage)) == 1
    assert (await storage.redis.xpending(WatchKeys.of(storage.keys).alerts, FANOUT_GROUP))[
        "pending"
    ] == 0


async def test_forget_drops_queued_deliveries_and_digest(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, A)
    await chat(store, 2, A, mode=DeliveryMode.DAILY)
    await chat(store, 3, A)
    await fanout(storage).handle(alert())
    async with running_bot(storage) as bot:
        await bot.services.forget(1)
        await bot.services.forget(2)
    assert [d.chat_id for d in await queued(storage)] == [3]
    assert not await storage.redis.exists(SubscriptionKeys.of(storage.keys).digest_buffer(2))
    assert await storage.redis.zscore(SubscriptionKeys.of(storage.keys).digest_due, 2) is None
    assert await DeliveryQueue(storage).lengths() == {"alerts": 1, "broadcast": 0, "dead": 0}


# -- the mute button, end to end ------------------------------------------------------------------


USER = 501
GROUP = -4001


async def test_mute_button_asks_how_long_then_mutes_and_undoes(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        await bot.say(USER, "/subscribe Bialiatski")
        assert await bot.press(USER, f"mute:{A}") == ""
        ask = await bot.api.wait_for_call(
            "sendMessage",
            lambda c: c.params["text"] == t("en", "mute.person_ask", name="Ales Bialiatski"),
        )
        assert ask.chat_id == USER
        assert bot.buttons(USER) == [
            ("1 day", f"mute:{A}:1d"),
            ("1 week", f"mute:{A}:7d"),
            ("30 days", f"mute:{A}:30d"),
        ]
        before = time.time()
        await bot.press(USER, f"mute:{A}:7d")
        edit = await bot.api.wait_for_call("editMessageText")
        assert edit.params["text"].startswith("You will hear nothing about Ales Bialiatski until ")
        muted = await bot.services.subscriptions.muted_targets(USER)
        assert before + 7 * 86400 - 5 < muted[A] < time.time() + 7 * 86400 + 5
        markup = edit.params["reply_markup"]
        markup = json.loads(markup) if isinstance(markup, str) else markup
        assert markup["inline_keyboard"][0][0]["callback_data"] == f"unmute:{A}"
        # While muted, an alert about them does not reach this chat.
        assert await fanout(storage).handle(alert(7, (A,))) == (0, 0)
        await bot.press(USER, f"unmute:{A}")
        await bot.api.wait_for_call(
            "editMessageText",
            lambda c: c.params["text"] == t("en", "mute.person_unmuted", name="Ales Bialiatski"),
        )
        assert await bot.services.subscriptions.muted_targets(USER) == {}
        assert await fanout(storage).handle(alert(8, (A,))) == (1, 0)


@pytest.mark.parametrize("data", ["mute:NOT AN ID", "mute:nobody-here", f"mute:{A}:99y"])
async def test_mute_button_with_bad_data(storage: Storage, data: str) -> None:
    async with running_bot(storage) as bot:
        await bot.say(USER, "/start")
        assert await bot.press(USER, data) == t("en", "errors.expired")
        assert await bot.services.subscriptions.muted_targets(USER) == {}


async def test_mute_button_in_a_group_is_for_admins(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        bot.api.set_admins(GROUP, [777])
        await bot.say(GROUP, "/start", user=777, chat_type="supergroup")
        answer = await bot.press(GROUP, f"mute:{A}:1d", user=888)
        assert answer == t("en", "groups.admins_only")
        assert await bot.services.subscriptions.muted_targets(GROUP) == {}
        await bot.press(GROUP, f"mute:{A}:1d", user=777)
        await bot.api.wait_for_call("editMessageText", lambda c: c.chat_id == GROUP)
        assert A in await bot.services.subscriptions.muted_targets(GROUP)


async def test_alerts_made_before_the_first_sender_starts_wait_for_it(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, A)
    stream = AlertStream(storage.redis, storage.keys)
    await stream.append(alert(1))  # history: before anything of this deploy ran
    await stream.ensure_group()  # a producer (watcher, registry change) starts first
    await stream.append(alert(2))
    fan = Fanout(storage, fake_render, MINSK, block_ms=10)
    await fan.ensure_group()  # the first sender, later: joins the group as it is
    assert await fan.step(block_ms=None) == 1
    assert [d.ref for d in await queued(storage)] == [f"{2:032x}"]
