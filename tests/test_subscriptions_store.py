"""Subscriptions in real Redis: both directions stay in step, the cap holds, migration and /forget
move or remove everything, and nothing but ids and settings is stored."""

from __future__ import annotations

import asyncio

from feeds.storage.connection import Storage
from subscriptions.chats import Chat, ChatKind, DeliveryMode, language_of
from subscriptions.keys import SubscriptionKeys
from subscriptions.store import Subscribed, SubscriptionStore


async def test_subscribe_both_directions(storage: Storage) -> None:
    store = SubscriptionStore(storage)
    assert await store.subscribe(1, "ales-bialiacki") is Subscribed.ADDED
    assert await store.subscribe(1, "ales-bialiacki") is Subscribed.ALREADY
    assert await store.subscribe(2, "ales-bialiacki") is Subscribed.ADDED
    assert await store.subscribe(1, "ik-9-horki") is Subscribed.ADDED
    assert await store.targets_of(1) == ["ales-bialiacki", "ik-9-horki"]
    assert await store.subscribers_of("ales-bialiacki") == {1, 2}
    assert await store.unsubscribe(1, "ales-bialiacki")
    assert not await store.unsubscribe(1, "ales-bialiacki")
    assert await store.subscribers_of("ales-bialiacki") == {2}


async def test_cap_holds_under_concurrency(storage: Storage) -> None:
    store = SubscriptionStore(storage, cap=5)
    results = await asyncio.gather(*(store.subscribe(7, f"t{i}") for i in range(20)))
    assert results.count(Subscribed.ADDED) == 5
    assert results.count(Subscribed.CAP) == 15
    assert len(await store.targets_of(7)) == 5


async def test_chat_settings_roundtrip(storage: Storage) -> None:
    store = SubscriptionStore(storage)
    chat = Chat(
        id=-100123,
        kind=ChatKind.SUPERGROUP,
        lang="be",
        thread_id=42,
        mode=DeliveryMode.DAILY,
        digest_hour=20,
    )
    await store.save_chat(chat)
    assert await store.chat(-100123) == chat
    assert await store.chat(5) is None
    stored = await storage.redis.hgetall(SubscriptionKeys.of(storage.keys).chat(-100123))
    assert set(stored) == {k.encode() for k in chat.to_hash()}  # settings only, no names


async def test_migration_moves_everything(storage: Storage) -> None:
    store = SubscriptionStore(storage)
    await store.save_chat(Chat(id=-5, kind=ChatKind.GROUP, lang="ru"))
    await store.subscribe(-5, "a")
    await store.subscribe(-5, "b")
    await store.mute_target(-5, "a", 10**10)
    assert await store.migrate(-5, -1005) == 2
    assert await store.targets_of(-5) == []
    assert await store.targets_of(-1005) == ["a", "b"]
    assert await store.subscribers_of("a") == {-1005}
    moved = await store.chat(-1005)
    assert moved is not None and (moved.lang, moved.kind) == ("ru", ChatKind.SUPERGROUP)
    assert await store.chat(-5) is None
    assert list(await store.muted_targets(-1005)) == ["a"]
    assert await store.chat_ids() == [-1005]


async def test_forget_removes_everything(storage: Storage) -> None:
    store = SubscriptionStore(storage)
    await store.save_chat(Chat(id=9))
    await store.subscribe(9, "a")
    await store.subscribe(10, "a")
    await store.mute_target(9, "a", 10**10)
    assert await store.forget(9) == 1
    assert await store.chat(9) is None
    assert await store.targets_of(9) == []
    assert await store.subscribers_of("a") == {10}
    assert await store.muted_targets(9) == {}
    keys = [k async for k in storage.redis.scan_iter(match=storage.keys.prefix + "*")]
    assert [k for k in keys if k.endswith(b":9")] == []  # chat hash, its set, its mutes: all gone


async def test_mutes_expire(storage: Storage) -> None:
    store = SubscriptionStore(storage)
    await store.mute_target(1, "a", 100.0)
    await store.mute_target(1, "b", 300.0)
    assert await store.muted_targets(1, now=200.0) == {"b": 300.0}


async def test_counts(storage: Storage) -> None:
    store = SubscriptionStore(storage)
    await store.save_chat(Chat(id=1))
    await store.save_chat(Chat(id=2, active=False, inactive_reason="blocked"))
    await store.subscribe(1, "a")
    await store.subscribe(1, "b")
    await store.subscribe(2, "a")
    counts = await store.counts()
    assert (counts.chats, counts.active_chats, counts.subscriptions) == (2, 1, 3)


def test_language_of() -> None:
    assert [language_of(c) for c in ("be", "be-BY", "ru", "ru-RU", "en", "pl", None, "")] == [
        "be",
        "be",
        "ru",
        "ru",
        "en",
        "en",
        "en",
        "en",
    ]
