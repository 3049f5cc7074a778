"""What the watcher's worker processes run, kept apart so a worker imports only what it needs
(the parser, the mention engine and the registry models; no aiohttp, Redis client or pydantic
alert models): parsing is :func:`feeds.parsing.parse_feed`; scanning is :func:`scan`, with an
engine per process.

A worker keeps one engine, tagged with the build (``feeds.analysis.EngineHost``) it was compiled
from. A call names the build; a worker holding another one answers ``None`` and is sent the
targets with the next call, so targets cross the process boundary once per worker and registry
version, not with every scan.
"""

from __future__ import annotations

from collections.abc import Sequence

from feeds.mentions import Engine, ScanResult, compile_registry
from feeds.registry.models import AnyTarget

Doc = tuple[str, str | None]  # (text, title)

_engine: tuple[str, Engine] | None = None  # (build tag, engine) of this process


def scan(
    tag: str, targets: Sequence[AnyTarget] | None, docs: list[Doc], lang: str | None
) -> list[ScanResult] | None:
    """Scan ``docs`` with build ``tag``'s engine; ``None`` when this process does not hold that
    build and ``targets`` were not sent to compile it."""
    global _engine
    if _engine is None or _engine[0] != tag:
        if targets is None:
            return None
        _engine = None  # let the old engine go before compiling the new one
        _engine = (tag, compile_registry(targets))
    return scan_all(_engine[1], docs, lang)


def scan_all(engine: Engine, docs: list[Doc], lang: str | None) -> list[ScanResult]:
    return [engine.scan(text, title=title, lang=lang) for text, title in docs]
