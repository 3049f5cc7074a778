"""The HTTP side of ``run`` and ``serve`` on ``PORT``: one aiohttp app for the Telegram webhook,
``/healthz`` and ``/metrics``.

- ``POST <path of WEBHOOK_URL>``: an update from Telegram. Without the right
  ``X-Telegram-Bot-Api-Secret-Token`` header: 403. Otherwise the update goes into PTB's
  ``application.update_queue`` and the answer is 200 at once; before the bot is ready or once it is
  stopping: 503, so Telegram delivers the update again later (to this process or another).
- ``GET /healthz``: 200 when Redis answers and the last poll cycle and the sender heartbeat are
  recent, else 503; a short JSON body names the stale part (``bot.ops.metrics.health``).
- ``GET /metrics``: Prometheus text, read from Redis (``bot.ops.metrics``), so every process shows
  the numbers of the whole deployment.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.ops.metrics import health, prometheus_text, snapshot
from bot.ops.settings import Settings
from feeds.storage.connection import Storage

log = logging.getLogger("vestka.web")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 1 << 20


@asynccontextmanager
async def listening(storage: Storage, settings: Settings) -> AsyncIterator[WebServer]:
    """The web server on ``PORT`` for the life of the block (``run`` and ``serve``)."""
    from bot.ops.runtime import StartupError

    server = WebServer(storage, settings)
    try:
        await server.start()
    except OSError as exc:
        raise StartupError(str(exc)) from None
    try:
        yield server
    finally:
        await server.stop()


class WebServer:
    """``await server.start()`` (returns the port bound), ``await server.stop()``."""

    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        *,
        check_sender: bool | None = None,
    ) -> None:
        self.storage = storage
        self.settings = settings
        self.check_sender = not settings.console_mode if check_sender is None else check_sender
        self.status: dict = {}  # what /healthz adds: the bot's state (serve_bot writes it)
        self.application = None  # PTB Application while it accepts webhook updates
        self._secret = (
            settings.webhook_secret.get_secret_value().encode()
            if settings.webhook_secret is not None
            else None
        )
        self.app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/metrics", self._metrics)
        if settings.webhook_path is not None and not settings.console_mode:
            self.app.router.add_post(settings.webhook_path, self._webhook)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> int:
        self._runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=2.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.listen_host, self.settings.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise OSError(
                f"cannot listen on {self.settings.listen_host}:{self.settings.port}: {exc.strerror}"
            ) from exc
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.port
        log.info(
            "http listening",
            extra={
                "host": self.settings.listen_host,
                "port": self.port,
                "webhook": self.settings.webhook_path is not None,
            },
        )
        return self.port

    async def stop(self) -> None:
        self.application = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- handlers --------------------------------------------------------------------------------
    async def _healthz(self, request: web.Request) -> web.Response:
        result = await health(
            self.storage, self.settings, check_sender=self.check_sender, extra=self.status
        )
        return web.Response(
            status=result.status,
            text=json.dumps(result.body, separators=(",", ":")),
            content_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    async def _metrics(self, request: web.Request) -> web.Response:
        try:
            snap = await snapshot(self.storage, self.settings.zone)
        except Exception as exc:  # Redis away: say so, scrape again later
            log.debug("metrics unavailable: %s", type(exc).__name__)
            return web.Response(status=503, text=f"# storage unavailable: {type(exc).__name__}\n")
        body = prometheus_text(snap)
        response = web.Response(status=200, body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if self._secret is None or not hmac.compare_digest(given, self._secret):
            log.warning("webhook: refused a request without the right secret token")
            return web.Response(status=403, text="forbidden")
        application = self.application
        if application is None:
            return web.Response(status=503, text="not ready")
        try:
            data = await request.json()
        except ValueError:
            return web.Response(status=400, text="not JSON")
        from telegram import Update

        try:
            update = Update.de_json(data, application.bot)
        except Exception:  # a malformed update must not be retried forever
            log.warning("webhook: an update could not be read; dropped")
            return web.Response(status=200, text="ignored")
        if update is None:
            return web.Response(status=200, text="ignored")
        await application.update_queue.put(update)
        return web.Response(status=200, text="ok")
