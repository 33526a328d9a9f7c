"""parse_mode=MarkdownV2 and legacy Markdown, parsed the way Telegram parses them (ports of the
rules in TDLib's parse_markdown_v2 / parse_markdown). MarkdownV2's "Character '.' is reserved and
must be escaped with the preceding '\\'" is the classic production failure this catches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .html_entities import EntityParseError, _char_units, byte_offset, link_entity

_V2_RESERVED = "_*[]()~`>#+-=|{}.!\n"
_SPACES = " \t\r\n\v"
# Names TDLib prints in "Can't find end of <Type> entity at byte offset N".
_TD_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "pre_code": "PreCode",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
}


def _reserved(ch: str) -> EntityParseError:
    return EntityParseError(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")


def _char(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else ""


def _is_escapable(ch: str) -> bool:
    return bool(ch) and 0 < ord(ch) <= 126


def _pre_language(src: str, i: int) -> tuple[str, int]:
    """After an opening ```: read an optional language word, then skip one line break."""
    n = len(src)
    end = i
    while end < n and src[end] not in _SPACES and src[end] != "`":
        end += 1
    language = ""
    if end != i and end < n and src[end] != "`":
        language, i = src[i:end], end
    if _char(src, i) in ("\n", "\r"):
        pair = _char(src, i + 1)
        i += 2 if pair in ("\n", "\r") and pair != src[i] else 1
    return language, i


def _read_url(src: str, i: int, what: str) -> tuple[str, int]:
    """Read "(url)" content starting after "(" at `i`; return (url, index of ")")."""
    begin, chars = i, []
    while i < len(src) and src[i] != ")":
        if src[i] == "\\" and _is_escapable(_char(src, i + 1)):
            chars.append(src[i + 1])
            i += 2
            continue
        chars.append(src[i])
        i += 1
    if i >= len(src):
        raise EntityParseError(f"Can't find end of {what} at byte offset {byte_offset(src, begin)}")
    return "".join(chars), i


def _entity(kind: str, argument: str, offset: int, length: int) -> dict[str, Any] | None:
    base = {"offset": offset, "length": length}
    if kind == "pre_code":
        return {"type": "pre", **base, "language": argument}
    if kind == "text_link":
        link = link_entity(argument)
        return None if link is None else {**link, **base}
    if kind == "custom_emoji":
        return {"type": "custom_emoji", **base, "custom_emoji_id": argument}
    return {"type": kind, **base}


@dataclass
class _OpenEntity:
    kind: str
    argument: str
    utf16_offset: int
    byte_offset: int  # of the opening marker, for "Can't find end of ..." errors
    out_index: int  # position in the output characters, for [text] without a URL


class _Output:
    """The plain text and entities a parser builds, with the UTF-16 length of the text so far."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[dict[str, Any]] = []

    def emit(self, ch: str) -> None:
        self.out.append(ch)
        self.utf16 += _char_units(ch)

    def add_entity(self, kind: str, argument: str, offset: int) -> None:
        """The entity from utf16 `offset` to the end of the text so far (unless Telegram drops it)."""
        entity = _entity(kind, argument, offset, self.utf16 - offset)
        if entity is not None:
            self.entities.append(entity)


def _closes(kind: str, c: str, nxt: str, after: str) -> bool:
    """Whether `c` (followed by `nxt`, then `after`) is the end marker of an open `kind` entity."""
    if kind == "bold":
        return c == "*"
    if kind == "italic":
        return c == "_" and nxt != "_"
    if kind == "code":
        return c == "`"
    if kind in ("pre", "pre_code"):
        return c == "`" and nxt == "`" and after == "`"
    if kind in ("text_link", "custom_emoji"):
        return c == "]"
    if kind == "underline":
        return c == "_" and nxt == "_"
    if kind == "strikethrough":
        return c == "~"
    if kind == "spoiler":
        return c == "|" and nxt == "|"
    return False


# MarkdownV2 markers of one character, and of two (the second character is required).
_V2_ONE_CHAR_MARKERS = {"*": "bold", "~": "strikethrough", "[": "text_link"}
_V2_TWO_CHAR_MARKERS = {"|": ("|", "spoiler"), "!": ("[", "custom_emoji")}


class _MarkdownV2Parser(_Output):
    def __init__(self, src: str) -> None:
        super().__init__(src)
        self.stack: list[_OpenEntity] = []
        self.have_blockquote = False
        self.i = -1  # the character being parsed

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src = self.src
        while True:
            self.i += 1
            if self.i >= len(src):
                break
            c = src[self.i]
            nxt = _char(src, self.i + 1)
            if c == "\\" and _is_escapable(nxt):
                self.i += 1
                self.emit(nxt)
            elif c not in self.reserved():
                self.emit(c)
            elif self.ends_entity(c, nxt):
                self.close(c, nxt)
            else:
                self.open(c, nxt)
        return self.finish()

    def reserved(self) -> str:
        """Characters that are markup here: inside code and pre, only the backquote."""
        if self.stack and self.stack[-1].kind in ("code", "pre", "pre_code"):
            return "`"
        return _V2_RESERVED

    def ends_entity(self, c: str, nxt: str) -> bool:
        if not self.stack:
            return False
        if self.have_blockquote and c == "\n" and nxt != ">":
            return True
        return _closes(self.stack[-1].kind, c, nxt, _char(self.src, self.i + 2))

    # -- opening markers -----------------------------------------------------------------------
    def open(self, c: str, nxt: str) -> None:
        begin = self.i
        opened = self.opened_entity(c, nxt)
        if opened is not None:
            kind, argument = opened
            self.stack.append(_OpenEntity(kind, argument, self.utf16, byte_offset(self.src, begin), len(self.out)))

    def opened_entity(self, c: str, nxt: str) -> tuple[str, str] | None:
        """(kind, argument) of the entity the reserved character `c` opens, None if it opens none;
        raises if `c` must have been escaped. Leaves self.i on the marker's last character."""
        if c in _V2_ONE_CHAR_MARKERS:
            return _V2_ONE_CHAR_MARKERS[c], ""
        if c in _V2_TWO_CHAR_MARKERS:
            second, kind = _V2_TWO_CHAR_MARKERS[c]
            if nxt != second:
                raise _reserved(c)
            self.i += 1
            return kind, ""
        if c == "_":
            kind = "underline" if nxt == "_" else "italic"
            self.i += kind == "underline"
            return kind, ""
        if c == "`":
            return self.opened_code(nxt)
        if c == "\n":
            return self.opened_line(nxt)
        if c == ">" and self.i == 0:
            self.have_blockquote = True
            return "blockquote", ""
        raise _reserved(c)

    def opened_code(self, nxt: str) -> tuple[str, str]:
        if nxt == "`" and _char(self.src, self.i + 2) == "`":
            argument, self.i = _pre_language(self.src, self.i + 3)
            self.i -= 1
            return ("pre_code" if argument else "pre"), argument
        return "code", ""

    def opened_line(self, nxt: str) -> tuple[str, str] | None:
        """A line break is kept; ">" after it opens a blockquote, or continues the open one."""
        self.emit("\n")
        if nxt != ">":
            return None
        self.i += 1
        if self.have_blockquote:
            return None
        self.have_blockquote = True
        return "blockquote", ""

    # -- closing markers -----------------------------------------------------------------------
    def close(self, c: str, nxt: str) -> None:
        top = self.stack[-1]
        if c == "\n" and top.kind != "blockquote":
            raise _unclosed(top)
        empty = self.utf16 == top.utf16_offset
        argument = self.closing_argument(top, c, nxt)
        if not empty:
            self.add_entity(top.kind, argument, top.utf16_offset)
        self.stack.pop()

    def closing_argument(self, top: _OpenEntity, c: str, nxt: str) -> str:
        """Move self.i to the last character of the end marker (and URL); return the argument."""
        if top.kind in ("underline", "spoiler"):
            self.i += 1
        elif top.kind in ("pre", "pre_code"):
            self.i += 2
        elif top.kind == "text_link":
            return self.link_url(top, nxt)
        elif top.kind == "custom_emoji":
            return self.custom_emoji_id(nxt)
        elif top.kind == "blockquote":
            self.have_blockquote = False
            self.emit(c)
        return top.argument

    def link_url(self, top: _OpenEntity, nxt: str) -> str:
        """[text](url); without "(url)" the text itself is the URL."""
        if nxt != "(":
            return "".join(self.out[top.out_index :])
        url, self.i = _read_url(self.src, self.i + 2, "a URL")
        return url

    def custom_emoji_id(self, nxt: str) -> str:
        if nxt != "(":
            raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
        url, self.i = _read_url(self.src, self.i + 2, "a custom emoji URL")
        emoji_id = url.partition("tg://emoji?id=")[2]
        if not emoji_id.isdigit():
            raise EntityParseError("Custom emoji URL must have an emoji identifier")
        return emoji_id

    def finish(self) -> tuple[str, list[dict[str, Any]]]:
        if self.have_blockquote and self.stack and self.stack[-1].kind == "blockquote":
            offset = self.stack.pop().utf16_offset
            if self.utf16 != offset:
                self.entities.append({"type": "blockquote", "offset": offset, "length": self.utf16 - offset})
        if self.stack:
            raise _unclosed(self.stack[-1])
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities


def _unclosed(entity: _OpenEntity) -> EntityParseError:
    return EntityParseError(f"Can't find end of {_TD_NAMES[entity.kind]} entity at byte offset {entity.byte_offset}")


def parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    return _MarkdownV2Parser(src).run()


class _MarkdownLegacyParser(_Output):
    def __init__(self, src: str) -> None:
        super().__init__(src)
        self.i = 0

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src = self.src
        while self.i < len(src):
            c = src[self.i]
            if c == "\\" and _char(src, self.i + 1) in ("_", "*", "`", "["):
                self.emit(src[self.i + 1])
                self.i += 2
            elif c not in "_*`[":
                self.emit(c)
                self.i += 1
            else:
                self.entity(c)
        return "".join(self.out), self.entities

    def entity(self, c: str) -> None:
        """An entity from its opening marker `c` at self.i to past its end marker."""
        src, n = self.src, len(self.src)
        begin = self.i
        end_char = "]" if c == "[" else c
        self.i += 1
        is_pre, language = False, ""
        if c == "`" and _char(src, self.i) == "`" and _char(src, self.i + 1) == "`":
            is_pre = True
            language, self.i = _pre_language(src, self.i + 2)
        offset, text_begin = self.utf16, len(self.out)
        while self.i < n and (src[self.i] != end_char or (is_pre and not src[self.i + 1 : self.i + 3] == "``")):
            self.emit(src[self.i])
            self.i += 1
        if self.i >= n:
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {byte_offset(src, begin)}")
        if self.utf16 != offset:
            kind, argument = {"_": "italic", "*": "bold", "[": "text_link"}.get(c, "code"), ""
            if is_pre:
                kind, argument = ("pre_code", language) if language else ("pre", "")
            if c == "[":
                argument = self.link_url(text_begin)
            self.add_entity(kind, argument, offset)
        self.i += 3 if is_pre else 1

    def link_url(self, text_begin: int) -> str:
        """[text](url), self.i on the "]": the URL (self.i moves to its ")"), or else the text."""
        src = self.src
        if _char(src, self.i + 1) != "(":
            return "".join(self.out[text_begin:])
        close = src.find(")", self.i + 2)
        close = len(src) if close < 0 else close  # an unclosed URL runs to the end
        url, self.i = src[self.i + 2 : close], close
        return url


def parse_markdown_legacy(src: str) -> tuple[str, list[dict[str, Any]]]:
    """parse_mode=Markdown (v1): *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    return _MarkdownLegacyParser(src).run()
