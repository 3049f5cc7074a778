"""The registry in Redis: seeding once, merging by id, versions, and status changes surfacing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feeds.registry.bundled import bundled_targets
from feeds.registry.models import Prisoner, PrisonerStatus
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from tests.conftest import ROOT

SAMPLE = ROOT / "tests" / "data" / "viasna-sample-en.json"


async def test_seeds_bundled_registry_once(storage: Storage) -> None:
    registry = RegistryStore(storage)
    assert await registry.ensure_seeded(None) is not None
    assert await registry.count() == len(bundled_targets())
    version = await registry.version()
    await registry.take_down("ik-9-horki")
    assert await registry.ensure_seeded(None) is None  # marker set: never again
    assert await registry.get("ik-9-horki") is None
    assert await registry.version() == version + 1


async def test_seeds_from_registry_file_when_given(storage: Storage, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,kind,name_be\nmarfa-rabkova,prisoner,Марфа Рабкова\n")
    await RegistryStore(storage).ensure_seeded(path)
    assert [t.id for t in await RegistryStore(storage).all()] == ["marfa-rabkova"]


async def test_reimport_updates_status_and_keeps_known_names(
    storage: Storage, tmp_path: Path
) -> None:
    registry = RegistryStore(storage)
    await registry.merge(
        [
            Prisoner(
                id="andrej-capiuk",
                name_be="Андрэй Чапюк",
                name_ru="Андрей Чепюк",
                aliases=["Андрэй Чапюк-Ч"],
            )
        ]
    )
    _, first = await registry.import_file(SAMPLE)
    assert (first.added, first.updated) == (3, 1)
    capiuk = await registry.get("andrej-capiuk")
    assert capiuk.name_be == "Андрэй Чапюк" and capiuk.name_en == "Andrei Chapiuk"
    assert capiuk.facility_id == "sizo-1-minsk"

    records = json.loads(SAMPLE.read_text())
    records[0].update({"status": "former", "prison/title": "Penal colony No. 15"})
    fresh = tmp_path / "fresh.json"
    fresh.write_text(json.dumps(records))
    version = await registry.version()
    _, second = await registry.import_file(fresh)
    assert (second.added, second.updated, second.unchanged) == (0, 1, 3)
    assert second.version == version + 1
    [change] = second.changes
    assert change.status_changed and change.old.facility_id == "sizo-1-minsk"
    updated = await registry.get("andrej-capiuk")
    assert (updated.status, updated.facility_id) == (PrisonerStatus.RELEASED, "ik-15-mahiliou")
    assert updated.name_ru == "Андрей Чепюк" and updated.aliases == ["Андрэй Чапюк-Ч"]


async def test_unchanged_merge_does_not_bump_version(storage: Storage) -> None:
    registry = RegistryStore(storage)
    target = Prisoner(id="x", name_en="Ihar Losik")
    await registry.merge([target])
    version = await registry.version()
    report = await registry.merge([target])
    assert (report.unchanged, await registry.version()) == (1, version)


async def test_every_process_sees_the_same_registry(
    redis_url: str, prefix: str, tmp_path: Path
) -> None:
    from feeds.storage.connection import connect

    a, b = await connect(redis_url, tmp_path, prefix), await connect(redis_url, tmp_path, prefix)
    try:
        await RegistryStore(a).put(Prisoner(id="ihar-losik", name_be="Ігар Лосік"))
        seen = await RegistryStore(b).get("ihar-losik")
        assert seen is not None and seen.name_be == "Ігар Лосік"
    finally:
        await a.close()
        await b.close()


@pytest.mark.parametrize(
    ("stored", "offered"),
    [
        ("released", "in_custody"),  # an old export: "active" of someone freed since
        ("released_expelled", "released"),  # "former" cannot say expelled
        ("released_expelled", "in_custody"),
        ("died", "released"),  # "former" cannot say died
        ("died", "in_custody"),
        ("in_custody", "unknown"),
    ],
)
async def test_a_file_never_undoes_a_release_or_a_death(
    storage: Storage, stored: str, offered: str
) -> None:
    store = RegistryStore(storage)
    await store.merge([Prisoner(id="p1", name_en="Ales One", status=stored)])
    report = await store.merge(
        [Prisoner(id="p1", name_en="Ales One", status=offered, description="new text")]
    )
    kept = await store.get("p1")
    assert kept is not None and kept.status == stored and kept.description == "new text"
    assert report.held == [("p1", stored, offered)]
    assert all(c.old is None or c.old.status == c.new.status for c in report.changes)


async def test_a_file_may_free_someone_or_say_they_died(storage: Storage) -> None:
    store = RegistryStore(storage)
    await store.merge([Prisoner(id="p1", name_en="Ales One", status="in_custody")])
    report = await store.merge([Prisoner(id="p1", name_en="Ales One", status="released")])
    assert (await store.get("p1")).status == "released" and report.held == []
