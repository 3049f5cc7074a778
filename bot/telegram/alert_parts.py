"""The pieces alert messages and digests are made of: who (the followed names, bold), what happened
(event words of the story's headline sentences), the summary with the matched names bold and cut
to a budget without cutting markup, the outlets (linked or not), the date in ``TZ``, a registry
change's line. Everything from feeds and the registry is escaped here."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.telegram.i18n import Html, has, t
from bot.telegram.render import name_of
from feeds.mentions.models import GRAVE as GRAVE_EVENTS
from feeds.registry.models import AnyTarget, Facility
from feeds.watching.alerts import Alert, AlertSource

TITLE_MAX = 300
NAME_MAX = 100
SOURCES_MAX = 10
SOURCE_NAME_MAX = 80
URL_MAX = 1000
WHO_MAX = 1500  # characters of HTML for the names in one headline
BUTTON_TARGETS_MAX = 10  # keyboard rows for one alert
DIGEST_SUMMARY_MAX = 400
ELLIPSIS = "…"
NO_PREVIEW = {"is_disabled": True}


# -- the pieces --------------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _cap(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def target_name(target_id: str, alert: Alert, targets: Mapping[str, AnyTarget], lang: str) -> str:
    """Plain text: the registry's name in the chat's script, else the alert's, else the id."""
    target = targets.get(target_id)
    name = name_of(target, lang) if target is not None else alert.names.get(target_id, target_id)
    return _cap(name, NAME_MAX)


def who_html(
    followed: Sequence[str], alert: Alert, targets: Mapping[str, AnyTarget], lang: str
) -> str:
    """The followed targets' names in bold, comma-separated, "and N more" past ``WHO_MAX``."""
    shown: list[str] = []
    size = 0
    for target_id in followed:
        name = f"<b>{_e(target_name(target_id, alert, targets, lang))}</b>"
        if shown and size + len(name) > WHO_MAX:
            break
        shown.append(name)
        size += len(name) + 2
    rest = len(followed) - len(shown)
    return ", ".join(shown) + (" " + t(lang, "alert.more", count=rest) if rest else "")


GRAVE = frozenset(map(str, GRAVE_EVENTS))  # as the alert stores them
HEADLINE_SENTENCES = 2  # the story's news: the first sentences that say something of them
HEADLINE_EVENTS = 3


def headline_events(alert: Alert, followed: Sequence[str]) -> list[str]:
    """What this story says happened to the followed targets now.

    A story leads with its news ("X was moved to colony No. 9") and recalls the past later ("She
    was sentenced in 2021 ..."): the headline takes the events of the first
    ``HEADLINE_SENTENCES`` sentences (the title counts as one) in which a followed target is
    named with an event, at most ``HEADLINE_EVENTS``; the rest of the story is in the summary and
    the person's history in their card."""
    mentions = alert.mentions.get("mentions") if alert.mentions else None
    if not mentions:
        return list(alert.events)[:HEADLINE_EVENTS]
    wanted = set(followed)
    sentences: dict[str, list[str]] = {}
    for m in mentions:
        named = {m.get("target"), *(m.get("ambiguous_with") or ())}
        if named & wanted and m.get("events"):
            if len(sentences) == HEADLINE_SENTENCES and m.get("sentence") not in sentences:
                break
            # what its own sentence says; what the next sentences add only when it says nothing
            carried = set(m.get("carried") or ())
            own = [e for e in m["events"] if e not in carried]
            sentences.setdefault(m.get("sentence", ""), []).extend(own or m["events"])
    events = list(dict.fromkeys(e for found in sentences.values() for e in found))
    events.sort(key=lambda e: e not in GRAVE)  # a release or a death is never cut off
    return events[:HEADLINE_EVENTS]


def event_words(alert: Alert, followed: Sequence[str], lang: str) -> str:
    """What happened to the followed targets, in the chat's language ("mentioned" if nothing)."""
    events = list(
        dict.fromkeys(e for e in headline_events(alert, followed) if has(lang, f"events.{e}"))
    )
    if len(events) > 1 and "other" in events:
        events.remove("other")
    if not events:
        return t(lang, "events.mentioned")
    return ", ".join(t(lang, f"events.{e}") for e in events)


def bold_spans(text: str, spans: Sequence[Sequence[int]]) -> str:
    """``text`` escaped, with the ``[start, end)`` spans in bold (overlaps and strays ignored)."""
    out: list[str] = []
    pos = 0
    for span in sorted((s for s in spans if len(s) == 2), key=lambda s: (s[0], s[1])):
        start, end = int(span[0]), int(span[1])
        if start < pos or end <= start or end > len(text):
            continue
        out.append(_e(text[pos:start]))
        out.append(f"<b>{_e(text[start:end])}</b>")
        pos = end
    out.append(_e(text[pos:]))
    return "".join(out)


def summary_of(alert: Alert, followed: Sequence[str] = ()) -> tuple[str, list[list[int]]]:
    """The story's summary with its names' spans. When it says nothing of what this chat follows
    (a prison named in a story about someone else), the first sentence naming it comes first."""
    mentions = alert.mentions or {}
    if not mentions.get("summary"):
        return alert.summary, []
    summary, spans = mentions["summary"], list(mentions.get("summary_spans") or [])
    wanted = set(followed)
    mine = [m for m in mentions.get("mentions") or [] if m.get("target") in wanted]
    if not mine or any(m.get("sentence") and m["sentence"] in summary for m in mine):
        return summary, spans
    sentence = " ".join(str(mine[0].get("sentence") or "").split())
    if not sentence:
        return summary, spans
    found = sentence.find(str(mine[0].get("text") or "\0"))
    lead_spans = [[found, found + len(mine[0]["text"])]] if found >= 0 else []
    shift = len(sentence) + 1
    return sentence + " " + summary, lead_spans + [[a + shift, b + shift] for a, b in spans]


def summary_html(text: str, spans: Sequence[Sequence[int]], budget: int) -> str:
    """The summary with names bold, shortened (at a word, dropping any cut name) to fit
    ``budget`` characters of HTML; "" when not even a few words fit."""
    rendered = bold_spans(text, spans)
    if len(rendered) <= budget:
        return rendered
    if budget < 20:
        return ""

    def cut_at(cut: int) -> str:
        space = text.rfind(" ", 0, cut + 1)
        if space > cut * 2 // 3:
            cut = space
        short = text[:cut].rstrip()
        kept = [s for s in spans if len(s) == 2 and s[1] <= len(short)]
        return bold_spans(short, kept) + ELLIPSIS

    lo, hi, best = 0, len(text) - 1, ""
    while lo < hi:  # the longest cut that fits (HTML grows with the cut, escapes aside)
        mid = (lo + hi + 1) // 2
        candidate = cut_at(mid)
        if len(candidate) <= budget:
            lo, best = mid, candidate
        else:
            hi = mid - 1
    return best if len(best) > len(ELLIPSIS) + 1 else ""


def source_links(
    sources: Sequence[AlertSource], limit: int = SOURCES_MAX, links: bool = True
) -> tuple[list[str], int]:
    """One link per outlet (its first item link), as HTML, at most ``limit``; and how many
    outlets there are in all. ``links=False`` (the chat's ``/links off``): names only."""
    seen: set[str] = set()
    out: list[str] = []
    for source in sources:
        name = _cap(source.feed_name or source.title or _host(source.link) or "", SOURCE_NAME_MAX)
        if not name or name in seen:
            continue
        seen.add(name)
        if len(out) >= limit:
            continue
        link = source.link or ""
        if links and link.startswith(("https://", "http://")) and len(link) <= URL_MAX:
            out.append(f'<a href="{_e(link)}">{_e(name)}</a>')
        else:
            out.append(_e(name))
    return out, len(seen)


def _host(link: str | None) -> str:
    if not link or "://" not in link:
        return ""
    return link.split("://", 1)[1].split("/", 1)[0]


def when_of(alert: Alert, zone: ZoneInfo) -> datetime:
    moment = alert.published or alert.created_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def registry_line(alert: Alert, targets: Mapping[str, AnyTarget], lang: str) -> str:
    """ "The registry now lists <b>X</b> in Prison No. 4, was Penal colony No. 15." """
    change = alert.change
    assert change is not None
    name = f"<b>{_e(target_name(change.prisoner_id, alert, targets, lang))}</b>"

    def place(facility_id: str | None, fallback: str) -> str:
        facility = targets.get(facility_id) if facility_id else None
        if isinstance(facility, Facility):
            return name_of(facility, lang)
        return fallback

    def status(value: str) -> str:
        key = f"card.status_{value}"
        return t(lang, key) if has(lang, key) else value.replace("_", " ")

    new_place = place(change.new_facility_id, change.new_facility_name)
    old_place = place(change.old_facility_id, change.old_facility_name)
    if change.new_status != change.old_status:
        now = ", ".join(p for p in (status(change.new_status), new_place) if p)
        was = ", ".join(p for p in (status(change.old_status), old_place) if p)
        key = "alert.registry_status"
    else:
        now = new_place or t(lang, "alert.unknown_place")
        was = old_place or t(lang, "alert.unknown_place")
        key = "alert.registry_place"
    line = t(lang, key, name=Html(name), now=_cap(now, 200), was=_cap(was, 200))
    if change.as_of is not None:  # as of when, and who says so
        source = _cap(change.source or "?", 120)
        line += f" <i>({t(lang, 'card.as_of', date=change.as_of.isoformat(), source=source)})</i>"
    return line


def _fit_lines(lines: list[str], limit: int) -> str:
    text = "\n".join(lines)
    return text if len(text) <= limit else lines[-1]
