"""Item identity: canonical URLs, identity keys, repeated guids, content hashes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest

from feeds.fetching.identity import any_seen, canonical_url, content_hash, dedupe, identity_keys


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://Nashaniva.COM/news/1?utm_source=tg&utm_medium=social",
            "https://nashaniva.com/news/1",
        ),
        ("HTTPS://x.by/a?id=5&fbclid=abc#comments", "https://x.by/a?id=5"),
        (
            "https://x.by/a?gclid=1&yclid=2&ysclid=3&_openstat=4&ref=rss&b=2&a=1",
            "https://x.by/a?a=1&b=2",
        ),
        ("https://x.by:443/a", "https://x.by/a"),
        ("http://x.by:80/a", "http://x.by/a"),
        ("http://x.by:8080/a", "http://x.by:8080/a"),
        ("https://x.by", "https://x.by/"),
        ("https://user:pw@x.by/a", "https://x.by/a"),
        ("https://x.by/%7euser/a%2fb", "https://x.by/~user/a/b"),
        ("https://x.by/навіны/1", "https://x.by/%D0%BD%D0%B0%D0%B2%D1%96%D0%BD%D1%8B/1"),
        ("  https://x.by/a  ", "https://x.by/a"),
        ("not a url", "not a url"),
        ("urn:uuid:1234", "urn:uuid:1234"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_keys_are_ordered_guid_link_title_and_128_bit() -> None:
    when = datetime(2024, 1, 1, 10, tzinfo=UTC)
    keys = identity_keys("nn-1", "https://x.by/a", "Title", when)
    assert [k[0] for k in keys] == ["g", "u", "t"]
    assert all(len(k) == 2 + 32 for k in keys)
    assert keys[0] == "g:" + hashlib.sha256(b"nn-1").hexdigest()[:32]  # stable across runs


def test_link_key_ignores_scheme_tracking_and_fragment() -> None:
    a = identity_keys(None, "http://x.by/a?utm_source=rss#x", "T", None)
    b = identity_keys(None, "https://X.BY/a", "T", None)
    assert a == b


def test_home_page_link_is_not_an_identity() -> None:
    keys = identity_keys(None, "https://x.by/", "Daily digest", None)
    assert [k[0] for k in keys] == ["t"]


def test_title_and_date_key_is_timezone_and_case_insensitive() -> None:
    d1 = datetime(2024, 1, 1, 13, tzinfo=timezone(timedelta(hours=3)))
    d2 = datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert identity_keys(None, None, "Суд  над Лосікам", d1) == identity_keys(
        None, None, "суд над лосікам", d2
    )
    assert identity_keys(None, None, "A", d2) != identity_keys(
        None, None, "A", d2 + timedelta(days=1)
    )


def test_no_guid_no_link_no_date_falls_back_to_title() -> None:
    assert identity_keys(None, None, "Only a title", None)[0].startswith("t:")
    assert identity_keys("  ", "", "", None)  # never empty


@dataclass
class Raw:
    guid: str | None
    link: str | None
    title: str
    text: str = ""


def test_dedupe_keeps_first_of_exact_repeats() -> None:
    items = [
        Raw("1", "https://x.by/1", "A"),
        Raw("2", None, "B"),
        Raw("1", "https://x.by/1?utm_source=x", "A"),
    ]
    kept, bad_guids, bad_links = dedupe(items)
    assert kept == items[:2] and bad_guids == set() and bad_links == set()


def test_dedupe_distrusts_a_guid_shared_by_different_items() -> None:
    items = [Raw("site", "https://x.by/1", "A"), Raw("site", "https://x.by/2", "B")]
    kept, bad_guids, _ = dedupe(items)
    assert kept == items and bad_guids == {"site"}


def test_dedupe_distrusts_shared_links_and_the_site_link() -> None:
    items = [
        Raw("1", "https://x.by/live", "A"),
        Raw("2", "https://x.by/live", "B"),
        Raw("3", "https://x.by/about", "C"),
    ]
    _, _, bad_links = dedupe(items, site_link="https://x.by/about")
    assert bad_links == {"https://x.by/live", "https://x.by/about"}


def test_content_hash_sees_edits_but_not_whitespace() -> None:
    a = Raw(None, None, "Title", "Body text")
    assert content_hash(a) == content_hash(Raw(None, None, " Title ", "Body\n  text"))
    assert content_hash(a) != content_hash(Raw(None, None, "Title", "Body text, corrected"))
    assert content_hash(a) != content_hash(Raw(None, None, "Title!", "Body text"))


def test_any_seen() -> None:
    assert any_seen(("g:1", "u:2"), {"u:2"})
    assert not any_seen(("g:1",), set())
