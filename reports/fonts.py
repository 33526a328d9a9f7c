"""The CJK font every chart draws with: a Noto Sans SC subset shipped in reports/fontdata (SIL OFL 1.1).

`register()` adds the file to matplotlib's font manager once per process; `rc()` is the rc settings that
make it the font of every text element; `drawable(text)` replaces the few characters the subset lacks with
〓, so a label never shows an empty box.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

log = logging.getLogger("duban.reports")

FONT_FILE = Path(__file__).resolve().parent / "fontdata" / "DubanNotoSansSC-Regular.otf"
FAMILY = "Duban Noto Sans SC"
MISSING = "〓"  # U+3013 GETA MARK: what typesetters print for a character they do not have


@functools.cache
def register() -> str:
    """Make the shipped font known to matplotlib; returns the family name to ask for."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_FILE))
    return FAMILY


@functools.cache
def covered() -> frozenset[int]:
    """The code points the shipped font has glyphs for."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(FONT_FILE)).get_charmap())


def drawable(text: str) -> str:
    """`text` with every character the font lacks replaced by 〓 (logged once per character)."""
    have = covered()
    out = []
    for ch in str(text):
        if ord(ch) in have or ch in "\n\t":
            out.append(ch)
        else:
            _warn_missing(ch)
            out.append(MISSING)
    return "".join(out)


@functools.cache
def _warn_missing(ch: str) -> None:
    log.warning("the chart font has no glyph for %r (U+%04X): drawn as %s", ch, ord(ch), MISSING)


def rc() -> dict:
    """matplotlib rc settings: the CJK font for all text, a hyphen-minus (the font's own) for negatives."""
    return {"font.family": [register()], "axes.unicode_minus": False, "svg.fonttype": "none"}


def font_properties():
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=register())
