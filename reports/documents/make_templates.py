"""Build the shipped templates, data/templates/circular.docx and notice.docx, with python-docx:

    .venv/bin/python reports/documents/make_templates.py

The page and the styles follow GB/T 9704-2012 (党政机关公文格式): A4, a type area of 156 x 225 mm (top
margin 37 mm, left 28 mm), 22 lines of 28 characters; the body in 仿宋_GB2312 三号 (16 pt), the title in
方正小标宋简体 二号 (22 pt), headings in 黑体 and 楷体_GB2312, the letterhead in red 小标宋; page numbers in
宋体 四号 as "— 1 —", right on odd pages and left on even ones, one character in. Fonts are named, not
embedded; each named font is listed in the font table with a common Chinese font as its alternative, so a
machine without it still shows Chinese. An office replacing a template with its own letterhead keeps the
`{{body}}` paragraph and the style names (data/templates/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

OUT = Path(__file__).resolve().parents[2] / "data" / "templates"
FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
# Each font the styles name, the font Word or LibreOffice may take instead, its Windows family.
ALTERNATIVES = {FANGSONG: ("仿宋", "modern"), XIAOBIAOSONG: ("宋体", "roman"), HEITI: ("SimHei", "modern"),
                KAITI: ("楷体", "modern"), SONGTI: ("SimSun", "auto")}  # fmt: skip
LINE = Pt(28.95)  # 225 mm / 22 lines
CHAR = Pt(16)
RED = RGBColor(0xFF, 0x00, 0x00)


def _fonts(element, name: str) -> None:
    """Name the font for every script (eastAsia included, which python-docx's font.name leaves alone)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), name)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)


def _defaults(doc: DocumentObject) -> None:
    """Every run's default: 仿宋_GB2312 三号, Chinese; every paragraph's: no spacing, the exact line pitch."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        doc.styles.element.remove(defaults)
    doc.styles.element.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
            f'<w:rFonts w:ascii="{FANGSONG}" w:hAnsi="{FANGSONG}" w:eastAsia="{FANGSONG}" w:cs="{FANGSONG}"/>'
            '<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
            f'<w:spacing w:before="0" w:after="0" w:line="{int(LINE.pt * 20)}" w:lineRule="exact"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )


def _style(
    doc: DocumentObject,
    name: str,
    font: str,
    size: float,
    indent: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    line: Pt | None = LINE,
    colour: RGBColor | None = None,
) -> ParagraphStyle:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    _fonts(style.element, font)
    style.font.size, style.font.bold = Pt(size), bold
    if colour is not None:
        style.font.color.rgb = colour
    fmt = style.paragraph_format
    fmt.first_line_indent = CHAR * 2 if indent else Pt(0)
    if align is not None:
        fmt.alignment = align
    if line is not None:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line
    fmt.widow_control = True
    return style


def _styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    _fonts(normal.element, FANGSONG)
    normal.font.size = Pt(16)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _style(doc, "公文标题", XIAOBIAOSONG, 22, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36))
    _style(doc, "主送机关", FANGSONG, 16)
    _style(doc, "公文正文", FANGSONG, 16, indent=True)
    for name, font, bold in (("一级标题", HEITI, False), ("二级标题", KAITI, False), ("三级标题", FANGSONG, True)):
        _style(doc, name, font, 16, indent=True, bold=bold).paragraph_format.keep_with_next = True
    _style(doc, "表格表头", HEITI, 12, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(18))
    _style(doc, "表格文字", FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.LEFT, line=Pt(18))
    _style(doc, "落款", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "附注", FANGSONG, 14, indent=True, line=Pt(24))
    _style(doc, "版头标志", XIAOBIAOSONG, 26, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, colour=RED)
    _style(doc, "版头信息", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.CENTER)


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(23)  # the number 7 mm below the type area
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        fmt = paragraph.paragraph_format
        fmt.right_indent, fmt.left_indent = (Pt(14), Pt(0)) if odd else (Pt(0), Pt(14))
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _page_number(paragraph)


def _page_number(paragraph) -> None:
    """— PAGE — in 宋体 四号."""

    def run(text: str = ""):
        r = paragraph.add_run(text)
        _fonts(r._r, SONGTI)
        r.font.size = Pt(14)
        return r

    run("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif instruction == " PAGE ":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            r._r.append(text)
        else:
            r.text = instruction or ""
    run(" —")


def _red_rule(paragraph) -> None:
    """The letterhead's red line (版头中的分隔线) under a paragraph, as wide as the type area."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="6" w:color="FF0000"/></w:pBdr>')
    )


def _font_table(doc: DocumentObject) -> None:
    """List every named font with its alternative (w:altName) and the GB2312 character set."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        for name, (alt, family) in ALTERNATIVES.items()
    )
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")  # a plain Part: only its bytes


def _clean(doc: DocumentObject, title: str) -> None:
    """No python-docx leftovers: its sample thumbnail, its author, its empty first paragraph."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del rels[rid]
    props = doc.core_properties
    props.author, props.last_modified_by, props.title, props.comments = "", "", title, ""
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)


def base(title: str) -> DocumentObject:
    doc = Document()
    _clean(doc, title)
    _defaults(doc)
    _styles(doc)
    _page(doc)
    _font_table(doc)
    return doc


def circular() -> DocumentObject:
    """The circular's letterhead: 督查通报 in red, the issue, the issuer and the date over the red line."""
    doc = base("督查通报模板")
    head = doc.add_paragraph("督 查 通 报", "版头标志")
    head.runs[0].font.size = Pt(42)
    doc.add_paragraph("{{period}}", "版头信息")
    issuer = doc.add_paragraph("{{issuer}}\t{{date}}", "版头信息")
    issuer.alignment = WD_ALIGN_PARAGRAPH.LEFT
    issuer.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    _red_rule(issuer)
    doc.add_paragraph("", "公文正文")
    doc.add_paragraph("{{title}}", "公文标题")
    doc.add_paragraph("", "公文正文")
    doc.add_paragraph("{{body}}", "公文正文")
    return doc


def notice() -> DocumentObject:
    """The notice's letterhead: the issuer in red over the red line, the title 督 办 单 and the number."""
    doc = base("督办单模板")
    head = doc.add_paragraph("{{issuer}}", "版头标志")
    head.runs[0].font.size = Pt(22)  # a long office name stays on one line
    _red_rule(head)
    doc.add_paragraph("{{title}}", "公文标题").paragraph_format.space_before = Pt(14)
    doc.add_paragraph("{{number}}", "版头信息")
    doc.add_paragraph("{{body}}", "公文正文")
    return doc


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, make in (("circular.docx", circular), ("notice.docx", notice)):
        make().save(str(out / name))
        print(f"{out / name}: {(out / name).stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
