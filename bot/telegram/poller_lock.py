"""One process polls ``getUpdates`` at a time: a lock in Redis.

``SET key token NX PX ttl`` takes it; the holder renews it every ``ttl / 3`` (only while the value is
still its own token) and deletes it on stop. A second ``serve`` or ``run`` waits, polling nothing, and
takes over within ``ttl`` when the holder dies. If the holder cannot renew for a whole ``ttl``
(Redis away, or the key now names someone else), it stops polling first and competes again, so two
processes never poll at once for longer than a renewal round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time

from bot.telegram.keys import BotKeys
from feeds.storage.connection import Backoff, Storage

log = logging.getLogger("vestka.bot")

# KEYS: lock. ARGV: token, ttl ms. Extend our own lock; 0 when it is no longer ours.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS: lock. ARGV: token. Delete our own lock, never someone else's.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def holder_token() -> str:
    return f"{socket.gethostname()[:20]}-{os.getpid()}-{secrets.token_hex(4)}"


class PollerLock:
    def __init__(self, storage: Storage, ttl: float = 15.0, token: str | None = None) -> None:
        self.redis = storage.redis
        self.key = BotKeys.of(storage.keys).poller_lock
        self.ttl = ttl
        self.token = token or holder_token()
        self.held = False
        self._valid_until = 0.0  # monotonic: our lock cannot have expired before this
        self._renew = self.redis.register_script(RENEW)
        self._release = self.redis.register_script(RELEASE)

    @property
    def ttl_ms(self) -> int:
        return max(1, int(self.ttl * 1000))

    async def try_acquire(self) -> bool:
        started = time.monotonic()
        got = await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms)
        if not got:  # maybe ours already (a restart of the same holder object)
            got = bool(await self._renew(keys=[self.key], args=[self.token, self.ttl_ms]))
        self.held = bool(got)
        if self.held:
            self._valid_until = started + self.ttl
        return self.held

    async def renew(self) -> bool:
        started = time.monotonic()
        ok = bool(await self._renew(keys=[self.key], args=[self.token, self.ttl_ms]))
        self.held = ok
        if ok:
            self._valid_until = started + self.ttl
        return ok

    @property
    def surely_held(self) -> bool:
        """Held, and not possibly expired (renewed within the last ``ttl``)."""
        return self.held and time.monotonic() < self._valid_until

    async def release(self) -> None:
        if self.held:
            self.held = False
            with contextlib.suppress(Exception):
                await self._release(keys=[self.key], args=[self.token])

    async def wait_acquired(self, stop: asyncio.Event, backoff: Backoff | None = None) -> bool:
        """Try every ``ttl / 3`` until we hold the lock (True) or ``stop`` is set (False)."""
        backoff = backoff or Backoff("poller lock", logger=log)
        announced = False
        while not stop.is_set():
            try:
                if await self.try_acquire():
                    backoff.reset()
                    return True
            except Exception as exc:  # Redis away: wait and try again
                await backoff.wait(stop, exc)
                continue
            backoff.reset()
            if not announced:
                announced = True
                log.info("another process polls Telegram; standing by for the poller lock")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.ttl / 3)
        return False

    async def keep(self, stop: asyncio.Event) -> None:
        """Renew every ``ttl / 3`` until ``stop`` is set (returns) or the lock is lost (returns with
        ``held`` False): not ours any more, or not renewed for a whole ``ttl``."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.ttl / 3)
            if stop.is_set():
                return
            try:
                if not await asyncio.wait_for(self.renew(), timeout=max(0.5, self.ttl / 3)):
                    log.warning("the poller lock was taken over; stopping polling")
                    return
            except Exception as exc:
                if not self.surely_held:
                    log.warning(
                        "could not renew the poller lock (%s); stopping polling",
                        type(exc).__name__,
                    )
                    self.held = False
                    return
                log.debug("poller lock renewal failed (%s); retrying", type(exc).__name__)
