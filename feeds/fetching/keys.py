"""The Redis keys of one feed: its source, state, due time, lease, seen set and channel posts.

A feed's keys live together so that removing a feed (``FeedStore.remove``) finds all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from feeds.storage.keys import KeySpace


@dataclass(frozen=True, slots=True)
class FeedKeys(KeySpace):
    """Keys of the feed list and of each feed (``feeds/fetching/sources.py``, the watcher)."""

    @property
    def feed_sources(self) -> str:
        """HASH feed id -> FeedSource JSON (URL, name, language, full-text mode, paused)."""
        return self._k("feeds", "sources")

    @property
    def feed_state(self) -> str:
        """HASH feed id -> FeedState JSON (validators, last success/error, error count, flags)."""
        return self._k("feeds", "state")

    @property
    def feed_checked(self) -> str:
        """HASH feed id -> "<time> <polls> <next check>": the clock of the last quiet poll (a 304 that changed
        nothing else writes only this and the due time; ``FeedStore`` folds it into the state)."""
        return self._k("feeds", "checked")

    @property
    def feeds_due(self) -> str:
        """ZSET feed id -> epoch seconds of its next check (paused feeds are not in it)."""
        return self._k("feeds", "due")

    @property
    def feeds_seeded(self) -> str:
        """Marker: the feed list has been seeded once (from FEEDS_FILE or the bundled list)."""
        return self._k("feeds", "seeded")

    def feed_lease(self, feed_id: str) -> str:
        """STRING holder token, with a short PX expiry: one watcher fetches a feed at a time."""
        return self._k("feeds", "lease", feed_id)

    def host_pace(self, host: str) -> str:
        """STRING: when the next request to ``host`` may start (ms epoch; ``HostPacer``)."""
        return self._k("feeds", "pace", host)

    def channel_posts(self, feed_id: str) -> str:
        """HASH post guid -> its text's hash and the targets it named, for the posts on a channel's
        page (``feeds/watching/channel_watch.py``: an edit that names someone new alerts once)."""
        return self._k("feeds", "posts", feed_id)

    def feed_seen(self, feed_id: str) -> str:
        """ZSET identity key -> epoch last seen, per feed; old members trimmed, whole key EXPIREs."""
        return self._k("feeds", "seen", feed_id)
