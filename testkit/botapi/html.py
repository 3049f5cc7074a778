"""Telegram HTML: validate and turn into text + entities, like TDLib's parse_html."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,4}));")
_SPACE = " \t\r\n\f\v"
_SPECIAL = re.compile("[<&]")


class HtmlError(ValueError):
    pass


def utf16_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8", "surrogatepass"))


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    m = _ENTITY_RE.match(text, i)
    if not m:
        return None
    dec, hexa, name = m.groups()
    if name is not None:
        ch = _NAMED_ENTITIES.get(name)
        return (ch, m.end()) if ch else None
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF:
        return None
    return chr(code), m.end()


def _decode_all(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "&" and (got := _decode_entity(value, i)):
            out.append(got[0])
            i = got[1]
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Telegram's HTML subset -> (plain text, entities with UTF-16 offsets), or ``HtmlError``."""
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, dict, int]] = []  # (tag, attributes, start offset)
    entities: list[dict] = []
    n = len(text)
    i = 0
    while i < n:
        m = _SPECIAL.search(text, i)  # copy plain runs in one go
        stop = m.start() if m else n
        if stop > i:
            chunk = text[i:stop]
            out.append(chunk)
            pos16 += utf16_len(chunk)
            i = stop
            continue
        ch = text[i]
        if ch == "&":
            got = _decode_entity(text, i)
            out.append(got[0] if got else "&")
            pos16 += utf16_len(got[0]) if got else 1
            i = got[1] if got else i + 1
            continue
        begin = i
        if i + 1 < n and text[i + 1] == "/":  # an end tag
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            j = i + 2
            while j < n and text[j] not in _SPACE and text[j] != ">":
                j += 1
            name = text[i + 2 : j].lower()
            while j < n and text[j] in _SPACE:
                j += 1
            if j >= n or text[j] != ">":
                raise HtmlError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            tag, attrs, start = stack[-1]
            if name and name != tag:
                raise HtmlError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag}>", found "</{name}>"'
                )
            stack.pop()
            if pos16 > start:
                entities.extend(_entity(tag, attrs, start, pos16 - start))
            i = j + 1
            continue
        j = i + 1
        while j < n and text[j] not in _SPACE and text[j] != ">":
            j += 1
        if j >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[i + 1 : j].lower()
        if name not in HTML_TAGS:
            raise HtmlError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs: dict[str, str] = {}
        while True:
            while j < n and text[j] in _SPACE:
                j += 1
            if j >= n:
                raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if text[j] == ">":
                j += 1
                break
            k = j
            while k < n and text[k] not in _SPACE and text[k] not in "=>":
                k += 1
            attr = text[j:k].lower()
            if not attr:
                raise HtmlError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            while k < n and text[k] in _SPACE:
                k += 1
            if k < n and text[k] == "=":
                k += 1
                while k < n and text[k] in _SPACE:
                    k += 1
                if k >= n:
                    raise HtmlError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                    )
                if text[k] in "\"'":
                    quote = text[k]
                    end = text.find(quote, k + 1)
                    if end < 0:
                        raise HtmlError(
                            f'Unclosed end of an attribute value in the tag "{name}" at '
                            f"byte offset {_byte_offset(text, begin)}"
                        )
                    value = text[k + 1 : end]
                    k = end + 1
                else:
                    end = k
                    while end < n and text[end] not in _SPACE and text[end] != ">":
                        end += 1
                    value = text[k:end]
                    k = end
                attrs[attr] = _decode_all(value)
            else:
                attrs[attr] = ""
            j = k
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise HtmlError('Custom emoji entity must contain a tag "emoji-id"')
        if name == "blockquote" and any(t == "blockquote" for t, _, _ in stack):
            raise HtmlError("Blockquote entities can't be nested")
        stack.append((name, attrs, pos16))
        i = j
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _entity(tag: str, attrs: Mapping[str, str], offset: int, length: int) -> list[dict]:
    kind = HTML_TAGS[tag]
    e: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href")
        if not href:
            return []
        e["url"] = href
    elif tag == "code":
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            e["language"] = lang[len("language-") :]  # merged into a surrounding <pre> below
    elif tag == "blockquote" and "expandable" in attrs:
        e["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        e["custom_emoji_id"] = attrs["emoji-id"]
    elif tag == "tg-time":
        e["unix_time"] = int(attrs.get("unix", "0") or 0)
        if attrs.get("format"):
            e["date_time_format"] = attrs["format"]
    return [e]
