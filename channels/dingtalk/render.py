"""Replies in DingTalk's terms: the small markup (handlers/markup.py) as the markdown subset DingTalk's
robot messages show (bold, italic, links; line breaks as "  \\n"), split below DingTalk's length limit,
and the title a phone shows in its notification and the chat list."""

from __future__ import annotations

import re
from html import unescape

from handlers.markup import split_lines, to_plain
from handlers.replies import Message

# DingTalk takes about 5000 characters of markdown in one robot message; tags and line breaks grow the
# text when converted, so the markup is cut well below that.
TEXT_LIMIT = 3500
TITLE_LIMIT = 30

_BOLD = re.compile(r"<b>(.*?)</b>", re.S)
_ITALIC = re.compile(r"<i>(.*?)</i>", re.S)
_CODE = re.compile(r"<code>(.*?)</code>", re.S)  # DingTalk shows no inline code: the words stay plain
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def markdown(text: str) -> str:
    """The markup as DingTalk markdown: **bold**, *italic*, [text](url), values unescaped."""
    text = _BOLD.sub(lambda m: f"**{m.group(1).strip()}**" if m.group(1).strip() else "", text)
    text = _ITALIC.sub(lambda m: f"*{m.group(1).strip()}*" if m.group(1).strip() else "", text)
    text = _CODE.sub(r"\1", text)
    text = _LINK.sub(lambda m: f"[{m.group(2)}]({unescape(m.group(1))})", text)
    text = unescape(_TAG.sub("", text))
    # A single newline is no line break in markdown: two spaces before it make one.
    return "  \n".join(line.rstrip() for line in text.split("\n"))


def title(text: str) -> str:
    """The first line, plain: what a notification shows."""
    first = next((line.strip() for line in to_plain(text).split("\n") if line.strip()), "督办")
    return first if len(first) <= TITLE_LIMIT else first[: TITLE_LIMIT - 1] + "…"


def pieces(message: Message) -> list[tuple[str, str]]:
    """(title, markdown) of each message to send for `message`, split at line boundaries."""
    return [(title(part), markdown(part)) for part in split_lines(message.text, TEXT_LIMIT)]
