"""Replies to users draw from the same send budget as alerts, and a 429 is waited out.

python-telegram-bot lets an application put a rate limiter in front of every Bot API call. This one
asks the shared Redis limiter (``subscriptions.ratelimit``, the one every sender uses) for a slot
before each call that puts a message into a chat, so answers to users and alerts together stay
within ``SEND_RATE`` and each chat's own limit, across processes. Calls that are not messages
(answering a button, an inline query, editing) pass straight through.

When Telegram still answers 429 (another bot on the same token, a limit it does not publish), the
chat is paused for everyone and the reply is sent again after ``retry_after``, as long as the whole
wait stays within ``max_wait`` seconds; a user waiting longer than that gets no answer from the
retry, and the error reaches the handler as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from subscriptions.ratelimit import MESSAGE_METHODS, RateLimiter

log = logging.getLogger("vestka.bot")

MAX_WAIT = 30.0  # seconds a reply may wait for its turn and for 429s, in all


class SharedReplyLimiter(BaseRateLimiter[None]):
    def __init__(self, limiter: RateLimiter, max_wait: float = MAX_WAIT) -> None:
        self.limiter = limiter
        self.max_wait = max_wait

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Any:
        chat_id = data.get("chat_id")
        if endpoint not in MESSAGE_METHODS or not isinstance(chat_id, int):
            return await callback(*args, **kwargs)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_wait
        while True:
            slot_at = await self._turn(chat_id, deadline)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = _seconds(exc.retry_after)
                await self.limiter.flood(chat_id, seconds)
                if loop.time() + seconds > deadline:
                    raise
                log.info("a reply waits %.0f s for Telegram's flood control", seconds)
                await asyncio.sleep(seconds)
                continue
            self.limiter.pacing.observe(loop.time() - slot_at)
            return result

    async def _turn(self, chat_id: int, deadline: float) -> float:
        """Sleep until this reply's slot; returns the slot's time. Past ``deadline`` it goes
        without one (a late answer risks a 429, which the caller waits out or gives up on)."""
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            decision = await self.limiter.acquire(chat_id, "alerts")
            if decision.go:
                if decision.wait > 0:
                    await asyncio.sleep(decision.wait)
                return asked + decision.wait
            if asked + decision.wait > deadline:
                return asked
            await asyncio.sleep(decision.wait)


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
