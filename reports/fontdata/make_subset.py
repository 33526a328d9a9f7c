"""Rebuild DubanNotoSansSC-Regular.otf, the CJK font the charts draw with (see README.md here).

Source: Noto Sans CJK SC Regular 2.004 (SIL OFL 1.1), the face "Noto Sans CJK SC" of NotoSansCJK-Regular.ttc
in Debian's package fonts-noto-cjk (1:20220127+repack1-1):

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb src
    python reports/fontdata/make_subset.py src/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

Kept: ASCII, Latin-1, general punctuation, arrows, math operators, circled numbers, shapes, CJK symbols
and punctuation, enclosed CJK, the whole CJK Unified Ideographs block U+4E00..U+9FA5 (every character of
GB2312 and GBK's ideographs), every GB2312 character, full-width forms. The family is renamed to
"Duban Noto Sans SC" (a Modified Version under the OFL; the Reserved Font Name "Source" is not used), so
matplotlib resolves this file and no same-named system font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
OUT = HERE / "DubanNotoSansSC-Regular.otf"
FAMILY, POSTSCRIPT = "Duban Noto Sans SC", "DubanNotoSansSC-Regular"
RANGES = [
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2010, 0x206F),
    (0x2100, 0x22FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x3000, 0x303F),
    (0x3200, 0x32FF),
    (0x4E00, 0x9FA5),
    (0xFF00, 0xFFEF),
]


def characters() -> str:
    chars = {chr(c) for lo, hi in RANGES for c in range(lo, hi + 1)}
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                chars.add(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


def rename(font) -> None:
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (4,):
            record.string = FAMILY
        elif record.nameID == 3:
            record.string = f"{POSTSCRIPT};subset of Noto Sans CJK SC 2.004"
        elif record.nameID == 6:
            record.string = POSTSCRIPT
    cff = font["CFF "].cff
    cff.fontNames = [POSTSCRIPT]
    top = cff.topDictIndex[0]
    top.FamilyName, top.FullName = FAMILY, FAMILY


def main(source: str) -> None:
    collection = TTCollection(source)
    face = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    tmp = HERE / "_face.otf"
    face.save(tmp)
    options = subset.Options()
    options.layout_features = ["kern", "halt", "palt", "vert"]
    options.name_IDs, options.name_languages = ["*"], ["*"]
    options.notdef_outline, options.hinting = True, False
    font = subset.load_font(str(tmp), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    rename(font)
    subset.save_font(font, str(OUT), options)
    tmp.unlink()
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
