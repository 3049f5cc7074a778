"""Deaths a registry source reports, held until an admin confirms them.

A death is the one change Vestka never announces on a source's word alone: a wrong "died" is the
cruellest false alert there is, and a sync that misreads a column or a source that mislabels a row
would send it to a family. So ``RegistrySync`` applies everything else and puts each reported death
here, with the record as the source gave it and the source's name. An admin reads the list
(``/registry_apply`` or ``registry held``) and confirms one (``/registry_apply ID`` or ``registry
apply ID``): only then is the record merged and the change announced, naming the source. A death
that a later copy no longer reports stays held until an admin confirms or drops it: silence in a
source is not a correction.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from pydantic import BaseModel

from feeds.registry.keys import RegistryKeys
from feeds.registry.models import Prisoner, PrisonerStatus
from feeds.registry.store import MergeReport, RegistryStore
from feeds.storage.connection import Storage


class HeldDeath(BaseModel):
    """One reported death: the record as the source gave it, which source, and since when held."""

    record: Prisoner
    source: str
    held_at: float

    @property
    def since(self) -> str:
        """The day it was first held (YYYY-MM-DD, UTC), as the admin's list shows it."""
        return datetime.fromtimestamp(self.held_at, UTC).date().isoformat()


class HeldDeaths:
    def __init__(self, storage: Storage) -> None:
        self.redis = storage.redis
        self.key = RegistryKeys.of(storage.keys).registry_held_deaths
        self.registry = RegistryStore(storage)

    async def hold(self, record: Prisoner, source: str) -> bool:
        """Keep ``record`` (status ``died``) for an admin; True when it was not held already (the
        admins are told once per death, not at every sync)."""
        held = HeldDeath(record=record, source=source, held_at=time.time())
        if await self.redis.hsetnx(self.key, record.id, held.model_dump_json()):
            return True
        raw = await self.redis.hget(self.key, record.id)
        if raw is not None:  # the newest copy of the record, held since the first report
            held.held_at = HeldDeath.model_validate_json(raw).held_at
        await self.redis.hset(self.key, record.id, held.model_dump_json())
        return False

    async def all(self) -> dict[str, HeldDeath]:
        raw = await self.redis.hgetall(self.key)
        return {k.decode(): HeldDeath.model_validate_json(v) for k, v in raw.items()}

    async def drop(self, target_id: str) -> bool:
        """Forget a held death without applying it (a source's mistake, or a takedown)."""
        return bool(await self.redis.hdel(self.key, target_id))

    async def apply(self, target_id: str) -> tuple[HeldDeath, MergeReport] | None:
        """Merge the held record, as an admin confirmed it; None when nothing is held for that id.

        The merge is the ordinary one: a death is finer than every other status, so it replaces
        them, and the report's change becomes the registry alert the caller announces."""
        raw = await self.redis.hget(self.key, target_id)
        if raw is None:
            return None
        held = HeldDeath.model_validate_json(raw)
        assert held.record.status == PrisonerStatus.DIED
        report = await self.registry.merge([held.record])
        await self.redis.hdel(self.key, target_id)
        return held, report
