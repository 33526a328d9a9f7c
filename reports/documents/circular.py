"""The monthly circular (通报) as a Word document, from the plain `Circular` (services/circular.py).

Layout: the template's letterhead (data/templates/circular.docx), the title, 主送 各责任部门, then six parts
(一、总体进展 … 六、工作要求) in the styles GB/T 9704 prescribes, the ranking, the overdue tasks and next
month's deadlines as ruled tables, and the issuer's name and the date at the end.
"""

from __future__ import annotations

from pathlib import Path

from reports.documents import wording as W
from reports.documents.official import (
    ADDRESSEE,
    CENTER,
    HEADING1,
    HEADING2,
    LEFT,
    OfficialDocument,
    template_path,
)
from services.circular import Circular

TEMPLATE = "circular.docx"
CLIP = 60  # characters of a task's text in a table row


def title(c: Circular) -> str:
    return W.CIRCULAR_TITLE.format(year=c.year, month=c.month)


def _opening(doc: OfficialDocument, c: Circular) -> None:
    doc.paragraph(W.CIRCULAR_ADDRESSEE, ADDRESSEE)
    document_no = f"({c.names.document_no})" if c.names.document_no else ""
    doc.paragraph(
        W.CIRCULAR_OPENING.format(
            title=c.names.title, document_no=document_no, year=c.year, month=c.month, today=W.cn_date(c.today)
        )
    )


def _progress(doc: OfficialDocument, c: Circular) -> None:
    doc.paragraph(W.HEAD_PROGRESS, HEADING1)
    t = c.tally
    if t.due:
        upcoming = W.PROGRESS_UPCOMING.format(n=t.upcoming) if t.upcoming else ""
        doc.paragraph(
            W.PROGRESS.format(
                month=c.month,
                due=t.due,
                on_time=t.on_time,
                late=t.late,
                pending=t.pending,
                overdue=t.overdue,
                upcoming=upcoming,
                rate=W.percent(t.rate),
            )
        )
    else:
        doc.paragraph(W.PROGRESS_NOTHING.format(month=c.month))
    colours = c.colours
    doc.paragraph(
        W.COLOURS.format(
            today=W.cn_date(c.today),
            tasks=sum(colours.values()),
            red=colours.get("red", 0),
            yellow=colours.get("yellow", 0),
            green=colours.get("green", 0),
            done=colours.get("done", 0),
        )
    )


def _ranking(doc: OfficialDocument, c: Circular) -> None:
    doc.paragraph(W.HEAD_RANKING, HEADING1)
    if c.ranking:
        doc.paragraph(W.RANKING_NOTE)
        rows = [
            [
                str(r.rank),
                r.department,
                str(r.tally.due_so_far),
                str(r.tally.on_time),
                str(r.tally.late),
                str(r.tally.pending),
                str(r.tally.overdue),
                W.percent(r.tally.rate),
                str(r.tally.overdue_workdays),
            ]
            for r in c.ranking
        ]
        align = [CENTER, LEFT] + [CENTER] * 7
        doc.table(W.RANKING_COLUMNS, rows, W.RANKING_WIDTHS, align)
    else:
        doc.paragraph(W.RANKING_NONE.format(month=c.month))
    if c.idle and c.ranking:
        doc.paragraph(W.IDLE.format(month=c.month, names="、".join(c.idle)))


def _overdue(doc: OfficialDocument, c: Circular) -> None:
    doc.paragraph(W.HEAD_OVERDUE, HEADING1)
    today = W.cn_date(c.today)
    if not c.overdue:
        doc.paragraph(W.OVERDUE_NONE.format(today=today))
        return
    doc.paragraph(W.OVERDUE_INTRO.format(today=today, n=len(c.overdue), month=c.month))
    rows = [
        [
            str(i),
            t.code + (W.IN_MONTH_MARK if t.in_month else ""),
            W.clip(t.text, CLIP),
            "、".join(t.departments),
            W.month_day(t.due),
            str(t.overdue_workdays),
        ]
        for i, t in enumerate(c.overdue, 1)
    ]
    doc.table(W.OVERDUE_COLUMNS, rows, W.OVERDUE_WIDTHS, [CENTER, CENTER, LEFT, LEFT, CENTER, CENTER])


def _score(doc: OfficialDocument, c: Circular) -> None:
    s = c.score
    if s is None:
        return
    doc.paragraph(W.HEAD_SCORE, HEADING1)
    doc.paragraph(
        W.SCORE.format(
            projected=W.number(s.projected),
            secured=W.number(s.secured),
            at_risk=W.number(s.at_risk),
            verdict=W.VERDICT[s.excellent],
            threshold=W.number(s.threshold),
        )
    )
    doc.paragraph(W.HEAD_LOSSES, HEADING2)
    for i, line in enumerate(s.losses, 1):
        reason = line.reason.removeprefix(f"{line.id} {line.name}:").strip()  # the engine names the item again
        reason = reason.rstrip("。") + "。" if reason else ""
        text = W.LOSS.format(
            id=line.id, name=line.name, amount=W.number(line.amount), points=W.number(line.points), reason=reason
        )
        doc.headed(f"{i}.", text)
    if not s.losses:
        doc.paragraph(W.LOSSES_NONE)
    doc.paragraph(W.HEAD_SAVABLE, HEADING2)
    for i, line in enumerate(s.savable, 1):
        tasks = W.SAVABLE_TASKS.format(codes="、".join(line.tasks)) if line.tasks else ""
        doc.headed(f"{i}.", W.SAVABLE.format(id=line.id, name=line.name, amount=W.number(line.amount), tasks=tasks))
    if not s.savable:
        doc.paragraph(W.SAVABLE_NONE)


def _next_month(doc: OfficialDocument, c: Circular) -> None:
    year, month = c.next_month_of
    doc.paragraph(W.HEAD_NEXT.format(month=month), HEADING1)
    if not c.next_month:
        doc.paragraph(W.NEXT_NONE.format(year=year, month=month))
        return
    doc.paragraph(W.NEXT_INTRO.format(year=year, month=month, n=len(c.next_month)))
    rows = [
        [
            str(i),
            d.code,
            W.clip(d.text, CLIP),
            "、".join(d.departments),
            W.month_day(d.due),
            (d.phrase or "") + (W.NEXT_REPORTED if d.reported else ""),
        ]
        for i, d in enumerate(c.next_month, 1)
    ]
    doc.table(W.NEXT_COLUMNS, rows, W.NEXT_WIDTHS, [CENTER, CENTER, LEFT, LEFT, CENTER, LEFT])


def render(c: Circular, templates: Path | None = None) -> bytes:
    """The .docx bytes; `templates`: the office's own template folder (DUBAN_TEMPLATE_DIR), if any."""
    values = {
        "issuer": c.names.issuer,
        "office": c.names.office,
        "county": c.names.county or "",
        "date": W.cn_date(c.issued_on),
        "period": W.CIRCULAR_PERIOD.format(year=c.year, month=c.month),
        "title": title(c),
        "year": str(c.year),
        "month": str(c.month),
    }
    doc = OfficialDocument(template_path(TEMPLATE, templates), values)
    doc.describe(title(c), c.names.issuer)
    _opening(doc, c)
    _progress(doc, c)
    _ranking(doc, c)
    _overdue(doc, c)
    _score(doc, c)
    _next_month(doc, c)
    doc.paragraph(W.HEAD_REQUIREMENTS, HEADING1)
    doc.paragraph(W.REQUIREMENTS)
    doc.signature(c.names.issuer, W.cn_date(c.issued_on))
    return doc.save()
