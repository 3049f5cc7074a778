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

With ``enforce_limits=True`` sends are checked over sliding windows, the strictest reading of
Telegram's documented limits (``limits``): in any 1 s at most 30 messages for the bot and 1 per
private chat, in any 60 s at most 20 per group or channel; going over answers 429 with
``retry_after`` = seconds until the oldest message in the full window leaves it. ``jitter_ms``
delays every call but ``getUpdates`` by a uniform random 0..N ms before it is handled (the network
between the bot and Telegram: sends are counted when they arrive), from ``random.Random(seed)``,
so a seeded run repeats; ``api.clock`` and ``api.sleep`` can be replaced by a test. ``stats()``
gives the 429s, ``max_per_second`` (most accepted sends in any 1 s window) and
``chat_window_violations`` (sends that found their chat's window full, enforced or not).

Shortcuts: ``api.ptb_builder()`` is ``Application.builder()`` already pointed here; the
``fake_bot_api`` fixture (``tests/conftest.py``) yields a started server.
``api.update(uid)`` / ``api.query_id(uid)`` give an injected update / its query id;
``await api.wait_for_inline_answer(uid)`` the bot's answer (results, next_offset, is_personal,
cache_time); ``api.callback_answers[query_id]``; ``api.set_member``/``set_admins`` program
getChatMember; ``api.stats()``; ``api.reset()``.

Subprocess mode, for benchmarks driving it from other processes::

    python -m testkit.botapi --port 0 [--enforce-limits] [--latency-ms 5] [--jitter-ms 200]
        [--seed 7] [--token T] [--any-token] [--global-rate 30] [--private-per-second 1]
        [--group-per-minute 20] [--max-calls N] [--max-messages N]

prints ``LISTENING http://127.0.0.1:PORT TOKEN`` on stdout, then serves until SIGTERM/SIGINT
(exit 0). ``with FakeBotAPIProcess("--enforce-limits") as fake:`` does that and wraps the admin
side (``fake.stats()``, ``fake.inject("send_text", 42, "/start")``, ``fake.fail("blocked",
chat_id=42)``, ``fake.set_limits(...)``, ``fake.calls(method="sendMessage", compact=1)``).
Memory: calls and messages are capped (``max_calls``, ``max_messages``); counters per method and
per chat, and one small entry per distinct (chat, text) for the duplicate count, are kept always.
Admin side (no token): ``GET /_fake/stats``, ``GET /_fake/calls?method=&chat_id=&since=&limit=``,
``POST /_fake/inject`` (a raw update, or ``{"kind": "send_text", "args": [42, "/start"],
"kwargs": {}}``), ``POST /_fake/fail`` (``{"kind": "blocked", "chat_id": 42, "times": null}``, or
``{"clear": true}``), ``POST /_fake/limits`` (``{"enforce": true, "private_per_second": 1, "jitter_ms": 200, "seed": 7}``),
``POST /_fake/reset``, ``GET /_fake/health``.

Modules: ``server`` (``FakeBotAPI``: state, dispatch, reading back) with its mixins ``methods``
(the Bot API methods), ``injection`` (updates a test makes), ``updates`` (getUpdates, webhook),
``chats`` (chats, users, messages, members), ``admin`` (``/_fake/*``); ``html`` (Telegram-HTML
parser and validator), ``limits``, ``errors`` (``ApiError``, failure kinds, ``Failure`` rules),
``records`` (``Call``, ``InlineAnswer``), ``wire`` (constants), ``process`` (the subprocess mode).
"""

from testkit.botapi.errors import (
    FAILURE_KINDS,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    Failure,
    flood,
    make_failure,
    migrated,
    norm_chat,
)
from testkit.botapi.html import HTML_TAGS, HtmlError, parse_html, utf16_len
from testkit.botapi.limits import Limits
from testkit.botapi.process import FakeBotAPIProcess
from testkit.botapi.records import Call, InlineAnswer
from testkit.botapi.server import FakeBotAPI
from testkit.botapi.wire import (
    BOT_ID,
    BOT_USER,
    BOT_USERNAME,
    CONTROL_METHODS,
    DEFAULT_TOKEN,
    DEFAULT_USER_ID,
    SEND_METHODS,
)

__all__ = [
    "BOT_ID",
    "BOT_USER",
    "BOT_USERNAME",
    "CONTROL_METHODS",
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "FAILURE_KINDS",
    "HTML_TAGS",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "SEND_METHODS",
    "ApiError",
    "Call",
    "Failure",
    "FakeBotAPI",
    "FakeBotAPIProcess",
    "HtmlError",
    "InlineAnswer",
    "Limits",
    "flood",
    "make_failure",
    "migrated",
    "norm_chat",
    "parse_html",
    "utf16_len",
]
