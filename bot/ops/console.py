"""Console mode: every alert printed to standard output once, in a fixed plain-text layout.

    ALERT news 2026-05-12 14:03 +03  3f2a9c...
      title:      Алеся Бяляцкага перавялі ў турму №4
      prisoners:  Алесь Бяляцкі (ales-bjaljackiy)
      facilities: Турма №4, Магілёў (turma-4-mahiliou)
      events:     transfer
      summary:    ...
      source:     Nasha Niva  https://nashaniva.com/...
      source:     Radio Svaboda  https://www.svaboda.org/...
    (blank line)

A ``sources`` update (the same story in another feed) prints as ``MORE SOURCES`` with the alert's id
and the sources added since it was printed; a ``registry`` alert adds ``change:`` and ``origin:``.
Every line is one line: newlines and control characters in feed text are flattened.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO
from zoneinfo import ZoneInfo

from feeds.watching.alerts import Alert

_FLAT = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def _flat(text: str, limit: int = 300) -> str:
    text = " ".join(_FLAT.sub(" ", text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _targets(alert: Alert, ids: list[str]) -> str:
    return ", ".join(f"{_flat(alert.names.get(i, i), 100)} ({i})" for i in ids)


def format_alert(alert: Alert, tz: ZoneInfo, sources_from: int = 0) -> str:
    when = alert.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M %z")
    if alert.kind == "sources":
        lines = [f"MORE SOURCES {when}  {alert.id}", f"  title:      {_flat(alert.title)}"]
    else:
        lines = [f"ALERT {alert.kind} {when}  {alert.id}", f"  title:      {_flat(alert.title)}"]
        if alert.prisoners:
            lines.append(f"  prisoners:  {_targets(alert, alert.prisoners)}")
        if alert.facilities:
            lines.append(f"  facilities: {_targets(alert, alert.facilities)}")
        if alert.events:
            lines.append(f"  events:     {', '.join(alert.events)}")
        if alert.summary:
            lines.append(f"  summary:    {_flat(alert.summary, 500)}")
        if alert.change is not None:
            lines.append(
                f"  change:     {alert.change.old_status} -> {alert.change.new_status}; "
                f"{alert.change.old_facility_id or '-'} -> {alert.change.new_facility_id or '-'}"
            )
            lines.append(f"  origin:     {_flat(alert.origin)}")
    for source in alert.sources[sources_from:]:
        name = _flat(source.feed_name or source.feed_url, 100)
        lines.append(f"  source:     {name}  {_flat(source.link or source.feed_url, 500)}")
    return "\n".join(lines) + "\n"


class ConsolePrinter:
    """Prints each alert once (and each later source once), flushing so pipes see it at once."""

    def __init__(self, tz: ZoneInfo, out: TextIO | None = None) -> None:
        self.tz = tz
        self.out = out
        self._printed: dict[str, int] = {}  # alert id -> sources printed

    def __call__(self, alert: Alert) -> None:
        done = self._printed.get(alert.id)
        if alert.kind == "sources":
            if done is None or done >= len(alert.sources):
                return
            text = format_alert(alert, self.tz, sources_from=done)
        elif done is not None:
            return
        else:
            text = format_alert(alert, self.tz)
        self._printed[alert.id] = len(alert.sources)
        if len(self._printed) > 20_000:  # remember the recent ones only
            for key in list(self._printed)[:10_000]:
                del self._printed[key]
        out = self.out or sys.stdout
        out.write(text + "\n")
        out.flush()
