"""Alert messages and digests as Telegram HTML: word for word in be/ru/en, escaping of hostile feed
text, the 4096 limit, buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.telegram.alert_message import alert_text, render_alert
from bot.telegram.digest_message import render_digest
from bot.telegram.i18n import t
from feeds.registry.importers import load_registry_file
from feeds.watching.alerts import Alert, AlertSource, RegistryChange
from subscriptions.digest import DigestItem
from testkit.botapi import parse_html
from testkit.harness import EVAL_REGISTRY

MINSK = ZoneInfo("Europe/Minsk")
TARGETS = {target.id: target for target in load_registry_file(EVAL_REGISTRY).targets}
SUMMARY = "Алеся Бяляцкага і Марыю Калеснікаву перавялі ў ШІЗА."
SOURCE_A = AlertSource(
    feed_id="a", feed_name="Outlet A", link="https://a.example/news?id=1&x=2", lang="be"
)
SOURCE_B = AlertSource(feed_id="b", feed_name="Outlet B", link="https://b.example/2")


def news(**kw) -> Alert:
    fields = {
        "id": "a" * 32,
        "kind": "news",
        "created_at": datetime(2026, 5, 12, 11, 5, tzinfo=UTC),
        "published": datetime(2026, 5, 12, 11, 3, tzinfo=UTC),
        "title": "Бяляцкага і Калеснікаву перавялі",
        "sources": [SOURCE_A, SOURCE_B],
        "prisoners": ["ales-bialiacki", "maryja-kalesnikava"],
        "facilities": ["ik-4-homiel-women"],
        "events": ["transfer", "punishment_cell"],
        "summary": SUMMARY,
        "names": {"ales-bialiacki": "Алесь Бяляцкі", "maryja-kalesnikava": "Марыя Калеснікава"},
        "mentions": {
            "mentions": [
                {"target": "ales-bialiacki", "events": ["transfer", "punishment_cell"]},
                {"target": "maryja-kalesnikava", "events": ["transfer"]},
                {"target": "ik-4-homiel-women", "events": []},
            ],
            "summary": SUMMARY,
            "summary_spans": [[0, 15], [18, 35]],
        },
    }
    return Alert(**{**fields, **kw})


EXPECTED = {
    "en": (
        "🔔 <b>Ales Bialiatski</b> — transferred, punishment cell\n"
        "<i>Бяляцкага і Калеснікаву перавялі</i>\n\n"
        "<b>Алеся Бяляцкага</b> і <b>Марыю Калеснікаву</b> перавялі ў ШІЗА.\n\n"
        'Sources: <a href="https://a.example/news?id=1&amp;x=2">Outlet A</a>, '
        '<a href="https://b.example/2">Outlet B</a>\n'
        "12.05.2026 14:03"
    ),
    "be": (
        "🔔 <b>Алесь Бяляцкі</b> — этап, ШІЗА / ПКТ\n"
        "<i>Бяляцкага і Калеснікаву перавялі</i>\n\n"
        "<b>Алеся Бяляцкага</b> і <b>Марыю Калеснікаву</b> перавялі ў ШІЗА.\n\n"
        'Крыніцы: <a href="https://a.example/news?id=1&amp;x=2">Outlet A</a>, '
        '<a href="https://b.example/2">Outlet B</a>\n'
        "12.05.2026 14:03"
    ),
    "ru": (
        "🔔 <b>Алесь Беляцкий</b> — этап, ШИЗО / ПКТ\n"
        "<i>Бяляцкага і Калеснікаву перавялі</i>\n\n"
        "<b>Алеся Бяляцкага</b> і <b>Марыю Калеснікаву</b> перавялі ў ШІЗА.\n\n"
        'Источники: <a href="https://a.example/news?id=1&amp;x=2">Outlet A</a>, '
        '<a href="https://b.example/2">Outlet B</a>\n'
        "12.05.2026 14:03"
    ),
}
BUTTON_LABELS = {
    "en": ("📇 Status card", "🔕 Mute", "🙅 Not about this person"),
    "be": ("📇 Картка", "🔕 Прыглушыць", "🙅 Гэта не пра яго / яе"),
    "ru": ("📇 Карточка", "🔕 Заглушить", "🙅 Это не о нём / ней"),
}


@pytest.mark.parametrize("lang", ["en", "be", "ru"])
def test_alert_word_for_word(lang: str) -> None:
    params = render_alert(news(), lang, ["ales-bialiacki"], TARGETS, MINSK)
    assert params["text"] == EXPECTED[lang]
    assert params["parse_mode"] == "HTML"
    assert params["link_preview_options"] == {"is_disabled": True}
    card, mute, not_about = BUTTON_LABELS[lang]
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [
                {"text": card, "callback_data": "card:ales-bialiacki"},
                {"text": mute, "callback_data": "mute:ales-bialiacki"},
            ],
            [{"text": not_about, "callback_data": "nm:aaaaaaaa:ales-bialiacki"}],
        ]
    }
    assert "message_thread_id" not in params
    parse_html(params["text"])


def test_several_followed_targets_one_message_and_a_button_pair_each() -> None:
    followed = ["ales-bialiacki", "maryja-kalesnikava", "ik-4-homiel-women"]
    params = render_alert(news(), "en", followed, TARGETS, MINSK, thread_id=7)
    head = params["text"].split("\n")[0]
    assert head == (
        "🔔 <b>Ales Bialiatski</b>, <b>Maria Kalesnikava</b>, <b>Penal colony №4, Homiel</b>"
        " — transferred, punishment cell"
    )
    rows = params["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in rows] == [
        [f"card:{i}", f"mute:{i}", f"nm:aaaaaaaa:{i}"] for i in followed
    ]
    assert rows[1][0]["text"] == "📇 Maria Kalesnikava"
    assert rows[1][1]["text"] == "🔕 Mute Maria Kalesnikava"
    assert rows[1][2]["text"] == "🙅 Not Maria Kalesnikava"
    assert params["message_thread_id"] == 7


def test_events_are_those_of_the_followed_target() -> None:
    text = render_alert(news(), "en", ["maryja-kalesnikava"], TARGETS, MINSK)["text"]
    assert text.startswith("🔔 <b>Maria Kalesnikava</b> — transferred\n")
    text = render_alert(news(), "en", ["ik-4-homiel-women"], TARGETS, MINSK)["text"]
    assert text.startswith("🔔 <b>Penal colony №4, Homiel</b> — mentioned\n")


def test_hostile_feed_text_and_names_are_escaped() -> None:
    evil = news(
        title="<script>alert(1)</script> & co",
        summary="<b>x</b> & <i>",
        mentions={},
        sources=[
            AlertSource(
                feed_id="e", feed_name='Evil "<b>" & Sons', link='https://e.example/?a=1&b="2"'
            ),
            AlertSource(feed_id="j", feed_name="JS", link="javascript:alert(1)"),
        ],
        prisoners=["nobody-known"],
        facilities=[],
        names={"nobody-known": "<img src=x onerror=alert(1)>"},
    )
    params = render_alert(evil, "en", ["nobody-known"], TARGETS, MINSK)
    text = params["text"]
    assert "<script>" not in text and "<img" not in text
    assert "<i>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</i>" in text
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;i&gt;" in text
    assert (
        '<a href="https://e.example/?a=1&amp;b=&quot;2&quot;">Evil &quot;&lt;b&gt;&quot; &amp; Sons</a>'
        in text
    )
    assert "javascript:" not in text and ", JS\n" in text  # not a link
    plain, entities = parse_html(text)  # Telegram would accept it
    assert "<img src=x onerror=alert(1)>" in plain
    assert {e["type"] for e in entities} <= {"bold", "italic", "text_link"}


def test_long_summary_is_trimmed_never_the_markup() -> None:
    long = "Алеся Бяляцкага " + "вельмі доўгі тэкст & <таксама> " * 400
    alert = news(
        summary=long,
        mentions={"summary": long, "summary_spans": [[0, 15], [len(long) - 5, len(long)]]},
        title="T" * 1000,
        sources=[
            AlertSource(feed_id=str(i), feed_name=f"Outlet {i}", link=f"https://{i}.example/")
            for i in range(30)
        ],
    )
    text = alert_text(alert, "en", ["ales-bialiacki"], TARGETS, MINSK)
    assert len(text) <= 4096
    parse_html(text)
    lines = text.split("\n")
    assert lines[0] == "🔔 <b>Ales Bialiatski</b> — transferred, punishment cell"
    assert lines[1] == f"<i>{'T' * 299}…</i>"  # titles are capped at 300
    assert lines[3].startswith("<b>Алеся Бяляцкага</b> вельмі") and lines[3].endswith("…")
    assert "таксама" in lines[3] and "&lt;таксама&gt;" in lines[3]
    assert lines[-2].endswith("and 20 more") and lines[-1] == "12.05.2026 14:03"
    assert lines[-2].count("<a href=") == 10


def test_many_followed_names_stay_within_the_limit() -> None:
    followed = [t.id for t in TARGETS.values()]
    alert = news(prisoners=followed, facilities=[])
    params = render_alert(alert, "be", followed, TARGETS, MINSK)
    assert len(params["text"]) <= 4096
    assert len(params["reply_markup"]["inline_keyboard"]) == 10
    for row in params["reply_markup"]["inline_keyboard"]:
        for button in row:
            assert len(button["callback_data"].encode()) <= 64
    parse_html(params["text"])


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "en",
            "📋 The registry now lists <b>Maria Kalesnikava</b> in Penal colony №4, Homiel, "
            "was Correctional colony No. 15.",
        ),
        (
            "be",
            "📋 Рэестр абнавіўся: <b>Марыя Калеснікава</b> — цяпер Папраўчая калонія №4, Гомель; "
            "раней Correctional colony No. 15.",
        ),
        (
            "ru",
            "📋 Реестр обновлён: <b>Мария Колесникова</b> — теперь Исправительная колония №4, "
            "Гомель; раньше Correctional colony No. 15.",
        ),
    ],
)
def test_registry_change(lang: str, line: str) -> None:
    alert = Alert(
        id="b" * 32,
        kind="registry",
        created_at=datetime(2026, 5, 12, 21, 30, tzinfo=UTC),
        prisoners=["maryja-kalesnikava"],
        facilities=["ik-4-homiel-women"],
        change=RegistryChange(
            prisoner_id="maryja-kalesnikava",
            old_status="in_custody",
            new_status="in_custody",
            old_facility_id="ik-15-unknown",
            new_facility_id="ik-4-homiel-women",
            old_facility_name="Correctional colony No. 15",
            new_facility_name="IK-4",
        ),
    )
    params = render_alert(alert, lang, ["maryja-kalesnikava"], TARGETS, MINSK)
    assert params["text"] == f"{line}\n\n13.05.2026 00:30"
    parse_html(params["text"])
    # the registry names its own person: no "not about this person" under a registry change
    data = [b["callback_data"] for row in params["reply_markup"]["inline_keyboard"] for b in row]
    assert data == ["card:maryja-kalesnikava", "mute:maryja-kalesnikava"]


def test_registry_status_change() -> None:
    alert = Alert(
        id="c" * 32,
        kind="registry",
        created_at=datetime(2026, 5, 12, 9, 0, tzinfo=UTC),
        prisoners=["ales-bialiacki"],
        change=RegistryChange(
            prisoner_id="ales-bialiacki",
            old_status="in_custody",
            new_status="released",
            old_facility_id=None,
            old_facility_name="",
        ),
    )
    text = render_alert(alert, "en", ["ales-bialiacki"], TARGETS, MINSK)["text"]
    assert text.startswith(
        "📋 The registry now lists <b>Ales Bialiatski</b> as released, was in custody."
    )


def test_digest_groups_and_splits() -> None:
    items = [
        DigestItem(news(id=f"{i:032x}"), ["ales-bialiacki"], 1_700_000_000 + i) for i in range(3)
    ]
    [only] = render_digest(items, "en", TARGETS, MINSK)
    assert only["text"].startswith(t("en", "digest.header") + "\n\n• <b>Ales Bialiatski</b>")
    assert only["text"].count("• <b>Ales Bialiatski</b> — transferred, punishment cell") == 3
    parse_html(only["text"])
    long = "Алеся Бяляцкага " + "слова " * 200
    many = [
        DigestItem(
            news(
                id=f"{i:032x}", summary=long, mentions={"summary": long, "summary_spans": [[0, 15]]}
            ),
            ["ales-bialiacki"],
            i,
        )
        for i in range(40)
    ]
    parts = render_digest(many, "ru", TARGETS, MINSK, thread_id=3)
    assert len(parts) > 1
    for number, part in enumerate(parts, start=1):
        assert len(part["text"]) <= 4096
        assert part["text"].startswith(
            t("ru", "digest.header") + " " + t("ru", "digest.part", part=number, parts=len(parts))
        )
        assert part["message_thread_id"] == 3
        parse_html(part["text"])
    assert sum(p["text"].count("• <b>Алесь Беляцкий</b>") for p in parts) == 40


# -- what the headline says happened, and what a prison's followers read ------------------------

STORY = (
    "Алеся Бяляцкага этапавалі ў калонію № 9 у Горках. "
    "Праваабаронцу асудзілі ў 2023 годзе на дзесяць гадоў. "
    "Затрымалі яго разам з калегамі па той самай справе. "
    "Тады ж яго жонка казала, што ён захварэў."
)


def scanned(text: str, **kw) -> Alert:
    from feeds.mentions import compile_registry

    result = compile_registry(TARGETS.values()).scan(text)
    fields = {
        "prisoners": list(result.prisoners),
        "facilities": list(result.facilities),
        "events": [str(e) for e in result.events],
        "summary": result.summary,
        "mentions": result.to_json(),
        "title": "",
    }
    return news(**{**fields, **kw})


def test_the_headline_names_this_storys_news_not_the_persons_past() -> None:
    alert = scanned(STORY)
    # the story recalls an arrest (the engine keeps it) and a sentence (a story that leads with
    # other news only recalls it: the engine drops it, result.py _drop_recalled)
    assert {"transfer", "arrest"} <= set(alert.events) and "sentenced" not in alert.events
    text = alert_text(alert, "en", ["ales-bialiacki"], TARGETS, MINSK)
    head = text.split("\n")[0]
    # the lead says he was moved; the sentence and the arrest are his past
    assert head == "🔔 <b>Ales Bialiatski</b> — " + t("en", "events.transfer")


def test_a_release_in_the_lead_is_never_cut_from_the_headline() -> None:
    alert = news(
        mentions={
            "mentions": [
                {
                    "target": "ales-bialiacki",
                    "sentence": "s1",
                    "events": ["transfer", "health", "punishment_cell", "released"],
                }
            ],
            "summary": SUMMARY,
            "summary_spans": [],
        }
    )
    head = alert_text(alert, "en", ["ales-bialiacki"], TARGETS, MINSK).split("\n")[0]
    assert t("en", "events.released") in head
    assert head.count(",") == 2  # three events at most


def test_a_prisons_followers_read_the_sentence_about_the_prison() -> None:
    text = (
        "Марыю Калеснікаву наведаў бацька, ён кажа, што яна трымаецца і не губляе надзеі, "
        "хоць апошнія месяцы былі для яе вельмі цяжкімі і доўгімі. "
        "Бацька таксама сказаў, што Калеснікава шмат чытае, піша лісты сябрам і родным, "
        "а таксама просіць дасылаць ёй кнігі па музыцы і гісторыі. "
        "Сяброўка расказала, што Калеснікава вучыць нямецкую мову, займаецца спортам "
        "і кожны дзень шмат гадзін праводзіць у бібліятэцы калоніі за кнігамі. "
        "Па словах сяброўкі, Калеснікава марыць зноў выступаць на сцэне з аркестрам. "
        "Тым часам у Гомельскай жаночай калоніі № 4 пачаўся рамонт бараку."
    )
    alert = scanned(text)
    assert "ik-4-homiel-women" in alert.facilities
    assert "калоніі № 4" not in alert.mentions["summary"]  # the story's summary is about her
    for_prison = alert_text(alert, "en", ["ik-4-homiel-women"], TARGETS, MINSK)
    assert "<b>Гомельскай жаночай калоніі № 4</b> пачаўся рамонт" in for_prison
    for_her = alert_text(alert, "en", ["maryja-kalesnikava"], TARGETS, MINSK)
    assert "калоніі № 4" not in for_her


def test_namesakes_are_told_and_marked_not_dropped() -> None:
    """Two records share a name and the story cannot tell them apart: the subscribers of each get
    it, marked as possibly about someone else; a confirmed person's alert carries no such mark."""
    from feeds.mentions import compile_registry
    from feeds.registry.models import Prisoner

    people = [
        Prisoner(id="frantskevich-1", name_en="Aliaksandr Frantskevich"),
        Prisoner(id="frantskevich-2", name_en="Aliaksandr Frantskevich"),
    ]
    result = compile_registry(people).scan("Aliaksandr Frantskevich was moved to colony No. 9.")
    assert result.prisoners == () and result.ambiguous == (("frantskevich-1", "frantskevich-2"),)
    alert = news(
        prisoners=[],
        facilities=list(result.facilities),
        namesakes=[list(g) for g in result.ambiguous],
        names={p.id: p.name_en for p in people},
        mentions=result.to_json(),
        summary=result.summary,
        title="",
    )
    assert {"frantskevich-1", "frantskevich-2"} <= set(alert.targets)
    targets = {p.id: p for p in people}
    for person in ("frantskevich-1", "frantskevich-2"):
        text = alert_text(alert, "en", [person], targets, MINSK)
        assert t("en", "alert.namesake") in text
        assert t("en", "events.transfer") in text.split("\n")[0]
    confirmed = news()
    assert t("en", "alert.namesake") not in alert_text(
        confirmed, "en", ["ales-bialiacki"], TARGETS, MINSK
    )


def test_a_chat_without_links_gets_source_names_only() -> None:
    """``/links off``: the outlets are named, nothing links to them, in alerts and digests."""
    linked = render_alert(news(), "en", ["ales-bialiacki"], TARGETS, MINSK)["text"]
    assert '<a href="https://a.example/news?id=1&amp;x=2">Outlet A</a>' in linked
    plain = render_alert(news(), "en", ["ales-bialiacki"], TARGETS, MINSK, links=False)["text"]
    assert plain == EXPECTED["en"].replace(
        'Sources: <a href="https://a.example/news?id=1&amp;x=2">Outlet A</a>, '
        '<a href="https://b.example/2">Outlet B</a>',
        "Sources: Outlet A, Outlet B",
    )
    item = DigestItem(news(), ["ales-bialiacki"], 1_700_000_000)
    [digest] = render_digest([item], "en", TARGETS, MINSK, links=False)
    assert "Outlet A, Outlet B" in digest["text"] and "href" not in digest["text"]
    [linked_digest] = render_digest([item], "en", TARGETS, MINSK)
    assert "href" in linked_digest["text"]
