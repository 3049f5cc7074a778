"""The broadcast monitor of the ``send`` and ``run`` roles: it drives the current broadcast
forward and keeps the admin informed in Telegram.

``BroadcastMonitor`` (one per ``send``/``run`` process) finishes preparing and enqueuing what a
crash left half-done, edits the admin's progress message every few seconds (sent, failed, blocked,
remaining, ETA at the current rate) and posts the final report. The broadcast's state and counters
are ``subscriptions/``'s (``broadcast.py``, and ``BroadcastStore`` in ``broadcast_store.py``); the
texts and the Bot API calls are here, on the Telegram side. The client is anything with ``send_message`` and ``edit_message_text``
(python-telegram-bot's ``telegram.Bot``, or a test's), and the texts are injected as
``t(lang, key, **params)``; :func:`broadcast_monitor` builds both for the roles.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from redis.exceptions import RedisError
from telegram import Bot
from telegram.ext import ExtBot

from bot.ops.settings import Settings
from bot.telegram.i18n import t
from bot.telegram.replies import SharedReplyLimiter
from bot.telegram.services import rate_config
from feeds.storage.connection import Storage
from subscriptions.broadcast import Broadcast, State, shown_digest
from subscriptions.broadcast_store import BroadcastStore
from subscriptions.ratelimit import RateLimiter

log = logging.getLogger("vestka.broadcast")


class BotClient(Protocol):
    """What the monitor needs of a Bot API client (``telegram.Bot`` has it)."""

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any: ...

    async def edit_message_text(
        self, text: str, chat_id: int, message_id: int, **kwargs: Any
    ) -> Any: ...


Texts = Callable[..., str]  # t(lang, key, **params) -> Telegram HTML


def clock_text(seconds: float) -> str:
    """``H:MM:SS`` (the same in every language)."""
    seconds = max(round(seconds), 0)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def progress_text(texts: Texts, b: Broadcast, eta: float | None) -> str:
    """The admin's progress message: counts, what remains, and the time left at the current rate."""
    return texts(
        b.lang,
        "broadcast.progress",
        id=b.id,
        audience=b.audience_label,
        sent=b.sent,
        failed=b.failed,
        blocked=b.blocked,
        remaining=b.remaining,
        total=b.total,
        eta=clock_text(eta) if eta is not None else texts(b.lang, "broadcast.eta_unknown"),
    )


class Rate:
    """Settled deliveries per second over a sliding window, for the ETA."""

    def __init__(self, window: float = 60.0) -> None:
        self.window = window
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, settled: int) -> None:
        self.samples.append((now, settled))
        while len(self.samples) > 2 and now - self.samples[1][0] >= self.window:
            self.samples.popleft()

    def per_second(self) -> float:
        if len(self.samples) < 2:
            return 0.0
        (t0, c0), (t1, c1) = self.samples[0], self.samples[-1]
        return (c1 - c0) / (t1 - t0) if t1 > t0 and c1 > c0 else 0.0

    def eta(self, remaining: int) -> float | None:
        rate = self.per_second()
        return remaining / rate if rate > 0 else None


class BroadcastMonitor:
    """Carries running broadcasts forward and keeps the admin informed.

    Every ``interval`` seconds: post the final reports still owed; then, for the current broadcast,
    prepare/enqueue what a crash left undone, declare it done once every delivery is settled (or,
    after ``stall_seconds`` without progress, once none of its deliveries is left in the lane), and
    otherwise edit its progress message. ``clock`` (monotonic seconds) is injectable for tests.
    """

    def __init__(
        self,
        storage: Storage,
        bot: BotClient,
        texts: Texts,
        *,
        interval: float = 5.0,
        stall_seconds: float = 120.0,
        batches_per_tick: int = 20,
        clock: Callable[[], float] = time.monotonic,
        store: BroadcastStore | None = None,
        owns_bot: bool = False,
    ) -> None:
        self.store = store or BroadcastStore(storage)
        self.bot = bot
        self.owns_bot = owns_bot
        self.texts = texts
        self.interval = interval
        self.stall_seconds = stall_seconds
        self.batches_per_tick = batches_per_tick
        self.clock = clock
        self._rates: dict[str, Rate] = {}
        self._last_settled: dict[str, tuple[int, float]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every ``interval`` seconds until ``stop`` is set (then close the bot if owned)."""
        log.info("broadcast monitor running (every %.1f s)", self.interval)
        try:
            while not stop.is_set():
                try:
                    await self.tick()
                except (RedisError, OSError) as exc:
                    log.warning("broadcast monitor: storage unavailable (%s)", type(exc).__name__)
                except Exception:
                    log.exception("broadcast monitor tick failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.interval)
        finally:
            if self.owns_bot:
                with contextlib.suppress(Exception):
                    await self.bot.shutdown()  # type: ignore[attr-defined]

    async def tick(self) -> None:
        for broadcast_id in await self.store.unreported():
            await self._report(broadcast_id)
        current = await self.store.current()
        if current is None:
            return
        if not current.fully_enqueued:
            await self.store.prepare(current.id)
            await self.store.advance(current.id, self.batches_per_tick)
        b = await self.store.get(current.id)
        if b is None or not b.active:
            if b is not None:
                await self._report(b.id)
            return
        if b.progress_message_id is None:
            await self._post_progress(b)
        done = b.fully_enqueued and (b.settled >= b.total or await self._stalled_out(b))
        if done and await self.store.finish(b.id):
            await self._report(b.id)
            return
        await self._show_progress(b)

    async def _stalled_out(self, b: Broadcast) -> bool:
        """No progress for ``stall_seconds`` and nothing of it left in the lane: what is missing
        was lost (dropped by /forget, or acked without a count); stop waiting for it."""
        now = self.clock()
        last = self._last_settled.get(b.id)
        if last is None or last[0] != b.settled:
            self._last_settled[b.id] = (b.settled, now)
            return False
        if now - last[1] < self.stall_seconds:
            return False
        return await self.store.queued(b.id) == 0

    def _progress_text(self, b: Broadcast) -> str:
        rate = self._rates.setdefault(b.id, Rate())
        rate.add(self.clock(), b.settled)
        return progress_text(self.texts, b, rate.eta(b.remaining))

    async def _post_progress(self, b: Broadcast) -> None:
        text = self._progress_text(b)
        message = await self._call(self.bot.send_message(b.admin_chat, text, parse_mode="HTML"))
        if message is not None:
            b.progress_message_id, b.shown = message.message_id, shown_digest(text)
            await self.store.set_progress_message(b.id, message.message_id, text)

    async def _show_progress(self, b: Broadcast, text: str | None = None) -> None:
        """Edit the progress message, unless it already says this (checked in Redis, so a new
        monitor after a restart, or a second one, does not repeat an edit)."""
        text = text or self._progress_text(b)
        if b.progress_message_id is None or b.shown == shown_digest(text):
            return
        try:
            await self.bot.edit_message_text(
                text, chat_id=b.admin_chat, message_id=b.progress_message_id, parse_mode="HTML"
            )
        except Exception as exc:  # telegram.error.TelegramError and network errors
            reason = str(exc).lower()
            if "not found" in reason and b.active:  # the admin deleted it: post a new one
                await self._post_progress(b)
                return
            if "not modified" not in reason:
                log.warning("broadcast monitor: progress edit failed (%s)", type(exc).__name__)
                return
        b.shown = shown_digest(text)
        await self.store.mark_shown(b.id, text)

    async def _report(self, broadcast_id: str) -> None:
        if not await self.store.claim_report(broadcast_id):
            return
        b = await self.store.get(broadcast_id)
        if b is None:
            return
        key = (
            "broadcast.report_cancelled" if b.state is State.CANCELLED else "broadcast.report_done"
        )
        duration = (b.finished_at or time.time()) - (b.started_at or b.created_at)
        params = {
            "id": b.id,
            "audience": b.audience_label,
            "sent": b.sent,
            "failed": b.failed,
            "blocked": b.blocked,
            "lost": b.remaining,
            "total": b.total,
            "duration": clock_text(duration),
        }
        await self._show_progress(b, self.texts(b.lang, "broadcast.progress_final", **params))
        await self._call(
            self.bot.send_message(
                b.admin_chat, self.texts(b.lang, key, **params), parse_mode="HTML"
            )
        )
        await self.store.retire(broadcast_id)
        for memo in (self._rates, self._last_settled):
            memo.pop(broadcast_id, None)
        log.info(
            "broadcast summary",
            extra={
                "broadcast": b.id,
                "state": b.state.value,
                "total": b.total,
                "sent": b.sent,
                "failed": b.failed,
                "blocked": b.blocked,
                "lost": b.remaining,
                "duration": round(duration, 1),
            },
        )

    async def _call(self, call: Any) -> Any:
        """A Bot API call whose failure must not stop the monitor (the broadcast goes on)."""
        try:
            return await call
        except Exception as exc:  # telegram.error.TelegramError and network errors
            if "not modified" not in str(exc).lower():
                log.warning("broadcast monitor: Bot API call failed (%s)", type(exc).__name__)
            return None


def broadcast_monitor(
    storage: Storage, settings: Settings, bot: Bot | None = None, **options: object
) -> BroadcastMonitor:
    """The monitor for the ``send`` and ``run`` roles: ``await broadcast_monitor(...).run(stop)``.

    Without ``bot`` it builds its own bot on ``TELEGRAM_API_URL`` (closed when ``run`` returns),
    whose messages to the admin draw from the shared send budget like every other message;
    ``options`` go to ``BroadcastMonitor`` (interval, stall_seconds, clock, ...).
    """
    owns_bot = bot is None
    if bot is None:
        assert settings.telegram_bot_token is not None, "console mode has no Telegram bot"
        limiter = SharedReplyLimiter(RateLimiter(storage, rate_config(settings)))
        bot = ExtBot(
            settings.telegram_bot_token.get_secret_value(),
            base_url=f"{settings.telegram_api_url}/bot",
            base_file_url=f"{settings.telegram_api_url}/file/bot",
            rate_limiter=limiter,
        )
    return BroadcastMonitor(storage, bot, t, owns_bot=owns_bot, **options)  # type: ignore[arg-type]
