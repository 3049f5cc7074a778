"""Registry status changes become dated timeline events and ``registry`` alerts."""

from __future__ import annotations

import json
from pathlib import Path

from feeds.registry.bundled import bundled_targets
from feeds.registry.models import Prisoner, PrisonerStatus
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from feeds.watching.timeline import Timeline, record_registry_changes
from testkit.watcher import alerts


async def test_status_change_records_timeline_event_and_alert(storage: Storage) -> None:
    registry = RegistryStore(storage)
    await registry.merge(bundled_targets())
    old = await registry.get("valjancin-stefanovicz")
    assert isinstance(old, Prisoner) and old.status == PrisonerStatus.IN_CUSTODY
    moved = old.model_copy(update={"facility_id": "ik-9-horki"})
    report = await registry.merge([moved])
    [alert] = await record_registry_changes(
        storage, report.changes, "registry import x.json", report.version
    )
    assert alert.kind == "registry" and alert.origin == "registry import x.json"
    assert alert.prisoners == ["valjancin-stefanovicz"]
    assert alert.change.new_facility_id == "ik-9-horki" and alert.change.old_facility_id is None
    assert "the registry now lists" in alert.summary and "Горк" in alert.summary
    assert [a.id for a in await alerts(storage)] == [alert.id]
    [group] = await storage.redis.xinfo_groups(
        WatchKeys.of(storage.keys).alerts
    )  # made before the alert:
    assert group["lag"] == 1  # the first sender to start will deliver it
    [event] = await Timeline(storage.redis, storage.keys).get("valjancin-stefanovicz")
    assert (
        event.kind == "registry" and event.change == alert.change and event.origin == alert.origin
    )
    # a merge that changes nothing else records nothing
    report = await registry.merge([moved.model_copy(update={"description": "edited"})])
    assert await record_registry_changes(storage, report.changes, "x", report.version) == []


async def test_timeline_is_capped_newest_first(storage: Storage) -> None:
    from feeds.watching.timeline import TimelineEvent

    timeline = Timeline(storage.redis, storage.keys, cap=5)
    for i in range(8):
        await timeline.add("p", TimelineEvent(kind="news", alert_id=str(i)))
    assert [e.alert_id for e in await timeline.get("p")] == ["7", "6", "5", "4", "3"]


def test_registry_import_cli_emits_status_change_alert(cli, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,kind,name_be,status\nmarfa-t,prisoner,Марфа Тэст,in_custody\n")
    assert cli("registry", "import", str(path)).returncode == 0
    path.write_text("id,kind,name_be,status\nmarfa-t,prisoner,Марфа Тэст,released\n")
    result = cli("registry", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "ALERT registry" in result.stdout  # console mode prints it
    assert "the registry now lists Марфа Тэст as released, was in custody" in result.stdout
    assert f"origin:     registry import {path}" in result.stdout
    assert result.stdout.count("ALERT") == 1
    unchanged = cli("registry", "import", str(path))
    assert "ALERT" not in unchanged.stdout
    show = json.loads(cli("registry", "show", "marfa-t", "--json").stdout)
    assert show["status"] == "released"
