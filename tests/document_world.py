"""A seeded year for the documents' tests, and reading a .docx back with python-docx.

`september_world`: the workbook tests' office (the bundled letter loaded on 5 September 2022, reports on
3.1, 26.3, 14.2 and 7.1) plus the September reports of docs/make_document_examples.py: 22.2's 30 September
node on time, 22.3's 25 September node late and its 30 September node awaiting review, 23.4's on time for
its six departments, 31.1 not reported. The clock stands at 10 October 2022, 09:00.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.document import Document as DocumentObject
from sqlalchemy import select

from services import audit
from storage.models import Report, Task
from tests.reminder_world import World
from tests.test_reports_workbook import decide, office_world

TODAY = date(2022, 10, 10)


def report_on(world: World, code: str, covers: date, submitted: date, reviewed: date | None) -> int:
    """A completion report answering one deadline day of `code`, verified on `reviewed` when given."""
    world.at(submitted, 11)
    with world.db.session() as s:
        task = s.scalar(select(Task).where(Task.code == code))
        report = Report(
            task_id=task.id,
            kind="completion",
            status="submitted",
            occurrence_due=covers,
            evidence=[{"kind": "photo", "path": f"{code}.jpg"}],
            submitted_by=2001,
            submitted_at=world.clock.now(),
        )
        s.add(report)
        s.flush()
        audit.record(s, world.clock, "tg:2001", "report.submit", "report", report.id, None, {"task": code})
        rid = report.id
    if reviewed is not None:
        decide(world, rid, True, day=reviewed)
    return rid


def september_world(database_url: str) -> World:
    world = office_world(database_url)
    report_on(world, "22.2", date(2022, 9, 30), date(2022, 9, 28), date(2022, 9, 29))
    report_on(world, "22.3", date(2022, 9, 25), date(2022, 9, 27), date(2022, 9, 28))
    report_on(world, "23.4", date(2022, 9, 30), date(2022, 9, 29), date(2022, 9, 30))
    report_on(world, "22.3", date(2022, 9, 30), date(2022, 10, 8), None)
    world.at(TODAY, 9)
    return world


def read(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def table_rows(doc: DocumentObject, header: tuple[str, ...]) -> list[list[str]]:
    """The body rows of the table whose first row is `header`."""
    for table in doc.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if tuple(rows[0]) == header:
            return rows[1:]
    raise AssertionError(f"no table headed {header}")


def texts(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


def everything(doc: DocumentObject) -> str:
    """All the text a reader sees: body paragraphs, tables, headers and footers."""
    parts = texts(doc)
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    for section in doc.sections:
        for part in (section.header, section.footer, section.even_page_footer):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)
