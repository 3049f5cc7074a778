"""Running the Telegram side until told to stop: long polling with python-telegram-bot.

(Webhooks and the single-poller lock come with the operations work.)
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.app import build_application, startup
from bot.services import Services

log = logging.getLogger("vestka.bot")


async def serve_bot(services: Services, stop: asyncio.Event) -> None:
    """Answer Telegram updates by long polling until ``stop`` is set, then shut down cleanly."""
    application = build_application(services)
    async with application:
        await startup(application)
        await application.start()
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, timeout=20
        )
        log.info("bot answering updates (long polling)")
        await stop.wait()
        await application.updater.stop()
        await application.stop()
