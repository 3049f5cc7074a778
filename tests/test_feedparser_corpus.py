"""feedparser's own test documents thrown at parse_feed: nothing raises, nothing hostile leaks.

The corpus lives outside the repo, at ``../shared/data/feedparser-tests`` (see its README); when it
is absent these tests skip on a developer's machine and fail under ``CI=true``
(``tests/shared_data.py``). Each file's leading comment may name an HTTP
``Header:``; it is passed along (and, for the encoding cases, served by the local feed server).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feeds.fetching.fetch_result import FetchPolicy
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.parsing import parse_feed, parse_feed_async
from testkit.feedserver import FeedServer
from tests.shared_data import SHARED, shared_path

CORPUS_PATH = "data/feedparser-tests"
CORPUS = SHARED / CORPUS_PATH
FILES = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
HOSTILE = re.compile(
    r"<\s*/?\s*[a-z!?]|javascript\s*:|vbscript\s*:|on\w+\s*=\s*[\"']", re.IGNORECASE
)


def header_of(raw: bytes) -> dict[str, str]:
    m = re.search(rb"Header:\s*([^\r\n]*)", raw[:2000])
    if not m:
        return {}
    line = m.group(1).decode("latin-1").strip()
    if ":" not in line:
        return {}
    name, value = line.split(":", 1)
    return {name.strip(): value.strip()}


def corpus_files() -> list[Path]:
    """The corpus's documents; skips (fails under ``CI=true``) when the corpus is absent."""
    shared_path(CORPUS_PATH)
    assert FILES, f"no *.xml files under {CORPUS}"
    return FILES


def _id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


# Without the corpus one "corpus-missing" case stands in for the documents, so the run says why.
@pytest.mark.parametrize(
    "path", FILES or [None], ids=[_id(p) for p in FILES] if FILES else ["corpus-missing"]
)
def test_corpus_document_parses_safely(path: Path | None) -> None:
    if path is None:
        corpus_files()
    assert path is not None
    raw = path.read_bytes()
    parsed = parse_feed(raw, header_of(raw), "http://corpus.example.org/feed/")
    texts = [parsed.title] + [t for i in parsed.items for t in (i.title, i.text)]
    for text in texts:
        assert not HOSTILE.search(text), f"markup leaked: {text[:200]!r}"
    for item in parsed.items:
        assert item.fingerprint and item.keys[0] == item.fingerprint
        assert item.link is None or item.link.startswith(("http://", "https://"))
        assert item.published is None or item.published.tzinfo is not None


def test_sanitizer_corpus_is_present_and_nonempty() -> None:
    sanitize = [p for p in corpus_files() if "sanitize" in p.parts]
    assert len(sanitize) > 100


async def test_encoding_cases_served_over_http() -> None:
    files = [p for p in corpus_files() if p.parent.name == "encoding"]
    assert files
    policy = FetchPolicy(private_allowlist=("127.0.0.0/8",), trust_env=False)
    async with FeedServer() as srv, Fetcher(policy) as fetcher:
        for i, path in enumerate(files):
            raw = path.read_bytes()
            ctype = next(iter(header_of(raw).values()), None)
            srv.add(f"/{i}", raw, content_type=ctype)
        for i, path in enumerate(files):
            result = await fetcher.fetch(srv.url(f"/{i}"))
            assert result.ok, (path.name, result.message)
            parsed = await parse_feed_async(result.body, result.headers, result.url)
            for text in [parsed.title] + [i.title for i in parsed.items]:
                assert not HOSTILE.search(text), path.name
