"""One delivery, from its send slot to Telegram's answer and what that answer means.

A courier waits for the delivery's turn under the shared rate limits (a chat busy for longer than
``inline_wait`` is deferred rather than holding a slot), checks that a broadcast was not cancelled
meanwhile, posts it, and acts on the answer (``outcomes.classify``): a flood waits for everyone, a
group that became a supergroup gets the message at its new id, a message too long goes in parts,
broken HTML goes as plain text, a timeout or a 5xx backs off, and the rest ends through the
:class:`~subscriptions.settling.Settler`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from subscriptions.deliveries import Delivery, Lane
from subscriptions.outcomes import Kind, Outcome, classify
from subscriptions.outcomes import network_error as network_outcome
from subscriptions.ratelimit import Decision, RateLimiter
from subscriptions.sender_config import SenderConfig
from subscriptions.settling import Settler
from subscriptions.splitting import plain_text, split_message

log = logging.getLogger("vestka.sender")


class _Stopping(Exception):
    """Raised inside a delivery when the sender stops before the message went out."""


@dataclass
class _Piece:
    params: dict[str, Any]
    part_id: str | None = None  # set for the parts of a split message


class Courier:
    """Carries a sender's deliveries one by one (many at once, each in a task of the sender's).

    ``stopping``: set when the sender stops; a delivery not yet on the wire then goes back to its
    lane. ``session``: the sender's HTTP session, set while it runs.
    """

    def __init__(
        self,
        config: SenderConfig,
        limiter: RateLimiter,
        settler: Settler,
        stopping: asyncio.Event,
    ) -> None:
        self.config = config
        self.limiter = limiter
        self.settler = settler
        self.redis = settler.redis
        self.keys = settler.keys
        self.session: aiohttp.ClientSession | None = None
        self._stopping = stopping
        self._posting: set[str] = set()  # entry ids whose request is on the wire
        self._gates = {lane: asyncio.Lock() for lane in Lane}

    async def handle(
        self,
        lane: Lane,
        entry_id: str,
        delivery: Delivery,
        state: str,
        slot: Decision | None = None,
    ) -> None:
        try:
            if state == "busy":  # its live owner is sending it and will ack it
                return
            if state in ("sent", "inactive"):
                await self.settler.finish(
                    lane, entry_id, "duplicates_skipped" if state == "sent" else "dropped"
                )
                # sent: counted already unless its sender died before counting (counts are per
                # chat, so this never counts twice); inactive: the chat blocked the bot meanwhile
                await self.settler.settle(delivery, "sent" if state == "sent" else "blocked")
                return
            await self._deliver(lane, entry_id, delivery, slot)
        except (_Stopping, asyncio.CancelledError):
            if entry_id in self._posting:
                # On the wire when cancelled: it stays pending and its guard says ``sending`` by
                # us, so whoever claims it after we are gone sends it again (at most one repeat).
                self._posting.discard(entry_id)
            else:
                await asyncio.shield(self.settler.hand_back(lane, entry_id, delivery))
        except Exception:
            log.exception("sender: a delivery failed unexpectedly; it stays pending for a retry")

    async def first_slots(
        self, entries: list[tuple[Lane, str, Delivery]], states: list[str]
    ) -> list[Decision | None]:
        """Ask the limiter for the whole batch at once (per lane): one call, not one per send."""
        slots: list[Decision | None] = [None] * len(entries)
        if self._stopping.is_set():
            return slots
        for lane in Lane:
            picked = [
                i
                for i, ((entry_lane, _, _), state) in enumerate(zip(entries, states, strict=True))
                if entry_lane is lane and state == "go"
            ]
            if picked:
                chats = [entries[i][2].chat_id for i in picked]
                for i, decision in zip(
                    picked, await self.limiter.acquire_many(chats, lane), strict=True
                ):
                    slots[i] = decision
        return slots

    async def _deliver(
        self, lane: Lane, entry_id: str, delivery: Delivery, slot: Decision | None
    ) -> None:
        pieces = [_Piece(dict(delivery.params))]
        migrations = 0
        while pieces:
            piece = pieces[0]
            inline = self.config.parts_wait if piece.part_id else self.config.inline_wait
            slot_at = await self._wait_turn(lane, entry_id, delivery, inline, slot)
            if slot_at is None:
                return
            slot = None
            if await self.settler.cancelled(delivery):
                await self.settler.release(delivery.id)
                await self.settler.finish(lane, entry_id, "cancelled")
                return
            outcome = await self._post(lane, entry_id, delivery, piece.params)
            if outcome.answered:
                self.limiter.pacing.observe(time.monotonic() - slot_at)
            kind = outcome.kind
            if kind is Kind.OK:
                pieces.pop(0)
                if piece.part_id:
                    await self.redis.set(
                        self.keys.delivery_guard(piece.part_id), "sent", ex=self.config.sent_ttl
                    )
                continue
            if kind is Kind.FLOOD:
                everyone = await self.limiter.flood(delivery.chat_id, outcome.retry_after)
                if everyone:
                    log.warning("global flood: every sender waits %.0f s", outcome.retry_after)
                await self.settler.defer(
                    lane, entry_id, delivery, outcome.retry_after, "rate_limited"
                )
                return
            if kind is Kind.MIGRATED and outcome.new_chat_id is not None and migrations < 2:
                migrations += 1
                moved = await self.settler.subscriptions.migrate(
                    delivery.chat_id, outcome.new_chat_id
                )
                log.info("a group became a supergroup: %d subscriptions moved, resending", moved)
                self.settler.count("migrated")
                delivery.chat_id = outcome.new_chat_id
                continue
            if kind is Kind.TOO_LONG and piece.part_id is None and delivery.method == "sendMessage":
                parts = await self._split(delivery, piece.params)
                if parts is not None:
                    pieces = parts
                    self.settler.count("split")
                    continue
            if kind is Kind.BAD_HTML and piece.params.get("parse_mode"):
                params = dict(piece.params)
                params.pop("parse_mode")
                params.pop("entities", None)
                for name in ("text", "caption"):
                    if isinstance(params.get(name), str):
                        params[name] = plain_text(params[name])
                piece.params = params
                if piece.part_id is None:
                    delivery.params = params  # a requeue keeps the plain version
                self.settler.count("plain")
                continue
            if kind is Kind.GONE:
                await self.settler.gone(lane, entry_id, delivery, outcome)
                return
            if kind is Kind.RETRY:
                delivery.attempts += 1
                if delivery.attempts < self.config.max_attempts:
                    delay = min(
                        self.config.backoff_max, self.config.backoff_base * 2**delivery.attempts
                    )
                    delay *= random.uniform(0.8, 1.2)
                    await self.settler.defer(lane, entry_id, delivery, delay, "retried")
                    return
            if kind is Kind.FATAL:
                await self.settler.fatal(lane, entry_id, delivery, outcome)
                return
            await self.settler.dead(lane, entry_id, delivery, outcome)
            return
        await self.settler.done(lane, entry_id, delivery)

    async def _split(self, delivery: Delivery, params: dict) -> list[_Piece] | None:
        text = params.get("text")
        if not isinstance(text, str):
            return None
        html = str(params.get("parse_mode") or "").lower() == "html"
        texts = split_message(text, html=html)
        if len(texts) < 2:
            return None
        ids = [f"{delivery.id}#{k}" for k in range(1, len(texts) + 1)]
        done = await self.redis.mget([self.keys.delivery_guard(i) for i in ids])
        pieces = []
        for k, (part_id, part, mark) in enumerate(zip(ids, texts, done, strict=True)):
            if mark == b"sent":
                continue
            part_params = {**params, "text": part}
            if k < len(texts) - 1:  # buttons go under the last part
                part_params.pop("reply_markup", None)
            pieces.append(_Piece(part_params, part_id))
        return pieces  # empty: every part went out before

    async def _wait_turn(
        self,
        lane: Lane,
        entry_id: str,
        delivery: Delivery,
        inline: float,
        slot: Decision | None = None,
    ) -> float | None:
        """Wait for a send slot (``slot``: the answer already got for the batch).
        Returns the slot's time (monotonic), or None when the delivery was deferred instead (busy
        chat, pause)."""
        asked = time.monotonic()
        while True:
            if self._stopping.is_set():
                raise _Stopping
            if slot is None:
                asked = time.monotonic()
            decision = slot or await self.limiter.acquire(delivery.chat_id, lane)
            slot = None
            if _global_wait(decision, inline):
                async with self._gates[lane]:  # then one waiter per lane polls the global budget
                    asked = time.monotonic()
                    decision = await self.limiter.acquire(delivery.chat_id, lane)
                    while _global_wait(decision, inline):
                        await self._sleep(decision.wait)
                        asked = time.monotonic()
                        decision = await self.limiter.acquire(delivery.chat_id, lane)
            if decision.go:
                if decision.wait >= 0.002:
                    await asyncio.sleep(decision.wait)  # our reserved slot: keep it
                return asked + decision.wait
            if decision.wait > inline:
                await self.settler.defer(lane, entry_id, delivery, decision.wait, None)
                return None
            await self._sleep(decision.wait)

    async def _sleep(self, seconds: float) -> None:
        if await sleep_or(self._stopping, seconds):
            raise _Stopping

    async def _post(
        self, lane: Lane, entry_id: str, delivery: Delivery, params: dict[str, Any]
    ) -> Outcome:
        assert self.session is not None
        body = {**params, "chat_id": delivery.chat_id}
        if self.config.paid_broadcasts and lane is Lane.BROADCAST:
            body["allow_paid_broadcast"] = True
        self._posting.add(entry_id)  # stays there if we are cancelled on the wire
        try:
            async with self.session.post(
                f"{self.config.api_url}/{delivery.method}", json=body
            ) as response:
                status, raw = response.status, await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            self._posting.discard(entry_id)
            return network_outcome(exc)
        self._posting.discard(entry_id)
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        return classify(status, payload)


def _global_wait(decision: Decision, inline: float) -> bool:
    """A wait for the whole bot's budget (not for one chat): short, and shared by every delivery."""
    if decision.go:
        return False
    return decision.scope == "global" or (decision.scope == "pause_all" and decision.wait <= inline)


async def sleep_or(event: asyncio.Event, seconds: float) -> bool:
    """Sleep ``seconds`` unless ``event`` is set first; True when it was."""
    if event.is_set():
        return True
    if seconds <= 0:
        return False
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    return event.is_set()
