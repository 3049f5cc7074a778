"""Which charset a feed's bytes are in: the XML declaration, the HTTP header, or a guess, with the
usual lies of Belarusian and Russian sites caught (cp1251 declared as latin-1, a Cyrillic page
with no declaration); :func:`choose_encoding` says what it chose and why."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

_XML_DECL = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([^\"']*)\2", re.IGNORECASE)
_CYRILLIC_SINGLE = frozenset({"cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "mac-cyrillic"})
_WESTERN_SINGLE = frozenset({"latin-1", "iso8859-1", "cp1252", "iso8859-15", "ascii", "mac-roman"})
_WORD = re.compile(r"[^\W\d_]+")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def _header_charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([^\"';,\s]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


def _decodes(body: bytes, enc: str) -> bool:
    try:
        body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_cyrillic(c: str) -> bool:
    return "\u0400" <= c <= "\u04ff"


def guess_cyrillic(body: bytes) -> str | None:
    """cp1251 or koi8-r when ``body`` reads as Cyrillic prose in one of them, else None."""
    best: tuple[float, str] | None = None
    for enc in ("cp1251", "koi8-r"):
        text = body.decode(enc, errors="replace")
        cyr_words = [w for w in _WORD.findall(text) if any(_is_cyrillic(c) for c in w)]
        if len(cyr_words) < 2:
            continue
        pure = [w for w in cyr_words if all(_is_cyrillic(c) for c in w)]
        if len(pure) < 0.8 * len(cyr_words):
            continue
        letters = sum(len(w) for w in pure)
        lower = sum(c.islower() for w in pure for c in w)
        ratio = lower / letters if letters else 0.0
        if ratio >= 0.5 and (best is None or ratio > best[0]):
            best = (ratio, enc)
    return best[1] if best else None


def choose_encoding(body: bytes, headers: Mapping[str, str]) -> tuple[str | None, str]:
    """The encoding we impose (or None to let feedparser decide) and a note on why."""
    head = body[:4]
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        b"\x00" in body[:64]
    ):
        return None, "byte-order mark or UTF-16/32: left to feedparser"
    if not any(b >= 0x80 for b in body):
        return None, "ASCII only"
    header_cs = _codec(_header_charset(headers.get("content-type", "")))
    m = _XML_DECL.match(body[:512])
    decl_cs = _codec(m.group(3).decode("ascii", "replace")) if m else None
    declared = header_cs or decl_cs
    if _decodes(body, "utf-8"):
        return "utf-8", "valid UTF-8"
    if declared and declared != "utf-8" and _decodes(body, declared):
        if declared in _CYRILLIC_SINGLE:
            return declared, f"declared {declared}"
        if declared not in _WESTERN_SINGLE:
            return None, f"declared {declared}: left to feedparser"
        guess = guess_cyrillic(body)
        if guess and _western_mojibake(body, declared):
            return guess, f"declared {declared}, but the text is Cyrillic in {guess}"
        return declared, f"declared {declared}"
    guess = guess_cyrillic(body)
    if guess:
        why = f"declared {declared} does not decode" if declared else "no charset declared"
        return guess, f"{why}; detected {guess}"
    return None, "undetected: left to feedparser"


def _western_mojibake(body: bytes, declared: str) -> bool:
    text = body.decode(declared, errors="replace")
    words = [w for w in _WORD.findall(text) if any(ord(c) > 0x7F for c in w)]
    if not words:
        return False
    # Western prose has a few accented letters per word; cp1251 read as latin-1 has mostly them.
    high = sum(sum(ord(c) > 0x7F for c in w) for w in words)
    total = sum(len(w) for w in words)
    return high / total > 0.6


def _transcode(body: bytes, headers: Mapping[str, str], enc: str) -> tuple[bytes, dict]:
    text = body.decode(enc, errors="replace")
    data = text.encode("utf-8")
    data = _XML_DECL.sub(lambda m: m.group(1) + m.group(2) + b"utf-8" + m.group(2), data, 1)
    hdrs = dict(headers)
    ctype = hdrs.get("content-type", "").split(";", 1)[0].strip() or "application/xml"
    hdrs["content-type"] = f"{ctype}; charset=utf-8"
    return data, hdrs
