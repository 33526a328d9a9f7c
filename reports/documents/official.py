"""Writing an official document (公文, GB/T 9704) into a .docx template with python-docx.

The template holds everything the office may want its own: the page (A4, the type area of GB/T 9704), the
letterhead (版头) before the `{{body}}` paragraph, whatever follows it, the page numbers in the footers, and
the named styles the body is written in (`STYLES`, see data/templates/README.md). This module fills the
`{{name}}` placeholders anywhere in the template (body, tables, headers, footers), writes the body's
paragraphs and tables where `{{body}}` stands, and never sets a font itself: the styles name the fonts
(仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312), which are named, not embedded, so Word uses the office's own
and any other program its closest Chinese font. A template missing a style still works: that text falls
back to the template's Normal style.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

log = logging.getLogger("duban.reports.documents")

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "templates"
BODY_MARK = "{{body}}"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

# The named styles a template provides (data/templates/README.md).
TITLE, ADDRESSEE, BODY = "公文标题", "主送机关", "公文正文"
HEADING1, HEADING2, HEADING3 = "一级标题", "二级标题", "三级标题"
TABLE_HEAD, TABLE_TEXT, SIGNATURE, NOTE = "表格表头", "表格文字", "落款", "附注"
STYLES = (TITLE, ADDRESSEE, BODY, HEADING1, HEADING2, HEADING3, TABLE_HEAD, TABLE_TEXT, SIGNATURE, NOTE)
BODY_CHAR = Pt(16)  # 三号: one character of the body, the unit GB/T 9704 measures indents in
TYPE_AREA_WIDTH = Mm(156)
LEFT, CENTER = "left", "center"


def template_path(name: str, folder: Path | None = None) -> Path:
    """The office's own template when its folder has one by that name, else the one shipped in data/."""
    if folder is not None and (folder / name).is_file():
        return folder / name
    return SHIPPED / name


def text_width(text: str) -> float:
    """Width in body characters: Chinese one, half-width digits and letters a half (GB/T 9704's 半角)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _fill(paragraph: Paragraph, values: Mapping[str, str]) -> None:
    """Replace the placeholders of one paragraph. Word splits text into runs as it pleases, so the whole
    text goes into the first run (keeping its formatting) and the other runs are emptied."""
    text = paragraph.text
    if "{{" not in text:
        return

    def value(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            log.warning("template placeholder {{%s}} has no value: left empty", m.group(1))
        return values.get(m.group(1), "")

    filled = PLACEHOLDER.sub(value, text)
    runs = paragraph.runs
    if not runs:
        return
    runs[0].text = filled
    for run in runs[1:]:
        run.text = ""


class OfficialDocument:
    """A template being filled: `paragraph`, `table` and `signature` write at the `{{body}}` mark (or at the
    end of a template without one), `save` gives the bytes."""

    def __init__(self, template: Path, values: Mapping[str, str]):
        self.doc = Document(str(template))
        self.mark: Paragraph | None = None
        self.last: Paragraph | None = None  # the latest paragraph written
        for paragraph in self._all_paragraphs():
            if paragraph.text.strip() == BODY_MARK and self.mark is None:
                self.mark = paragraph
            else:
                _fill(paragraph, values)
        self.styles = {s.name for s in self.doc.styles}
        missing = [s for s in STYLES if s not in self.styles]
        if missing:
            log.warning("template %s lacks the styles %s: Normal is used instead", template, ", ".join(missing))

    def _all_paragraphs(self) -> list[Paragraph]:
        found = list(self.doc.paragraphs)
        for table in self.doc.tables:
            found += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
        for section in self.doc.sections:
            for part in (section.header, section.footer, section.even_page_footer, section.first_page_footer):
                if not part.is_linked_to_previous:
                    found += list(part.paragraphs)
        return found

    def _style(self, name: str) -> str | None:
        return name if name in self.styles else None

    def _place(self, element) -> None:
        """Move a just-added body element to where the body goes."""
        if self.mark is not None:
            self.mark._p.addprevious(element)

    def paragraph(self, text: str = "", style: str = BODY, align: str | None = None) -> Paragraph:
        paragraph = self.doc.add_paragraph(text, self._style(style))
        if align == CENTER:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._place(paragraph._p)
        self.last = paragraph
        return paragraph

    def headed(self, head: str, text: str, style: str = BODY) -> Paragraph:
        """A paragraph that opens with a run-in head in bold (三级标题 of GB/T 9704: "1.失分项目。……")."""
        paragraph = self.doc.add_paragraph(style=self._style(style))
        paragraph.add_run(head).bold = True
        paragraph.add_run(text)
        self._place(paragraph._p)
        return paragraph

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float], align: Sequence[str]
    ) -> Table:
        """A ruled table across the type area; the header row repeats on every page, rows never split."""
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _rule(table)
        _widths(table, widths_mm)
        for r, values in enumerate([list(header), *map(list, rows)]):
            row = table.rows[r]
            _row_properties(row, header=r == 0)
            for c, value in enumerate(values):
                paragraph = row.cells[c].paragraphs[0]
                paragraph.style = self._style(TABLE_HEAD if r == 0 else TABLE_TEXT)
                paragraph.text = str(value)
                if r == 0 or align[c] == CENTER:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._place(table._tbl)
        return table

    def fields(self, rows: Sequence[tuple[str, str]], widths_mm: tuple[float, float] = (34, 122)) -> Table:
        """A form of labelled rows (a 督办单): the label in the head style, the value beside it."""
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _rule(table)
        _widths(table, widths_mm)
        for r, (label, value) in enumerate(rows):
            row = table.rows[r]
            _row_properties(row, header=False)
            head, cell = row.cells
            head.paragraphs[0].style = self._style(TABLE_HEAD)
            head.paragraphs[0].text = label
            head.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            lines = value.split("\n")
            cell.paragraphs[0].style = self._style(TABLE_TEXT)
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line, self._style(TABLE_TEXT))
        self._place(table._tbl)
        return table

    def signature(self, issuer: str, day: str) -> None:
        """发文机关署名 and 成文日期 without a seal (GB/T 9704 7.3.5.2): a blank line after the body, the issuer
        two characters from the right, the date on the next line starting two characters right of the
        issuer's first character (the issuer moves left when the date is the longer)."""
        issuer_w, day_w = text_width(issuer), text_width(day)
        issuer_right = max(2.0, 4.0 + day_w - issuer_w)
        day_right = issuer_right + issuer_w - 2.0 - day_w
        if self.last is not None:  # the signature never stands alone on a page: the body's last lines go with it
            self.last.paragraph_format.keep_with_next = True
        self.paragraph("", BODY).paragraph_format.keep_with_next = True
        for text, right in ((issuer, issuer_right), (day, day_right)):
            paragraph = self.paragraph(text, SIGNATURE)
            paragraph.paragraph_format.keep_with_next = text == issuer
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.right_indent = Pt(BODY_CHAR.pt * right)

    def describe(self, title: str, author: str) -> None:
        """The file's own title and author (what Word shows under File > Info), in place of the template's."""
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by = title, author, author

    def save(self) -> bytes:
        if self.mark is not None:
            self.mark._p.getparent().remove(self.mark._p)
            self.mark = None
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (the grid and every cell), so Word and LibreOffice lay the table out alike."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _rule(table: Table) -> None:
    """Single black rules on every edge: a template need not define a table style."""
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    properties.append(borders)


def _row_properties(row, header: bool) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))
