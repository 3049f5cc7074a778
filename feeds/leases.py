"""Short Redis leases: one watcher fetches a feed at a time, whichever process it runs in.

A lease is ``SET key token NX PX ttl``; it is renewed in the background while held (every third of
its time to live) and released only by its holder (compare-and-delete), so a watcher that dies
frees its feeds within ``ttl`` and a slow one never loses a lease it is still using.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""


class Leases:
    """Leases queued on a caller's pipeline, so taking one costs no round trip of its own: the
    watcher takes a feed's lease with the reads of its poll, and frees it with the poll's writes."""

    def __init__(self, redis: Redis, ttl: float = 30.0) -> None:
        self.redis = redis
        self.ttl_ms = int(ttl * 1000)
        self.owner = secrets.token_hex(8)
        self._release = redis.register_script(_RELEASE)
        self._renew = redis.register_script(_RENEW)

    def acquire_in(self, pipe: Pipeline, key: str) -> str:
        """Queue the taking of ``key``; returns the token it is held with, if the command's answer
        is true."""
        token = f"{self.owner}:{secrets.token_hex(4)}"
        pipe.set(key, token, nx=True, px=self.ttl_ms)
        return token

    async def release_in(self, pipe: Pipeline, key: str, token: str) -> None:
        """Queue the freeing of ``key``, if it is still held with ``token`` (awaiting a script
        call on a pipeline queues it, and has the pipeline load the script first if need be)."""
        await self._release(keys=[key], args=[token], client=pipe)

    async def release(self, key: str, token: str) -> None:
        with contextlib.suppress(RedisError, ConnectionError):
            await self._release(keys=[key], args=[token])

    async def renew(self, key: str, token: str) -> bool:
        return bool(await self._renew(keys=[key], args=[token, self.ttl_ms]))

    @contextlib.asynccontextmanager
    async def kept(self, key: str, token: str) -> AsyncIterator[None]:
        """Renew the held lease in the background for as long as the block runs."""
        renewer = asyncio.create_task(self._keep(key, token))
        try:
            yield
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer

    async def _keep(self, key: str, token: str) -> None:
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            try:
                if not await self.renew(key, token):
                    log.warning("lease %s was lost (expired while held)", key)
                    return
            except (RedisError, ConnectionError) as exc:
                log.warning("lease %s: renewal failed: %s", key, exc)
