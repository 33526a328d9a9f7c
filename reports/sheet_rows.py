"""Many rows of one sheet, written straight as the sheet's XML: a year's audit log at ten times the usual use
is 210,000 rows of eight cells, and openpyxl spends about 15 µs of Python on each cell it writes (a cell
object, its style looked up, its XML element) — half a minute. Here a row is one formatted string, written
to a temporary file as it comes, and spliced into the saved workbook's sheet: the same cells (inline
strings, dates as serial numbers, each column's style) openpyxl's write-only mode writes, in a few seconds
and a few megabytes.

Only what those rows hold is written this way: text, date-times, numbers and empty cells, one style per
column, taken from cells openpyxl registered (so the styles table has them).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

END_OF_ROWS = b"</sheetData>"


def _text(value: str) -> str:
    if _ILLEGAL(value):  # openpyxl refuses them; an audit row must not stop the export
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    space = ' xml:space="preserve"' if value and (value[0].isspace() or value[-1].isspace()) else ""
    return f"<is><t{space}>{escape(value)}</t></is>"


_ILLEGAL = ILLEGAL_CHARACTERS_RE.search


class SheetRows:
    """Rows from `first_row` down, each cell in the style (a style id of the workbook) of its column."""

    def __init__(self, first_row: int, styles: Sequence[int]):
        self.row = first_row
        # per column, the cell's opening up to its row number and the rest of its attributes: a row is
        # written with string joins only (200,000 rows of eight cells)
        self.columns = [(f'<c r="{get_column_letter(c)}', f'" s="{s}"') for c, s in enumerate(styles, start=1)]
        self.file = tempfile.TemporaryFile()
        self.out = io.TextIOWrapper(self.file, encoding="utf-8", newline="")

    def add(self, values: Sequence[object]) -> None:
        r = str(self.row)
        cells = [f'<row r="{r}">']
        for (opening, attributes), value in zip(self.columns, values, strict=True):
            cells.append(opening + r + attributes)
            if value is None:
                cells.append(' t="n"/>')
            elif isinstance(value, str):
                cells.append(f' t="inlineStr">{_text(value)}</c>' if value else ' t="inlineStr"/>')
            elif isinstance(value, datetime):
                cells.append(f' t="n"><v>{format(to_excel(value), ".16g")}</v></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f' t="n"><v>{format(value, ".16g")}</v></c>')
            else:
                raise TypeError(f"SheetRows writes text, date-times and numbers, not {type(value).__name__}")
        cells.append("</row>")
        self.out.write("".join(cells))
        self.row += 1

    def splice(self, sheet_xml: bytes, into: zipfile.ZipFile, name: str, info: zipfile.ZipInfo) -> None:
        """Write the sheet `name` into `into`: its saved XML with these rows before the end of its data."""
        self.out.flush()
        head, cut, tail = sheet_xml.partition(END_OF_ROWS)
        if not cut:
            raise ValueError(f"{name} has no sheetData")
        with into.open(info, "w", force_zip64=True) as sheet:
            sheet.write(head)
            self.file.seek(0)
            shutil.copyfileobj(self.file, sheet, 1 << 20)
            sheet.write(cut + tail)
        self.out.close()


def save(workbook, rows: dict[object, SheetRows]) -> bytes:
    """The workbook's bytes, with each sheet's rows spliced in (keyed by the sheet: its file's name is known
    once the workbook is saved)."""
    saved = io.BytesIO()
    workbook.save(saved)
    if not rows:
        return saved.getvalue()
    by_path = {sheet.path.lstrip("/"): spliced for sheet, spliced in rows.items()}  # type: ignore[attr-defined]
    out = tempfile.TemporaryFile()  # read back whole below: the bytes are held once, not twice
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in by_path:
                fresh = zipfile.ZipInfo(info.filename, info.date_time)
                fresh.compress_type = zipfile.ZIP_DEFLATED
                fresh._compresslevel = 1  # type: ignore[attr-defined]  # many rows: a fast level, a little larger
                by_path.pop(info.filename).splice(data, zout, info.filename, fresh)
            else:
                zout.writestr(info, data)
    if by_path:
        raise ValueError(f"sheets not found in the saved workbook: {', '.join(by_path)}")
    with out:
        out.seek(0)
        return out.read()
