"""Bringing a deployment's data up to this release's schema, in place, nothing lost.

``SCHEMA_VERSION`` (``feeds/keys.py``) says which layout the data is in. A store made by an older
release is migrated at start-up (``bot/runtime.opened``) by whichever process comes first: it takes
a lock, the others wait until the version says the work is done. Steps run in order and each is
idempotent, so a crash half-way runs the unfinished step again; the version moves after each step.
A store newer than this release is refused by ``connect`` (an old process must not misread it).

The steps:

2. **Facts carry their dates.** Records written before facts were dated have none, and an undated
   fact gives way to any dated one: the first import of an old export into an existing deployment
   would move people back to where they were years ago and announce it as a transfer. Each stored
   prisoner whose status, facility and sentence are still those of its bundled row takes that row's
   dates and source; a record changed since (by an import, an admin, a sync) stays undated, because
   nobody knows when its facts were true.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable

from feeds.keys import SCHEMA_VERSION
from feeds.registry.bundled import bundled_prisoners
from feeds.registry.models import FACTS, Prisoner
from feeds.registry.store import RegistryStore
from feeds.storage import Storage, StorageError

log = logging.getLogger(__name__)

LOCK_TTL = 300  # seconds; a migration takes seconds, a crashed migrator frees the lock within this
WAIT_FOR_OTHER = 330.0  # how long a process waits for another's migration before giving up


async def _date_bundled_facts(storage: Storage) -> str:
    """Step 2 (see the module's docstring)."""
    registry = RegistryStore(storage)
    bundled = {p.id: p for p in bundled_prisoners()}
    stored = await registry.many(list(bundled))
    dated = []
    for record in stored:
        row = bundled.get(record.id)
        if not isinstance(record, Prisoner) or row is None or record.facts:
            continue
        if all(record.fact_value(f) == row.fact_value(f) for f in FACTS):
            dated.append(record.model_copy(update={"facts": dict(row.facts)}))
    for record in dated:
        await registry.put(record)
    return f"dated the facts of {len(dated)} bundled prisoners"


Step = Callable[[Storage], Awaitable[str]]
STEPS: dict[int, Step] = {2: _date_bundled_facts}  # the version each step brings the data to
assert max(STEPS) == SCHEMA_VERSION, "a schema version without a migration step"


async def stored_version(storage: Storage) -> int:
    return int(await storage.redis.get(storage.keys.schema_version) or SCHEMA_VERSION)


async def migrate(storage: Storage) -> list[int]:
    """Run the steps this store still needs; the versions this process applied (none when the
    store was current, or another process did the work)."""
    if await stored_version(storage) >= SCHEMA_VERSION:
        return []
    lock, token = storage.keys.schema_migration_lock, secrets.token_hex(8)
    deadline = time.monotonic() + WAIT_FOR_OTHER
    while not await storage.redis.set(lock, token, nx=True, ex=LOCK_TTL):
        if await stored_version(storage) >= SCHEMA_VERSION:
            return []  # another process finished it
        if time.monotonic() > deadline:
            raise StorageError("another process has been migrating the data for too long")
        await asyncio.sleep(0.2)
    try:
        applied = []
        for version in sorted(STEPS):
            if version <= await stored_version(storage):
                continue
            what = await STEPS[version](storage)
            await storage.redis.set(storage.keys.schema_version, version)
            log.info("data migrated to schema %d: %s", version, what)
            applied.append(version)
        return applied
    finally:
        if (await storage.redis.get(lock) or b"").decode() == token:
            await storage.redis.delete(lock)
