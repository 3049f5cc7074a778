"""Telegram's send limits, checked over sliding windows at the moment a send arrives.

Telegram does not publish its algorithm, so the fake checks the strictest reading of the documented
limits: in ANY window of 1 s at most ``global_rate`` messages for the whole bot; per private chat at
most ``private_per_second`` in any 1 s; per group, supergroup or channel (negative ids, @names) at
most ``group_per_minute`` in any 60 s. A window is half-open: a message accepted at ``t`` counts
until ``t + span`` (a send exactly one span later fits). A send that would go over is refused with
429 and ``retry_after`` = seconds, rounded up, until the message holding the slot leaves the window.

The windows are kept whether or not limits are enforced: ``max_per_second`` (the most accepted
sends in any 1 s window) and ``chat_window_violations`` (sends that arrived while their chat's
window was full) say what a sender did even when the fake let everything through.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass

GLOBAL_SPAN = 1.0
PRIVATE_SPAN = 1.0
GROUP_SPAN = 60.0


@dataclass
class Limits:
    """How many messages fit in each sliding window (see the module docstring)."""

    global_rate: int = 30  # for the whole bot, in any 1 s
    private_per_second: int = 1  # per private chat, in any 1 s
    group_per_minute: int = 20  # per group, supergroup or channel, in any 60 s

    def set(self, name: str, value: float) -> None:
        if name not in self.__dataclass_fields__:
            raise ValueError(f"unknown limit {name!r}; known: {sorted(self.__dataclass_fields__)}")
        if int(value) != value or value < 1:
            raise ValueError(f"limit {name} must be a whole number >= 1, not {value!r}")
        setattr(self, name, int(value))


class Window:
    """Arrival times of the accepted sends still inside a sliding window of ``span`` seconds."""

    __slots__ = ("span", "times")

    def __init__(self, span: float) -> None:
        self.span = span
        self.times: deque[float] = deque()

    def count(self, now: float) -> int:
        times, edge = self.times, now - self.span
        while times and times[0] <= edge:
            times.popleft()
        return len(times)

    def wait(self, now: float, cap: int) -> float:
        """Seconds until one more send fits under ``cap`` (0: it fits now)."""
        if self.count(now) < cap:
            return 0.0
        return self.times[-cap] + self.span - now  # the send whose leaving frees a slot

    def add(self, now: float) -> None:
        self.times.append(now)


def is_private(chat: object) -> bool:
    return isinstance(chat, int) and chat > 0


class SlidingLimits:
    """The bot's window and one window per chat, and what they saw (counters for ``stats()``)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rate_limited = 0  # 429s answered
        self.rate_limited_by_scope: Counter[str] = Counter()  # private, group, global
        self.chat_window_violations = 0  # sends that found their chat's window full
        self.max_per_second = 0  # most accepted sends in any 1 s window
        self.clear()

    def clear(self) -> None:
        """Forget the windows' contents (the counters stay)."""
        self.bot = Window(GLOBAL_SPAN)
        self.chats: dict[object, Window] = {}

    def _chat(self, chat: object) -> tuple[Window, int, str]:
        lim = self.limits
        if is_private(chat):
            cap, span, scope = lim.private_per_second, PRIVATE_SPAN, "private"
        else:
            cap, span, scope = lim.group_per_minute, GROUP_SPAN, "group"
        window = self.chats.get(chat)
        if window is None:
            window = self.chats[chat] = Window(span)
        return window, cap, scope

    def check(self, chat: object, now: float, enforce: bool) -> int:
        """0 when a send to ``chat`` arriving at ``now`` fits; otherwise, when ``enforce``, the
        ``retry_after`` of its 429 (counted). A full chat window counts as a violation either way."""
        window, cap, scope = self._chat(chat)
        wait_chat = window.wait(now, cap)
        wait_all = self.bot.wait(now, self.limits.global_rate)
        if wait_chat:
            self.chat_window_violations += 1
        if not enforce or not (wait_chat or wait_all):
            return 0
        self.rate_limited += 1
        self.rate_limited_by_scope[scope if wait_chat >= wait_all else "global"] += 1
        return max(1, math.ceil(max(wait_chat, wait_all) - 1e-9))

    def accept(self, chat: object, now: float) -> None:
        """A send arriving at ``now`` was accepted: it takes a slot in both windows."""
        self._chat(chat)[0].add(now)
        self.bot.add(now)
        self.max_per_second = max(self.max_per_second, self.bot.count(now))
