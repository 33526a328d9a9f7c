"""The small markup every reply is written in, and how long a text is.

Reply texts use a subset of HTML: <b>, <i>, <code> and <a href="...">; every value put into a template
goes through `esc` first. Each channel renders it: Telegram takes it as HTML, a channel without markup
shows `to_plain`, DingTalk converts it to its markdown in its own adapter.
"""

from __future__ import annotations

import re
from html import escape, unescape

TAG = re.compile(r"<[^>]+>")
# A conservative length for any channel: Telegram counts UTF-16 code units (an emoji counts two).
MESSAGE_LIMIT = 4096


def esc(value: object) -> str:
    return escape(str(value), quote=False)


def to_plain(text: str) -> str:
    """The text without tags and entities: toasts, terminals, channels without markup."""
    return unescape(TAG.sub("", text))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_lines(text: str, limit: int = MESSAGE_LIMIT - 96) -> list[str]:
    """Split at line boundaries into pieces of at most `limit` UTF-16 units (tags included).

    A single line longer than the limit is cut between characters; templates keep tags within a line, so
    a cut never separates an opening tag from its closing one.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        cost = utf16_len(line) + 1
        while cost - 1 > limit:  # one enormous line: cut it
            head, line = line[: limit // 2], line[limit // 2 :]
            if current:
                pieces.append("\n".join(current))
                current, size = [], 0
            pieces.append(head)
            cost = utf16_len(line) + 1
        if current and size + cost > limit:
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += cost
    if current:
        pieces.append("\n".join(current))
    return [p for p in pieces if p.strip()] or [text[:1] or " "]
