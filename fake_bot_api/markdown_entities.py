"""parse_mode=MarkdownV2 and legacy Markdown, parsed the way Telegram parses them (ports of the
rules in TDLib's parse_markdown_v2 / parse_markdown). MarkdownV2's "Character '.' is reserved and
must be escaped with the preceding '\\'" is the classic production failure this catches.
"""
from __future__ import annotations

from typing import Any

from .html_entities import EntityParseError, _char_units, byte_offset, link_entity

_V2_RESERVED = "_*[]()~`>#+-=|{}.!\n"
_SPACES = " \t\r\n\v"
# Names TDLib prints in "Can't find end of <Type> entity at byte offset N".
_TD_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
    "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "pre_code": "PreCode", "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote",
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


def parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    utf16 = 0
    entities: list[dict[str, Any]] = []
    # Open entities: [kind, argument, utf16 offset, byte offset, output index]
    stack: list[list[Any]] = []
    have_blockquote = False
    n = len(src)
    i = -1
    while True:
        i += 1
        if i >= n:
            break
        c = src[i]
        nxt = _char(src, i + 1)
        if c == "\\" and _is_escapable(nxt):
            i += 1
            out.append(nxt)
            utf16 += 1
            continue
        reserved = "`" if stack and stack[-1][0] in ("code", "pre", "pre_code") else _V2_RESERVED
        if c not in reserved:
            out.append(c)
            utf16 += _char_units(c)
            continue

        is_end = False
        if stack:
            top = stack[-1][0]
            if have_blockquote and c == "\n" and nxt != ">":
                is_end = True
            elif top == "bold":
                is_end = c == "*"
            elif top == "italic":
                is_end = c == "_" and nxt != "_"
            elif top == "code":
                is_end = c == "`"
            elif top in ("pre", "pre_code"):
                is_end = c == "`" and nxt == "`" and _char(src, i + 2) == "`"
            elif top in ("text_link", "custom_emoji"):
                is_end = c == "]"
            elif top == "underline":
                is_end = c == "_" and nxt == "_"
            elif top == "strikethrough":
                is_end = c == "~"
            elif top == "spoiler":
                is_end = c == "|" and nxt == "|"

        if not is_end:
            argument, begin = "", i
            if c == "_":
                kind = "underline" if nxt == "_" else "italic"
                i += kind == "underline"
            elif c == "*":
                kind = "bold"
            elif c == "~":
                kind = "strikethrough"
            elif c == "|":
                if nxt != "|":
                    raise _reserved(c)
                kind, i = "spoiler", i + 1
            elif c == "[":
                kind = "text_link"
            elif c == "`":
                if nxt == "`" and _char(src, i + 2) == "`":
                    argument, i = _pre_language(src, i + 3)
                    kind = "pre_code" if argument else "pre"
                    i -= 1
                else:
                    kind = "code"
            elif c == "!":
                if nxt != "[":
                    raise _reserved(c)
                kind, i = "custom_emoji", i + 1
            elif c == "\n":
                out.append("\n")
                utf16 += 1
                if nxt != ">":
                    continue
                i += 1
                if have_blockquote:
                    continue
                kind, have_blockquote = "blockquote", True
            elif c == ">" and i == 0:
                kind, have_blockquote = "blockquote", True
            else:
                raise _reserved(c)
            stack.append([kind, argument, utf16, byte_offset(src, begin), len(out)])
            continue

        kind, argument, offset, entity_byte, out_index = stack[-1]
        if c == "\n" and kind != "blockquote":
            raise EntityParseError(f"Can't find end of {_TD_NAMES[kind]} entity at byte offset {entity_byte}")
        skip = utf16 == offset
        if kind in ("underline", "spoiler"):
            i += 1
        elif kind in ("pre", "pre_code"):
            i += 2
        elif kind == "text_link":
            if nxt != "(":
                argument = "".join(out[out_index:])
            else:
                argument, i = _read_url(src, i + 2, "a URL")
        elif kind == "custom_emoji":
            if nxt != "(":
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            url, i = _read_url(src, i + 2, "a custom emoji URL")
            argument = url.partition("tg://emoji?id=")[2]
            if not argument.isdigit():
                raise EntityParseError("Custom emoji URL must have an emoji identifier")
        elif kind == "blockquote":
            have_blockquote = False
            out.append(c)
            utf16 += 1
        if not skip:
            entity = _entity(kind, argument, offset, utf16 - offset)
            if entity is not None:
                entities.append(entity)
        stack.pop()

    if have_blockquote and stack and stack[-1][0] == "blockquote":
        offset = stack.pop()[2]
        if utf16 != offset:
            entities.append({"type": "blockquote", "offset": offset, "length": utf16 - offset})
    if stack:
        kind, _, _, entity_byte, _ = stack[-1]
        raise EntityParseError(f"Can't find end of {_TD_NAMES[kind]} entity at byte offset {entity_byte}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def parse_markdown_legacy(src: str) -> tuple[str, list[dict[str, Any]]]:
    """parse_mode=Markdown (v1): *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    out: list[str] = []
    utf16 = 0
    entities: list[dict[str, Any]] = []
    n = len(src)
    i = 0
    while i < n:
        c = src[i]
        if c == "\\" and _char(src, i + 1) in ("_", "*", "`", "["):
            out.append(src[i + 1])
            utf16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            utf16 += _char_units(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        i += 1
        is_pre, language = False, ""
        if c == "`" and _char(src, i) == "`" and _char(src, i + 1) == "`":
            is_pre = True
            language, i = _pre_language(src, i + 2)
        offset, text_begin = utf16, len(out)
        while i < n and (src[i] != end_char or (is_pre and not src[i + 1:i + 3] == "``")):
            out.append(src[i])
            utf16 += _char_units(src[i])
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {byte_offset(src, begin)}"
            )
        if utf16 != offset:
            kind, argument = {"_": "italic", "*": "bold", "[": "text_link"}.get(c, "code"), ""
            if is_pre:
                kind, argument = ("pre_code", language) if language else ("pre", "")
            if c == "[":
                if _char(src, i + 1) == "(":
                    close = src.find(")", i + 2)
                    close = n if close < 0 else close  # an unclosed URL runs to the end
                    argument, i = src[i + 2:close], close
                else:
                    argument = "".join(out[text_begin:])
            entity = _entity(kind, argument, offset, utf16 - offset)
            if entity is not None:
                entities.append(entity)
        i += 3 if is_pre else 1
    return "".join(out), entities
