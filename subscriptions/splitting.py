"""Message text surgery for the sender's error policy: split a too-long message, or fall back to plain.

``split_message(text, html=True)`` cuts at the best boundary it can find (a line break, then a
sentence end, then a space, and only as a last resort inside a word), and keeps Telegram HTML
balanced: tags open at a cut are closed at the end of one part and reopened (with their attributes)
at the start of the next. Lengths count what Telegram counts: the text after entity parsing.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

PART_LIMIT = 4000  # Telegram's limit is 4096 characters after parsing; keep a margin

TAG_RE = re.compile(r"(</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?>)")
BREAK_RE = re.compile(r"\n|[ \t]+")
CHAR_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});|.", re.S)
SENTENCE_END = ".!?…;:"


def plain_text(text: str) -> str:
    """Telegram HTML -> the text a reader sees: tags dropped, entities decoded (send without
    ``parse_mode``)."""
    return htmllib.unescape(TAG_RE.sub("", text))


@dataclass(slots=True)
class _Atom:
    src: str
    size: int  # characters after parsing
    rank: int  # how good a cut right after it is: 3 line, 2 sentence, 1 space, 0 none
    tag: str = ""  # "open" or "close" for tags
    name: str = ""


def _size(src: str, html: bool) -> int:
    return len(htmllib.unescape(src)) if html and "&" in src else len(src)


def _text_atoms(text: str, html: bool, limit: int) -> list[_Atom]:
    atoms: list[_Atom] = []

    def add(piece: str, rank: int) -> None:
        if _size(piece, html) <= limit:
            atoms.append(_Atom(piece, _size(piece, html), rank))
            return
        chars = CHAR_RE.findall(piece) if html else list(piece)
        for start in range(0, len(chars), limit):
            chunk = "".join(chars[start : start + limit])
            atoms.append(_Atom(chunk, _size(chunk, html), 0))
        atoms[-1].rank = rank

    pos = 0
    for match in BREAK_RE.finditer(text):
        if match.group() == "\n":
            rank = 3
        else:
            before = text[match.start() - 1] if match.start() else ""
            rank = 2 if before and before in SENTENCE_END else 1
        add(text[pos : match.end()], rank)
        pos = match.end()
    if pos < len(text):
        add(text[pos:], 0)
    return atoms


def _atoms(text: str, html: bool, limit: int) -> list[_Atom]:
    if not html:
        return _text_atoms(text, False, limit)
    atoms: list[_Atom] = []
    for i, token in enumerate(TAG_RE.split(text)):
        if not token:
            continue
        if i % 2:  # a tag
            closing = token.startswith("</")
            name = re.match(r"</?([a-zA-Z][a-zA-Z0-9-]*)", token).group(1).lower()  # type: ignore[union-attr]
            atoms.append(_Atom(token, 0, 0, "close" if closing else "open", name))
        else:
            atoms.extend(_text_atoms(token, True, limit))
    return atoms


def _stacks(atoms: list[_Atom]) -> list[tuple[_Atom, ...]]:
    """The open tags after each atom."""
    stack: list[_Atom] = []
    out = []
    for atom in atoms:
        if atom.tag == "open":
            stack.append(atom)
        elif atom.tag == "close":
            for k in range(len(stack) - 1, -1, -1):
                if stack[k].name == atom.name:
                    del stack[k]
                    break
        out.append(tuple(stack))
    return out


def split_message(text: str, html: bool = True, limit: int = PART_LIMIT) -> list[str]:
    """Parts of at most ``limit`` characters (after parsing), cut at good boundaries, each valid
    on its own. A text that fits comes back as one part."""
    atoms = _atoms(text, html, limit)
    stacks = _stacks(atoms)
    ranges: list[tuple[int, int]] = []  # [start, end) atom indices per part
    start, size = 0, 0
    i = 0
    while i < len(atoms):
        if size + atoms[i].size <= limit:
            size += atoms[i].size
            i += 1
            continue
        # Cut after the best boundary in [start, i): highest rank, the latest among equals, but
        # not so early that the part is tiny when a space would do.
        best, best_key = i - 1, (-1, -1)
        running = 0
        for k in range(start, i):
            running += atoms[k].size
            rank = atoms[k].rank if running >= limit // 4 or atoms[k].rank >= 3 else 0
            if (rank, k) > best_key:
                best, best_key = k, (rank, k)
        if best < start:  # nothing fits yet (cannot happen: atoms are <= limit)
            best = start
        ranges.append((start, best + 1))
        start = best + 1
        size = sum(a.size for a in atoms[start:i])
    if start < len(atoms):
        ranges.append((start, len(atoms)))
    parts = []
    for begin, end in ranges:
        opened = stacks[begin - 1] if begin else ()
        still = stacks[end - 1]
        body = "".join(a.src for a in atoms[begin:end])
        part = "".join(a.src for a in opened) + body
        part += "".join(f"</{a.name}>" for a in reversed(still))
        if (plain_text(part) if html else part).strip():
            parts.append(part)
    return parts or [text]
