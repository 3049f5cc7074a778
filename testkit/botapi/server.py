"""The fake Bot API server: one aiohttp app, its state, the dispatch of every call (network jitter,
programmed failures, blocked and migrated chats, rate limits) and what a test reads back (calls,
stats). The methods themselves, update injection, update delivery and the admin side are mixins
beside it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from aiohttp import ClientSession, web

from testkit.botapi.admin import AdminMixin
from testkit.botapi.chats import ChatsMixin
from testkit.botapi.errors import (
    FAILURE_KINDS,
    ApiError,
    Failure,
    flood,
    make_failure,
    migrated,
    norm_chat,
)
from testkit.botapi.injection import InjectionMixin
from testkit.botapi.limits import Limits, SlidingLimits
from testkit.botapi.methods import MethodsMixin
from testkit.botapi.records import Call, InlineAnswer
from testkit.botapi.updates import UpdatesMixin
from testkit.botapi.wire import CONTROL_METHODS, DEFAULT_TOKEN, SEND_METHODS, decode_form_value


class FakeBotAPI(ChatsMixin, InjectionMixin, UpdatesMixin, MethodsMixin, AdminMixin):
    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        enforce_limits: bool = False,
        limits: Limits | None = None,
        latency_ms: float = 0.0,
        jitter_ms: float = 0.0,
        seed: int | None = None,
        max_calls: int = 50_000,
        max_messages: int = 50_000,
        any_token: bool = False,
        admin: bool = True,
    ) -> None:
        if not host.startswith("127."):
            raise ValueError(f"FakeBotAPI binds loopback addresses only, not {host}")
        self.token = token
        self.host = host
        self.port = port
        self.enforce_limits = enforce_limits
        self.limits = limits or Limits()
        self.latency = latency_ms / 1000.0
        self.jitter_ms = jitter_ms
        self.seed = seed
        self.any_token = any_token
        self.admin = admin
        self.max_messages = max_messages
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._webhook_task: asyncio.Task | None = None
        self._max_calls = max_calls
        self._poll_generation = 0  # kept across reset(): a waiting poll just carries on
        self._closing = False
        # Sends are counted against the windows on this clock; the jitter sleeps through
        # ``sleep``. A test may replace both (a fake clock, a sleep that advances it).
        self.clock: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], Any] = asyncio.sleep
        self._reset_state()

    # -- state ---------------------------------------------------------------------------------
    def _reset_state(self) -> None:
        self._calls: deque[Call] = deque(maxlen=self._max_calls)
        self.method_counts: Counter[str] = Counter()
        self.delivered: Counter[int | str] = Counter()
        self.errors: Counter[int] = Counter()
        self._seen: Counter[tuple[int | str, int]] = Counter()
        self._dup_preview: dict[tuple[int | str, int], str] = {}
        self.first_delivery_at: float | None = None
        self.last_delivery_at: float | None = None
        self.failures: list[Failure] = []
        self._failure_ids = itertools.count(1)
        self.windows = SlidingLimits(self.limits)
        self.rng = random.Random(self.seed)
        # updates
        self._update_ids = itertools.count(100_000_001)
        self._updates: deque[dict] = deque()
        self.injected: OrderedDict[int, dict] = OrderedDict()
        self._updates_changed = asyncio.Event()
        self.allowed_updates: list[str] | None = None
        self.webhook: dict | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status or 0)
        self._webhook_queue: asyncio.Queue[dict] | None = None
        # chats, messages, members
        self.chats: dict[int | str, dict] = {}
        self._message_ids: dict[int | str, int] = {}
        self.messages: OrderedDict[tuple[int | str, int], dict] = OrderedDict()
        self.members: dict[tuple[int | str, int], str] = {}
        self.blocked: dict[int | str, str] = {}  # chat -> failure kind, from my_chat_member
        self.migrated_to: dict[int, int] = {}
        self.commands: dict[str, list[dict]] = {}
        self.menu_buttons: dict[int | str | None, dict] = {}
        self._open_callbacks: set[str] = set()
        self._open_inline: set[str] = set()
        self.callback_answers: dict[str, dict] = {}
        self.inline_answers: dict[str, InlineAnswer] = {}
        self._query_ids = itertools.count(1)
        self._calls_changed = asyncio.Event()
        self._call_waiters = 0
        self.started_at = time.time()

    def reset(self) -> None:
        """Forget everything (calls, counters, failures, chats, pending updates, webhook)."""
        waiting = self._updates_changed
        if self._webhook_task:
            self._webhook_task.cancel()
            self._webhook_task = None
        self._reset_state()
        waiting.set()

    def clear(self) -> None:
        """Forget recorded calls only (counters and state stay)."""
        self._calls.clear()

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def api_url(self) -> str:
        """The URL with the token, as Telegram's ``https://api.telegram.org/bot<token>``."""
        return f"{self.base_url}{self.token}"

    def ptb_builder(self) -> Any:
        """``Application.builder()`` already pointed at this server (token, base URLs)."""
        from telegram.ext import Application

        return (
            Application.builder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=64 << 20)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        if self.admin:
            app.router.add_get("/_fake/health", self._admin_health)
            app.router.add_get("/_fake/stats", self._admin_stats)
            app.router.add_get("/_fake/calls", self._admin_calls)
            app.router.add_post("/_fake/inject", self._admin_inject)
            app.router.add_post("/_fake/fail", self._admin_fail)
            app.router.add_post("/_fake/limits", self._admin_limits)
            app.router.add_post("/_fake/reset", self._admin_reset)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(
            self.build_app(), shutdown_timeout=0.5, access_log=None, handle_signals=False
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024, reuse_address=True)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._closing = True  # waiting polls return [] at once
        self._updates_changed.set()
        if self._webhook_task:
            self._webhook_task.cancel()
            with contextlib.suppress(BaseException):
                await self._webhook_task
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- programming ---------------------------------------------------------------------------
    def fail(self, kind: str | None = None, **kwargs: Any) -> Failure:
        """Program a failure; see ``make_failure``. Returns the rule (``api.unfail(rule)``)."""
        rule = make_failure(kind, **kwargs)
        rule.id = next(self._failure_ids)
        self.failures.append(rule)
        return rule

    def fail_first(self, method: str, k: int, kind: str = "server_error", **kwargs: Any) -> Failure:
        """The next ``k`` calls of ``method`` fail with ``kind``."""
        return self.fail(kind, method=method, times=k, **kwargs)

    def unfail(self, rule: Failure | None = None) -> None:
        """Remove one rule, or all of them (also the block/migration state of chats)."""
        if rule is None:
            self.failures.clear()
            self.blocked.clear()
            self.migrated_to.clear()
        else:
            self.failures = [r for r in self.failures if r.id != rule.id]

    clear_failures = unfail

    def set_limits(
        self,
        enforce: bool | None = None,
        *,
        jitter_ms: float | None = None,
        seed: int | None = None,
        **values: float,
    ) -> dict:
        """Turn enforcement on or off, change ``Limits`` fields (the windows start empty again),
        the jitter or the seed (which restarts the random sequence). Returns ``limits_info()``."""
        changed = Limits(**asdict(self.limits))
        for key, value in values.items():
            changed.set(key, value)
        if jitter_ms is not None and jitter_ms < 0:
            raise ValueError(f"jitter_ms must be >= 0, not {jitter_ms!r}")
        if enforce is not None:
            self.enforce_limits = bool(enforce)
        if values:
            for key, value in asdict(changed).items():
                setattr(self.limits, key, value)
            self.windows.clear()
        if jitter_ms is not None:
            self.jitter_ms = jitter_ms
        if seed is not None:
            self.seed = int(seed)
            self.rng = random.Random(self.seed)
        return self.limits_info()

    def limits_info(self) -> dict:
        return {
            "enforce_limits": self.enforce_limits,
            "limits": asdict(self.limits),
            "jitter_ms": self.jitter_ms,
            "seed": self.seed,
        }

    @property
    def rate_limited(self) -> int:
        """429s answered because of the limits (not programmed floods)."""
        return self.windows.rate_limited

    @property
    def rate_limited_by_scope(self) -> Counter[str]:
        return self.windows.rate_limited_by_scope

    # -- reading -------------------------------------------------------------------------------
    def calls(
        self, method: str | None = None, chat_id: int | str | None = None, *, ok: bool | None = None
    ) -> list[Call]:
        chat = norm_chat(chat_id) if chat_id is not None else None
        return [
            c
            for c in self._calls
            if (method is None or c.method == method)
            and (chat is None or c.chat_id == chat)
            and (ok is None or c.ok == ok)
        ]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts (as sent, with their HTML) of the sendMessage calls Telegram accepted."""
        return [c.params.get("text", "") for c in self.calls("sendMessage", chat_id, ok=True)]

    def sent_messages(self, chat_id: int | str | None = None) -> list[dict]:
        """The Message objects returned for accepted sendMessage calls (plain text + entities)."""
        return [c.result for c in self.calls("sendMessage", chat_id, ok=True)]

    def last_call(self, method: str | None = None, chat_id: int | str | None = None) -> Call:
        found = self.calls(method, chat_id)
        if not found:
            raise AssertionError(f"no {method or 'API'} call recorded for chat {chat_id}")
        return found[-1]

    async def wait_for_calls(
        self,
        method: str | None = None,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
        count: int = 1,
    ) -> list[Call]:
        """Wait until ``count`` answered calls match; returns all matches so far."""
        deadline = time.monotonic() + timeout
        self._call_waiters += 1
        try:
            while True:
                found = [
                    c
                    for c in self._calls
                    if c.status is not None
                    and (method is None or c.method == method)
                    and (predicate is None or predicate(c))
                ]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.params.get("chat_id")) for c in list(self._calls)[-10:]]
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} {method or 'API'} "
                        f"call(s); got {len(found)}; last calls: {seen}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._calls_changed.wait(), remaining)
        finally:
            self._call_waiters -= 1

    async def wait_for_call(
        self,
        method: str | None = None,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
        count: int = 1,
    ) -> Call:
        """The ``count``-th answered call matching ``method`` and ``predicate`` (past ones count)."""
        found = await self.wait_for_calls(method, predicate, timeout, count)
        return found[count - 1]

    async def wait_for_inline_answer(
        self, query_id: str | int, timeout: float = 10.0
    ) -> InlineAnswer:
        """The bot's answer to an inline query (by query id, or by the update id of ``inline_query``)."""
        if isinstance(query_id, int):
            query_id = self.query_id(query_id)
        await self.wait_for_call(
            "answerInlineQuery",
            lambda c: c.params.get("inline_query_id") == query_id and c.ok,
            timeout,
        )
        return self.inline_answers[query_id]

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    @property
    def duplicates(self) -> dict[tuple[int | str, str], int]:
        """(chat, text preview) -> extra copies delivered beyond the first."""
        return {(key[0], self._dup_preview[key]): n - 1 for key, n in self._seen.items() if n > 1}

    def stats(self) -> dict:
        dups = self.duplicates
        return {
            "calls": dict(self.method_counts),
            "delivered": {str(k): v for k, v in self.delivered.items()},
            "delivered_total": sum(self.delivered.values()),
            "delivered_chats": len(self.delivered),
            "rate_limited": self.rate_limited,
            "rate_limited_by_scope": dict(self.rate_limited_by_scope),
            "max_per_second": self.windows.max_per_second,
            "chat_window_violations": self.windows.chat_window_violations,
            "errors": {str(k): v for k, v in self.errors.items()},
            "duplicates": [
                {"chat_id": chat, "text": text, "extra": n} for (chat, text), n in dups.items()
            ],
            "duplicate_total": sum(dups.values()),
            "first_delivery_at": self.first_delivery_at,
            "last_delivery_at": self.last_delivery_at,
            "pending_updates": len(self._updates),
            **self.limits_info(),
            "now": time.time(),
        }

    # -- HTTP: the Bot API -----------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for k, v in request.query.items():
            params[k] = decode_form_value(k, v)
        if request.method != "POST" or not request.body_exists:
            return params
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise ApiError(400, "Bad Request: can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: can't parse JSON object")
            for key in ("reply_markup", "entities", "allowed_updates", "results", "commands"):
                if isinstance(body.get(key), str):
                    with contextlib.suppress(ValueError):
                        body[key] = json.loads(body[key])
            params.update(body)
        else:
            form = await request.post()
            for k, v in form.items():
                if isinstance(v, str):
                    params[k] = decode_form_value(k, v)
                else:  # an uploaded file
                    data = v.file.read()
                    params[k] = {
                        "filename": v.filename,
                        "content_type": v.content_type,
                        "size": len(data),
                    }
        if "chat_id" in params:
            params["chat_id"] = norm_chat(params["chat_id"])
        return params

    async def _handle_file(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method_name = request.match_info["method"]
        if token != self.token and not (self.any_token and ":" in token):
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        # Telegram's method names are case-insensitive.
        method = METHOD_NAMES.get(method_name.lower(), method_name)
        try:
            params = await self._params(request)
        except ApiError as err:
            return web.json_response(err.body(), status=err.status)
        call = Call(method, params, time.time())
        self._calls.append(call)
        self.method_counts[method] += 1
        if self.jitter_ms and method != "getUpdates":  # the network between bot and Telegram
            call.jitter = self.rng.uniform(0.0, self.jitter_ms / 1000.0)
            await self.sleep(call.jitter)
        try:
            result = await self._answer(method, params)
        except ApiError as err:
            call.status, call.error = err.status, err.description
            self.errors[err.status] += 1
            self._notify_call()
            return web.json_response(err.body(), status=err.status)
        call.status, call.result = 200, result
        self._notify_call()
        return web.Response(
            text=json.dumps({"ok": True, "result": result}, ensure_ascii=False),
            content_type="application/json",
        )

    def _notify_call(self) -> None:
        if self._call_waiters:
            self._calls_changed.set()
            self._calls_changed = asyncio.Event()

    async def _answer(self, method: str, params: dict) -> Any:
        handler = HANDLERS.get(method)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        chat = params.get("chat_id")
        if self.latency and method != "getUpdates":
            await asyncio.sleep(self.latency)
        if self.failures:
            for rule in self.failures:
                if not rule.spent and rule.matches(method, chat):
                    rule.hits += 1
                    if rule.delay:
                        await asyncio.sleep(rule.delay)
                    err = rule.error()
                    self.failures = [r for r in self.failures if not r.spent]
                    if err:
                        raise err
                    break
        if chat is not None and method not in CONTROL_METHODS and method != "getChat":
            if chat in self.blocked:
                code, text = FAILURE_KINDS[self.blocked[chat]]
                raise ApiError(code, text)
            if chat in self.migrated_to:
                raise migrated(self.migrated_to[chat])
        if method in SEND_METHODS:
            now = self.clock()  # when the send reached "Telegram": after jitter and latency
            retry_after = self.windows.check(chat, now, self.enforce_limits)
            if retry_after:
                raise flood(retry_after)
            result = handler(self, params)
            self.windows.accept(chat, now)
            self._count_delivery(method, chat, params)
            return result
        result = handler(self, params)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    def _count_delivery(self, method: str, chat: Any, params: dict) -> None:
        self.delivered[chat] += 1
        now = time.time()
        if self.first_delivery_at is None:
            self.first_delivery_at = now
        self.last_delivery_at = now
        if method == "sendMessage":
            text = params.get("text", "")
        elif method in {"copyMessage", "forwardMessage"}:
            src = self.messages.get(
                (norm_chat(params.get("from_chat_id")), params.get("message_id"))
            )
            text = (src or {}).get("text") or (
                f"<{method} {params.get('from_chat_id')}:{params.get('message_id')}>"
            )
        else:
            text = params.get("caption") or f"<{method}>"
        key = (chat, hash(text))
        self._seen[key] += 1
        if self._seen[key] == 2:
            self._dup_preview[key] = text[:80]


HANDLERS: dict[str, Callable[[FakeBotAPI, dict], Any]] = {
    "getMe": FakeBotAPI.m_get_me,
    "logOut": FakeBotAPI.m_true,
    "close": FakeBotAPI.m_true,
    "deleteWebhook": FakeBotAPI.m_delete_webhook,
    "setWebhook": FakeBotAPI.m_set_webhook,
    "getWebhookInfo": FakeBotAPI.m_get_webhook_info,
    "getUpdates": FakeBotAPI.m_get_updates,
    "sendMessage": FakeBotAPI.m_send_message,
    "copyMessage": FakeBotAPI.m_copy_message,
    "forwardMessage": FakeBotAPI.m_forward_message,
    "editMessageText": FakeBotAPI.m_edit_message_text,
    "editMessageReplyMarkup": FakeBotAPI.m_edit_message_reply_markup,
    "deleteMessage": FakeBotAPI.m_delete_message,
    "answerInlineQuery": FakeBotAPI.m_answer_inline_query,
    "answerCallbackQuery": FakeBotAPI.m_answer_callback_query,
    "getChatMember": FakeBotAPI.m_get_chat_member,
    "getChat": FakeBotAPI.m_get_chat,
    "setMyCommands": FakeBotAPI.m_set_my_commands,
    "deleteMyCommands": FakeBotAPI.m_delete_my_commands,
    "getMyCommands": FakeBotAPI.m_get_my_commands,
    "setChatMenuButton": FakeBotAPI.m_set_chat_menu_button,
    "getChatMenuButton": FakeBotAPI.m_get_chat_menu_button,
    "sendChatAction": FakeBotAPI.m_send_chat_action,
    **{
        m: FakeBotAPI.m_send_media
        for m in SEND_METHODS - {"sendMessage", "copyMessage", "forwardMessage"}
    },
}
METHOD_NAMES = {name.lower(): name for name in HANDLERS}
