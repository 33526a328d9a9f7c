"""Reading the office's task spreadsheet into a `LetterData` (the same the YAML reader builds), checked like
a letter file: every problem names its sheet, row and column, and nothing is loaded while any remains.

Sheets: 任务清单 (required; else the first sheet): one row per work line, the columns of the export's task
sheet (reports/labels.TASK_COLUMNS; the status columns are ignored), the header row within the first five
rows; a cell merged over several rows (部分, 序号, 工作任务, departments) counts for each of them.
部门 (optional): name, 级别 责任部门/认定部门, aliases; without it the departments the database knows.
责任书 (optional): code, year, title, ...; without it `code` and `title` must be given.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from deadlines.specs import DeadlineSpec, SpecError, occurrences
from reports import labels as L
from reports.task_format import deadline_lines, parse_deadline, parse_section, parse_target, split_ids, split_names
from services.letter_file import Department, ItemData, LetterData, LineData, Target, closest


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: int | None
    header: str | None
    message: str

    def __str__(self) -> str:
        cell = f"{get_column_letter(self.column)}{self.row}" if self.column else str(self.row)
        where = f"{self.sheet}!{cell}"
        what = f"row {self.row}" + (f", column {get_column_letter(self.column)} {self.header}" if self.column else "")
        return f"{where} ({what}): {self.message}"


class WorkbookError(ValueError):
    def __init__(self, path: Path, problems: list[Problem]):
        self.path, self.problems = path, problems
        shown = "\n".join(f"  {path.name}:{p}" for p in problems[:40])
        more = f"\n  ... and {len(problems) - 40} more" if len(problems) > 40 else ""
        super().__init__(f"{path}: {len(problems)} problem(s); nothing was loaded:\n{shown}{more}")


class _Sheet:
    """Cell values with merged ranges spread over every cell they cover."""

    def __init__(self, ws):
        self.ws, self.title = ws, ws.title
        self.merged: dict[tuple[int, int], object] = {}
        for rng in ws.merged_cells.ranges:
            top = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.merged[(r, c)] = top

    def value(self, row: int, col: int):
        if (row, col) in self.merged:
            return self.merged[(row, col)]
        value = self.ws.cell(row, col).value
        return value.strip() if isinstance(value, str) else value


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class _Found:
    """What the task sheet's rows have given so far."""

    sections: dict[int, str] = field(default_factory=dict)
    # item no -> (section, title, its lines, the row it started on)
    items: dict[int, tuple[int, str, list[LineData], int]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # line id -> row


class _Reader:
    def __init__(self, path: Path, year: int):
        self.path, self.year = path, year
        self.problems: list[Problem] = []

    def problem(self, sheet: _Sheet, row: int, col: int | None, header: str | None, message: str) -> None:
        self.problems.append(Problem(sheet.title, row, col, header, message))

    # -- 部门 ------------------------------------------------------------------------------------------
    def departments(self, sheet: _Sheet) -> tuple[tuple[Department, ...], tuple[Department, ...]]:
        found: dict[str, list[Department]] = {"county": [], "city": []}
        for r in range(2, sheet.ws.max_row + 1):
            name, level, aliases = (sheet.value(r, c) for c in (1, 2, 3))
            if _blank(name):
                continue
            if level not in L.NAME_LEVEL:
                self.problem(sheet, r, 2, "级别", f"'{level}' should be 责任部门 or 认定部门")
                continue
            found[L.NAME_LEVEL[level]].append(Department(str(name).strip(), tuple(split_names(aliases))))
        return tuple(found["county"]), tuple(found["city"])

    # -- 责任书 ----------------------------------------------------------------------------------------
    def letter(self, sheet: _Sheet) -> dict:
        titles = {title: key for key, title in L.LETTER_FIELDS}
        meta = {}
        for r in range(1, sheet.ws.max_row + 1):
            key = titles.get(str(sheet.value(r, 1) or "").strip())
            if key is None:
                continue
            value = sheet.value(r, 2)
            if key == "issued_on" and not _blank(value):
                value = self.date_cell(sheet, r, 2, "印发日期", value)
            elif key == "year" and not _blank(value):
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    self.problem(sheet, r, 2, "年度", f"'{value}' is not a year")
                    value = None
            meta[key] = None if _blank(value) else value
        return meta

    def date_cell(self, sheet: _Sheet, r: int, c: int, header: str, value) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            self.problem(sheet, r, c, header, f"'{value}' is not a date (YYYY-MM-DD, or a date cell)")
            return None

    # -- 任务清单 --------------------------------------------------------------------------------------
    def header_row(self, sheet: _Sheet) -> tuple[int, dict[str, int]] | None:
        wanted = {title for title, *_ in L.TASK_COLUMNS}
        best = None
        for r in range(1, min(5, sheet.ws.max_row) + 1):
            cols = {
                str(sheet.value(r, c)).strip(): c
                for c in range(1, sheet.ws.max_column + 1)
                if str(sheet.value(r, c) or "").strip() in wanted
            }
            if best is None or len(cols) > len(best[1]):
                best = (r, cols)
        if best is None or not best[1]:
            self.problem(sheet, 1, None, None, f"no header row: expected the columns {'、'.join(L.REQUIRED)}")
            return None
        r, cols = best
        for name in L.REQUIRED:
            if name not in cols:
                self.problem(sheet, r, None, None, f"header row: missing column '{name}'")
        return best

    def names(self, sheet, r, c, header, value, known: tuple[Department, ...]) -> tuple[str, ...]:
        by_name = {d.name: d.name for d in known} | {a: d.name for d in known for a in d.aliases}
        result = []
        for name in split_names(value):
            if name in by_name:
                result.append(by_name[name])
            else:
                hint = "、".join(closest(name, [d.name for d in known])) or "(none)"
                self.problem(sheet, r, c, header, f"unknown department '{name}'; closest known: {hint}")
        if not result and _blank(value):
            self.problem(sheet, r, c, header, f"{header} is empty")
        return tuple(result)

    def _section(self, sheet: _Sheet, r: int, value: object, c: int | None, h: str) -> tuple[int | None, str | None]:
        if _blank(value):  # blank: the item's, from its first row (checked by tasks())
            return None, None
        try:
            return parse_section(value)
        except ValueError as exc:
            self.problem(sheet, r, c, h, str(exc))
            return None, None

    def _item_no(self, sheet: _Sheet, r: int, value: Any, c: int | None, h: str) -> int | None:
        try:
            no = int(float(value))
            if float(value) != no:
                raise ValueError
            return no
        except (TypeError, ValueError):
            self.problem(sheet, r, c, h, f"'{value}' is not an item number" if not _blank(value) else "序号 is empty")
            return None

    def _line_id(self, sheet: _Sheet, r: int, no: int | None, value: object, c: int | None, h: str) -> str | None:
        lid = format(value, "g") if isinstance(value, float) else (str(value).strip() if not _blank(value) else None)
        if lid is None:
            self.problem(sheet, r, c, h, "编号 is empty")
        elif no is not None and not lid.startswith(f"{no}."):
            self.problem(sheet, r, c, h, f"'{lid}' should start with '{no}.' (its 序号)")
        return lid

    def _targets(self, sheet: _Sheet, r: int, value: object, c: int | None, h: str) -> list[Target]:
        targets: list[Target] = []
        for text_line in [x for x in str(value or "").splitlines() if x.strip()]:
            try:
                targets.append(parse_target(text_line))
            except ValueError as exc:
                self.problem(sheet, r, c, h, str(exc))
        return targets

    def _deadlines(self, sheet: _Sheet, r: int, value: object, c: int | None, h: str) -> list[DeadlineSpec]:
        specs: list[DeadlineSpec] = []
        for raw in deadline_lines(value):
            try:
                spec = parse_deadline(raw)
                occurrences(spec, self.year)  # 2月29日 in a year without one, a date in another year
                if spec.date is not None and spec.date.year != self.year:
                    raise SpecError(f"{spec.date.isoformat()} is not in the letter year {self.year}")
                specs.append(spec)
            except SpecError as exc:
                shown = raw.date().isoformat() if isinstance(raw, datetime) else raw
                self.problem(sheet, r, c, h, f"'{shown}': {exc}")
        keys = [s.key for s in specs]
        for dup in sorted({k for k in keys if keys.count(k) > 1}):
            self.problem(sheet, r, c, h, f"deadline '{dup}' is stated twice")
        return specs

    def line(self, sheet: _Sheet, r: int, cols: dict[str, int], deps, recs) -> tuple | None:
        """(section, item no, item title, the line, the section's title or None), or None when unusable.
        Every cell is checked (in column order) even after one fails, so one pass reports all problems."""

        def cell(name: str) -> tuple[Any, int | None, str]:
            return (sheet.value(r, cols[name]), cols[name], name) if name in cols else (None, None, name)

        section, section_title = self._section(sheet, r, *cell("部分"))
        no = self._item_no(sheet, r, *cell("序号"))
        item_title = cell("工作任务")[0]
        lid = self._line_id(sheet, r, no, *cell("编号"))
        text, c_text, _ = cell("工作内容")
        if _blank(text):
            self.problem(sheet, r, c_text, "工作内容", "工作内容 is empty")
        departments = self.names(sheet, r, *cell("责任部门")[1:], cell("责任部门")[0], deps)
        recognized = self.names(sheet, r, *cell("认定部门")[1:], cell("认定部门")[0], recs)
        targets = self._targets(sheet, r, *cell("量化目标"))
        specs = self._deadlines(sheet, r, *cell("截止要求"))
        rubric, note = cell("考核细则")[0], cell("备注")[0]
        if no is None or lid is None or _blank(text):
            return None
        data = LineData(
            lid,
            str(text).strip(),
            departments,
            recognized,
            tuple(split_ids(rubric)),
            tuple(targets),
            tuple(specs),
            None if _blank(note) else str(note).strip(),
        )
        return section, no, None if _blank(item_title) else str(item_title).strip(), data, section_title

    def _check_section(
        self, sheet: _Sheet, r: int, col: int, section: int, title: str | None, sections: dict[int, str]
    ) -> None:
        """A row that names its section's title must agree with the rows above; one that does not needs it above."""
        if title:
            if sections.setdefault(section, title) != title:
                self.problem(sheet, r, col, "部分", f"section {section} is '{sections[section]}' above, '{title}' here")
        elif section not in sections:
            self.problem(sheet, r, col, "部分", f"section {section} has no title (e.g. 一、推动绿色低碳高质量发展)")

    def _place(self, sheet: _Sheet, r: int, cols: dict[str, int], parsed: tuple, found: _Found) -> None:
        """File a parsed row under its item, checking it agrees with the item's earlier rows."""
        section, no, title, data, section_title = parsed
        items = found.items
        if no in items:  # a later row of the item: blank 部分 / 工作任务 are the item's
            section, title = section if section is not None else items[no][0], title or items[no][1]
        if section is None or title is None:
            missing = "部分" if section is None else "工作任务"
            self.problem(sheet, r, cols[missing], missing, f"{missing} is empty (the first row of item {no} needs it)")
            return
        self._check_section(sheet, r, cols["部分"], section, section_title, found.sections)
        if data.id in found.seen:
            self.problem(sheet, r, cols["编号"], "编号", f"'{data.id}' is used twice (also row {found.seen[data.id]})")
            return
        found.seen[data.id] = r
        if no not in items:
            items[no] = (section, title, [data], r)
            return
        sec0, title0, lines, row0 = items[no]
        if (sec0, title0) != (section, title):
            self.problem(
                sheet,
                r,
                cols["工作任务"],
                "工作任务",
                f"item {no} is '{title0}' in section {sec0} at row {row0}, '{title}' in section {section} here",
            )
        lines.append(data)

    def tasks(self, sheet: _Sheet, deps, recs):
        found = self.header_row(sheet)
        if found is None:
            return {}, []
        head, cols = found
        if any(name not in cols for name in L.REQUIRED):
            return {}, []
        rows = _Found()
        for r in range(head + 1, sheet.ws.max_row + 1):
            if all(_blank(sheet.value(r, c)) for c in cols.values() if c != cols.get("部分")):
                continue
            parsed = self.line(sheet, r, cols, deps, recs)
            if parsed is not None:
                self._place(sheet, r, cols, parsed, rows)
        if not rows.items and not self.problems:
            self.problem(sheet, head + 1, None, None, "no work lines below the header row")
        items = [ItemData(no, sec, title, tuple(lines)) for no, (sec, title, lines, _) in sorted(rows.items.items())]
        return rows.sections, items


def _digest(data: LetterData) -> str:
    content = asdict(data)
    content.pop("digest", None)
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def read_workbook(
    path: Path, year: int, known_departments=None, code: str | None = None, title: str | None = None
) -> LetterData:
    """`known_departments`: (responsible, recognizing) tuples of `Department`, used when the workbook has no
    部门 sheet. `code`/`title` fill in for a missing 责任书 sheet (and override it)."""
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # not a zip, not a workbook: one clear line
        problem = Problem("-", 1, None, None, f"cannot be read as an .xlsx workbook: {exc}")
        raise WorkbookError(path, [problem]) from None
    reader = _Reader(path, year)
    deps, recs = known_departments or ((), ())
    if L.DEPARTMENT_SHEET in wb.sheetnames:
        deps, recs = reader.departments(_Sheet(wb[L.DEPARTMENT_SHEET]))
    meta = reader.letter(_Sheet(wb[L.LETTER_SHEET])) if L.LETTER_SHEET in wb.sheetnames else {}
    task_ws = wb[L.TASK_SHEET] if L.TASK_SHEET in wb.sheetnames else wb.worksheets[0]
    sections, items = reader.tasks(_Sheet(task_ws), deps, recs)
    meta_sheet = _Sheet(wb[L.LETTER_SHEET]) if L.LETTER_SHEET in wb.sheetnames else _Sheet(task_ws)
    if meta.get("year") not in (None, year):
        reader.problem(meta_sheet, 3, 2, "年度", f"the workbook is the {meta['year']} letter, not {year}")
    code, title = code or meta.get("code"), title or meta.get("title")
    if not code or not title:
        missing = "、".join(n for n, v in (("代码", code), ("标题", title)) if not v)
        reader.problem(
            meta_sheet,
            1,
            None,
            None,
            f"the letter's {missing} missing: fill the {L.LETTER_SHEET} sheet, or give --code / --title",
        )
    if reader.problems:
        raise WorkbookError(path, reader.problems)
    data = LetterData(
        code=str(code).strip(),
        year=year,
        title=str(title).strip(),
        document_no=meta.get("document_no"),
        issued_on=meta.get("issued_on"),
        issuer=meta.get("issuer"),
        goals=meta.get("goals"),
        departments=deps,
        recognizing_departments=recs,
        sections={no: (t, None) for no, t in sections.items()},
        items=tuple(items),
    )
    return LetterData(**{**data.__dict__, "digest": _digest(data)})
