"""Only one process polls getUpdates: the Redis poller lock, alone and under two ``serve`` processes
(one polls, the other stands by; SIGKILL the holder and the other takes over)."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

from bot.telegram.keys import BotKeys
from bot.telegram.poller_lock import PollerLock
from feeds.storage.connection import Storage
from testkit.botapi import FakeBotAPI
from testkit.roles import Role, free_port, get, roles
from testkit.waiting import wait_for


async def test_one_holder_renewal_release_and_expiry(storage: Storage) -> None:
    first = PollerLock(storage, ttl=0.5, token="first")
    second = PollerLock(storage, ttl=0.5, token="second")
    assert await first.try_acquire()
    assert not await second.try_acquire()
    assert await first.renew() and first.surely_held
    await first.release()
    assert await second.try_acquire()
    assert not await first.renew()  # not ours any more: renewing must not steal it back
    assert await storage.redis.get(BotKeys.of(storage.keys).poller_lock) == b"second"
    # the holder dies (no renewals): the lock expires and the other takes it
    assert await wait_for(first.try_acquire, timeout=5, message="lock expiry")
    await first.release()
    assert await storage.redis.get(BotKeys.of(storage.keys).poller_lock) is None


def count_calls(lock: PollerLock, name: str) -> list[bool]:
    """Record the result of every call of ``lock.<name>`` (``renew``, ``try_acquire``)."""
    results: list[bool] = []
    original = getattr(lock, name)

    async def counted() -> bool:
        result = await original()
        results.append(result)
        return result

    setattr(lock, name, counted)
    return results


async def test_keep_returns_when_the_lock_is_taken_over(storage: Storage) -> None:
    lock = PollerLock(storage, ttl=0.6, token="a")
    renewals = count_calls(lock, "renew")
    stop = asyncio.Event()
    assert await lock.wait_acquired(stop)
    keeper = asyncio.create_task(lock.keep(stop))
    # Three renewals happen, all succeed, and keep() goes on after each: it returns only on a loss.
    await wait_for(lambda: len(renewals) >= 3 or keeper.done(), timeout=10, message="renewals")
    assert all(renewals) and not keeper.done()
    await storage.redis.set(BotKeys.of(storage.keys).poller_lock, "intruder")
    await asyncio.wait_for(keeper, 5)  # ...and the theft is noticed
    assert not lock.held and renewals[-1] is False


async def test_waiter_takes_over_when_released(storage: Storage) -> None:
    holder = PollerLock(storage, ttl=5, token="holder")
    waiter = PollerLock(storage, ttl=0.3, token="waiter")  # tries every 0.1 s
    stop = asyncio.Event()
    assert await holder.try_acquire()
    attempts = count_calls(waiter, "try_acquire")
    waiting = asyncio.create_task(waiter.wait_acquired(stop))
    # The waiter tries twice while the lock is held, fails both times and keeps waiting.
    await wait_for(lambda: len(attempts) >= 2 or waiting.done(), timeout=10, message="attempts")
    assert attempts[:2] == [False, False] and not waiting.done()
    await holder.release()
    assert await asyncio.wait_for(waiting, 5)
    stop.set()


async def _bot_state(port: int) -> str | None:
    answer = await get(f"http://127.0.0.1:{port}/healthz")
    return json.loads(answer[1]).get("bot") if answer else None


async def test_two_serve_processes_poll_one_at_a_time(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    async with FakeBotAPI() as api:
        env = {
            **cli_env,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.url,
            "POLLER_LOCK_TTL": "2",
        }
        ports = [free_port(), free_port()]
        first = Role("serve", {**env, "PORT": str(ports[0])}, tmp_path, "serve-1")
        second = Role("serve", {**env, "PORT": str(ports[1])}, tmp_path, "serve-2")
        async with roles(first) as _, roles(second) as _:
            states = {}

            async def both_up():
                states.update({p: await _bot_state(p) for p in ports})
                return sorted(map(str, states.values())) == ["polling", "standby"]

            await wait_for(both_up, timeout=60, message="one polling, one standing by")
            holder = first if states[ports[0]] == "polling" else second
            other = second if holder is first else first
            other_port = ports[1] if holder is first else ports[0]

            for chat in (801, 802, 803):
                api.send_text(chat, "/help")
            await wait_for(
                lambda: all(api.sent_texts(c) for c in (801, 802, 803)), timeout=30, message="help"
            )
            assert all(len(api.sent_texts(c)) == 1 for c in (801, 802, 803))
            assert "Conflict" not in holder.log() + other.log()  # never two pollers at once

            assert holder.process is not None
            holder.process.send_signal(signal.SIGKILL)  # dies without releasing the lock
            await holder.process.wait()
            await wait_for(
                lambda: _is_polling(other_port), timeout=30, message="the other takes over"
            )
            api.send_text(804, "/help")
            await api.wait_for_call("sendMessage", lambda c: c.chat_id == 804, timeout=30)
            code, took = await other.terminate()
            assert code == 0 and took < 10


async def _is_polling(port: int) -> bool:
    return await _bot_state(port) == "polling"
