"""Feed HTML as plain text: tags gone, entities decoded, scripts and styles dropped, and anything
still shaped like a tag or a ``javascript:`` URL defanged (:func:`defang`). Everything a feed says
is hostile until proven otherwise: this is the last step before text reaches the engine or a
chat."""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_TEXT = 100_000


_SKIP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
     "head", "title", "select", "textarea", "applet", "frameset", "noembed", "noframes", "xmp",
     "plaintext"}
)  # fmt: skip
_BLOCK = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "pre", "tr", "table", "section", "article", "header", "footer", "figure", "figcaption",
     "hr", "dd", "dt", "dl", "aside", "nav", "main", "address"}
)  # fmt: skip
_VOID = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr",
     "param", "track", "embed"}
)  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_TAGLIKE = re.compile(r"</?[a-zA-Z!?][^<>]*>?")  # a tag name follows "<" at once: "a < b" is text
_BAD_SCHEME = re.compile(r"(?i)\b(?:java|vb|live)\s*script\s*:|\bdata\s*:\s*text/html")


def defang(text: str) -> str:
    """Remove anything in plain text still shaped like a tag or a script URL (repeat until stable)."""
    for _ in range(5):
        # every match of _TAGLIKE holds a "<" and every match of _BAD_SCHEME a ":" (cheap checks
        # first: the case-insensitive scheme pattern is slow on long text)
        new = _TAGLIKE.sub("", text) if "<" in text else text
        new = _BAD_SCHEME.sub("", new) if ":" in new else new
        if new == text:
            break
        text = new
    return text


def html_to_text(html: str, *, limit: int = MAX_TEXT) -> str:
    """Plain text of an HTML fragment: tags stripped, entities decoded, script/style contents
    dropped, block elements as line breaks, whitespace collapsed, markup leftovers removed.

    Double-escaped HTML (``&amp;lt;p&amp;gt;``, common in feeds) decodes to text that still holds
    tags; it is run through once more so those tags, and script contents, go too.
    """
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return defang(_clean(html))[:limit]  # what the HTML parser would give, without it
    text = _extract(html)
    if _TAGLIKE.search(text):
        text = _extract(text)
    return defang(text)[:limit]


def _extract(html: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient, but never let one item break a feed
        parser.parts = [re.sub(r"<[^>]*>", " ", html)]
    return _clean("".join(parser.parts))


# never spans a line break; a single space is left alone (matching every space was most of the
# time a parse spent cleaning text)
_HSPACE = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_BLANKS = re.compile(r"\n{3,}")


def _clean(text: str) -> str:
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    text = text.replace("\xa0", " ").replace("\r", "\n")
    lines = [line.strip() for line in _HSPACE.sub(" ", text).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
