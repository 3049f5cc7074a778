"""The real bot against the fake Bot API: a running ``Application`` (long polling over HTTP), its
services on the test's own Redis prefix, and helpers that talk to it like a user."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from bot.ops.settings import Settings
from bot.telegram.polling import serve_bot
from bot.telegram.services import Services
from feeds.registry.importers import load_registry_file
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from testkit.botapi import FakeBotAPI
from testkit.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
EVAL_REGISTRY = ROOT / "tests" / "data" / "mentions" / "registry.csv"
ADMIN = 1001


@dataclass
class Harness:
    api: FakeBotAPI
    services: Services

    async def say(self, chat_id: int, text: str, **kwargs: object) -> str:
        """Write ``text`` in a chat and return the bot's next message there (its HTML)."""
        before = len(self.api.calls("sendMessage", chat_id))
        self.api.send_text(chat_id, text, **kwargs)
        call = await self.api.wait_for_call(
            "sendMessage", lambda c: c.chat_id == chat_id, count=before + 1
        )
        return call.params["text"]

    async def press(
        self, chat_id: int, data: str, message_id: int | None = None, **kwargs: object
    ) -> str:
        """Press a button; returns the callback answer's text ("" when it has none)."""
        update_id = self.api.callback_query(chat_id, message_id, data, **kwargs)
        query_id = self.api.query_id(update_id)
        call = await self.api.wait_for_call(
            "answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query_id
        )
        return call.params.get("text", "")

    def buttons(self, chat_id: int) -> list[tuple[str, str]]:
        """(label, callback data or url) of the last message's inline keyboard."""
        markup = self.api.last_call("sendMessage", chat_id).params.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data") or b.get("url", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]


@contextlib.asynccontextmanager
async def running_bot(storage: Storage, **settings: object) -> AsyncIterator[Harness]:
    async with FakeBotAPI() as api:
        config = Settings(
            telegram_bot_token=api.token,
            telegram_api_url=api.url,
            admin_ids=frozenset({ADMIN}),
            **settings,
        )
        result = load_registry_file(EVAL_REGISTRY)
        await RegistryStore(storage).merge(result.targets)
        services = Services(config, storage)
        stop = asyncio.Event()
        task = asyncio.create_task(serve_bot(services, stop))
        try:
            await wait_for(lambda: api.calls("getUpdates"), timeout=30, message="polling")
            yield Harness(api, services)
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
