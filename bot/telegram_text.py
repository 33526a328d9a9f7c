"""Text that Telegram accepts: measured as Telegram measures it, split where a reader expects."""
from __future__ import annotations

LIMIT = 4096  # Telegram's maximum message length, in UTF-16 code units after entity parsing


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def split_lines(text: str, limit: int = LIMIT - 96) -> list[str]:
    """Split at line boundaries into pieces of at most `limit` units (tags included, so it is safe).

    A single line longer than the limit is cut between characters; callers keep HTML tags within a line
    so a cut never separates an opening tag from its closing one.
    """
    pieces, current, size = [], [], 0
    for line in text.split("\n"):
        cost = utf16_len(line) + 1
        while cost - 1 > limit:  # one enormous line: cut it
            head, line = line[: limit // 2], line[limit // 2:]
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
