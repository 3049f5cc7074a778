"""``send``: the delivery role alone: fan-out, digests, the sender and the broadcast monitor.

Several ``send`` processes may share one Redis: they are consumers of one group and share one rate
limit. SIGTERM stops reading, lets requests on the wire finish, hands the rest back, exits 0 within
10 s.

The role is a list of loops, each ``async def loop(stop: asyncio.Event) -> None``: add one to
``role_loops`` (fan-out, broadcasts) and both ``send`` and ``run`` pick it up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.ops.runtime import opened, run_role, stop_signal
from bot.ops.settings import Settings
from bot.telegram.alert_message import AlertRenderer
from bot.telegram.broadcast_monitor import broadcast_monitor
from bot.telegram.digest_message import DigestRenderer
from bot.telegram.services import RegistryView, rate_config
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from subscriptions.digest import DigestScheduler
from subscriptions.fanout import Fanout
from subscriptions.sender import Sender
from subscriptions.sender_config import SenderConfig

log = logging.getLogger("vestka")

Loop = Callable[[asyncio.Event], Awaitable[None]]
STOP_WITHIN = 9.0  # seconds; the sender itself hands back in-flight work in ~7 s


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "send",
        help="run only the delivery role (send queued messages to Telegram)",
        description="Deliver queued messages to Telegram until SIGTERM or Ctrl-C. Several 'send' "
        "processes may share one Redis: one consumer group, one rate limit. Needs "
        "TELEGRAM_BOT_TOKEN.",
    )
    parser.set_defaults(handler=send)


def sender_config(settings: Settings) -> SenderConfig:
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value()
    return SenderConfig(
        api_url=f"{settings.telegram_api_url}/bot{token}",
        concurrency=settings.send_concurrency,
        claim_idle_ms=int(settings.send_claim_idle * 1000),
        claim_every=min(5.0, max(0.05, settings.send_claim_idle / 2)),
        max_attempts=settings.send_max_attempts,
        paid_broadcasts=settings.paid_broadcasts,
        zone=settings.zone,
    )


def make_sender(storage: Storage, settings: Settings, **hooks) -> Sender:
    return Sender(storage, sender_config(settings), rate_config(settings), **hooks)


def role_loops(storage: Storage, settings: Settings) -> list[Loop]:
    """Every loop of the delivery role: fan-out of alerts (and daily digests) into the queue, the
    sender draining it, and the monitor that reports a running broadcast's progress."""
    registry = RegistryView(RegistryStore(storage))
    zone = settings.zone
    return [
        Fanout(storage, AlertRenderer(registry, zone), zone).run,
        DigestScheduler(storage, DigestRenderer(registry, zone), zone).run,
        make_sender(storage, settings).run,
        broadcast_monitor(storage, settings).run,
    ]


async def run_loops(loops: list[Loop], stop: asyncio.Event, within: float = STOP_WITHIN) -> None:
    """Run the loops until ``stop``; if one of them crashes, stop the others too."""
    tasks = [
        asyncio.create_task(loop(stop), name=getattr(loop, "__qualname__", "loop"))
        for loop in loops
    ]
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        if task is not stopper and not task.cancelled() and task.exception() is not None:
            log.error("a delivery loop crashed: %r; stopping", task.exception())
    stop.set()
    _, pending = await asyncio.wait(tasks, timeout=within)
    for task in pending:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*pending, return_exceptions=True)
    stopper.cancel()


def send(args: argparse.Namespace) -> int:
    return run_role(
        _send,
        console_refusal="'send' delivers to Telegram and needs TELEGRAM_BOT_TOKEN; in console mode "
        "there is nothing to send to ('run' prints alerts instead)",
    )


async def _send(settings: Settings) -> int:
    stop = stop_signal()
    async with opened(settings) as storage:
        log.info("delivering via %s; Ctrl-C or SIGTERM stops", settings.telegram_api_url)
        await run_loops(role_loops(storage, settings), stop)
    log.info("stopped")
    return 0
