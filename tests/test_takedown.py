"""Taking a person down on request (``/untrack``, ``registry remove``): every trace goes, the
people who followed them are told neutrally, and no later import brings them back."""

from __future__ import annotations

from pathlib import Path

from bot.telegram.i18n import t
from feeds.registry.bundled import bundled_targets
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from feeds.watching.reports import FalseMatches
from subscriptions.chats import Chat
from subscriptions.store import SubscriptionStore
from testkit.harness import ADMIN, running_bot
from testkit.sending import queued

A, B = "ales-bialiacki", "maksim-znak"
USER, GROUP = 501, -4001


async def test_untrack_removes_every_trace_and_tells_followers(storage: Storage) -> None:
    store = SubscriptionStore(storage)
    async with running_bot(storage) as bot:
        await bot.say(USER, "/subscribe Bialiatski")
        await bot.say(USER, f"/subscribe {B}")
        await store.save_chat(Chat(id=GROUP, lang="ru", thread_id=7))
        await store.subscribe(GROUP, A)
        await store.mute_target(GROUP, A, 2e9)
        await storage.redis.lpush(WatchKeys.of(storage.keys).timeline(A), '{"what": "transfer"}')
        await storage.redis.zadd(WatchKeys.of(storage.keys).story_by_target(A), {"x words": 1})
        await FalseMatches(storage).report(A, "0123abcd", USER)

        reply = await bot.say(ADMIN, f"/untrack {A}")
        assert reply == t("en", "admin.untrack_done", id=A, chats=2)

        assert await store.subscribers_of(A) == set()
        assert await store.targets_of(USER) == [B]  # the rest of the chat's list stays
        assert await store.muted_targets(GROUP) == {}
        for key in (
            WatchKeys.of(storage.keys).timeline(A),
            WatchKeys.of(storage.keys).story_by_target(A),
        ):
            assert not await storage.redis.exists(key)
        assert await FalseMatches(storage).top() == []
        assert await bot.services.registry_store.get(A) is None
        assert (await bot.say(USER, "/subscribe Bialiatski")).startswith(
            t("en", "subscribe.none", query="Bialiatski")[:20]
        )
        notices = {d.chat_id: d for d in await queued(storage)}
        assert set(notices) == {USER, GROUP}
        assert notices[USER].params["text"] == t("en", "takedown.notice", name="Ales Bialiatski")
        assert notices[GROUP].params["text"] == t("ru", "takedown.notice", name="Алесь Беляцкий")
        assert notices[GROUP].params["message_thread_id"] == 7
        assert "message_thread_id" not in notices[USER].params

        assert await bot.say(ADMIN, f"/untrack {A}") == t("en", "admin.untrack_missing", id=A)


async def test_no_import_brings_a_taken_down_person_back_but_track_does(storage: Storage) -> None:
    registry = RegistryStore(storage)
    await registry.merge(bundled_targets())
    async with running_bot(storage) as bot:
        await bot.say(ADMIN, f"/untrack {B}")
        report = await registry.merge(bundled_targets())
        assert report.taken_down == 1 and "1 taken down left out" in report.line()
        assert await registry.get(B) is None
        await bot.say(ADMIN, f"/track {B}; Максім Знак; Максим Знак; Maksim Znak")
        assert await registry.get(B) is not None
        assert (await registry.merge(bundled_targets())).taken_down == 0


def test_registry_remove_from_the_shell(cli, tmp_path: Path) -> None:
    removed = cli("registry", "remove", B)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.strip() == f"removed {B} and every trace of it; 0 following chats told"
    assert cli("registry", "show", B).stdout == ""
    again = cli("registry", "remove", B)
    assert again.returncode == 2
    assert f"there is no '{B}' in the registry" in again.stderr
