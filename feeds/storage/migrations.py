"""Bringing a deployment's data up to this release's schema, in place, nothing lost.

``SCHEMA_VERSION`` (``feeds/storage/keys.py``) says which layout the data is in. A store made by an
older release is migrated at start-up (``bot.ops.runtime.opened``, with the steps of
``feeds/registry/migrations.py``) by whichever process comes first: it takes a lock, the others
wait until the version says the work is done. Steps run in order and each is idempotent, so a crash
half-way runs the unfinished step again; the version moves after each step. A store newer than this
release is refused by ``connect`` (an old process must not misread it).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping

from feeds.storage.connection import Storage, StorageError
from feeds.storage.keys import SCHEMA_VERSION

log = logging.getLogger(__name__)

LOCK_TTL = 300  # seconds; a migration takes seconds, a crashed migrator frees the lock within this
WAIT_FOR_OTHER = 330.0  # how long a process waits for another's migration before giving up

Step = Callable[[Storage], Awaitable[str]]


async def stored_version(storage: Storage) -> int:
    return int(await storage.redis.get(storage.keys.schema_version) or SCHEMA_VERSION)


async def migrate(storage: Storage, steps: Mapping[int, Step]) -> list[int]:
    """Run the ``steps`` (version -> step) this store still needs; the versions this process
    applied (none when the store was current, or another process did the work)."""
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
        for version in sorted(steps):
            if version <= await stored_version(storage):
                continue
            what = await steps[version](storage)
            await storage.redis.set(storage.keys.schema_version, version)
            log.info("data migrated to schema %d: %s", version, what)
            applied.append(version)
        return applied
    finally:
        if (await storage.redis.get(lock) or b"").decode() == token:
            await storage.redis.delete(lock)
