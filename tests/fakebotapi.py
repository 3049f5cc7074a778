"""A fake Telegram Bot API server over real HTTP, for tests and benchmarks (loopback only).

The real python-telegram-bot ``Application`` talks to it unmodified through ``base_url``
(PTB builds ``{base_url}{token}/{method}``)::

    async with FakeBotAPI() as api:
        app = (
            Application.builder().token(api.token)
            .base_url(api.base_url).base_file_url(api.base_file_url).build()
        )
        ...                                             # start the app, start polling
        api.send_text(42, "/start")                     # an Update as Telegram builds it
        call = await api.wait_for_call("sendMessage", lambda c: c.params["chat_id"] == 42)
        assert api.sent_texts(42) == ["Hello"]

        api.fail("blocked", chat_id=42)                 # the next call for chat 42 gets a 403
        api.fail("flood", retry_after=3, times=None)    # every call gets a 429 until cleared
        api.fail_first("sendMessage", 2, "bad_gateway") # first two sendMessage calls get a 502
        api.set_member(-100, 7, "administrator")        # what getChatMember answers

Injection helpers (``send_text``, ``channel_post``, ``callback_query``, ``inline_query``,
``my_chat_member``, ``migrate``, ``inject``) return the update id; ``getUpdates`` long polling
returns them as soon as they arrive. Every call is recorded as a ``Call`` (bounded deque), and the
counters (per method, per chat, 429s, duplicates per (chat, text)) are kept for the whole run.

Realism: messages are validated like Telegram does (4096 characters after entity parsing, the
HTML subset, 64-byte ``callback_data``, 50 inline results, 200-character callback answers) and
answered with realistic objects (``message_id`` per chat, text stripped of HTML with entities in
UTF-16 offsets). ``my_chat_member(..., "kicked")`` and ``migrate(...)`` also change what later sends
to that chat get (403 blocked/kicked, 400 with ``migrate_to_chat_id``), as on Telegram.

With ``enforce_limits=True`` sends are rate limited by token buckets like Telegram's documented
limits (see ``Limits``); going over answers 429 with ``retry_after`` = seconds until a slot frees.

Shortcuts: ``api.ptb_builder()`` is ``Application.builder()`` already pointed here; the
``fake_bot_api`` fixture (``from tests.fakebotapi import fake_bot_api``) yields a started server.
``api.update(uid)`` / ``api.query_id(uid)`` give an injected update / its query id;
``await api.wait_for_inline_answer(uid)`` the bot's answer (results, next_offset, is_personal,
cache_time); ``api.callback_answers[query_id]``; ``api.set_member``/``set_admins`` program
getChatMember; ``api.stats()``; ``api.reset()``.

Subprocess mode, for benchmarks driving it from other processes::

    python -m tests.fakebotapi --port 0 [--enforce-limits] [--latency-ms 5] [--token T]
        [--any-token] [--private-burst 3] [--global-rate 30] [--max-calls N] [--max-messages N]

prints ``LISTENING http://127.0.0.1:PORT TOKEN`` on stdout, then serves until SIGTERM/SIGINT
(exit 0). ``with FakeBotAPIProcess("--enforce-limits") as fake:`` does that and wraps the admin
side (``fake.stats()``, ``fake.inject("send_text", 42, "/start")``, ``fake.fail("blocked",
chat_id=42)``, ``fake.set_limits(...)``, ``fake.calls(method="sendMessage", compact=1)``).
Memory: calls and messages are capped (``max_calls``, ``max_messages``); counters per method and
per chat, and one small entry per distinct (chat, text) for the duplicate count, are kept always.
Admin side (no token): ``GET /_fake/stats``, ``GET /_fake/calls?method=&chat_id=&since=&limit=``,
``POST /_fake/inject`` (a raw update, or ``{"kind": "send_text", "args": [42, "/start"],
"kwargs": {}}``), ``POST /_fake/fail`` (``{"kind": "blocked", "chat_id": 42, "times": null}``, or
``{"clear": true}``), ``POST /_fake/limits`` (``{"enforce": true, "private_burst": 3}``),
``POST /_fake/reset``, ``GET /_fake/health``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, ClientTimeout, web

BOT_ID = 7000000001
BOT_USERNAME = "vestka_test_bot"
DEFAULT_TOKEN = f"{BOT_ID}:AAE-fake-token-for-tests-only-0123456789"
DEFAULT_USER_ID = 424242  # who writes in groups and channels unless told otherwise
LONG_POLL_MAX_TIMEOUT = 50  # the official server's cap
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_TEXT = 200
MAX_INLINE_RESULTS = 50

BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Vestka",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}

BOT_FROM = {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")}

# Methods that put a message in a chat: rate limited, counted as deliveries.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "copyMessage",
        "forwardMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendMediaGroup",
    }
)
# Failure rules without an explicit method leave these alone (start-up and polling).
CONTROL_METHODS = frozenset(
    {"getUpdates", "getMe", "deleteWebhook", "setWebhook", "getWebhookInfo", "logOut", "close"}
)
# Update types Telegram leaves out unless asked for explicitly.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Form fields that are plain strings on the wire (everything else is JSON-decoded when it can be).
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "next_offset",
        "url",
        "secret_token",
        "ip_address",
        "query",
        "description",
        "short_description",
        "name",
        "language_code",
        "action",
        "emoji",
        "title",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "switch_pm_text",
        "switch_pm_parameter",
        "data",
    }
)

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


# ---------------------------------------------------------------------------------------------
# Errors and failure rules
# ---------------------------------------------------------------------------------------------
class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code", "description", "parameters"?}``."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict:
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def flood(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def migrated(new_chat_id: int) -> ApiError:
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": new_chat_id},
    )


# kind -> (status, description); "flood", "migrated", "slow" take arguments (see make_failure).
FAILURE_KINDS: dict[str, tuple[int, str]] = {
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "kicked": (403, "Forbidden: bot was kicked from the group chat"),
    "kicked_supergroup": (403, "Forbidden: bot was kicked from the supergroup chat"),
    "kicked_channel": (403, "Forbidden: bot was kicked from the channel chat"),
    "not_member": (403, "Forbidden: bot is not a member of the group chat"),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "cant_initiate": (403, "Forbidden: bot can't initiate conversation with a user"),
    "chat_deleted": (403, "Forbidden: the group chat was deleted"),
    "chat_not_found": (400, "Bad Request: chat not found"),
    "too_long": (400, "Bad Request: message is too long"),
    "parse_entities": (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 0',
    ),
    "not_modified": (400, NOT_MODIFIED),
    "query_too_old": (400, QUERY_TOO_OLD),
    "button_data_invalid": (400, "Bad Request: BUTTON_DATA_INVALID"),
    "conflict": (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running",
    ),
    "unauthorized": (401, "Unauthorized"),
    "server_error": (500, "Internal Server Error"),
    "bad_gateway": (502, "Bad Gateway"),
}


@dataclass
class Failure:
    """A programmed failure. ``status`` 0 means no error (only ``delay``, then a normal answer).

    ``chat_id`` None matches every chat (and calls without one); ``method`` None matches every
    method except ``CONTROL_METHODS``. ``times`` None is persistent; otherwise the rule is used up
    after that many hits.
    """

    status: int
    description: str = ""
    parameters: dict | None = None
    chat_id: int | str | None = None
    method: str | None = None
    times: int | None = 1
    delay: float = 0.0
    kind: str = "custom"
    hits: int = 0
    id: int = 0

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        if self.method is None:
            if method in CONTROL_METHODS:
                return False
        elif self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def error(self) -> ApiError | None:
        if not self.status:
            return None
        return ApiError(self.status, self.description, dict(self.parameters or {}) or None)


def make_failure(
    kind: str | None = None,
    *,
    chat_id: int | str | None = None,
    method: str | None = None,
    times: int | None = 1,
    delay: float = 0.0,
    retry_after: int = 5,
    new_chat_id: int | None = None,
    status: int | None = None,
    description: str | None = None,
    parameters: dict | None = None,
    detail: str | None = None,
) -> Failure:
    """Build a rule from a kind name (see ``FAILURE_KINDS`` plus "flood", "migrated", "slow")."""
    chat = norm_chat(chat_id) if chat_id is not None else None
    common = {"chat_id": chat, "method": method, "times": times, "delay": delay}
    if kind is None:
        if status is None:
            raise ValueError("give a failure kind or a status")
        return Failure(status, description or "", parameters, kind="custom", **common)
    if kind == "flood":
        err = flood(retry_after)
        return Failure(429, err.description, err.parameters, kind=kind, **common)
    if kind == "migrated":
        if new_chat_id is None:
            raise ValueError("'migrated' needs new_chat_id")
        err = migrated(int(new_chat_id))
        return Failure(400, err.description, err.parameters, kind=kind, **common)
    if kind == "slow":
        return Failure(0, kind=kind, **{**common, "delay": delay or 2.0})
    if kind not in FAILURE_KINDS:
        raise ValueError(f"unknown failure kind {kind!r}; known: {sorted(FAILURE_KINDS)}")
    code, text = FAILURE_KINDS[kind]
    if kind == "parse_entities" and detail:
        text = f"Bad Request: can't parse entities: {detail}"
    return Failure(code, description or text, parameters, kind=kind, **common)


# ---------------------------------------------------------------------------------------------
# Telegram HTML: validate and turn into text + entities, like TDLib's parse_html
# ---------------------------------------------------------------------------------------------
HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,4}));")
_SPACE = " \t\r\n\f\v"
_SPECIAL = re.compile("[<&]")


class HtmlError(ValueError):
    pass


def utf16_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8", "surrogatepass"))


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    m = _ENTITY_RE.match(text, i)
    if not m:
        return None
    dec, hexa, name = m.groups()
    if name is not None:
        ch = _NAMED_ENTITIES.get(name)
        return (ch, m.end()) if ch else None
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF:
        return None
    return chr(code), m.end()


def _decode_all(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "&" and (got := _decode_entity(value, i)):
            out.append(got[0])
            i = got[1]
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Telegram's HTML subset -> (plain text, entities with UTF-16 offsets), or ``HtmlError``."""
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, dict, int]] = []  # (tag, attributes, start offset)
    entities: list[dict] = []
    n = len(text)
    i = 0
    while i < n:
        m = _SPECIAL.search(text, i)  # copy plain runs in one go
        stop = m.start() if m else n
        if stop > i:
            chunk = text[i:stop]
            out.append(chunk)
            pos16 += utf16_len(chunk)
            i = stop
            continue
        ch = text[i]
        if ch == "&":
            got = _decode_entity(text, i)
            out.append(got[0] if got else "&")
            pos16 += utf16_len(got[0]) if got else 1
            i = got[1] if got else i + 1
            continue
        begin = i
        if i + 1 < n and text[i + 1] == "/":  # an end tag
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            j = i + 2
            while j < n and text[j] not in _SPACE and text[j] != ">":
                j += 1
            name = text[i + 2 : j].lower()
            while j < n and text[j] in _SPACE:
                j += 1
            if j >= n or text[j] != ">":
                raise HtmlError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            tag, attrs, start = stack[-1]
            if name and name != tag:
                raise HtmlError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag}>", found "</{name}>"'
                )
            stack.pop()
            if pos16 > start:
                entities.extend(_entity(tag, attrs, start, pos16 - start))
            i = j + 1
            continue
        j = i + 1
        while j < n and text[j] not in _SPACE and text[j] != ">":
            j += 1
        if j >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[i + 1 : j].lower()
        if name not in HTML_TAGS:
            raise HtmlError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs: dict[str, str] = {}
        while True:
            while j < n and text[j] in _SPACE:
                j += 1
            if j >= n:
                raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if text[j] == ">":
                j += 1
                break
            k = j
            while k < n and text[k] not in _SPACE and text[k] not in "=>":
                k += 1
            attr = text[j:k].lower()
            if not attr:
                raise HtmlError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            while k < n and text[k] in _SPACE:
                k += 1
            if k < n and text[k] == "=":
                k += 1
                while k < n and text[k] in _SPACE:
                    k += 1
                if k >= n:
                    raise HtmlError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                    )
                if text[k] in "\"'":
                    quote = text[k]
                    end = text.find(quote, k + 1)
                    if end < 0:
                        raise HtmlError(
                            f'Unclosed end of an attribute value in the tag "{name}" at '
                            f"byte offset {_byte_offset(text, begin)}"
                        )
                    value = text[k + 1 : end]
                    k = end + 1
                else:
                    end = k
                    while end < n and text[end] not in _SPACE and text[end] != ">":
                        end += 1
                    value = text[k:end]
                    k = end
                attrs[attr] = _decode_all(value)
            else:
                attrs[attr] = ""
            j = k
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise HtmlError('Custom emoji entity must contain a tag "emoji-id"')
        if name == "blockquote" and any(t == "blockquote" for t, _, _ in stack):
            raise HtmlError("Blockquote entities can't be nested")
        stack.append((name, attrs, pos16))
        i = j
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _entity(tag: str, attrs: Mapping[str, str], offset: int, length: int) -> list[dict]:
    kind = HTML_TAGS[tag]
    e: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href")
        if not href:
            return []
        e["url"] = href
    elif tag == "code":
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            e["language"] = lang[len("language-") :]  # merged into a surrounding <pre> below
    elif tag == "blockquote" and "expandable" in attrs:
        e["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        e["custom_emoji_id"] = attrs["emoji-id"]
    elif tag == "tg-time":
        e["unix_time"] = int(attrs.get("unix", "0") or 0)
        if attrs.get("format"):
            e["date_time_format"] = attrs["format"]
    return [e]


# ---------------------------------------------------------------------------------------------
# Rate limits
# ---------------------------------------------------------------------------------------------
@dataclass
class Limits:
    """Telegram's documented limits as token buckets (rate per second, burst = bucket size)."""

    global_rate: float = 30.0  # messages/s for the whole bot
    global_burst: float = 30.0
    private_rate: float = 1.0  # messages/s per private chat
    private_burst: float = 3.0  # Telegram tolerates short bursts
    group_per_minute: float = 20.0  # per group, supergroup or channel (negative ids)
    group_burst: float = 20.0


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp

    def wait(self, rate: float, burst: float, now: float) -> float:
        """Seconds until one token is there (0: there is one now). Refills but never takes."""
        self.tokens = min(burst, self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / rate


# ---------------------------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------------------------
@dataclass
class Call:
    """One API call as received. ``status`` is None while the call is still being answered."""

    method: str
    params: dict
    time: float
    status: int | None = None
    result: Any = None
    error: str | None = None

    @property
    def chat_id(self) -> int | str | None:
        return norm_chat(self.params["chat_id"]) if "chat_id" in self.params else None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class InlineAnswer:
    query_id: str
    results: list
    next_offset: str
    is_personal: bool
    cache_time: int
    button: dict | None
    time: float


def norm_chat(value: Any) -> int | str:
    if isinstance(value, bool):
        raise ApiError(400, "Bad Request: chat not found")
    if isinstance(value, int):
        return value
    s = str(value).strip()
    if s.lstrip("-").isdigit():
        return int(s)
    return s


def _decode_form_value(name: str, value: str) -> Any:
    if name in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------
class FakeBotAPI:
    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        enforce_limits: bool = False,
        limits: Limits | None = None,
        latency_ms: float = 0.0,
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
        self.any_token = any_token
        self.admin = admin
        self.max_messages = max_messages
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._webhook_task: asyncio.Task | None = None
        self._max_calls = max_calls
        self._poll_generation = 0  # kept across reset(): a waiting poll just carries on
        self._closing = False
        self.clock: Callable[[], float] = time.monotonic  # rate limit clock; tests may replace it
        self._reset_state()

    # -- state ---------------------------------------------------------------------------------
    def _reset_state(self) -> None:
        self._calls: deque[Call] = deque(maxlen=self._max_calls)
        self.method_counts: Counter[str] = Counter()
        self.delivered: Counter[int | str] = Counter()
        self.errors: Counter[int] = Counter()
        self.rate_limited = 0
        self.rate_limited_by_scope: Counter[str] = Counter()
        self._seen: Counter[tuple[int | str, int]] = Counter()
        self._dup_preview: dict[tuple[int | str, int], str] = {}
        self.first_delivery_at: float | None = None
        self.last_delivery_at: float | None = None
        self.failures: list[Failure] = []
        self._failure_ids = itertools.count(1)
        self._global_bucket = _Bucket(self.limits.global_burst, self.clock())
        self._chat_buckets: dict[int | str, _Bucket] = {}
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

    def set_member(self, chat_id: int | str, user_id: int, status: str) -> None:
        """What getChatMember answers: creator, administrator, member, restricted, left, kicked."""
        if status not in {"creator", "administrator", "member", "restricted", "left", "kicked"}:
            raise ValueError(f"unknown chat member status {status!r}")
        self.members[(norm_chat(chat_id), int(user_id))] = status

    def set_admins(self, chat_id: int | str, user_ids: Iterable[int], creator: int | None = None):
        for uid in user_ids:
            self.set_member(chat_id, uid, "administrator")
        if creator is not None:
            self.set_member(chat_id, creator, "creator")

    def set_limits(self, enforce: bool | None = None, **values: float) -> None:
        if enforce is not None:
            self.enforce_limits = enforce
        for key, value in values.items():
            if not hasattr(self.limits, key):
                raise ValueError(f"unknown limit {key!r}")
            setattr(self.limits, key, float(value))
        now = self.clock()
        self._global_bucket = _Bucket(self.limits.global_burst, now)
        self._chat_buckets.clear()

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
            "errors": {str(k): v for k, v in self.errors.items()},
            "duplicates": [
                {"chat_id": chat, "text": text, "extra": n} for (chat, text), n in dups.items()
            ],
            "duplicate_total": sum(dups.values()),
            "first_delivery_at": self.first_delivery_at,
            "last_delivery_at": self.last_delivery_at,
            "pending_updates": len(self._updates),
            "enforce_limits": self.enforce_limits,
            "limits": asdict(self.limits),
            "now": time.time(),
        }

    # -- update injection ----------------------------------------------------------------------
    def inject(self, update: Mapping[str, Any]) -> int:
        """Queue a raw update (an ``update_id`` is assigned if missing); returns its id."""
        upd = dict(update)
        if "update_id" not in upd:
            upd["update_id"] = next(self._update_ids)
        self._updates.append(upd)
        self.injected[upd["update_id"]] = upd
        while len(self.injected) > 10_000:
            self.injected.popitem(last=False)
        if self.webhook is not None:
            self._queue_webhook(upd)
        self._wake_pollers()
        return upd["update_id"]

    def _wake_pollers(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _user(self, user: int | Mapping | None, fallback_id: int, language_code: str | None):
        if isinstance(user, Mapping):
            return dict(user)
        uid = int(user) if user is not None else fallback_id
        out: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": f"User{uid}"}
        if language_code:
            out["language_code"] = language_code
        return out

    def _chat(self, chat_id: int | str, chat_type: str | None = None) -> dict:
        known = self.chats.get(chat_id)
        if known is not None and (chat_type is None or known["type"] == chat_type):
            return known
        if chat_type is None:  # what the id looks like: -100… supergroup, @name channel
            if isinstance(chat_id, str):
                chat_type = "channel"
            elif chat_id > 0:
                chat_type = "private"
            else:
                chat_type = "group" if chat_id > -1_000_000_000_000 else "supergroup"
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"User{chat_id}"
        else:
            chat["title"] = f"Test {chat_type} {chat_id}"
        self.chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat_id: int | str) -> int:
        mid = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = mid
        return mid

    def _new_message(self, chat_id: int | str, chat_type: str | None) -> dict[str, Any]:
        """A message's common fields; channel messages are signed by the channel itself."""
        chat = self._chat(chat_id, chat_type)
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
        }
        if chat["type"] == "channel":
            msg["sender_chat"] = chat
        return msg

    def _store(self, msg: dict) -> None:
        key = (msg["chat"]["id"], msg["message_id"])
        self.messages[key] = msg
        self.messages.move_to_end(key)
        while len(self.messages) > self.max_messages:
            self.messages.popitem(last=False)

    @staticmethod
    def command_entities(text: str) -> list[dict]:
        m = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?", text)
        if not m:
            return []
        return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}]

    def _incoming(
        self,
        chat_id: int | str,
        text: str,
        *,
        user: int | Mapping | None,
        chat_type: str | None,
        message_thread_id: int | None,
        language_code: str | None,
        entities: list[dict] | None,
        reply_to_message_id: int | None,
        extra: Mapping[str, Any] | None,
    ) -> dict:
        chat_id = norm_chat(chat_id)
        msg = self._new_message(chat_id, chat_type)
        chat = msg["chat"]
        if "sender_chat" not in msg:
            fallback = chat_id if chat["type"] == "private" else DEFAULT_USER_ID
            msg["from"] = self._user(user, fallback, language_code)  # type: ignore[arg-type]
        if message_thread_id is not None:
            msg["message_thread_id"] = message_thread_id
            msg["is_topic_message"] = True
            if chat["type"] == "supergroup":
                chat["is_forum"] = True
        msg["text"] = text
        ents = self.command_entities(text) if entities is None else entities
        if ents:
            msg["entities"] = ents
        if reply_to_message_id is not None:
            replied = self.messages.get((chat_id, reply_to_message_id))
            msg["reply_to_message"] = replied or {
                "message_id": reply_to_message_id,
                "date": int(time.time()),
                "chat": chat,
            }
        if extra:
            msg.update(extra)
        self._store(msg)
        return msg

    def send_text(
        self,
        chat_id: int | str,
        text: str,
        user: int | Mapping | None = None,
        chat_type: str | None = None,
        message_thread_id: int | None = None,
        language_code: str | None = "en",
        *,
        entities: list[dict] | None = None,
        reply_to_message_id: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> int:
        """A user writes ``text`` in a chat ("private" for positive ids, "group" otherwise, unless
        ``chat_type`` says). Commands get their ``bot_command`` entity. Channels give a
        ``channel_post``."""
        msg = self._incoming(
            chat_id,
            text,
            user=user,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
            language_code=language_code,
            entities=entities,
            reply_to_message_id=reply_to_message_id,
            extra=extra,
        )
        kind = "channel_post" if msg["chat"]["type"] == "channel" else "message"
        return self.inject({kind: msg})

    def channel_post(self, chat_id: int | str, text: str, **kwargs: Any) -> int:
        kwargs.setdefault("language_code", None)
        return self.send_text(chat_id, text, chat_type="channel", **kwargs)

    def callback_query(
        self,
        chat_id: int | str | None,
        message_id: int | None,
        data: str,
        user: int | Mapping | None = None,
        *,
        inline_message_id: str | None = None,
        language_code: str | None = "en",
    ) -> int:
        """A button press on a bot message. An unknown (e.g. old) message comes as Telegram's
        inaccessible message (``date`` 0)."""
        qid = f"cbq-{next(self._query_ids)}"
        self._open_callbacks.add(qid)
        query: dict[str, Any] = {"id": qid, "data": data}
        if inline_message_id is not None:
            query["inline_message_id"] = inline_message_id
            query["chat_instance"] = f"inline-{inline_message_id}"
            query["from"] = self._user(user, DEFAULT_USER_ID, language_code)
        else:
            chat_id = norm_chat(chat_id)
            chat = self._chat(chat_id)
            fallback = chat_id if chat["type"] == "private" else DEFAULT_USER_ID
            query["from"] = self._user(user, fallback, language_code)  # type: ignore[arg-type]
            query["chat_instance"] = str(abs(hash(("ci", chat_id))) % 10**18)
            msg = self.messages.get((chat_id, message_id))  # type: ignore[arg-type]
            query["message"] = msg or {"chat": chat, "message_id": message_id, "date": 0}
        return self.inject({"callback_query": query})

    def inline_query(
        self,
        query: str,
        user: int | Mapping | None = None,
        offset: str = "",
        *,
        chat_type: str | None = "sender",
        language_code: str | None = "en",
    ) -> int:
        qid = f"inq-{next(self._query_ids)}"
        self._open_inline.add(qid)
        body: dict[str, Any] = {
            "id": qid,
            "from": self._user(user, DEFAULT_USER_ID, language_code),
            "query": query,
            "offset": offset,
        }
        if chat_type:
            body["chat_type"] = chat_type
        return self.inject({"inline_query": body})

    def update(self, update_id: int) -> dict:
        """An injected update by id (the last 10,000 are kept)."""
        return self.injected[update_id]

    def query_id(self, update_id: int) -> str:
        """The callback or inline query id of an injected update."""
        upd = self.injected[update_id]
        return (upd.get("inline_query") or upd.get("callback_query"))["id"]

    def _member(self, user: dict, status: str) -> dict:
        m: dict[str, Any] = {"status": status, "user": user}
        if status == "administrator":
            m.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_post_messages=True,
                can_edit_messages=True,
                can_pin_messages=True,
                can_manage_topics=True,
            )
        elif status == "creator":
            m.update(is_anonymous=False)
        elif status == "kicked":
            m.update(until_date=0)
        elif status == "restricted":
            m.update(
                is_member=True,
                until_date=0,
                **dict.fromkeys(
                    (
                        "can_change_info",
                        "can_invite_users",
                        "can_pin_messages",
                        "can_send_messages",
                        "can_send_polls",
                        "can_send_other_messages",
                        "can_add_web_page_previews",
                        "can_manage_topics",
                        "can_send_audios",
                        "can_send_documents",
                        "can_send_photos",
                        "can_send_videos",
                        "can_send_video_notes",
                        "can_send_voice_notes",
                        "can_edit_tag",
                        "can_react_to_messages",
                    ),
                    False,
                ),
            )
        return m

    def my_chat_member(
        self,
        chat_id: int | str,
        old_status: str,
        new_status: str,
        chat_type: str | None = None,
        user: int | Mapping | None = None,
        *,
        affect_delivery: bool = True,
    ) -> int:
        """The bot's own membership changed (blocked: private ``member`` -> ``kicked``; added to a
        group: ``left`` -> ``member``/``administrator``). With ``affect_delivery``, later sends to
        the chat fail as on Telegram (blocked / kicked) until a change back."""
        chat_id = norm_chat(chat_id)
        chat = self._chat(chat_id, chat_type)
        fallback = chat_id if chat["type"] == "private" else DEFAULT_USER_ID
        actor = self._user(user, fallback, None)  # type: ignore[arg-type]
        bot = {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")}
        if affect_delivery:
            if new_status in {"kicked", "left"}:
                self.blocked[chat_id] = {
                    "private": "blocked",
                    "group": "kicked",
                    "supergroup": "kicked_supergroup",
                    "channel": "kicked_channel",
                }[chat["type"]]
            else:
                self.blocked.pop(chat_id, None)
        self.members[(chat_id, BOT_ID)] = new_status
        return self.inject(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": actor,
                    "date": int(time.time()),
                    "old_chat_member": self._member(bot, old_status),
                    "new_chat_member": self._member(bot, new_status),
                }
            }
        )

    def migrate(self, chat_id: int, new_chat_id: int, user: int | Mapping | None = None) -> int:
        """A group becomes a supergroup: a service message with ``migrate_to_chat_id`` in the old
        group, one with ``migrate_from_chat_id`` in the new supergroup (returns the latter's update
        id). Sends to the old id then fail with 400 and ``migrate_to_chat_id``."""
        old, new = int(chat_id), int(new_chat_id)
        old_chat = self._chat(old, "group")
        new_chat = dict(old_chat, id=new, type="supergroup")
        self.chats[new] = new_chat
        actor = self._user(user, DEFAULT_USER_ID, None)
        now = int(time.time())
        self.inject(
            {
                "message": {
                    "message_id": self._next_message_id(old),
                    "from": actor,
                    "chat": old_chat,
                    "date": now,
                    "migrate_to_chat_id": new,
                }
            }
        )
        self.migrated_to[old] = new
        return self.inject(
            {
                "message": {
                    "message_id": self._next_message_id(new),
                    "from": {
                        "id": 1087968824,
                        "is_bot": True,
                        "first_name": "Group",
                        "username": "GroupAnonymousBot",
                    },
                    "sender_chat": new_chat,
                    "chat": new_chat,
                    "date": now,
                    "migrate_from_chat_id": old,
                }
            }
        )

    # -- HTTP: the Bot API -----------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for k, v in request.query.items():
            params[k] = _decode_form_value(k, v)
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
                    params[k] = _decode_form_value(k, v)
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
        method = _METHOD_NAMES.get(method_name.lower(), method_name)
        try:
            params = await self._params(request)
        except ApiError as err:
            return web.json_response(err.body(), status=err.status)
        call = Call(method, params, time.time())
        self._calls.append(call)
        self.method_counts[method] += 1
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
        handler = _HANDLERS.get(method)
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
            if self.enforce_limits:
                self._check_limits(chat)
            result = handler(self, params)
            self._count_delivery(method, chat, params)
            return result
        result = handler(self, params)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    def _check_limits(self, chat: Any) -> None:
        now = self.clock()
        lim = self.limits
        bucket = self._chat_buckets.get(chat)
        if isinstance(chat, int) and chat > 0:
            rate, burst, scope = lim.private_rate, lim.private_burst, "private"
        else:
            rate, burst, scope = lim.group_per_minute / 60.0, lim.group_burst, "group"
        if bucket is None:
            bucket = self._chat_buckets[chat] = _Bucket(burst, now)
        wait_chat = bucket.wait(rate, burst, now)
        wait_all = self._global_bucket.wait(lim.global_rate, lim.global_burst, now)
        if wait_chat or wait_all:
            self.rate_limited += 1
            self.rate_limited_by_scope[scope if wait_chat >= wait_all else "global"] += 1
            raise flood(max(1, math.ceil(max(wait_chat, wait_all))))
        bucket.tokens -= 1.0
        self._global_bucket.tokens -= 1.0

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

    # -- method handlers ---------------------------------------------------------------------------
    def _check_markup(self, params: dict) -> dict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is not None:
            for row in rows:
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                    if not button.get("text"):
                        raise ApiError(
                            400, "Bad Request: text buttons are unallowed in the inline keyboard"
                        )
            return markup
        return None  # reply keyboards are not echoed in the Message

    def _render(self, params: dict, field_name: str = "text", limit: int = MAX_TEXT):
        """(plain text, entities) of a text or caption, validated like Telegram does."""
        raw = params.get(field_name)
        if raw is None:
            if field_name == "text":
                raise ApiError(400, "Bad Request: message text is empty")
            return None, []
        raw = str(raw)
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                plain, entities = parse_html(raw)
            except HtmlError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        else:
            plain = raw
            given = params.get("entities" if field_name == "text" else "caption_entities")
            entities = given if isinstance(given, list) else []
        if field_name == "text" and not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > limit:
            what = "message" if field_name == "text" else "message caption"
            raise ApiError(400, f"Bad Request: {what} is too long")
        return plain, entities

    def _outgoing(self, params: dict, **content: Any) -> dict:
        chat_id = params["chat_id"]
        msg = self._new_message(chat_id, None)
        if "sender_chat" not in msg:
            msg["from"] = BOT_FROM
        thread = params.get("message_thread_id")
        if thread:
            msg["message_thread_id"] = int(thread)
            msg["is_topic_message"] = True
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else None
        reply_id = reply_id or params.get("reply_to_message_id")
        if reply_id and (replied := self.messages.get((chat_id, int(reply_id)))):
            msg["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        msg.update({k: v for k, v in content.items() if v not in (None, [])})
        markup = self._check_markup(params)
        if markup is not None:
            msg["reply_markup"] = markup
        self._store(msg)
        return msg

    def _require_chat(self, params: dict) -> Any:
        if "chat_id" not in params or params["chat_id"] in ("", None):
            raise ApiError(400, "Bad Request: chat_id is empty")
        return params["chat_id"]

    def m_send_message(self, params: dict) -> dict:
        self._require_chat(params)
        text, entities = self._render(params)
        return self._outgoing(params, text=text, entities=entities)

    def m_send_media(self, params: dict) -> dict:
        self._require_chat(params)
        caption, entities = self._render(params, "caption", MAX_CAPTION)
        return self._outgoing(params, caption=caption, caption_entities=entities)

    def m_copy_message(self, params: dict) -> dict:
        self._require_chat(params)
        src_chat = norm_chat(params.get("from_chat_id", ""))
        src = self.messages.get((src_chat, params.get("message_id")))
        if src is None and src_chat in self.chats:
            raise ApiError(400, "Bad Request: message to copy not found")
        content = {k: src[k] for k in ("text", "entities", "caption") if src and k in src}
        if "caption" in params:
            caption, ents = self._render(params, "caption", MAX_CAPTION)
            content.update(caption=caption, caption_entities=ents)
        msg = self._outgoing(params, **content)
        return {"message_id": msg["message_id"]}

    def m_forward_message(self, params: dict) -> dict:
        self._require_chat(params)
        src_chat = norm_chat(params.get("from_chat_id", ""))
        src = self.messages.get((src_chat, params.get("message_id")))
        if src is None and src_chat in self.chats:
            raise ApiError(400, "Bad Request: message to forward not found")
        content = {k: src[k] for k in ("text", "entities", "caption") if src and k in src}
        origin_chat = self._chat(src_chat)
        content["forward_origin"] = (
            {"type": "user", "sender_user": src.get("from"), "date": src["date"]}
            if src and "from" in src
            else {
                "type": "chat" if origin_chat["type"] != "channel" else "channel",
                "sender_chat" if origin_chat["type"] != "channel" else "chat": origin_chat,
                "date": int(time.time()),
                **(
                    {"message_id": params.get("message_id")}
                    if origin_chat["type"] == "channel"
                    else {}
                ),
            }
        )
        return self._outgoing(params, **content)

    def _edit_target(self, params: dict) -> tuple[dict | None, Any]:
        if params.get("inline_message_id"):
            return None, None
        chat = self._require_chat(params)
        try:
            mid = int(params.get("message_id"))
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: message identifier is not specified") from None
        msg = self.messages.get((chat, mid))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return msg, mid

    def m_edit_message_text(self, params: dict) -> Any:
        text, entities = self._render(params)
        markup = self._check_markup(params)
        msg, _ = self._edit_target(params)
        if msg is None:
            return True
        if (
            msg.get("text") == text
            and msg.get("entities", []) == entities
            and msg.get("reply_markup") == markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        msg["text"] = text
        if entities:
            msg["entities"] = entities
        else:
            msg.pop("entities", None)
        if markup is not None:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        msg["edit_date"] = int(time.time())
        return msg

    def m_edit_message_reply_markup(self, params: dict) -> Any:
        markup = self._check_markup(params)
        msg, _ = self._edit_target(params)
        if msg is None:
            return True
        if msg.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        if markup is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = markup
        msg["edit_date"] = int(time.time())
        return msg

    def m_delete_message(self, params: dict) -> bool:
        chat = self._require_chat(params)
        if self.messages.pop((chat, params.get("message_id")), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def m_answer_callback_query(self, params: dict) -> bool:
        qid = str(params.get("callback_query_id", ""))
        if qid not in self._open_callbacks:
            raise ApiError(400, QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_TEXT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_callbacks.discard(qid)
        self.callback_answers[qid] = params
        return True

    def m_answer_inline_query(self, params: dict) -> bool:
        qid = str(params.get("inline_query_id", ""))
        if qid not in self._open_inline:
            raise ApiError(400, QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        next_offset = str(params.get("next_offset") or "")
        if len(next_offset.encode()) > 64:
            raise ApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        for r in results:
            self._check_markup(r)
            content = r.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                self._render(
                    {"text": content["message_text"], "parse_mode": content.get("parse_mode")}
                )
        self._open_inline.discard(qid)
        self.inline_answers[qid] = InlineAnswer(
            qid,
            results,
            next_offset,
            bool(params.get("is_personal", False)),
            int(params.get("cache_time", 300)),
            params.get("button"),
            time.time(),
        )
        return True

    def m_get_chat_member(self, params: dict) -> dict:
        chat = self._require_chat(params)
        try:
            uid = int(params.get("user_id"))
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: invalid user_id specified") from None
        if chat == uid and uid > 0:
            status = "member"
        else:
            default = "administrator" if uid == BOT_ID else "member"
            status = self.members.get((chat, uid), default)
        if uid == BOT_ID:
            user = {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")}
        else:
            user = {"id": uid, "is_bot": False, "first_name": f"User{uid}"}
        return self._member(user, status)

    def m_get_chat(self, params: dict) -> dict:
        chat_id = self._require_chat(params)
        if chat_id in self.blocked and self.blocked[chat_id] != "blocked":
            raise ApiError(400, "Bad Request: chat not found")
        chat = dict(self._chat(chat_id))
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat

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

    def m_get_me(self, params: dict) -> dict:
        return dict(BOT_USER)

    def m_true(self, params: dict) -> bool:
        return True

    def m_send_chat_action(self, params: dict) -> bool:
        self._require_chat(params)
        return True

    @staticmethod
    def _commands_key(params: dict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    def m_set_my_commands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def m_delete_my_commands(self, params: dict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def m_get_my_commands(self, params: dict) -> list[dict]:
        return self.commands.get(self._commands_key(params), [])

    def get_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return self.commands.get(
            self._commands_key({"scope": scope, "language_code": language_code}), []
        )

    def m_set_chat_menu_button(self, params: dict) -> bool:
        self.menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
        return True

    def m_get_chat_menu_button(self, params: dict) -> dict:
        return self.menu_buttons.get(params.get("chat_id"), {"type": "commands"})

    # -- HTTP: admin side ------------------------------------------------------------------------
    async def _admin_health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "port": self.port})

    async def _admin_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _admin_calls(self, request: web.Request) -> web.Response:
        q = request.query
        since = float(q.get("since", 0) or 0)
        limit = int(q.get("limit", 0) or 0)
        chat = q.get("chat_id")
        calls = [
            c
            for c in self.calls(q.get("method") or None, chat if chat else None)
            if c.time >= since and c.status is not None
        ]
        if limit:
            calls = calls[-limit:]
        if q.get("compact"):
            rows = [
                [c.time, c.method, c.params.get("chat_id"), c.status, c.params.get("text")]
                for c in calls
            ]
            return web.json_response(rows)
        return web.json_response([c.to_json() for c in calls])

    async def _admin_inject(self, request: web.Request) -> web.Response:
        body = await request.json()
        kind = body.get("kind")
        if kind is None:
            update = body.get("update", body)
            return web.json_response({"ok": True, "update_id": self.inject(update)})
        helpers = {
            "send_text": self.send_text,
            "channel_post": self.channel_post,
            "callback_query": self.callback_query,
            "inline_query": self.inline_query,
            "my_chat_member": self.my_chat_member,
            "migrate": self.migrate,
        }
        if kind not in helpers:
            return web.json_response(
                {"ok": False, "description": f"unknown kind {kind}"}, status=400
            )
        uid = helpers[kind](*body.get("args", []), **body.get("kwargs", {}))
        return web.json_response({"ok": True, "update_id": uid})

    async def _admin_fail(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.pop("clear", False):
            self.unfail()
            return web.json_response({"ok": True})
        try:
            rule = self.fail(body.pop("kind", None), **body)
        except (TypeError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "id": rule.id})

    async def _admin_limits(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            self.set_limits(body.pop("enforce", None), **body)
        except ValueError as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "limits": asdict(self.limits)})

    async def _admin_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})


_HANDLERS: dict[str, Callable[[FakeBotAPI, dict], Any]] = {
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
_METHOD_NAMES = {name.lower(): name for name in _HANDLERS}


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotAPI]:
    """``from tests.fakebotapi import fake_bot_api`` in a conftest or test module to use it."""
    async with FakeBotAPI() as api:
        yield api


# ---------------------------------------------------------------------------------------------
# Subprocess mode
# ---------------------------------------------------------------------------------------------
class FakeBotAPIProcess:
    """The server in its own process, driven over the admin HTTP side (for benchmarks)::

    with FakeBotAPIProcess("--enforce-limits") as fake:
        env["TELEGRAM_API_URL"] = fake.base_url; env["TELEGRAM_TOKEN"] = fake.token
        fake.inject("send_text", 42, "/start")
        fake.fail("blocked", chat_id=42)
        fake.stats()["delivered_total"]
    """

    def __init__(self, *args: str, python: str = sys.executable) -> None:
        self.args = [python, "-m", "tests.fakebotapi", "--port", "0", *args]
        self.proc: subprocess.Popen[str] | None = None
        self.url = self.token = ""

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "PYTHONPATH": str(root)}
        self.proc = subprocess.Popen(
            self.args, cwd=root, env=env, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if len(line) != 3 or line[0] != "LISTENING":
            self.stop()
            raise RuntimeError(f"fake Bot API did not start: {line}")
        _, self.url, self.token = line

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        self.proc.terminate()
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def __enter__(self) -> FakeBotAPIProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _admin(self, path: str, body: dict | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(  # noqa: S310 (loopback URL we printed ourselves)
            f"{self.url}/_fake/{path}", data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            return json.loads(resp.read())

    def stats(self) -> dict:
        return self._admin("stats")

    def calls(self, **query: Any) -> list:
        return self._admin("calls?" + urllib.parse.urlencode(query))

    def inject(self, kind: str | dict, *args: Any, **kwargs: Any) -> int:
        body = (
            {"update": kind}
            if isinstance(kind, dict)
            else {"kind": kind, "args": args, "kwargs": kwargs}
        )
        return self._admin("inject", body)["update_id"]

    def fail(self, kind: str | None = None, **kwargs: Any) -> int:
        return self._admin("fail", {"kind": kind, **kwargs})["id"]

    def unfail(self) -> None:
        self._admin("fail", {"clear": True})

    def set_limits(self, enforce: bool | None = None, **values: float) -> dict:
        return self._admin("limits", {"enforce": enforce, **values})["limits"]

    def reset(self) -> None:
        self._admin("reset", {})


async def _serve(args: argparse.Namespace) -> None:
    limits = Limits(private_burst=args.private_burst, global_rate=args.global_rate)
    api = FakeBotAPI(
        token=args.token,
        port=args.port,
        enforce_limits=args.enforce_limits,
        limits=limits,
        latency_ms=args.latency_ms,
        max_calls=args.max_calls,
        max_messages=args.max_messages,
        any_token=args.any_token,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with api:
        print(f"LISTENING {api.url} {api.token}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakebotapi", description="A fake Telegram Bot API server."
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--any-token", action="store_true", help="accept any bot token")
    parser.add_argument("--enforce-limits", action="store_true")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--private-burst", type=float, default=Limits.private_burst)
    parser.add_argument("--global-rate", type=float, default=Limits.global_rate)
    parser.add_argument("--max-calls", type=int, default=50_000, help="recorded calls kept")
    parser.add_argument("--max-messages", type=int, default=50_000, help="messages kept for edits")
    args = parser.parse_args(argv)
    try:
        import uvloop  # type: ignore[import-not-found]

        uvloop.install()
    except ImportError:
        pass
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
