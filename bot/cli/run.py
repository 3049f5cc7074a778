"""The process roles of the Procfile: ``run`` (everything) (``watch`` is in ``bot.cli.watch``,
``serve`` in ``bot.cli.serve``, ``send`` in ``bot.cli.send``).

A role that is not built yet says so and exits 2, so a Procfile line never pretends to work.
"""

from __future__ import annotations

import argparse
import logging

from bot.cli.send import Loop, role_loops, run_loops
from bot.cli.watch import prepare_feeds, watching
from bot.ops.runtime import run_role, started, stop_signal
from bot.ops.settings import Settings
from bot.ops.web import listening
from bot.telegram.polling import serve_bot
from bot.telegram.services import Services

log = logging.getLogger("vestka")


def add_parser(commands: argparse._SubParsersAction) -> None:
    run_parser = commands.add_parser(
        "run",
        help="run every role in one process (the default deployment)",
        description="Run Vestka: open storage, load the registry, and run every role until "
        "SIGTERM or Ctrl-C.",
    )
    run_parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return run_role(_run)


async def _run(settings: Settings) -> int:
    """Every role in this process: the watcher always; with a token also the bot and delivery."""
    stop = stop_signal()
    async with started(settings) as storage:
        mode = (
            "console mode: alerts are printed here"
            if settings.console_mode
            else f"Telegram mode via {settings.telegram_api_url}"
        )
        log.info("vestka running (%s); Ctrl-C or SIGTERM stops it", mode)
        await prepare_feeds(storage, settings, merge_file=True)
        async with watching(storage, settings) as watcher, listening(storage, settings) as web:
            loops: list[Loop] = [watcher.run]
            if not settings.console_mode:
                services = Services(settings, storage)
                loops += [
                    lambda stop: serve_bot(services, stop, web, web.status),
                    *role_loops(storage, settings),
                ]
            await run_loops(loops, stop)
    log.info("stopped")
    return 0
