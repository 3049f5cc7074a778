"""Running the Telegram side until told to stop: by webhook or by long polling.

- ``WEBHOOK_URL`` set: the application is built without an updater; ``setWebhook`` registers the URL
  with ``WEBHOOK_SECRET`` as ``secret_token``, and ``bot.ops.web`` puts each update into PTB's
  ``update_queue``. Any number of processes may serve the webhook. On stop the webhook stays
  registered (Telegram keeps the updates for the next start or another replica).
- Otherwise long polling, by one process at a time (``bot.telegram.poller_lock``): the others stand
  by and take over when the holder stops or dies.

Stopping: no new updates are taken, updates already received are answered, sessions closed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.telegram.app import build_application, startup
from bot.telegram.poller_lock import PollerLock
from bot.telegram.services import Services
from feeds.storage.connection import Backoff

log = logging.getLogger("vestka.bot")

POLL_TIMEOUT = 20  # seconds of each getUpdates long poll


async def serve_bot(
    services: Services,
    stop: asyncio.Event,
    web: Any = None,
    status: dict[str, Any] | None = None,
) -> None:
    """Answer Telegram updates until ``stop`` is set, then shut down cleanly. ``web`` is the
    ``bot.ops.web.WebServer`` that receives webhook updates; ``status["bot"]`` tells /healthz what
    the bot is doing (starting, webhook, polling, standby, stopped)."""
    status = {} if status is None else status
    status["bot"] = "starting"
    settings = services.settings
    if settings.webhook_url is not None:
        if web is None:
            raise RuntimeError("webhook mode needs the web server")
        await _serve_webhook(services, stop, web, status)
    else:
        await _serve_polling(services, stop, status)
    status["bot"] = "stopped"


async def _serve_webhook(services: Services, stop: asyncio.Event, web: Any, status: dict) -> None:
    settings = services.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    application = build_application(services, updater=False)
    async with application:
        await startup(application)
        await application.start()
        web.application = application
        await application.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
        status["bot"] = "webhook"
        log.info("bot answering updates (webhook)", extra={"path": settings.webhook_path})
        await stop.wait()
        web.application = None  # new updates get 503: Telegram sends them again later
        await application.stop()  # answers what is already in the queue


async def _serve_polling(services: Services, stop: asyncio.Event, status: dict) -> None:
    settings = services.settings
    application: Application = build_application(services)
    lock = PollerLock(services.storage, ttl=settings.poller_lock_ttl)
    backoff = Backoff("long polling", logger=log)
    async with application:
        await startup(application)
        await application.start()
        updater = application.updater
        assert updater is not None
        try:
            while not stop.is_set():
                status["bot"] = "standby"
                if not await lock.wait_acquired(stop):
                    break
                try:
                    await updater.start_polling(
                        allowed_updates=Update.ALL_TYPES,
                        drop_pending_updates=False,
                        timeout=POLL_TIMEOUT,
                    )
                except TelegramError as exc:  # Telegram unreachable: let another try meanwhile
                    await lock.release()
                    await backoff.wait(stop, exc)
                    continue
                backoff.reset()
                status["bot"] = "polling"
                log.info("bot answering updates (long polling)")
                await lock.keep(stop)
                await updater.stop()
                if not stop.is_set():
                    log.info("stopped polling; waiting for the poller lock again")
        finally:
            if updater.running:
                await updater.stop()
            await lock.release()
            await application.stop()
