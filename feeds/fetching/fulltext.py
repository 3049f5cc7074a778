"""Full text for items whose feed carries only a teaser.

    if needs_full_text(item, feed.full_text_mode):
        text = await fetch_full_text(fetcher, item.link) or item.text   # fall back, still alert

The article page is fetched through the same :class:`~feeds.fetching.fetcher.Fetcher` (same SSRF
guard, body cap, timeouts, concurrency limits) and its main text is extracted with trafilatura in a
worker thread. :func:`fetch_full_text` returns None on *any* failure (HTTP error, not HTML,
extraction empty or crashing), so the caller simply falls back to the feed's own text.
Fetch each article once: the watcher only calls this for items that are new.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Literal, Protocol

from feeds.fetching.fetch_result import HTML_ACCEPT, MiB
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.html_text import defang

log = logging.getLogger(__name__)

FullTextMode = Literal["auto", "yes", "no"]
AUTO_MIN_CHARS = 600
ARTICLE_MAX_BODY = 3 * MiB
MIN_EXTRACTED_CHARS = 200
_TEASER_ENDINGS = ("…", "...", "[…]", "[...]", "(…)", "(...)", "»»", ">>")
_READ_MORE = re.compile(
    r"(read more|continue reading|читать далее|читать полностью|подробнее|чытаць далей|"
    r"чытайце далей|падрабязней|czytaj dalej|więcej)\W*$",
    re.IGNORECASE,
)


class _Item(Protocol):
    link: str | None
    text: str


def needs_full_text(
    item: _Item, mode: FullTextMode | str = "auto", min_chars: int = AUTO_MIN_CHARS
) -> bool:
    """Should the watcher fetch the article page for ``item``?

    ``yes``: always (when the item has a link); ``no``: never; ``auto``: when the feed's text is
    shorter than ``min_chars`` characters or ends like a teaser (an ellipsis, "read more", ...).
    Unknown modes count as ``auto``.
    """
    if not item.link or mode == "no":
        return False
    if mode == "yes":
        return True
    text = (item.text or "").strip()
    if len(text) < min_chars:
        return True
    return text.endswith(_TEASER_ENDINGS) or bool(_READ_MORE.search(text[-60:]))


def extract_text(html: bytes | str, url: str | None = None) -> str | None:
    """Main text of an article page with trafilatura, or None. Synchronous (CPU-bound)."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a broken install must not stop alerts
        log.error("trafilatura cannot be imported; full text disabled", exc_info=True)
        return None
    try:
        text = trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=True,
            deduplicate=False,
        )
    except Exception:
        log.debug("trafilatura failed on %s", url, exc_info=True)
        return None
    if not text:
        return None
    text = defang(text).strip()
    return text if len(text) >= MIN_EXTRACTED_CHARS else None


async def fetch_full_text(fetcher: Fetcher, url: str | None) -> str | None:
    """Fetch ``url`` and extract its main text; None on any failure (never raises, except
    cancellation)."""
    if not url:
        return None
    try:
        result = await fetcher.fetch(url, accept=HTML_ACCEPT, max_body=ARTICLE_MAX_BODY)
        if not result.ok:
            log.info("full text: %s: %s", url, result.message or result.status)
            return None
        ctype = result.headers.get("content-type", "").lower()
        if ctype and not any(t in ctype for t in ("html", "xml", "text/plain")):
            log.info("full text: %s: not a page (%s)", url, ctype)
            return None
        charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", ctype)
        page: bytes | str = result.body
        if charset:
            try:
                page = result.body.decode(charset.group(1), errors="replace")
            except LookupError:
                page = result.body
        return await asyncio.to_thread(extract_text, page, result.url)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.warning("full text: unexpected failure for %s", url, exc_info=True)
        return None
