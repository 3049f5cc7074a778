"""One story, one alert: the same news from several feeds merges by canonical URL, by normalised
title, or by a near-identical title among recent alerts naming the same target."""

from __future__ import annotations

from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert, AlertSource
from feeds.watching.keys import WatchKeys
from feeds.watching.stories import Stories

TITLE = "Алеся Бяляцкага перавялі ў калонію ў Горках"


def alert(feed: str, link: str, title: str = TITLE, prisoners=("ales-bjaljackiy",)) -> Alert:
    return Alert(
        id=f"{feed}-{link}"[-32:].rjust(32, "0"),
        kind="news",
        title=title,
        link=link,
        sources=[AlertSource(feed_id=feed, feed_name=f"Outlet {feed}", link=link, title=title)],
        prisoners=list(prisoners),
    )


async def claims(storage: Storage, *alerts: Alert) -> list[Alert | None]:
    stories = Stories(storage.redis, storage.keys)
    return [await stories.claim(a) for a in alerts]


async def test_same_canonical_url_is_one_story(storage: Storage) -> None:
    first = alert("a", "https://spring96.org/be/news/1")
    again = alert("b", "https://spring96.org/be/news/1?utm_source=tg#top", title="Іншы загаловак")
    new, merged = await claims(storage, first, again)
    assert new is None
    assert merged is not None and merged.id == first.id and merged.kind == "sources"
    assert [s.feed_id for s in merged.sources] == ["a", "b"]


async def test_same_words_in_another_order_is_one_story(storage: Storage) -> None:
    first = alert("a", "https://a.example/1")
    again = alert("b", "https://b.example/2", title="У Горках: Алеся Бяляцкага перавялі ў калонію!")
    _, merged = await claims(storage, first, again)
    assert merged is not None and merged.id == first.id


async def test_near_identical_title_naming_the_same_prisoner_is_one_story(
    storage: Storage,
) -> None:
    first = alert("a", "https://a.example/1")
    near = alert("b", "https://b.example/2", title=TITLE + " сёння")  # 7 of 8 words shared
    _, merged = await claims(storage, first, near)
    assert merged is not None and merged.id == first.id
    assert [s.feed_id for s in merged.sources] == ["a", "b"]


async def test_near_identical_title_picks_the_closest_earlier_story(storage: Storage) -> None:
    base = (
        "Суд у Мінску вынес прысуд палітвязню Бяляцкаму па справе аб кантрабандзе грошай праз "
        "мяжу ў Літву і Польшчу летам"
    )  # 16 words that count
    far = alert("a", "https://a.example/1", title=base + " дзве тысячы")
    close = alert("b", "https://b.example/2", title=base + " сёння ўвечары днём")
    probe = alert("c", "https://c.example/3", title=base + " сёння ўвечары")
    # far~close 16/21 (apart); probe~far 16/20 = 0.8 (near); probe~close 18/19 (nearer)
    merged = await claims(storage, far, close, probe)
    assert merged[:2] == [None, None]
    assert merged[2] is not None and merged[2].id == close.id


async def test_titles_that_differ_or_other_prisoners_stay_apart(storage: Storage) -> None:
    first = alert("a", "https://a.example/1")
    other_news = alert("b", "https://b.example/2", title="Алесю Бяляцкаму перадалі ліст з волі")
    other_person = alert(
        "c", "https://c.example/3", title=TITLE + " сёння", prisoners=("maryja-kalesnikava",)
    )
    assert await claims(storage, first, other_news, other_person) == [None, None, None]


async def test_the_same_item_claimed_twice_adds_nothing(storage: Storage) -> None:
    first = alert("a", "https://a.example/1")
    new, again = await claims(storage, first, first)
    assert new is None
    assert again is not None and again.kind == "news" and len(again.sources) == 1


async def test_a_story_whose_record_expired_is_taken_over(storage: Storage) -> None:
    first = alert("a", "https://a.example/1")
    second = alert("b", "https://a.example/1?utm_medium=x", title="Іншы загаловак")
    third = alert("c", "https://a.example/1#later", title="Трэці загаловак")
    stories = Stories(storage.redis, storage.keys)
    assert await stories.claim(first) is None
    await storage.redis.delete(
        WatchKeys.of(storage.keys).alert_record(first.id)
    )  # expired before its keys
    assert await stories.claim(second) is None  # nothing to merge into: a story of its own
    merged = await stories.claim(third)
    assert merged is not None and merged.id == second.id
    assert [s.feed_id for s in merged.sources] == ["b", "c"]
