"""What the fake Bot API says about itself and how it reads the wire: the bot's identity, Telegram's
size limits, which methods send messages, which form fields stay strings."""

from __future__ import annotations

import json
from typing import Any

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

# Methods that put a message in a chat: rate limited, counted as deliveries. Written out here, not
# imported from subscriptions.ratelimit: the fake models Telegram on its own, so a method missing
# from Vestka's list shows up as a 429 in tests instead of being missed by both.
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


def decode_form_value(name: str, value: str) -> Any:
    if name in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
