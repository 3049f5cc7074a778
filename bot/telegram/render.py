"""Telegram HTML for prisoners and facilities: names, cards, short labels.

Everything that came from outside (registry names, feed titles, URLs) goes through ``html.escape``
here or through ``t()``'s escaping; nothing else builds markup. Cards stay under Telegram's
4096-character limit by dropping the oldest timeline lines first.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from bot.telegram.i18n import has, t
from feeds.registry.models import AnyTarget, Facility, Prisoner
from feeds.watching.timeline import TimelineEvent

MESSAGE_LIMIT = 4096
BUTTON_LABEL_MAX = 60


def name_of(target: AnyTarget, lang: str) -> str:
    """The name a reader of ``lang`` expects: Cyrillic for be/ru, Latin for en (plain text)."""
    if isinstance(target, Prisoner):
        order = {
            "be": (target.name_be, target.name_ru, target.name_en),
            "ru": (target.name_ru, target.name_be, target.name_en),
        }.get(lang, (target.name_en, target.name_be, target.name_ru))
        return next((n for n in order if n), target.id)
    return facility_name(target, lang)


def facility_name(facility: Facility, lang: str) -> str:
    own = {"be": facility.name_be, "ru": facility.name_ru}.get(lang, facility.name_en)
    if own:
        return own
    kind = t(lang, f"card.facility_kind_{facility.kind}")
    number = f" №{facility.number}" if facility.number is not None else ""
    town = {"be": facility.town_be, "ru": facility.town_ru}.get(lang, facility.town_en)
    town = town or facility.town_be or facility.town_ru or facility.town_en
    label = f"{kind}{number}"
    label = label[0].upper() + label[1:]
    return f"{label}, {town}" if town else label


def button_label(text: str) -> str:
    return text if len(text) <= BUTTON_LABEL_MAX else text[: BUTTON_LABEL_MAX - 1] + "…"


def prisoner_card(
    prisoner: Prisoner,
    lang: str,
    facility: Facility | None = None,
    timeline: Iterable[TimelineEvent] = (),
    zone: ZoneInfo | None = None,
    links: bool = True,
) -> str:
    """Names in both scripts, status, place with postal address, sentence, latest dated news.
    ``links=False`` (the chat's ``/links off``): the profile and the sources are named, not linked."""
    names = _unique([prisoner.name_be, prisoner.name_ru, prisoner.name_en])
    head = [f"<b>{_e(names[0] if names else prisoner.id)}</b>"]
    if len(names) > 1:
        head.append(_e(" · ".join(names[1:])))
    if prisoner.description:
        head.append(f"<i>{_e(prisoner.description)}</i>")
    status = t(lang, f"card.status_{prisoner.status}")
    lines = [
        *head,
        "",
        f"{t(lang, 'card.status_label')}: {status}{_dated(prisoner, 'status', lang)}",
    ]
    place = _dated(prisoner, "facility", lang)
    if facility is not None:
        lines.append(f"{t(lang, 'card.place')}: {_e(facility_name(facility, lang))}{place}")
        if facility.postal_address:
            lines.append(f"{t(lang, 'card.address')}: {_e(facility.postal_address)}")
    elif prisoner.extra.get("prison_title"):
        lines.append(f"{t(lang, 'card.place')}: {_e(prisoner.extra['prison_title'])}{place}")
    sentence = " ".join(
        _unique([prisoner.extra.get("sentence", ""), prisoner.extra.get("penalty", "")])
    )
    if sentence:
        dated = _dated(prisoner, "sentence", lang)
        lines.append(f"{t(lang, 'card.sentence')}: {_e(sentence)}{dated}")
    if links and prisoner.profile_url.startswith("https://"):
        lines.append(f'<a href="{_e(prisoner.profile_url)}">{t(lang, "card.profile")}</a>')
    news = [_timeline_line(entry, lang, zone, links) for entry in timeline]
    return _fit(lines, news, lang)


def _dated(prisoner: Prisoner, fact: str, lang: str) -> str:
    """ " (as of 2023-03-03, viasna-export.json)" after a fact the registry dated, else ""."""
    known = prisoner.facts.get(fact)
    if known is None or known.as_of is None:
        return ""
    source = known.source or "?"
    return f" <i>({t(lang, 'card.as_of', date=known.as_of.isoformat(), source=source)})</i>"


def facility_card(facility: Facility, lang: str) -> str:
    lines = [f"<b>{_e(facility_name(facility, lang))}</b>"]
    others = _unique([facility.town_be, facility.town_ru, facility.town_en, *facility.nicknames])
    if others:
        lines.append(_e(" · ".join(others)))
    if facility.postal_address:
        lines.append(f"{t(lang, 'card.address')}: {_e(facility.postal_address)}")
    return "\n".join(lines)


def card(target: AnyTarget, lang: str, **kwargs: object) -> str:
    if isinstance(target, Prisoner):
        return prisoner_card(target, lang, **kwargs)  # type: ignore[arg-type]
    return facility_card(target, lang)


def _timeline_line(
    entry: TimelineEvent, lang: str, zone: ZoneInfo | None, links: bool = True
) -> str:
    """'• 12.03.2026: transferred — Nasha Niva' with the source linked. The events are the
    person's own in that story (another person named in it may have been the one released)."""
    when = entry.at.astimezone(zone) if zone else entry.at
    events = entry.own_events if entry.own_events is not None else entry.events
    what = ", ".join(t(lang, f"events.{e}") for e in events if has(lang, f"events.{e}"))
    source = entry.sources[0] if entry.sources else None
    label = _e((source.name if source else "") or entry.title or "")
    link = source.link if source and source.link else ""
    if links and link.startswith(("https://", "http://")):
        label = f'<a href="{_e(link)}">{label or _e(link)}</a>'
    text = what or t(lang, "events.mentioned")
    return f"• {when:%d.%m.%Y}: {_e(text)}" + (f" — {label}" if label else "")


def _fit(lines: list[str], news: list[str], lang: str) -> str:
    """Join, dropping the oldest news lines until the card fits one message."""
    while True:
        parts = lines + (["", f"<b>{t(lang, 'card.latest')}</b>", *news] if news else [])
        text = "\n".join(parts)
        if len(text) <= MESSAGE_LIMIT or not news:
            return text[:MESSAGE_LIMIT]
        news = news[:-1]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _e(text: str) -> str:
    return html.escape(text, quote=True)
