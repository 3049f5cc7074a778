"""Every Redis key Vestka uses, in one place.

All keys hang under one prefix (``REDIS_PREFIX``, default ``vestka:``) so several deployments or test
runs can share a server, and the schema version key says which layout the data is in, so a later
release can migrate instead of misreading.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "vestka:"

    def _k(self, *parts: object) -> str:
        return self.prefix + ":".join(str(p) for p in parts)

    # -- schema -----------------------------------------------------------------------------------
    @property
    def schema_version(self) -> str:
        return self._k("schema")

    # -- registry ---------------------------------------------------------------------------------
    @property
    def registry_targets(self) -> str:
        """HASH target id -> target JSON."""
        return self._k("registry", "targets")

    @property
    def registry_version(self) -> str:
        """INT bumped on every change, so running processes know to reload."""
        return self._k("registry", "version")

    @property
    def registry_seeded(self) -> str:
        """Marker: the registry has been seeded once (from REGISTRY_FILE or the bundled one)."""
        return self._k("registry", "seeded")

    # -- chats and subscriptions (subscriptions/) -------------------------------------------------
    def chat(self, chat_id: int) -> str:
        """HASH of one chat's settings (no names: ids, language, mode, mute, state)."""
        return self._k("chat", chat_id)

    @property
    def chats(self) -> str:
        """SET of every chat id the bot knows (broadcasts iterate it)."""
        return self._k("chats")

    def chat_targets(self, chat_id: int) -> str:
        """SET of target ids one chat follows."""
        return self._k("subs", "chat", chat_id)

    def target_chats(self, target_id: str) -> str:
        """SET of chat ids following one target (fan-out reads it)."""
        return self._k("subs", "target", target_id)

    def chat_mutes(self, chat_id: int) -> str:
        """HASH target id -> unix time until which this chat hears nothing about that target."""
        return self._k("mutes", chat_id)

    def all_patterns(self) -> str:
        """A SCAN pattern for every key under this prefix (tests and ``/forget`` tooling)."""
        return self.prefix + "*"
