"""``serve``: the Telegram role alone: answer commands, buttons and inline queries."""

from __future__ import annotations

import argparse
import logging

from bot.ops.runtime import run_role, started, stop_signal
from bot.ops.settings import Settings
from bot.ops.web import listening
from bot.telegram.polling import serve_bot
from bot.telegram.services import Services

log = logging.getLogger("vestka")


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="run only the bot role (answer Telegram updates)",
        description="Answer Telegram updates until SIGTERM or Ctrl-C. Needs TELEGRAM_BOT_TOKEN.",
    )
    parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    return run_role(
        _serve,
        console_refusal="'serve' answers Telegram and needs TELEGRAM_BOT_TOKEN; "
        "'run' works without one (console mode)",
    )


async def _serve(settings: Settings) -> int:
    stop = stop_signal()
    async with started(settings) as storage, listening(storage, settings) as web:
        await serve_bot(Services(settings, storage), stop, web, web.status)
    log.info("stopped")
    return 0
