"""The supervision notice (督办单) as a one-page Word document, from the plain `NoticeDoc`
(services/notices.py): the template's letterhead and number (data/templates/notice.docx), the departments
it is addressed to, the task, its deadline and how overdue it is, what is required and by when, the
issuer's name and the date."""

from __future__ import annotations

from pathlib import Path

from reports.documents import wording as W
from reports.documents.official import ADDRESSEE, OfficialDocument, template_path
from services.notices import NoticeDoc

TEMPLATE = "notice.docx"
MISSED_SHOWN = 8  # deadline days listed before "等"


def _due(n: NoticeDoc) -> str:
    if n.due is None:
        return W.DUE_NONE
    return W.DUE.format(day=W.cn_date(n.due), phrase=n.phrase) if n.phrase else W.cn_date(n.due)


def _state(n: NoticeDoc) -> str:
    state = W.STATE.get(n.colour, W.STATE[None]).format(n=n.overdue_workdays)
    if len(n.missed) > 1:
        days = "、".join(W.month_day(d) for d in n.missed[:MISSED_SHOWN])
        state += "\n" + W.MISSED.format(days=days + ("等" if len(n.missed) > MISSED_SHOWN else ""))
    return state


def fields(n: NoticeDoc) -> list[tuple[str, str]]:
    """The form's rows, in order (the tests read them back)."""
    requirement = W.REQUIREMENT.format(day=W.cn_date(n.reply_by), code=n.code)
    if n.requirement:
        requirement += "\n" + n.requirement
    return [
        (W.FIELD_CODE, n.code),
        (W.FIELD_TASK, n.text),
        (W.FIELD_DEPARTMENTS, "、".join(n.departments) or W.NONE),
        (W.FIELD_DUE, _due(n)),
        (W.FIELD_STATE, _state(n)),
        (W.FIELD_REPLY_BY, W.REPLY_BY.format(day=W.cn_date(n.reply_by))),
        (W.FIELD_REQUIREMENT, requirement),
    ]


def render(n: NoticeDoc, templates: Path | None = None) -> bytes:
    """The .docx bytes; `templates`: the office's own template folder (DUBAN_TEMPLATE_DIR), if any."""
    shown = n.number if n.final else W.PREVIEW_NUMBER.format(number=n.number)
    values = {
        "issuer": n.names.issuer,
        "office": n.names.office,
        "county": n.names.county or "",
        "date": W.cn_date(n.issued_on),
        "number": shown,
        "title": W.NOTICE_TITLE,
        "code": n.code,
        "year": str(n.year),
    }
    doc = OfficialDocument(template_path(TEMPLATE, templates), values)
    doc.describe(f"{n.number} {n.code}", n.names.issuer)
    doc.paragraph("、".join(n.departments) + ":", ADDRESSEE)
    document_no = f"({n.names.document_no})" if n.names.document_no else ""
    opening = W.NOTICE_OPENING["red" if n.colour == "red" else "other"]
    doc.paragraph(opening.format(title=n.names.title, document_no=document_no))
    doc.fields(fields(n))
    doc.signature(n.names.issuer, W.cn_date(n.issued_on))
    return doc.save()
