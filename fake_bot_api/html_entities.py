"""parse_mode=HTML, parsed the way Telegram parses it (a port of the rules in TDLib's parse_html).

The result is the plain text plus Bot API entity dicts with UTF-16 offsets. Errors carry the same
reasons Telegram gives ("Unsupported start tag \"x\" at byte offset N", ...); byte offsets are
UTF-8 byte offsets into the source text.

One deliberate difference: Telegram keeps a bare "&" that does not start a known entity as a literal
"&". The Bot API documentation says every "&" must be escaped, so by default (strict_ampersand=True)
this checker rejects it; a bot that passes here is safe whichever way Telegram leans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
# TDLib's is_space; the end of the text counts as a space too (handled by bounds checks).
_SPACES = frozenset(" \t\r\n\v")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}


class EntityParseError(ValueError):
    """The reason part of "Bad Request: can't parse entities: <reason>"."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _char_units(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def decode_html_entity(text: str, pos: int) -> tuple[str | None, int]:
    """Decode "&...;" at `pos`; return (character, index after it) or (None, pos) if not an entity."""
    n = len(text)
    end = pos + 1
    char: str | None
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                value = value * 16 + int(text[end], 16)
                end += 1
        else:
            while end < n and text[end].isascii() and text[end].isdigit():
                value = value * 10 + int(text[end])
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None, pos
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        char = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if char is None:
            return None, pos
    if end < n and text[end] == ";":  # the semicolon is optional, as in TDLib
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_index: int  # position in the output characters, for <a> without href


@dataclass
class _Parser:
    source: str
    strict_ampersand: bool
    out: list[str] = field(default_factory=list)
    utf16: int = 0
    stack: list[_OpenTag] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, reason: str) -> NoReturn:
        raise EntityParseError(reason)

    def at(self, index: int) -> int:
        return byte_offset(self.source, index)

    def emit(self, ch: str) -> None:
        self.out.append(ch)
        self.utf16 += _char_units(ch)

    def skip_spaces(self, i: int) -> int:
        while i < len(self.source) and self.source[i] in _SPACES:
            i += 1
        return i

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src, n, i = self.source, len(self.source), 0
        while i < n:
            ch = src[i]
            if ch == "&":
                decoded, after = decode_html_entity(src, i)
                if decoded is not None:
                    self.emit(decoded)
                    i = after
                    continue
                if self.strict_ampersand:
                    self.fail(f'Character "&" must be escaped as "&amp;" at byte offset {self.at(i)}')
            if ch != "<":
                self.emit(ch)
                i += 1
                continue
            if i + 1 < n and src[i + 1] == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            self.fail(f"Can't find end tag corresponding to start tag {self.stack[-1].name}")
        for entity in self.entities:
            entity.pop("_code_language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        src, n = self.source, len(self.source)
        i = begin + 1
        while i < n and src[i] not in _SPACES and src[i] != ">":
            i += 1
        if i >= n:
            self.fail(f"Unclosed start tag at byte offset {self.at(begin)}")
        tag = src[begin + 1 : i].lower()
        if tag not in SUPPORTED_TAGS:
            self.fail(f'Unsupported start tag "{tag}" at byte offset {self.at(begin)}')
        argument, i = self.tag_attributes(tag, begin, i)
        if tag == "span" and argument != "spoiler":
            self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {self.at(begin)}')
        self.stack.append(_OpenTag(tag, argument, self.utf16, len(self.out)))
        return i + 1

    def tag_attributes(self, tag: str, begin: int, i: int) -> tuple[str, int]:
        """Read a start tag's attributes from `i`; return (the tag's argument, index of its ">")."""
        src, n = self.source, len(self.source)
        argument = ""
        while True:
            i = self.skip_spaces(i)
            if i >= n:
                self.fail(f"Unclosed start tag at byte offset {self.at(begin)}")
            if src[i] == ">":
                return argument, i
            name, i = self.attribute_name(tag, begin, i)
            i = self.skip_spaces(i)
            if i >= n or src[i] != "=":
                if tag == "blockquote" and name.lower() == "expandable":
                    argument = "expandable"  # a boolean attribute, the one Telegram allows
                    continue
                self.fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.at(begin)}"
                )
            i = self.skip_spaces(i + 1)
            if i >= n:
                self.fail(f'Unclosed start tag "{tag}" at byte offset {self.at(begin)}')
            value, i = self.attribute_value(i)
            if i >= n:
                self.fail(f"Unclosed start tag at byte offset {self.at(begin)}")
            argument = _tag_argument(tag, name, value, argument)

    def attribute_name(self, tag: str, begin: int, i: int) -> tuple[str, int]:
        src, n = self.source, len(self.source)
        name_begin = i
        while i < n and src[i] not in _SPACES and src[i] not in "=>":
            i += 1
        name = src[name_begin:i]
        if not name:
            self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {self.at(begin)}')
        return name, i

    def attribute_value(self, i: int) -> tuple[str, int]:
        src, n = self.source, len(self.source)
        if src[i] not in "'\"":
            # An unquoted name token: letters, digits, periods, hyphens; case-insensitive.
            token_begin = i
            while i < n and (src[i].isascii() and src[i].isalnum() or src[i] in ".-"):
                i += 1
            if i < n and src[i] not in _SPACES and src[i] != ">":
                self.fail(f"Unexpected end of name token at byte offset {self.at(token_begin)}")
            return src[token_begin:i].lower(), i
        quote = src[i]
        i += 1
        chars: list[str] = []
        while i < n and src[i] != quote:
            if src[i] == "&":
                decoded, after = decode_html_entity(src, i)
                if decoded is not None:
                    chars.append(decoded)
                    i = after
                    continue
            chars.append(src[i])
            i += 1
        if i < n:
            i += 1  # the closing quote
        return "".join(chars), i

    def end_tag(self, begin: int) -> int:
        src, n = self.source, len(self.source)
        if not self.stack:
            self.fail(f"Unexpected end tag at byte offset {self.at(begin)}")
        i = begin + 2
        while i < n and src[i] not in _SPACES and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        i = self.skip_spaces(i)
        if i >= n or src[i] != ">":
            self.fail(f"Unclosed end tag at byte offset {self.at(begin)}")
        open_tag = self.stack[-1]
        if name and name != open_tag.name:
            self.fail(
                f'Unmatched end tag at byte offset {self.at(begin)}, expected "</{open_tag.name}>", found "</{name}>"'
            )
        if self.utf16 > open_tag.utf16_offset:
            self.add_entity(open_tag)
        self.stack.pop()
        return i + 1

    def add_entity(self, tag: _OpenTag) -> None:
        offset, length = tag.utf16_offset, self.utf16 - tag.utf16_offset
        base = {"offset": offset, "length": length}
        if tag.name in _SIMPLE_TAG_TYPES:
            self.entities.append({"type": _SIMPLE_TAG_TYPES[tag.name], **base})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                self.fail("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **base, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            url = tag.argument or "".join(self.out[tag.out_index :])
            entity = link_entity(url)
            if entity is not None:
                self.entities.append({**entity, **base})
        elif tag.name in ("pre", "code"):
            self.add_code_entity(tag, base)
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.argument == "expandable" else "blockquote"
            self.entities.append({"type": kind, **base})

    def add_code_entity(self, tag: _OpenTag, base: dict[str, int]) -> None:
        """<pre> or <code>. Nested on one span with a language (<pre><code class="language-x">),
        the two make a single pre entity with that language, whichever of them is outside."""
        last = self.entity_on_span(base)
        if tag.name == "pre":
            if last is not None and last["type"] == "code" and last.get("_code_language"):
                last.update(type="pre", language=last.pop("_code_language"))
            else:
                self.entities.append({"type": "pre", **base})
        elif last is not None and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
        else:
            self.entities.append({"type": "code", **base, "_code_language": tag.argument})

    def entity_on_span(self, base: dict[str, int]) -> dict[str, Any] | None:
        """The entity added last, if it covers exactly the span of `base`."""
        last = self.entities[-1] if self.entities else None
        if last is not None and last["offset"] == base["offset"] and last["length"] == base["length"]:
            return last
        return None


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    """The one attribute each tag cares about; others are ignored, as Telegram does."""
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    return current


def link_entity(url: str) -> dict[str, Any] | None:
    """text_link / text_mention for an href; None when Telegram would silently drop the link."""
    url = url.strip()
    lowered = url.lower()
    if lowered.startswith("tg://user?id="):
        user_id = url[len("tg://user?id=") :]
        if user_id.isdigit():
            return {"type": "text_mention", "user": {"id": int(user_id), "is_bot": False, "first_name": ""}}
        return None
    if not url or any(ch.isspace() for ch in url):
        return None
    scheme, sep, rest = url.partition("://")
    if not sep:
        if "." not in url or url.startswith("."):
            return None
        scheme, rest = "http", url
    scheme = scheme.lower()
    if scheme not in ("http", "https", "tg", "ton", "ftp"):
        return None
    if scheme in ("http", "https", "ftp") and "/" not in rest:
        rest += "/"  # Telegram normalises "https://example.com" to "https://example.com/"
    return {"type": "text_link", "url": f"{scheme}://{rest}"}


def parse_html(source: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) or raise EntityParseError with Telegram's reason."""
    return _Parser(source, strict_ampersand).run()
