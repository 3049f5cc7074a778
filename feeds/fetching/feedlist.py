"""Feed lists in and out: OPML (detected by its XML root) or text, one feed per line.

Text format: ``URL [LANG [NAME...]]``; ``#`` starts a comment (a whole line, or after whitespace).
LANG is a language code (``en``, ``be``, ``be-latn``, ``ru``, ``pl``...) or ``-`` for none. Two
flags may follow LANG before the name: ``full-text=auto|yes|no`` and ``blocks-robots``.

OPML: every ``outline`` with an ``xmlUrl`` is a feed; ``text``/``title`` give the name and
``language`` the language (``vestka:fullText`` and ``vestka:blocksRobots`` round-trip our flags).
Bad lines are reported as problems (file, line, reason) and the good ones still load.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from feeds.fetching.sources import FeedSource, feed_id_for, validate_feed_url
from feeds.fetching.ssrf import URLRefused

LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$", re.IGNORECASE)
MAX_LIST_BYTES = 5 * 1024 * 1024
MAX_NAME = 200


@dataclass(slots=True)
class FeedListResult:
    sources: list[FeedSource] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_feed_list(path: Path, allow_private: bool = False) -> FeedListResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_LIST_BYTES:
            return FeedListResult(problems=[f"{path}: {size} bytes; the limit is 5 MiB"])
        data = path.read_bytes()
    except OSError as exc:
        return FeedListResult(problems=[f"{path}: cannot read: {exc.strerror or exc}"])
    return parse_feed_list(data, str(path), allow_private)


def parse_feed_list(
    data: bytes, name: str = "<input>", allow_private: bool = False
) -> FeedListResult:
    if data.lstrip().startswith(b"<"):
        return _parse_opml(data, name, allow_private)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return FeedListResult(problems=[f"{name}: not UTF-8 text and not OPML"])
    return _parse_text(text, name, allow_private)


def _source(
    url: str, lang: str, title: str, full_text: str, robots: bool, allow_private: bool
) -> FeedSource:
    url = validate_feed_url(url, allow_private)
    return FeedSource(
        id=feed_id_for(url),
        url=url,
        name=" ".join(title.split())[:MAX_NAME],
        lang=lang.lower(),
        full_text=full_text,  # type: ignore[arg-type]
        blocks_robots=robots,
    )


def _parse_text(text: str, name: str, allow_private: bool) -> FeedListResult:
    result = FeedListResult()
    for number, line in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if not line:
            continue
        url, *rest = line.split()
        lang = ""
        if rest and (LANG_RE.match(rest[0]) or rest[0] == "-"):
            lang = "" if rest[0] == "-" else rest.pop(0)
            if rest and rest[0] == "-":
                rest.pop(0)
        full_text, robots = "auto", False
        while rest and (rest[0].startswith("full-text=") or rest[0] == "blocks-robots"):
            flag = rest.pop(0)
            if flag == "blocks-robots":
                robots = True
            else:
                full_text = flag.split("=", 1)[1]
                if full_text not in ("auto", "yes", "no"):
                    result.problems.append(f"{name}:{number}: full-text must be auto, yes or no")
                    break
        else:
            try:
                result.sources.append(
                    _source(url, lang, " ".join(rest), full_text, robots, allow_private)
                )
            except URLRefused as exc:
                result.problems.append(f"{name}:{number}: {url[:100]!r}: {exc.message}")
    return result


def _parse_opml(data: bytes, name: str, allow_private: bool) -> FeedListResult:
    result = FeedListResult()
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        return FeedListResult(problems=[f"{name}: OPML with a DOCTYPE or entities is refused"])
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DTD/entities (checked above)
    except ET.ParseError as exc:
        return FeedListResult(problems=[f"{name}: not well-formed XML: {exc}"])
    if root.tag.lower() != "opml":
        return FeedListResult(problems=[f"{name}: XML root is <{root.tag}>, not <opml>"])
    for number, outline in enumerate(root.iter("outline"), 1):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        lang = (outline.get("language") or "").strip()
        if lang and not LANG_RE.match(lang):
            result.problems.append(f"{name}: outline {number}: bad language {lang[:20]!r}")
            lang = ""
        full_text = outline.get("vestka-fullText") or "auto"
        if full_text not in ("auto", "yes", "no"):
            full_text = "auto"
        robots = (outline.get("vestka-blocksRobots") or "").lower() == "true"
        title = outline.get("title") or outline.get("text") or ""
        title = "" if title.strip() == url else title
        try:
            result.sources.append(_source(url, lang, title, full_text, robots, allow_private))
        except URLRefused as exc:
            result.problems.append(f"{name}: outline {number}: {url[:100]!r}: {exc.message}")
    return result


def to_opml(sources: list[FeedSource], title: str = "Vestka feeds") -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for s in sources:
        attrs = {"type": "rss", "text": s.name or s.url, "xmlUrl": s.url}
        if s.name:
            attrs["title"] = s.name
        if s.lang:
            attrs["language"] = s.lang
        if s.full_text != "auto":
            attrs["vestka-fullText"] = s.full_text
        if s.blocks_robots:
            attrs["vestka-blocksRobots"] = "true"
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_text(sources: list[FeedSource]) -> str:
    lines = []
    for s in sources:
        parts = [s.url, s.lang or "-"]
        if s.full_text != "auto":
            parts.append(f"full-text={s.full_text}")
        if s.blocks_robots:
            parts.append("blocks-robots")
        if s.name:
            parts.append(s.name)
        lines.append(" ".join(parts))
    return "\n".join(lines) + "\n"


def bundled_feeds() -> list[FeedSource]:
    data = (resources.files("feeds.fetching") / "data" / "feeds.txt").read_bytes()
    return parse_feed_list(data, "feeds/fetching/data/feeds.txt").sources
