"""Alerts: the model, and the Redis stream the watchers append to and delivery reads.

The stream (``WatchKeys.alerts``) is the hand-over point to the delivery side, which reads it with a
consumer group (``XREADGROUP``; create the group with ``XGROUP CREATE <key> <group> $ MKSTREAM``).
Each entry has three fields:

``id``
    the alert id (32 hex digits), also inside the JSON;
``kind``
    ``news`` (a new feed item naming tracked targets), ``registry`` (the registry now lists a
    prisoner with another status or facility), or ``sources`` (an update of an earlier ``news``
    alert with the same ``id``: the same story appeared in another feed; ``sources`` is the full
    list so far; deliver it as an edit of, or a follow-up to, the earlier message; never as a new
    alert);
``alert``
    :class:`Alert` as JSON (``Alert.model_validate_json``).

The stream is trimmed on every append to about :data:`STREAM_MAXLEN` entries, and
:meth:`AlertStream.trim` drops entries older than a retention period (the watcher calls it once a
pass), so it cannot grow without bound even when no consumer reads it. Everything here is text from
hostile feeds: whoever renders it to Telegram HTML must escape it.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ResponseError

from feeds.storage.keys import KeySpace
from feeds.watching.keys import FANOUT_GROUP, WatchKeys

STREAM_MAXLEN = 100_000
RETENTION_DAYS = 14
TEXT_EXCERPT = 1500


class AlertSource(BaseModel):
    """One feed that carried the story."""

    feed_id: str
    feed_name: str = ""
    feed_url: str = ""
    link: str | None = None  # the item's link (absolute http(s)) or None
    title: str = ""
    published: datetime | None = None
    lang: str = ""


class RegistryChange(BaseModel):
    """For ``kind == "registry"``: what the registry says now and what it said before."""

    prisoner_id: str
    old_status: str
    new_status: str
    old_facility_id: str | None = None
    new_facility_id: str | None = None
    old_facility_name: str = ""
    new_facility_name: str = ""
    as_of: date | None = None  # when the registry's source says it was so
    source: str = ""  # which source says so (a file, a URL, the bundled registry)


class Alert(BaseModel):
    """One alert. Fields for every kind unless marked."""

    v: int = 1  # schema version of this JSON
    id: str
    kind: Literal["news", "registry", "sources"]
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    title: str = ""  # news: the item's title; registry: a one-line description
    link: str | None = None  # news: the first source's item link
    text: str = ""  # news: an excerpt of the text the engine read (plain text, <= 1500 chars)
    published: datetime | None = None
    sources: list[AlertSource] = Field(default_factory=list)  # first = the one that produced it
    prisoners: list[str] = Field(default_factory=list)  # prisoner ids mentioned (or changed)
    facilities: list[str] = Field(default_factory=list)  # facility ids mentioned
    events: list[str] = Field(default_factory=list)  # EventType values found
    summary: str = ""  # the engine's one-sentence summary (news) or the change line (registry)
    names: dict[str, str] = Field(default_factory=dict)  # target id -> display name
    mentions: dict = Field(default_factory=dict)  # news: ScanResult.to_json()
    # news: groups of people a mention fits equally (two on the list share the name); each group's
    # subscribers get the alert marked as possibly about someone else
    namesakes: list[list[str]] = Field(default_factory=list)
    change: RegistryChange | None = None  # registry only
    origin: str = "feed"  # "feed", or where a registry change came from ("registry import X")

    @property
    def targets(self) -> list[str]:
        named = [*self.prisoners, *self.facilities]
        return named + [i for group in self.namesakes for i in group if i not in named]

    def namesake_of(self, target_id: str) -> bool:
        """Whether this alert may be about someone else who shares ``target_id``'s name."""
        return target_id not in self.prisoners and any(target_id in g for g in self.namesakes)


def news_alert_id(feed_id: str, fingerprint: str) -> str:
    return hashlib.sha256(f"news\n{feed_id}\n{fingerprint}".encode()).hexdigest()[:32]


def registry_alert_id(prisoner_id: str, version: int, new_status: str, facility: str | None) -> str:
    raw = f"registry\n{prisoner_id}\n{version}\n{new_status}\n{facility}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class AlertStream:
    def __init__(self, redis: Redis, keys: KeySpace, maxlen: int = STREAM_MAXLEN) -> None:
        self.redis = redis
        self.key = WatchKeys.of(keys).alerts
        self.maxlen = maxlen

    async def append(self, alert: Alert) -> str:
        stream_id = await self.redis.xadd(
            self.key, _entry(alert), maxlen=self.maxlen, approximate=True
        )
        return stream_id.decode() if isinstance(stream_id, bytes) else stream_id

    def append_in(self, pipe: Pipeline, alert: Alert) -> None:
        """:meth:`append`, queued on the caller's pipeline."""
        pipe.xadd(self.key, _entry(alert), maxlen=self.maxlen, approximate=True)

    async def ensure_group(self, start: str = "$") -> None:
        """Create the fan-out's consumer group (:data:`FANOUT_GROUP`) if it is missing, at
        ``start`` (``$``: the stream's end). Producers call this before their first alert and
        senders before their first read, so alerts made before the first sender ever starts wait
        for it, while history from before the first deploy is not sent."""
        try:
            await self.redis.xgroup_create(self.key, FANOUT_GROUP, id=start, mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def trim(self, retention_days: float = RETENTION_DAYS) -> int:
        min_id = int((time.time() - retention_days * 86400) * 1000)
        return await self.redis.xtrim(self.key, minid=str(min_id), approximate=True)

    async def read(self, after: str = "0", count: int = 1000) -> list[tuple[str, Alert]]:
        """Entries after stream id ``after`` (not a consumer group: for tests and tooling)."""
        answer = await self.redis.xread({self.key: after}, count=count)
        out = []
        for _key, entries in answer or []:
            for stream_id, fields in entries:
                sid = stream_id.decode() if isinstance(stream_id, bytes) else stream_id
                out.append((sid, Alert.model_validate_json(fields[b"alert"])))
        return out

    async def length(self) -> int:
        return await self.redis.xlen(self.key)


def _entry(alert: Alert) -> dict[str, str]:
    return {"id": alert.id, "kind": alert.kind, "alert": alert.model_dump_json()}
