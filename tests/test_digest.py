"""Digest mode: alerts put aside for daily chats go out as one message at the chat's hour in TZ
(split when long), once even with two schedulers; /mode end to end."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.telegram.digest_message import DigestRenderer, render_digest
from bot.telegram.i18n import t
from bot.telegram.services import RegistryView
from feeds.registry.importers import load_registry_file
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert
from subscriptions.chats import Chat, DeliveryMode
from subscriptions.deliveries import Lane
from subscriptions.digest import DigestItem, DigestScheduler, DigestStore, next_due
from subscriptions.fanout import Fanout
from subscriptions.keys import SubscriptionKeys
from subscriptions.store import SubscriptionStore
from testkit.harness import EVAL_REGISTRY, running_bot
from testkit.sending import queued
from testkit.waiting import wait_for
from tests.test_fanout import A, B, alert, chat, fake_render

MINSK = ZoneInfo("Europe/Minsk")
TOKYO = ZoneInfo("Asia/Tokyo")
TARGETS = {target.id: target for target in load_registry_file(EVAL_REGISTRY).targets}


def at(zone: ZoneInfo, day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, 5, day, hour, minute, tzinfo=zone).timestamp()


def plain_digest(chat: Chat, items: list[DigestItem]) -> list[dict]:
    return render_digest(items, chat.lang, TARGETS, MINSK, chat.thread_id)


@pytest.fixture
def store(storage: Storage) -> SubscriptionStore:
    return SubscriptionStore(storage)


async def fan(storage: Storage, when: float, *alerts: Alert, zone: ZoneInfo = MINSK) -> None:
    fanout = Fanout(storage, fake_render, zone, start_id="0", clock=lambda: when)
    for item in alerts:
        await fanout.handle(item)


def test_next_due_is_the_next_hour_in_the_zone() -> None:
    now = at(MINSK, 12, 8, 30)
    assert next_due(now, 9, MINSK) == at(MINSK, 12, 9)
    assert next_due(now, 8, MINSK) == at(MINSK, 13, 8)
    assert next_due(at(MINSK, 12, 9), 9, MINSK) == at(MINSK, 13, 9)  # strictly after
    assert next_due(now, 9, TOKYO) == at(TOKYO, 13, 9)  # 08:30 Minsk is 14:30 in Tokyo


async def test_grouped_at_the_chats_hour(storage: Storage, store: SubscriptionStore) -> None:
    await chat(store, 1, A, B, mode=DeliveryMode.DAILY, digest_hour=20, lang="be")
    await fan(storage, at(MINSK, 12, 10), alert(1, (A,)), alert(2, (A, B)))
    await fan(storage, at(MINSK, 12, 15), alert(3, (B,)))
    assert await queued(storage) == []
    scheduler = DigestScheduler(storage, plain_digest, MINSK)
    assert await scheduler.tick(at(MINSK, 12, 19, 59)) == 0
    assert await scheduler.tick(at(MINSK, 12, 20, 0)) == 1
    [digest] = await queued(storage)
    assert digest.id == "d:20260512200000:1" and digest.kind == "digest"
    assert digest.lane is Lane.ALERTS and digest.ref == "20260512200000"
    text = digest.params["text"]
    assert text.startswith(t("be", "digest.header") + "\n\n• <b>Алесь Бяляцкі</b> — згадка")
    assert text.count("\n\n• ") == 3
    assert "• <b>Алесь Бяляцкі</b>, <b>Марыя Калеснікава</b>" in text
    assert await scheduler.tick(at(MINSK, 12, 20, 1)) == 0  # sent once
    assert not await storage.redis.exists(SubscriptionKeys.of(storage.keys).digest_buffer(1))
    assert await storage.redis.zscore(SubscriptionKeys.of(storage.keys).digest_due, 1) is None
    # The next alert starts the next day's digest.
    await fan(storage, at(MINSK, 12, 21), alert(4, (A,)))
    assert await DigestStore(storage).due_at(1) == at(MINSK, 13, 20)


async def test_the_hour_is_in_tz(storage: Storage, store: SubscriptionStore) -> None:
    await chat(store, 1, A, mode=DeliveryMode.DAILY, digest_hour=9)
    await fan(storage, at(TOKYO, 12, 10), alert(1, (A,)), zone=TOKYO)
    assert await DigestStore(storage).due_at(1) == at(TOKYO, 13, 9)
    scheduler = DigestScheduler(storage, plain_digest, TOKYO)
    assert await scheduler.tick(at(MINSK, 13, 2, 59)) == 0  # 08:59 in Tokyo
    assert await scheduler.tick(at(MINSK, 13, 3, 0)) == 1


async def test_split_when_long(storage: Storage, store: SubscriptionStore) -> None:
    await chat(store, 1, A, mode=DeliveryMode.DAILY, digest_hour=9)
    long = "Алеся Бяляцкага " + "слова " * 200
    alerts = [
        alert(n, (A,), summary=long, mentions={"summary": long, "summary_spans": [[0, 15]]})
        for n in range(30)
    ]
    await fan(storage, at(MINSK, 12, 10), *alerts)
    assert await DigestScheduler(storage, plain_digest, MINSK).tick(at(MINSK, 13, 9)) > 1
    parts = await queued(storage)
    assert [d.id for d in parts[:2]] == ["d:20260513090000:1", "d:20260513090000-2:1"]
    assert all(len(d.params["text"]) <= 4096 for d in parts)
    assert sum(d.params["text"].count("• <b>Ales Bialiatski</b>") for d in parts) == 30


async def test_later_mutes_and_unsubscribes_are_left_out(
    storage: Storage, store: SubscriptionStore
) -> None:
    await chat(store, 1, A, B, mode=DeliveryMode.DAILY, digest_hour=9)
    await chat(store, 2, A, mode=DeliveryMode.DAILY, digest_hour=9)
    await chat(store, 3, A, mode=DeliveryMode.DAILY, digest_hour=9)
    await fan(storage, at(MINSK, 12, 10), alert(1, (A, B)), alert(2, (B,)))
    await store.mute_target(1, B, at(MINSK, 20, 0))
    await store.unsubscribe(2, A)
    await store.save_chat(Chat(id=3, active=False, mode=DeliveryMode.DAILY))
    assert await DigestScheduler(storage, plain_digest, MINSK).tick(at(MINSK, 13, 9)) == 1
    [only] = await queued(storage)
    assert only.chat_id == 1
    assert only.params["text"].count("\n\n• ") == 1 and "Maria" not in only.params["text"]
    for chat_id in (1, 2, 3):  # consumed either way
        assert not await storage.redis.exists(
            SubscriptionKeys.of(storage.keys).digest_buffer(chat_id)
        )


async def test_migrated_group_keeps_its_digest(storage: Storage, store: SubscriptionStore) -> None:
    await chat(store, -5, A, mode=DeliveryMode.DAILY, digest_hour=9)
    await fan(storage, at(MINSK, 12, 10), alert(1, (A,)))
    await store.migrate(-5, -1005)
    await DigestStore(storage).migrate(-5, -1005)
    assert await DigestStore(storage).pending(-1005) == 1
    assert await DigestScheduler(storage, plain_digest, MINSK).tick(at(MINSK, 13, 9)) == 1
    assert [d.chat_id for d in await queued(storage)] == [-1005]


async def test_two_schedulers_send_one_digest(storage: Storage, store: SubscriptionStore) -> None:
    for chat_id in range(1, 11):
        await chat(store, chat_id, A, mode=DeliveryMode.DAILY, digest_hour=9)
    await fan(storage, at(MINSK, 12, 10), alert(1, (A,)), alert(2, (A,)))
    schedulers = [DigestScheduler(storage, plain_digest, MINSK) for _ in range(2)]
    sent = await asyncio.gather(*(s.tick(at(MINSK, 13, 9)) for s in schedulers))
    assert sum(sent) == 10
    assert sorted(d.chat_id for d in await queued(storage)) == list(range(1, 11))


async def test_run_checks_with_an_injected_clock(
    storage: Storage, store: SubscriptionStore
) -> None:
    await RegistryStore(storage).merge(list(TARGETS.values()))
    await chat(store, 1, A, mode=DeliveryMode.DAILY, digest_hour=9, lang="ru")
    await fan(storage, at(MINSK, 12, 10), alert(1, (A,)))
    now = [at(MINSK, 12, 11)]
    renderer = DigestRenderer(RegistryView(RegistryStore(storage)), MINSK)
    scheduler = DigestScheduler(storage, renderer, MINSK, clock=lambda: now[0], interval=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop))
    try:
        await wait_for(lambda: scheduler.checks >= 3, message="checks before the hour")
        assert await queued(storage) == []
        now[0] = at(MINSK, 13, 9, 1)
        [digest] = await wait_for(lambda: queued(storage), message="the digest")
        assert "• <b>Алесь Беляцкий</b>" in digest.params["text"]
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


# -- /mode ------------------------------------------------------------------------------------


USER = 501
GROUP = -4001


async def test_mode_command(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        tz = "Europe/Minsk"
        assert await bot.say(USER, "/mode") == (
            t("en", "mode.current_instant") + "\n\n" + t("en", "mode.usage", tz=tz)
        )
        assert await bot.say(USER, "/mode daily 20") == t("en", "mode.daily_done", hour="20", tz=tz)
        stored = await bot.services.subscriptions.chat(USER)
        assert stored.mode is DeliveryMode.DAILY and stored.digest_hour == 20
        assert (await bot.say(USER, "/mode")).startswith(
            t("en", "mode.current_daily", hour="20", tz=tz)
        )
        for bad in ("/mode daily 24", "/mode weekly", "/mode daily x", "/mode instant now"):
            assert await bot.say(USER, bad) == t("en", "mode.usage", tz=tz)
        assert await bot.say(USER, "/mode daily 7:00") == t(
            "en", "mode.daily_done", hour="07", tz=tz
        )
        assert await bot.say(USER, "/mode daily") == t("en", "mode.daily_done", hour="07", tz=tz)
        # Back to instant: what waited for the digest goes out at the next check.
        await bot.services.subscriptions.subscribe(USER, A)
        await fan(storage, at(MINSK, 12, 10), alert(1, (A,)))
        assert await bot.say(USER, "/mode instant") == (
            t("en", "mode.instant_done") + " " + t("en", "mode.flushed")
        )
        stored = await bot.services.subscriptions.chat(USER)
        assert stored.mode is DeliveryMode.INSTANT
        due = await DigestStore(storage).due_at(USER)
        scheduler = DigestScheduler(storage, plain_digest, MINSK)
        assert await scheduler.tick(due) == 1
        assert await bot.say(USER, "/mode instant") == t("en", "mode.instant_done")


async def test_mode_daily_moves_a_waiting_digest(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        await bot.say(USER, "/mode daily 9")
        await bot.services.subscriptions.subscribe(USER, A)
        await fan(storage, at(MINSK, 12, 10), alert(1, (A,)))
        assert await DigestStore(storage).due_at(USER) == at(MINSK, 13, 9)
        await bot.say(USER, "/mode daily 18")
        due = await DigestStore(storage).due_at(USER)
        assert datetime.fromtimestamp(due, MINSK).hour == 18


async def test_mode_in_a_group_is_for_admins(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        bot.api.set_member(GROUP, USER, "member")
        bot.api.set_member(GROUP, 777, "administrator")
        assert await bot.say(GROUP, "/mode daily 8", user=USER) == t("en", "groups.admins_only")
        assert (await bot.services.subscriptions.chat(GROUP)).mode is DeliveryMode.INSTANT
        assert await bot.say(GROUP, "/mode daily 8", user=777) == t(
            "en", "mode.daily_done", hour="08", tz="Europe/Minsk"
        )


async def test_help_lists_mode(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        assert "/mode" in await bot.say(USER, "/help")
