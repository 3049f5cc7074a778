"""Confirming a death a registry source reported: ``/registry_apply`` and ``registry apply``.

The sync holds every reported death (``feeds/registry/held.py``); this is the admin's side. The
list says who, which source, and since when; confirming one merges the held record and announces
the change to that person's followers like any registry alert, with the source named and "confirmed
by an admin" as its origin. ``drop`` forgets a report the admin found wrong.
"""

from __future__ import annotations

from bot.ops.runtime import announce_changes
from bot.ops.settings import Settings
from feeds.registry.held import HeldDeath, HeldDeaths
from feeds.storage.connection import Storage


async def held_in_order(storage: Storage) -> list[HeldDeath]:
    """Every held death, the longest waiting first."""
    return sorted((await HeldDeaths(storage).all()).values(), key=lambda h: h.held_at)


async def confirm_death(storage: Storage, settings: Settings, target_id: str) -> int | None:
    """Apply the held death of ``target_id`` and announce it; the number of alerts made (0 when the
    registry already said so), or None when no death is held for that id."""
    applied = await HeldDeaths(storage).apply(target_id)
    if applied is None:
        return None
    held, report = applied
    origin = f"registry sync {held.source}, confirmed by an admin"
    return len(await announce_changes(storage, settings, report, origin))
