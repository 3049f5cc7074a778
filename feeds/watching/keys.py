"""The Redis keys of what watching produces: alerts and stories, timelines, reports, the watchers'
counters."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.storage.keys import KeySpace

# The consumer group of the fan-out on the alerts stream (``WatchKeys.alerts``). Several ``send``
# processes join it as consumers. Whoever comes first, a producer (watcher, registry change) or a
# sender, creates it at the stream's end ("$"): history from before the first deploy is not sent,
# and alerts made before the first sender starts wait for it.
FANOUT_GROUP = "fanout"


@dataclass(frozen=True, slots=True)
class WatchKeys(KeySpace):
    """Keys of ``feeds/watching/``: the alerts stream and what hangs off it."""

    # -- alerts (alerts.py, stories.py, reports.py) ------------------------------------------------
    @property
    def alerts(self) -> str:
        """STREAM of alerts (field ``alert``: Alert JSON); trimmed by length and age."""
        return self._k("alerts")

    @property
    def false_matches(self) -> str:
        """HASH target id -> how many times subscribers said an alert was about someone else."""
        return self._k("alerts", "false_matches")

    def false_match_seen(self, digest: str) -> str:
        """STRING (short TTL) marking one chat's report on one alert, so a report counts once;
        ``digest`` hashes alert and chat together: no chat id is kept in clear."""
        return self._k("alerts", "false_match_seen", digest)

    def alert_record(self, alert_id: str) -> str:
        """STRING Alert JSON as last updated (sources merged in), kept for the story window."""
        return self._k("alerts", "record", alert_id)

    def story_key(self, kind: str, digest: str) -> str:
        """STRING alert id for a story's canonical URL (``u``) or normalised title (``t``), 48 h."""
        return self._k("alerts", "story", kind, digest)

    def story_by_target(self, target_id: str) -> str:
        """ZSET "alert-id title words" -> epoch: recent alerts naming a target, with their titles'
        words (sorted, space-separated), for the near-identical title check."""
        return self._k("alerts", "titles", target_id)

    # -- status timeline (timeline.py) -------------------------------------------------------------
    def timeline(self, prisoner_id: str) -> str:
        """LIST of timeline event JSON for one prisoner, newest first, capped."""
        return self._k("timeline", prisoner_id)

    # -- the watchers' counters (watcher.py; bot's metrics read them) ------------------------------
    @property
    def watcher_cycle(self) -> str:
        """HASH of the last poll cycle of any watcher: ``at`` (epoch), polled, changed, ... ."""
        return self._k("watchers", "cycle")

    @property
    def watcher_counters(self) -> str:
        """HASH counter -> count since the start (polled, unchanged, changed, failed, items,
        alerts): counts only, added by every watcher at the end of each poll cycle."""
        return self._k("watchers", "counters")
