"""What every long-running role does first and last: open storage, bring the registry up to date,
and stop cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from bot.ops.logs import configure_logging_for
from bot.ops.settings import Settings, settings_or_exit
from feeds.registry.migrations import STEPS
from feeds.registry.reading import RegistryFileError
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage, StorageError, open_storage
from feeds.storage.migrations import migrate

log = logging.getLogger("vestka")


class StartupError(Exception):
    """Start-up cannot go on; the message is one line for the operator."""


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Storage]:
    """Open storage, migrate data an older release wrote (``feeds/storage/migrations.py``), and seed
    the registry if this storage has never been seeded.

    Every command that touches storage goes through here, so the first one seeds, whichever it is.
    A ``REGISTRY_FILE`` that cannot be used is a ``StartupError`` (one line, exit 2).
    """
    try:
        async with open_storage(settings) as storage:
            await migrate(storage, STEPS)
            try:
                await RegistryStore(storage).ensure_seeded(
                    settings.registry_file, settings.registry_include_np
                )
            except RegistryFileError as exc:
                raise StartupError(f"REGISTRY_FILE {exc}") from None
            yield storage
    except StorageError as exc:
        raise StartupError(str(exc)) from None


@asynccontextmanager
async def started(settings: Settings) -> AsyncIterator[Storage]:
    """``opened``, then merge ``REGISTRY_FILE``: the long-running roles (run/serve/watch) merge it at
    every start, so an operator's edits to the file take effect on restart."""
    async with opened(settings) as storage:
        registry = RegistryStore(storage)
        if settings.registry_file is not None:
            try:
                result, report = await registry.import_file(
                    settings.registry_file, settings.registry_include_np
                )
            except RegistryFileError as exc:
                raise StartupError(f"REGISTRY_FILE {exc}") from None
            for problem in result.problems:
                log.warning("registry: %s", problem)
            for warning in result.warnings:
                log.warning("registry: cleaned: %s", warning)
            for target_id, kept, offered in report.held:
                log.warning(
                    "registry: %s stays %s (the file says %s); an admin can change it",
                    target_id,
                    kept,
                    offered,
                )
            if result.left_out_np:
                log.info(
                    "registry: %d records marked np left out (REGISTRY_INCLUDE_NP=true keeps them)",
                    result.left_out_np,
                )
            log.info("registry file merged: %s", report.line())
            await announce_changes(
                storage, settings, report, f"REGISTRY_FILE {settings.registry_file}"
            )
        log.info(
            "storage: %s; registry: %d targets, version %d",
            storage.description,
            await registry.count(),
            await registry.version(),
        )
        yield storage


async def announce_changes(storage: Storage, settings: Settings, report, origin: str) -> list:
    """Registry status/facility changes -> timeline events and alerts (printed in console mode)."""
    from bot.ops.console import ConsolePrinter
    from feeds.watching.timeline import record_registry_changes

    alerts = await record_registry_changes(storage, report.changes, origin, report.version)
    if settings.console_mode:
        printer = ConsolePrinter(settings.zone)
        for alert in alerts:
            printer(alert)
    return alerts


def stop_signal() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT, for the main loop to wait on."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


def fail(message: str) -> int:
    print(f"vestka: {message}", file=sys.stderr)
    return 2


def run_role(main: Callable[[Settings], Awaitable[int]], console_refusal: str | None = None) -> int:
    """A command's common frame: settings (exit 2 on a bad one), logging, then ``main`` under
    asyncio; a start-up failure becomes one line and exit 2. ``console_refusal`` is the message for a
    role that cannot work in console mode."""
    settings = settings_or_exit()
    configure_logging_for(settings)
    if console_refusal is not None and settings.console_mode:
        return fail(console_refusal)
    try:
        return asyncio.run(main(settings))
    except StartupError as exc:
        return fail(str(exc))
