"""Subscribers' reports that an alert was about someone else ("not about this person").

A family knows their person better than any engine: when an alert about a namesake or a common word
reaches them, they can say so with the button under it. Each report counts once per chat and alert
(a short-lived mark keyed by a hash of both: no chat id is kept in clear), and the counts per
target tell an admin (``/stats``) which registry entries the engine confuses, so the registry or
the engine can be fixed. Who reported is never kept.
"""

from __future__ import annotations

import hashlib

from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys

SEEN_TTL = 7 * 86400  # a chat cannot report the same alert twice within this time
TOP = 5  # targets /stats lists


class FalseMatches:
    def __init__(self, storage: Storage) -> None:
        self.redis = storage.redis
        self.keys = WatchKeys.of(storage.keys)

    async def report(self, target_id: str, alert_ref: str, chat_id: int) -> bool:
        """Count one report; False when this chat already reported this alert."""
        digest = hashlib.sha256(f"{alert_ref}:{chat_id}".encode()).hexdigest()[:24]
        fresh = await self.redis.set(self.keys.false_match_seen(digest), 1, nx=True, ex=SEEN_TTL)
        if not fresh:
            return False
        await self.redis.hincrby(self.keys.false_matches, target_id, 1)
        return True

    async def top(self, limit: int = TOP) -> list[tuple[str, int]]:
        """The targets most often reported as someone else, most first."""
        raw = await self.redis.hgetall(self.keys.false_matches)
        counts = [(k.decode(), int(v)) for k, v in raw.items()]
        return sorted(counts, key=lambda item: (-item[1], item[0]))[:limit]
