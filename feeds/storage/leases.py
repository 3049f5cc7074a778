"""Short Redis leases: one watcher fetches a feed at a time, whichever process it runs in.

A lease is a key set ``NX PX ttl`` to a holder token (``feeds.watching.poll_trips`` takes many in
one script call, with the reads of their polls). While held it is renewed, every third of its time
to live, and freed only by its holder (compare-and-delete), so a watcher that dies frees its feeds
within ``ttl`` and a slow one never loses a lease it is still using. All the leases a watcher holds
are renewed together, by one task in one script call: a thousand feeds waiting for a poll slot cost
one round trip every ten seconds, not a thousand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# KEYS: lease keys; ARGV: ttl ms, then one token per key. Returns 1 (renewed) or 0 (lost) per key.
_RENEW = """
local out = {}
for i = 1, #KEYS do
  if redis.call('get', KEYS[i]) == ARGV[i + 1] then
    out[i] = redis.call('pexpire', KEYS[i], ARGV[1])
  else
    out[i] = 0
  end
end
return out
"""


class LeaseKeeper:
    """The leases this watcher holds (key -> token), renewed together in the background."""

    def __init__(self, redis: Redis, ttl: float = 30.0) -> None:
        self.redis = redis
        self.ttl_ms = int(ttl * 1000)
        self.owner = secrets.token_hex(8)
        self.held: dict[str, str] = {}
        self._renew = redis.register_script(_RENEW)
        self._task: asyncio.Task | None = None

    def token(self) -> str:
        """A new holder token: this watcher's, unique to one batch of leases."""
        return f"{self.owner}:{secrets.token_hex(4)}"

    def hold(self, key: str, token: str) -> None:
        """Keep ``key`` alive until :meth:`drop` (starts the renewer if it is not running)."""
        self.held[key] = token
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._keep(), name="lease-keeper")

    def drop(self, key: str) -> None:
        self.held.pop(key, None)

    async def close(self) -> None:
        self.held.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def renew_all(self) -> list[str]:
        """Renew every held lease now; the keys that were lost (expired, or taken over)."""
        held = dict(self.held)
        if not held:
            return []
        answers = await self._renew(keys=list(held), args=[self.ttl_ms, *held.values()])
        lost = [key for key, ok in zip(held, answers, strict=True) if not ok]
        for key in lost:
            log.warning("lease %s was lost (expired while held)", key)
            if self.held.get(key) == held[key]:  # not taken again meanwhile
                del self.held[key]
        return lost

    async def _keep(self) -> None:
        while self.held:
            await asyncio.sleep(self.ttl_ms / 3000)
            try:
                await self.renew_all()
            except (RedisError, ConnectionError) as exc:
                log.warning("lease renewal failed: %s", exc)
