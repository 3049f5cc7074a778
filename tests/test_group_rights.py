"""In a group, only the group's administrators change what it follows and how it gets alerts.

The walk is built from the bot's own tables (``bot.telegram.app.USER_COMMANDS`` and ``BUTTONS``):
every command and button wrapped in ``changes_settings`` is tried by a plain member, and each must
answer "admins only" and leave the group's settings exactly as they were. A handler that changes
settings without the wrapper fails ``test_every_settings_change_is_guarded``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.telegram.app import BUTTONS, USER_COMMANDS
from bot.telegram.i18n import t
from feeds.storage.connection import Storage
from testkit.harness import Harness, running_bot

GROUP = -4001
MEMBER = 501
GROUP_ADMIN = 777
PERSON = "maksim-znak"

# What each guarded command or button is given: enough to change something if it were allowed.
COMMAND_ARGS = {
    "subscribe": "Losik",
    "unsubscribe": "Znak",
    "mute": "8h",
    "unmute": "",
    "mode": "daily 7",
    "lang": "ru",
    "forget": "",
    "namesakes": "off",
    "links": "off",
}
BUTTON_DATA = {
    "^sub:": "sub:ihar-losik",
    "^unsub:": f"unsub:{PERSON}",
    "^lang:": "lang:ru",
    "^forget:": "forget:yes",
    "^mute:": f"mute:{PERSON}:1d",
    "^unmute:": f"unmute:{PERSON}",
}
# What must be guarded whatever else changes: each of these changes a group's settings.
MUST_GUARD_COMMANDS = set(COMMAND_ARGS)
MUST_GUARD_BUTTONS = set(BUTTON_DATA)


def guarded(callback: object) -> bool:
    return bool(getattr(callback, "changes_settings", False))


def test_every_settings_change_is_guarded() -> None:
    commands = {name for name, callback in USER_COMMANDS.items() if guarded(callback)}
    buttons = {pattern for pattern, callback in BUTTONS.items() if guarded(callback)}
    assert commands == MUST_GUARD_COMMANDS
    assert buttons == MUST_GUARD_BUTTONS


@pytest.fixture
async def group(storage: Storage) -> AsyncIterator[Harness]:
    """A group that follows one person, muted for a day, set up by its administrator."""
    async with running_bot(storage) as h:
        h.api.set_member(GROUP, MEMBER, "member")
        h.api.set_member(GROUP, GROUP_ADMIN, "administrator")
        text = await h.say(GROUP, "/subscribe Znak", user=GROUP_ADMIN)
        assert text.startswith(t("en", "subscribe.done", name="Maksim Znak"))
        await h.services.subscriptions.mute_target(GROUP, PERSON, 4_000_000_000.0)
        yield h


async def settings_of(h: Harness) -> tuple:
    subs = h.services.subscriptions
    chat = await subs.chat(GROUP)
    assert chat is not None
    return (
        chat.model_dump(),
        sorted(await subs.targets_of(GROUP)),
        await subs.muted_targets(GROUP, now=0.0),
    )


@pytest.mark.parametrize("name", sorted(MUST_GUARD_COMMANDS))
async def test_a_member_cannot_run_a_settings_command(group: Harness, name: str) -> None:
    before = await settings_of(group)
    text = f"/{name} {COMMAND_ARGS[name]}".strip()
    assert await group.say(GROUP, text, user=MEMBER) == t("en", "groups.admins_only")
    assert await settings_of(group) == before


@pytest.mark.parametrize("pattern", sorted(MUST_GUARD_BUTTONS))
async def test_a_member_cannot_press_a_settings_button(group: Harness, pattern: str) -> None:
    before = await settings_of(group)
    answer = await group.press(GROUP, BUTTON_DATA[pattern], user=MEMBER)
    assert answer == t("en", "groups.admins_only")
    call = group.api.last_call("answerCallbackQuery")
    assert call.params.get("show_alert") is True
    assert await settings_of(group) == before


async def test_the_group_admin_can(group: Harness) -> None:
    """The same walk's first command, by an administrator: it goes through (the refusals above
    are about rights, not about a broken command)."""
    text = await group.say(GROUP, "/lang ru", user=GROUP_ADMIN)
    assert text == t("ru", "lang.set")
    chat = await group.services.subscriptions.chat(GROUP)
    assert chat is not None and chat.lang == "ru"
