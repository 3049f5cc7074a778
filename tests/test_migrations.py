"""Migrating a deployment's data in place: a store an older release wrote (schema 1: facts without
dates) comes up to this release's schema at start-up, once, whichever processes start together,
and nothing in it is lost."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from feeds.registry.bundled import bundled_targets
from feeds.registry.keys import RegistryKeys
from feeds.registry.migrations import STEPS
from feeds.registry.models import Prisoner
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage, connect
from feeds.storage.keys import SCHEMA_VERSION
from feeds.storage.migrations import migrate, stored_version
from subscriptions.store import SubscriptionStore
from tests.shared_data import shared_path

LOIKA = "anastasija-loika"  # the bundled registry has her in the Homiel women's colony; 2023's export, SIZO-1


async def _as_release_one_left_it(storage: Storage) -> None:
    """The bundled registry as schema 1 stored it: the same records, no dates on any fact."""
    registry = RegistryStore(storage)
    await registry.merge(bundled_targets())
    raw = await storage.redis.hgetall(RegistryKeys.of(storage.keys).registry_targets)
    undated = {}
    for key, value in raw.items():
        record = json.loads(value)
        record.pop("facts", None)
        undated[key] = json.dumps(record)
    await storage.redis.hset(RegistryKeys.of(storage.keys).registry_targets, mapping=undated)
    await storage.redis.set(RegistryKeys.of(storage.keys).registry_seeded, "bundled")
    await storage.redis.set(storage.keys.schema_version, 1)


async def test_schema_one_gets_the_bundled_dates_and_loses_nothing(storage: Storage) -> None:
    await _as_release_one_left_it(storage)
    await SubscriptionStore(storage).subscribe(7, LOIKA)
    before = await RegistryStore(storage).all()
    assert await migrate(storage, STEPS) == [SCHEMA_VERSION]
    assert await stored_version(storage) == SCHEMA_VERSION
    after = {t.id: t for t in await RegistryStore(storage).all()}
    assert set(after) == {t.id for t in before}
    bundled = {t.id: t for t in bundled_targets() if isinstance(t, Prisoner)}
    loika = after[LOIKA]
    assert isinstance(loika, Prisoner) and loika.facts == bundled[LOIKA].facts
    assert loika.facts["facility"].as_of is not None
    for old in before:  # only the dates were added
        assert after[old.id].model_dump(exclude={"facts"}) == old.model_dump(exclude={"facts"})
    assert await SubscriptionStore(storage).subscribers_of(LOIKA) == {7}
    assert await migrate(storage, STEPS) == []  # done once


async def test_after_migrating_an_old_export_moves_nobody_back(storage: Storage) -> None:
    await _as_release_one_left_it(storage)
    await migrate(storage, STEPS)
    registry = RegistryStore(storage)
    export = shared_path("data/viasna-prisoners-en-2023.json")
    report = await registry.merge(RegistryStore.read_file(export).targets)
    loika = await registry.get(LOIKA)
    assert isinstance(loika, Prisoner) and loika.facility_id == "ik-4-homiel-women"
    assert (LOIKA, "facility") in report.stale
    assert LOIKA not in {c.new.id for c in report.changes if c.status_changed}


async def test_a_record_changed_since_stays_undated(storage: Storage) -> None:
    await _as_release_one_left_it(storage)
    registry = RegistryStore(storage)
    loika = await registry.get(LOIKA)
    await storage.redis.hset(
        RegistryKeys.of(storage.keys).registry_targets,
        LOIKA,
        loika.model_copy(update={"facility_id": "sizo-1-minsk"}).model_dump_json(exclude={"facts"}),
    )
    await migrate(storage, STEPS)
    assert (await registry.get(LOIKA)).facts == {}


async def test_processes_starting_together_migrate_once(
    storage: Storage, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    await _as_release_one_left_it(storage)
    others = [await connect(redis_url, tmp_path, prefix) for _ in range(3)]
    try:
        done = await asyncio.gather(*(migrate(s, STEPS) for s in [storage, *others]))
    finally:
        for other in others:
            await other.close()
    assert sorted(done) == [[], [], [], [SCHEMA_VERSION]]
    assert not await storage.redis.exists(storage.keys.schema_migration_lock)


async def test_every_command_migrates_on_start(storage: Storage, cli) -> None:
    await _as_release_one_left_it(storage)
    assert cli("registry", "stats").returncode == 0
    assert await stored_version(storage) == SCHEMA_VERSION
    assert (await RegistryStore(storage).get(LOIKA)).facts != {}
