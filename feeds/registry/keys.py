"""The registry's Redis keys: its targets and version, what syncs and admins left behind."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.storage.keys import KeySpace


@dataclass(frozen=True, slots=True)
class RegistryKeys(KeySpace):
    """Keys of ``feeds/registry/`` (the store, syncs, held deaths)."""

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

    @property
    def registry_sync(self) -> str:
        """HASH registry URL -> its sync state JSON (validators, next time, size, last error)."""
        return self._k("registry", "sync")

    def registry_sync_ids(self, url_digest: str) -> str:
        """SET of the ids a registry URL listed in the last copy applied ("people vanishing")."""
        return self._k("registry", "sync_ids", url_digest)

    def registry_sync_lease(self, url_digest: str) -> str:
        """Lease: the one watcher syncing this registry URL now."""
        return self._k("registry", "sync_lease", url_digest)

    @property
    def registry_held_deaths(self) -> str:
        """HASH person id -> a death a registry source reports, held until an admin confirms it."""
        return self._k("registry", "held_deaths")

    @property
    def registry_redirects(self) -> str:
        """HASH merged-away id -> the id that person lives on as (``registry merge``)."""
        return self._k("registry", "redirects")

    @property
    def registry_taken_down(self) -> str:
        """SET of hashed ids an admin took down: no later import brings them back (only /track)."""
        return self._k("registry", "taken_down")
