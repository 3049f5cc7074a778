"""How the bot gets its updates: ``getUpdates`` long polling (a second poller ends the first with
409, as on Telegram) or a webhook the fake posts to, retrying non-2xx answers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import ClientSession, ClientTimeout

from testkit.botapi.errors import FAILURE_KINDS, ApiError
from testkit.botapi.wire import LONG_POLL_MAX_TIMEOUT, OPT_IN_UPDATES


class UpdatesMixin:
    """``getUpdates``, ``setWebhook``, ``deleteWebhook``, ``getWebhookInfo``."""

    async def m_get_updates(self, params: dict) -> list[dict]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0.0, min(float(params.get("timeout") or 0), LONG_POLL_MAX_TIMEOUT))
        if "allowed_updates" in params and params["allowed_updates"] is not None:
            self.allowed_updates = list(params["allowed_updates"])
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older poll still waiting ends with 409, as on Telegram
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            found = self._deliverable(offset, limit)
            if found:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing:
                return []
            waiter = self._updates_changed
            if self._poll_generation != generation:
                raise ApiError(*FAILURE_KINDS["conflict"])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter.wait(), remaining)
            if self._poll_generation != generation:
                raise ApiError(*FAILURE_KINDS["conflict"])

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = -offset
            while len(self._updates) > keep:
                self._updates.popleft()
        elif offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()

    def _allowed(self, update: dict) -> bool:
        kind = next((k for k in update if k != "update_id"), "")
        if not self.allowed_updates:
            return kind not in OPT_IN_UPDATES
        return kind in self.allowed_updates

    def _deliverable(self, offset: int, limit: int) -> list[dict]:
        out = []
        for upd in self._updates:
            if upd["update_id"] >= offset and self._allowed(upd):
                out.append(upd)
                if len(out) >= limit:
                    break
        return out

    def m_set_webhook(self, params: dict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self.m_delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        if "allowed_updates" in params and params["allowed_updates"] is not None:
            self.allowed_updates = list(params["allowed_updates"])
        self.webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "max_connections": int(params.get("max_connections") or 40),
            "last_error_date": None,
            "last_error_message": None,
        }
        if params.get("drop_pending_updates"):
            self._updates.clear()
        for upd in self._updates:
            self._queue_webhook(upd)
        self._poll_generation += 1
        self._wake_pollers()
        return True

    def m_delete_webhook(self, params: dict) -> bool:
        self.webhook = None
        if self._webhook_task:
            self._webhook_task.cancel()
            self._webhook_task = None
            self._webhook_queue = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def m_get_webhook_info(self, params: dict) -> dict:
        hook = self.webhook or {}
        info: dict[str, Any] = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if hook:
            info["max_connections"] = hook["max_connections"]
            if hook.get("last_error_date"):
                info["last_error_date"] = hook["last_error_date"]
                info["last_error_message"] = hook["last_error_message"]
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info

    def _queue_webhook(self, update: dict) -> None:
        if self._webhook_queue is None:
            self._webhook_queue = asyncio.Queue()
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())
        self._webhook_queue.put_nowait(update)

    async def _webhook_loop(self) -> None:
        """Deliver updates in order, retrying non-2xx answers a few times (as Telegram does)."""
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=10))
        queue = self._webhook_queue
        assert queue is not None
        while True:
            update = await queue.get()
            hook = self.webhook
            if hook is None:
                continue
            headers = {"Content-Type": "application/json"}
            if hook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            status = 0
            for attempt in range(5):
                try:
                    async with self._session.post(
                        hook["url"], data=json.dumps(update), headers=headers
                    ) as resp:
                        status = resp.status
                except Exception as exc:
                    status, hook["last_error_message"] = 0, f"Connection failed: {exc}"
                if 200 <= status < 300:
                    break
                hook["last_error_date"] = int(time.time())
                hook["last_error_message"] = hook.get("last_error_message") or (
                    f"Wrong response from the webhook: {status}"
                )
                await asyncio.sleep(0.05 * 2**attempt)
            self.webhook_deliveries.append((update["update_id"], status))
            if 200 <= status < 300:
                with contextlib.suppress(ValueError):
                    self._updates.remove(update)
