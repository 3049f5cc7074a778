"""Each prisoner's status timeline: a capped, dated list of what happened, with source links.

Stored per prisoner as a Redis list of :class:`TimelineEvent` JSON, newest first, capped at
:data:`TIMELINE_CAP` events. Two kinds of event:

* ``news``: a news alert named the prisoner (the events the engine found, its summary, and every
  source that carried the story; sources merged later are added to the same event);
* ``registry``: the registry's status or facility for the prisoner changed (a Viasna import, an
  admin edit, a sync); :func:`record_registry_changes` records it and emits a ``registry`` alert,
  unless a news alert already told the same change of that prisoner within :data:`TOLD_WINDOW`
  (the registry often follows the news by days: the family need not hear it twice).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from feeds.registry.models import Facility, Fact, Prisoner
from feeds.registry.store import Change, RegistryStore
from feeds.storage.connection import Storage
from feeds.storage.keys import KeySpace
from feeds.watching.alerts import Alert, AlertSource, AlertStream, RegistryChange, registry_alert_id
from feeds.watching.keys import WatchKeys

log = logging.getLogger(__name__)

TIMELINE_CAP = 200
TOLD_WINDOW = 14 * 86400  # seconds: a news alert this recent already told a registry change
# the news events that tell a release (see ``told_events``)
RELEASE_EVENTS = frozenset({"released", "released_expelled", "pardoned"})


class TimelineSource(BaseModel):
    name: str = ""
    link: str | None = None


class TimelineEvent(BaseModel):
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    kind: Literal["news", "registry"]
    alert_id: str
    title: str = ""
    events: list[str] = Field(default_factory=list)
    summary: str = ""
    sources: list[TimelineSource] = Field(default_factory=list)
    change: RegistryChange | None = None
    origin: str = ""
    own_events: list[str] | None = None  # this prisoner's own events in the story (news only)


def _sources(sources: Iterable[AlertSource]) -> list[TimelineSource]:
    return [TimelineSource(name=s.feed_name or s.feed_url, link=s.link) for s in sources]


def event_from_alert(alert: Alert) -> TimelineEvent:
    return TimelineEvent(
        at=alert.published or alert.created_at,
        kind="registry" if alert.kind == "registry" else "news",
        alert_id=alert.id,
        title=alert.title,
        events=list(alert.events),
        summary=alert.summary,
        sources=_sources(alert.sources),
        change=alert.change,
        origin=alert.origin,
    )


class Timeline:
    def __init__(self, redis: Redis, keys: KeySpace, cap: int = TIMELINE_CAP) -> None:
        self.redis = redis
        self.keys = WatchKeys.of(keys)
        self.cap = cap

    async def add(self, prisoner_id: str, event: TimelineEvent) -> None:
        key = self.keys.timeline(prisoner_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(key, event.model_dump_json())
            pipe.ltrim(key, 0, self.cap - 1)
            await pipe.execute()

    async def record_alert(self, alert: Alert) -> None:
        """A new alert: one event on each mentioned prisoner's timeline (one round trip)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            self.record_alert_in(pipe, alert)
            await pipe.execute()

    def record_alert_in(self, pipe: Pipeline, alert: Alert) -> None:
        """:meth:`record_alert`, queued on the caller's pipeline."""
        event = event_from_alert(alert)
        for prisoner_id in alert.prisoners:
            if alert.kind != "registry":
                event.own_events = own_events(alert, prisoner_id)
            key = self.keys.timeline(prisoner_id)
            pipe.lpush(key, event.model_dump_json())
            pipe.ltrim(key, 0, self.cap - 1)

    async def update_sources(self, alert: Alert) -> None:
        """A story gained sources: update the event of ``alert.id`` where it is listed."""
        for prisoner_id in alert.prisoners:
            key = self.keys.timeline(prisoner_id)
            for index, raw in enumerate(await self.redis.lrange(key, 0, self.cap - 1)):
                event = TimelineEvent.model_validate_json(raw)
                if event.alert_id == alert.id:
                    event.sources = _sources(alert.sources)
                    await self.redis.lset(key, index, event.model_dump_json())
                    break

    async def get(self, prisoner_id: str, limit: int = TIMELINE_CAP) -> list[TimelineEvent]:
        raw = await self.redis.lrange(self.keys.timeline(prisoner_id), 0, limit - 1)
        return [TimelineEvent.model_validate_json(r) for r in raw]


def own_events(alert: Alert, prisoner_id: str) -> list[str]:
    """The events the engine tied to ``prisoner_id`` itself in a news alert (not to others named)."""
    found: list[str] = []
    for mention in (alert.mentions or {}).get("mentions", []):
        if mention.get("target") == prisoner_id:
            found += [e for e in mention.get("events", []) if e not in found]
    return found


def told_events(change: RegistryChange) -> frozenset[str]:
    """The news events that would have told this registry change already."""
    if change.new_status != change.old_status:
        if change.new_status == "released_expelled":
            return frozenset({"released_expelled"})
        if change.new_status == "released":
            return RELEASE_EVENTS
        if change.new_status == "in_custody":
            return frozenset({"arrest", "sentenced"})
        return frozenset()  # a death is never taken as told: the registry confirms it
    return (
        frozenset({"transfer"}) if change.new_facility_id != change.old_facility_id else frozenset()
    )


async def already_told(timeline: Timeline, change: RegistryChange, now: datetime) -> bool:
    """Whether a news alert within :data:`TOLD_WINDOW` told this prisoner's change."""
    wanted = told_events(change)
    if not wanted:
        return False
    for event in await timeline.get(change.prisoner_id, 50):
        if (now - event.at).total_seconds() > TOLD_WINDOW:
            continue  # listed by arrival; a backfilled story may be older than what follows
        if event.kind == "news" and wanted & set(event.own_events or ()):
            return True
    return False


def _facility_name(facility: Facility | None, facility_id: str | None) -> str:
    if facility_id is None:
        return ""
    return facility.display_name if facility is not None else facility_id


_NO_FACT = Fact()


async def record_registry_changes(
    storage: Storage, changes: Iterable[Change], origin: str, version: int
) -> list[Alert]:
    """For each change of a prisoner's status or facility: a dated timeline event and a
    ``registry`` alert on the stream, marked with ``origin``. Returns the alerts (for printing)."""
    registry = RegistryStore(storage)
    stream = AlertStream(storage.redis, storage.keys)
    timeline = Timeline(storage.redis, storage.keys)
    alerts = []
    status_changes = [c for c in changes if c.status_changed]
    if status_changes:
        await stream.ensure_group()  # alerts from now on wait for the first sender
    for change in status_changes:
        old, new = change.old, change.new
        assert isinstance(old, Prisoner) and isinstance(new, Prisoner)
        fact = new.facts.get("status") or new.facts.get("facility") or _NO_FACT  # when, who says
        old_fac = await registry.get(old.facility_id) if old.facility_id else None
        new_fac = await registry.get(new.facility_id) if new.facility_id else None
        record = RegistryChange(
            prisoner_id=new.id,
            old_status=str(old.status),
            new_status=str(new.status),
            old_facility_id=old.facility_id,
            new_facility_id=new.facility_id,
            old_facility_name=_facility_name(old_fac, old.facility_id),  # type: ignore[arg-type]
            new_facility_name=_facility_name(new_fac, new.facility_id),  # type: ignore[arg-type]
            as_of=fact.as_of,
            source=fact.source,
        )
        names = {new.id: new.display_name}
        for fac in (old_fac, new_fac):
            if isinstance(fac, Facility):
                names[fac.id] = fac.display_name
        alert = Alert(
            id=registry_alert_id(new.id, version, record.new_status, new.facility_id),
            kind="registry",
            title=f"Registry update: {new.display_name}",
            summary=change_line(new.display_name, record),
            prisoners=[new.id],
            facilities=[f for f in (new.facility_id,) if f],
            names=names,
            change=record,
            origin=origin,
        )
        if await already_told(timeline, record, datetime.now(UTC)):
            await timeline.record_alert(alert)  # on the timeline, but nobody is told twice
            log.info("registry change already told by the news: %s", alert.summary)
            continue
        await stream.append(alert)
        await timeline.record_alert(alert)
        alerts.append(alert)
        log.info("registry change: %s", alert.summary)
    return alerts


def change_line(name: str, change: RegistryChange) -> str:
    """ "the registry now lists X in Prison No. 4, was Penal colony No. 15" (plain English)."""
    now = change.new_facility_name or change.new_status.replace("_", " ")
    was = change.old_facility_name or change.old_status.replace("_", " ")
    if change.new_status != change.old_status:
        now = change.new_status.replace("_", " ")
        if change.new_facility_name:
            now += f", {change.new_facility_name}"
        was = change.old_status.replace("_", " ")
        if change.old_facility_name:
            was += f", {change.old_facility_name}"
        return f"the registry now lists {name} as {now}, was {was}"
    return f"the registry now lists {name} in {now}, was {was}"
