"""The mention engine: text and a compiled registry in, mentions out. Pure: no I/O.

Public API (others code against it; keep it stable):

- ``compile_registry(targets) -> Engine``: compile prisoners and facilities once per registry version;
  the engine is immutable and ``Engine.scan`` is safe to call from many threads at once.
- ``Engine.scan(text, title=None, lang=None) -> ScanResult`` (``feeds.mentions.models``). Offsets
  (mention start/end) index ``document_text(text, title)``: the title, a blank line, then the text.
- ``document_text(text, title)``: that string, so callers can slice mentions out of it.
- ``skeleton(word)``: the cross-script key of one word (Бяляцкі, Bialiatski, Białacki -> "balacki").
- ``name_keys(target)``: the keys of every name word of a target. Search-as-you-type: a query word
  fits a target when ``skeleton(word)`` is a prefix of one of its keys ("bial", "Бяляц", "беляцк",
  "Białacki", "Bialiatski" all find Алесь Бяляцкі); ``query_matches(query, keys)`` does that for a
  whole query (every word must fit).
"""

from feeds.mentions.engine import Engine, compile_registry, document_text
from feeds.mentions.models import EventType, Mention, ScanResult
from feeds.mentions.names import name_keys, words
from feeds.mentions.scripts import skeleton


def query_matches(query: str, keys: set[str] | frozenset[str]) -> bool:
    """Whether every word of ``query`` is a prefix (in skeleton space) of one of ``keys``."""
    parts = [skeleton(w) for w in words(query)]
    parts = [p for p in parts if p]
    return bool(parts) and all(any(k.startswith(p) for k in keys) for p in parts)


__all__ = [
    "Engine",
    "EventType",
    "Mention",
    "ScanResult",
    "compile_registry",
    "document_text",
    "name_keys",
    "query_matches",
    "skeleton",
]
