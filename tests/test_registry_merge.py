"""One person, one target: likely duplicates offered, ``registry merge`` carrying everything over,
and the old id still working (buttons, imports)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.registry_merge import MergeRefused, likely_duplicates, merge_people
from feeds.registry.models import Prisoner, PrisonerStatus
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from feeds.watching.reports import FalseMatches
from feeds.watching.timeline import Timeline
from subscriptions.store import SubscriptionStore
from testkit.harness import running_bot

KEEP, DUP = "ales-bialiacki", "ales-bialiatski-2023"
USER = 501


def duplicate(**kw: object) -> Prisoner:
    fields = {"id": DUP, "name_en": "Aleś Bialacki", "status": PrisonerStatus.IN_CUSTODY}
    return Prisoner(**{**fields, **kw})


async def test_a_merge_carries_followers_mutes_timeline_and_reports(storage: Storage) -> None:
    registry, store = RegistryStore(storage), SubscriptionStore(storage)
    async with running_bot(storage) as bot:
        await registry.put(duplicate())
        pairs = {(a.id, b.id) for a, b in likely_duplicates(await registry.all())}
        assert (KEEP, DUP) in pairs
        await bot.say(USER, "/start")
        await store.subscribe(USER, DUP)
        await store.mute_target(USER, DUP, 2e9)
        timeline = Timeline(storage.redis, storage.keys)
        before = len(await timeline.get(KEEP))
        await storage.redis.lpush(
            WatchKeys.of(storage.keys).timeline(DUP),
            json.dumps({"kind": "news", "alert_id": "n1", "at": "2025-01-02T00:00:00Z"}),
        )
        await FalseMatches(storage).report(DUP, "0123abcd", USER)

        done = await merge_people(storage, DUP, KEEP)
        assert (done.chats_moved, done.events_moved) == (1, 1)
        assert await store.subscribers_of(DUP) == set()
        assert USER in await store.subscribers_of(KEEP)
        assert set(await store.muted_targets(USER)) == {KEEP}
        assert len(await timeline.get(KEEP)) == before + 1
        assert not await storage.redis.exists(WatchKeys.of(storage.keys).timeline(DUP))
        assert await FalseMatches(storage).top() == [(KEEP, 1)]
        kept = await registry.get(KEEP)
        assert kept is not None and "Aleś Bialacki" in kept.aliases
        assert kept.status == PrisonerStatus.RELEASED_EXPELLED  # a merge never undoes a release
        assert await registry.get(DUP) is None

        # a card button sent before the merge still opens the right person
        await bot.services.registry.refresh(force=True)
        await bot.press(USER, f"card:{DUP}")
        card = await bot.api.wait_for_call(
            "sendMessage", lambda c: "Bialiatski" in c.params["text"]
        )
        assert card.chat_id == USER


async def test_a_later_import_of_the_old_record_lands_on_the_merged_target(
    storage: Storage,
) -> None:
    registry = RegistryStore(storage)
    await registry.put(Prisoner(id=KEEP, name_en="Ales Bialiatski"))
    await registry.put(duplicate())
    await merge_people(storage, DUP, KEEP)
    count = await registry.count()
    report = await registry.merge([duplicate(description="human rights defender")])
    assert await registry.get(DUP) is None and await registry.count() == count
    kept = await registry.get(KEEP)
    assert kept is not None and kept.description == "human rights defender"
    assert report.updated == 1


@pytest.mark.parametrize(
    ("old", "into", "why"),
    [
        (KEEP, KEEP, "the two ids are the same"),
        ("nobody-here", KEEP, "there is no 'nobody-here' in the registry"),
        (KEEP, "ik-4-homiel-women", "'ik-4-homiel-women' is not a prisoner"),
    ],
)
async def test_merges_that_cannot_be(storage: Storage, old: str, into: str, why: str) -> None:
    registry = RegistryStore(storage)
    async with running_bot(storage):
        before = await registry.all()
        with pytest.raises(MergeRefused, match=why):
            await merge_people(storage, old, into)
        assert await registry.all() == before


def test_duplicates_and_merge_from_the_shell(cli, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("id,kind,name_en,status\nihar-iljasz,prisoner,Ihar Iljasz,in_custody\n")
    assert cli("registry", "import", str(export)).returncode == 0
    found = cli("registry", "duplicates")
    assert found.returncode == 0
    assert "ihar-iljash ~ ihar-iljasz" in found.stdout.splitlines()
    merged = cli("registry", "merge", "ihar-iljasz", "ihar-iljash")
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.strip() == (
        "merged ihar-iljasz into ihar-iljash: 0 following chats and 0 timeline events moved; "
        "ihar-iljasz now opens ihar-iljash"
    )
    assert "ihar-iljash ~ ihar-iljasz" not in cli("registry", "duplicates").stdout
    again = cli("registry", "import", str(export))  # the export, next week: no duplicate back
    assert again.returncode == 0 and "0 added" in again.stdout
    refused = cli("registry", "merge", "ihar-iljasz", "ihar-iljash")
    assert refused.returncode == 2 and "there is no 'ihar-iljasz'" in refused.stderr
