"""Text clean-up for the deadline reader: full-width forms, spaces and Chinese numerals."""

from __future__ import annotations

import re
import unicodedata

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}

# A number as people write it in a deadline: Arabic digits, or Chinese numerals (三, 十二, 二十五, 二〇二二).
NUM = r"(?:\d{1,4}|[〇零一二两三四五六七八九十百千]{1,6})"

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Full-width digits/letters/punctuation to ASCII (NFKC), lower case, every space removed.

    Phones type "９月３０日", "9 月 30 日" or "9月30日 前"; all read the same once spaces are gone.
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def normalize_spaced(text: str) -> str:
    """As `normalize`, but single spaces kept, for English ("next friday") handed to dateparser."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def to_int(token: str) -> int:
    """'25' -> 25, '二十五' -> 25, '十二' -> 12, '两' -> 2, '二〇二二' -> 2022."""
    if token.isdigit():
        return int(token)
    if not any(ch in CN_UNITS for ch in token):
        # digit by digit, as years are written: 二〇二二
        value = 0
        for ch in token:
            value = value * 10 + CN_DIGITS[ch]
        return value
    total, current = 0, 0
    for ch in token:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        else:
            total += (current or 1) * CN_UNITS[ch]  # 十二: a leading unit means one of it
            current = 0
    return total + current
