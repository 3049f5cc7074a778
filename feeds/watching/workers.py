"""What the watcher's worker processes run, kept apart so a worker imports only what it needs
(the parser, the mention engine and the registry models; no aiohttp, Redis client or pydantic
alert models): parsing is :func:`feeds.fetching.parsing.parse_feed`; scanning is :func:`scan`.

A worker holds one engine, tagged with the build (``feeds.watching.analysis.EngineHost``) it was
compiled from; the process that forks the workers compiles it once for all of them
(``feeds.watching.engine_pool``). A call names the build it wants; a worker holding another one
answers ``None`` (the registry changed and this pool is about to be replaced), and the watcher scans
those items itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from feeds.mentions import Engine, ScanResult, compile_registry
from feeds.registry.models import AnyTarget

Doc = tuple[str, str | None]  # (text, title)

log = logging.getLogger(__name__)

_engine: tuple[str, Engine] | None = None  # (build tag, engine) of this process


def adopt(tag: str, targets: Sequence[AnyTarget]) -> None:
    """Compile build ``tag`` as this process's engine (before the workers are forked)."""
    global _engine
    _engine = None  # let an old engine go before compiling the new one
    _engine = (tag, compile_registry(targets))


def scan(tag: str, docs: list[Doc], lang: str | None) -> list[ScanResult] | None:
    """Scan ``docs`` with build ``tag``'s engine; ``None`` when this process holds another."""
    if _engine is None or _engine[0] != tag:
        return None
    return scan_all(_engine[1], docs, lang)


def scan_all(engine: Engine, docs: list[Doc], lang: str | None) -> list[ScanResult]:
    return [scan_one(engine, text, title, lang) for text, title in docs]


def scan_one(engine: Engine, text: str, title: str | None, lang: str | None) -> ScanResult:
    """One text's scan. A text the engine fails on is logged, with what tells the item, and
    reads as naming nobody: one bad item must not stop its feed (the poll would fail on it again
    at every try) nor the other items of its batch."""
    try:
        return engine.scan(text, title=title, lang=lang)
    except Exception:
        log.exception(
            "mention engine failed on a text (title %r, %s characters); read as naming nobody",
            (title or "")[:80],
            len(text) if isinstance(text, str) else type(text).__name__,
        )
        return ScanResult()
