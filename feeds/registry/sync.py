"""Live registry sync: ``REGISTRY_URL`` fetched every ``REGISTRY_POLL``, its changes announced.

The registry's source says first and most surely what this bot exists to tell: a release, a
transfer, a new sentence. One watcher at a time syncs each URL (a Redis lease, whichever process
holds it), through the same SSRF-guarded fetcher as the feeds, with a conditional GET: an unchanged
source costs one 304 and no parsing. A changed source is merged like ``registry import`` (a file
never undoes a release, an expulsion or a death), and each status or facility change becomes a
registry alert to that person's subscribers.

A source that looks broken applies nothing and tells the admins (``on_notice``), and the registry
stays as it was:

- it cannot be read or parsed at all;
- it shrank sharply against its last good size (``SHRINK_LIMIT``): a truncated download, a
  half-written export;
- many people it listed last time are gone from it (``VANISH_SHARE``), even if it did not shrink:
  a different list served at the same address, ids renumbered;
- it would send many people back into custody at once (``BULK_FLIPS``): such changes are held
  anyway, and in bulk they mean the source is stale or wrong.

Mass releases go through: dozens at once have happened. A death in the source is never applied by a
sync: it is held (``feeds/registry/held.py``) and the admins are told once, to confirm it themselves
(``/registry_apply ID`` or ``registry apply ID``); the alert then names the source.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel

from feeds.fetching.fetcher import Fetcher
from feeds.registry.held import HeldDeaths
from feeds.registry.importers import load_registry_bytes, source_name
from feeds.registry.keys import RegistryKeys
from feeds.registry.models import AnyTarget, Prisoner, PrisonerStatus
from feeds.registry.store import MergeReport, RegistryStore
from feeds.storage.connection import Storage

log = logging.getLogger(__name__)

REGISTRY_ACCEPT = "text/csv, application/json;q=0.9, text/plain;q=0.5, */*;q=0.1"
MAX_BODY = 64 * 1024 * 1024  # Viasna's full export is a few MB
SHRINK_LIMIT = 0.5  # a source with fewer than half the records of its last good copy is suspect
VANISH_SHARE = 0.1  # more than this share of last time's people gone (and at least VANISH_MIN)
VANISH_MIN = 10
BULK_FLIPS = 5  # this many released -> in custody flips at once: the source is stale or wrong
LEASE_TTL = 600  # seconds; a sync takes seconds, a dead holder frees it within this

Announce = Callable[[MergeReport, str], Awaitable[list]]
Notice = Callable[[str], Awaitable[None]]


class SourceState(BaseModel):
    """What Vestka remembers of one registry URL between syncs."""

    etag: str | None = None
    last_modified: str | None = None
    next_at: float = 0.0
    records: int = 0  # records in the last copy applied: the yardstick for "shrank sharply"
    last_ok: float | None = None
    last_error: str = ""


@dataclass
class SyncOutcome:
    url: str
    status: str  # "applied", "not_modified", "not_due", "busy", "refused"
    message: str = ""
    report: MergeReport | None = None
    alerts: int = 0


class RegistrySync:
    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        urls: Sequence[str],
        *,
        poll: float,
        announce: Announce,
        on_notice: Notice,
        include_np: bool = False,
    ) -> None:
        self.storage = storage
        self.redis = storage.redis
        self.keys = RegistryKeys.of(storage.keys)
        self.fetcher = fetcher
        self.urls = list(urls)
        self.poll = poll
        self.announce = announce
        self.on_notice = on_notice
        self.include_np = include_np
        self.registry = RegistryStore(storage)

    async def sync_due(self, now: float | None = None) -> list[SyncOutcome]:
        """Sync every URL whose time has come (and that no other watcher is syncing)."""
        return [await self.sync(url, now) for url in self.urls]

    async def sync(self, url: str, now: float | None = None, force: bool = False) -> SyncOutcome:
        now = time.time() if now is None else now
        state = await self.state(url)
        if not force and state.next_at > now:
            return SyncOutcome(url, "not_due")
        lease, token = self.keys.registry_sync_lease(_digest(url)), secrets.token_hex(8)
        if not await self.redis.set(lease, token, nx=True, ex=LEASE_TTL):
            return SyncOutcome(url, "busy")
        try:
            state = await self.state(url)  # another watcher may have synced while we looked
            if not force and state.next_at > now:
                return SyncOutcome(url, "not_due")
            outcome = await self._sync(url, state, now)
            state.next_at = now + self.poll
            await self._save(url, state)
            return outcome
        finally:
            if (await self.redis.get(lease) or b"").decode() == token:
                await self.redis.delete(lease)

    async def state(self, url: str) -> SourceState:
        raw = await self.redis.hget(self.keys.registry_sync, url)
        return SourceState.model_validate_json(raw) if raw else SourceState()

    async def states(self) -> dict[str, SourceState]:
        raw = await self.redis.hgetall(self.keys.registry_sync)
        return {k.decode(): SourceState.model_validate_json(v) for k, v in raw.items()}

    async def _save(self, url: str, state: SourceState) -> None:
        await self.redis.hset(self.keys.registry_sync, url, state.model_dump_json())

    async def _sync(self, url: str, state: SourceState, now: float) -> SyncOutcome:
        result = await self.fetcher.fetch(
            url, state.etag, state.last_modified, accept=REGISTRY_ACCEPT, max_body=MAX_BODY
        )
        if result.not_modified:
            state.last_ok, state.last_error = now, ""
            return SyncOutcome(url, "not_modified")
        if result.is_error:
            return await self._refuse(url, state, f"cannot fetch: {result.message}")
        loaded = load_registry_bytes(result.body, url, self.include_np)
        if loaded.fatal is not None:
            return await self._refuse(url, state, f"cannot use it: {loaded.fatal}")
        records = len(loaded.targets) + loaded.left_out_np
        if state.records and records < state.records * SHRINK_LIMIT:
            return await self._refuse(
                url, state, f"it shrank from {state.records} to {records} records"
            )
        ids_key = self.keys.registry_sync_ids(_digest(url))
        before = {i.decode() for i in await self.redis.smembers(ids_key)}
        now_listed = {t.id for t in loaded.targets}
        vanished = len(before - now_listed)
        if vanished >= VANISH_MIN and vanished > VANISH_SHARE * len(before):
            return await self._refuse(
                url, state, f"{vanished} of the {len(before)} people it listed are gone from it"
            )
        targets, dead = await self._without_deaths(await self.registry.resolve(loaded.targets))
        report, _ = await self.registry.plan(targets)
        flips = [h for h in report.held if h[1] == PrisonerStatus.RELEASED]
        if len(flips) >= BULK_FLIPS:
            return await self._refuse(
                url, state, f"it would send {len(flips)} released people back into custody"
            )
        report = await self.registry.merge(targets)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(ids_key)
            pipe.sadd(ids_key, *now_listed)
            await pipe.execute()
        origin = f"registry sync {shown_url(url)}"
        alerts = await self.announce(report, origin) if report.changes else []
        state.etag, state.last_modified = result.etag, result.last_modified
        state.records, state.last_ok, state.last_error = records, now, ""
        held = HeldDeaths(self.storage)
        deaths = [p.id for p in dead if await held.hold(p, source_name(url))]
        if deaths:  # told once per death, not at every sync that still lists it
            await self.on_notice(
                f"registry sync {shown_url(url)}: the source lists as died: {', '.join(deaths)}. "
                "Not applied and nobody told: once checked, /registry_apply ID (or `registry apply "
                "ID`) applies it and tells their followers."
            )
        log.info("registry sync %s: %s", shown_url(url), report.line())
        return SyncOutcome(url, "applied", report.line(), report, len(alerts))

    async def _without_deaths(
        self, targets: list[AnyTarget]
    ) -> tuple[list[AnyTarget], list[Prisoner]]:
        """The targets (``resolve``d to their stored ids) to merge, and apart the deaths no admin
        has confirmed yet (to be held): a stored person the source now lists as died. A person new
        to the registry is added as the source says (nobody follows them yet)."""
        dead = [t for t in targets if isinstance(t, Prisoner) and t.status == PrisonerStatus.DIED]
        if not dead:
            return targets, []
        stored = {t.id: t for t in await self.registry.many([t.id for t in dead])}
        unconfirmed = [
            p
            for p in dead
            if isinstance(stored.get(p.id), Prisoner) and stored[p.id].status != p.status
        ]
        left_out = {p.id for p in unconfirmed}
        return [t for t in targets if t.id not in left_out], unconfirmed

    async def _refuse(self, url: str, state: SourceState, why: str) -> SyncOutcome:
        """Apply nothing, keep the validators (the next sync fetches again), tell the admins."""
        state.last_error = why
        text = f"registry sync {shown_url(url)}: applied nothing: {why}. The registry is as it was."
        log.warning("%s", text)
        await self.redis.xadd(
            self.storage.keys.admin_notices,
            {"kind": "registry_sync", "text": text},
            maxlen=1000,
            approximate=True,
        )
        await self.on_notice(text)
        return SyncOutcome(url, "refused", why)


def shown_url(url: str) -> str:
    """A source as logs, notices and /healthz show it: without credentials or query, which may
    carry an access key."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]
