"""The migration steps of this release: data an older release wrote, brought up to
``SCHEMA_VERSION``.

The runner (a lock, the version moved after each step) is ``feeds/storage/migrations.py``; the steps
live here because the only stored data they have had to change so far is the registry's. A step is
idempotent, and the version it brings the data to is its key in :data:`STEPS`.

2. **Facts carry their dates.** Records written before facts were dated have none, and an undated
   fact gives way to any dated one: the first import of an old export into an existing deployment
   would move people back to where they were years ago and announce it as a transfer. Each stored
   prisoner whose status, facility and sentence are still those of its bundled row takes that row's
   dates and source; a record changed since (by an import, an admin, a sync) stays undated, because
   nobody knows when its facts were true.
"""

from __future__ import annotations

from feeds.registry.bundled import bundled_prisoners
from feeds.registry.models import FACTS, Prisoner
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.storage.keys import SCHEMA_VERSION
from feeds.storage.migrations import Step


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


STEPS: dict[int, Step] = {2: _date_bundled_facts}  # the version each step brings the data to
assert max(STEPS) == SCHEMA_VERSION, "a schema version without a migration step"
