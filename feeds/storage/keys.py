"""The key prefix and the schema version every package's keys hang under, and the keys of no one
package.

All keys hang under one prefix (``REDIS_PREFIX``, default ``vestka:``) so several deployments or test
runs can share a server, and the schema version key says which layout the data is in, so a later
release can migrate instead of misreading. Each package declares its own keys next to the store that
uses them, as a :class:`KeySpace` in its ``keys.py`` (``feeds/fetching/keys.py``,
``feeds/watching/keys.py``, ``feeds/registry/keys.py``, ``subscriptions/keys.py``,
``bot/telegram/keys.py``); a store builds its package's space from the storage's with
:meth:`KeySpace.of`. ``tests/test_keys.py`` holds every key name as a deployment has it: a moved
builder must spell its key the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

SCHEMA_VERSION = 2  # feeds/storage/migrations.py brings older data up to it


@dataclass(frozen=True, slots=True)
class KeySpace:
    """Key names under one prefix: each package's key space is a subclass."""

    prefix: str = "vestka:"

    @classmethod
    def of(cls, keys: KeySpace) -> Self:
        """This package's keys under the prefix of ``keys`` (usually ``storage.keys``)."""
        return cls(keys.prefix)

    def _k(self, *parts: object) -> str:
        return self.prefix + ":".join(str(p) for p in parts)


@dataclass(frozen=True, slots=True)
class StorageKeys(KeySpace):
    """The schema's keys, and the stream any package tells the admins through."""

    @property
    def schema_version(self) -> str:
        return self._k("schema")

    @property
    def schema_migration_lock(self) -> str:
        """Lock: the one process migrating the data to this release's schema."""
        return self._k("schema", "migrating")

    @property
    def admin_notices(self) -> str:
        """STREAM of one-off notices for admins (a feed failing for 24 h, ...); trimmed by length."""
        return self._k("admin", "notices")

    def all_patterns(self) -> str:
        """A SCAN pattern for every key under this prefix (tests and ``/forget`` tooling)."""
        return self.prefix + "*"
