"""Full text: when to fetch the article page, and extraction that never fails loudly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from feeds.fetching.fetch_result import FetchPolicy
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.fulltext import fetch_full_text, needs_full_text
from testkit.feedserver import FeedServer

PARAGRAPH = (
    "Палітычны вязень Ігар Лосік, блогер і журналіст, быў вызвалены з калоніі ў Шклове пасля "
    "больш чым пяці гадоў зняволення. Праваабаронцы Вясны пацвердзілі гэтую навіну. "
)
ARTICLE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Навіна</title>
<script>document.write('<p>evil</p>'); var x = "javascript:alert(1)";</script>
<style>p {{ color: red }}</style></head>
<body><nav><a href="/">Галоўная</a> | <a href="/news">Навіны</a></nav>
<article><h1>Ігар Лосік на волі</h1>
<p>{PARAGRAPH}</p><p>Другі абзац. {PARAGRAPH[:120]}</p><p>Трэці абзац: {PARAGRAPH[60:]}</p>
<script>alert('inline')</script></article>
<footer>© 2024 Наша Ніва. Усе правы абаронены.</footer></body></html>"""


@dataclass
class Item:
    link: str | None
    text: str


@pytest.mark.parametrize(
    ("text", "mode", "link", "expected"),
    [
        ("short teaser", "auto", "https://x.by/1", True),
        ("x" * 1000, "auto", "https://x.by/1", False),
        ("x" * 1000 + "…", "auto", "https://x.by/1", True),
        ("x" * 1000 + " [...]", "auto", "https://x.by/1", True),
        ("x" * 1000 + " Читать далее", "auto", "https://x.by/1", True),
        ("x" * 1000 + " Чытаць далей »", "auto", "https://x.by/1", True),
        ("x" * 1000, "yes", "https://x.by/1", True),
        ("short", "no", "https://x.by/1", False),
        ("short", "auto", None, False),
        ("short", "yes", None, False),
    ],
)
def test_needs_full_text(text: str, mode: str, link: str | None, expected: bool) -> None:
    assert needs_full_text(Item(link, text), mode) is expected


POLICY = FetchPolicy(private_allowlist=("127.0.0.0/8",), trust_env=False, total_timeout=3)


@pytest.fixture
async def env() -> AsyncIterator[tuple[FeedServer, Fetcher]]:
    async with FeedServer() as srv, Fetcher(POLICY) as f:
        yield srv, f


async def test_article_text_is_extracted_without_scripts(env: tuple[FeedServer, Fetcher]) -> None:
    srv, f = env
    srv.add("/a", ARTICLE, content_type="text/html; charset=utf-8")
    text = await fetch_full_text(f, srv.url("/a"))
    assert text is not None and "Ігар Лосік" in text and "Шклове" in text
    assert "alert" not in text and "evil" not in text and "<" not in text
    assert srv.requests["/a"][0]["Accept"].startswith("text/html")


async def test_cp1251_article_page(env: tuple[FeedServer, Fetcher]) -> None:
    srv, f = env
    srv.add(
        "/a",
        ARTICLE.replace("utf-8", "windows-1251").encode("cp1251"),
        content_type="text/html; charset=windows-1251",
    )
    text = await fetch_full_text(f, srv.url("/a"))
    assert text is not None and "вызвалены" in text


@pytest.mark.parametrize(
    ("setup", "url"),
    [
        (lambda s: s.add("/a", "gone", status=404, content_type="text/html"), "/a"),
        (lambda s: s.add("/a", "err", status=500, content_type="text/html"), "/a"),
        (
            lambda s: s.add("/a", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png"),
            "/a",
        ),
        (lambda s: s.add("/a", "<html><body></body></html>", content_type="text/html"), "/a"),
        (
            lambda s: s.add(
                "/a", "<html><body><p>Too short.</p></body></html>", content_type="text/html"
            ),
            "/a",
        ),
        (lambda s: s.add("/a", b"\xff\xfe\x00<<<<>>>\x00" * 100, content_type="text/html"), "/a"),
        (lambda s: s.trickle("/a", interval=0.05), "/a"),
        (lambda s: s.huge("/a", size=20 << 20), "/a"),
        (lambda s: s.redirect("/a", "http://10.0.0.1/article"), "/a"),
        (lambda s: None, "file:///etc/passwd"),
        (lambda s: None, None),
    ],
    ids=[
        "404",
        "500",
        "image",
        "empty-page",
        "too-short",
        "garbage",
        "trickle",
        "huge",
        "redirect-private",
        "file-scheme",
        "no-link",
    ],
)
async def test_article_page_that_fails_gives_none(
    env: tuple[FeedServer, Fetcher], setup, url
) -> None:
    srv, f = env
    setup(srv)
    target = srv.url(url) if url and url.startswith("/") else url
    assert await fetch_full_text(f, target) is None
