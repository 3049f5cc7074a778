"""The bot's own Redis key: the lock of the one process polling ``getUpdates``."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.storage.keys import KeySpace


@dataclass(frozen=True, slots=True)
class BotKeys(KeySpace):
    """Keys of ``bot/``."""

    @property
    def poller_lock(self) -> str:
        """STRING holder token, PX expiry renewed while held: the one process polling getUpdates."""
        return self._k("bot", "poller")
