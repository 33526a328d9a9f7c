"""Every command, button and exchange of the conversation, in one table (handlers/dispatch.py reads it)."""

from __future__ import annotations

from handlers import (
    documents,
    membership,
    office,
    office_reports,
    reminder_buttons,
    report_files,
    report_flow,
    review,
    start,
    task_admin,
    tasks,
)
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.replies import Replies


async def cancel(turn: Turn) -> Replies:
    """/cancel ends whichever exchange is in progress: an office edit, a notice previewed, or a report being
    written."""
    if turn.who.flow == task_admin.KIND:
        return await task_admin.cancel(turn)
    if turn.who.flow == documents.KIND:
        return await documents.cancel(turn)
    return await report_flow.cancel(turn)


def routes() -> Routes:
    r = Routes()
    for module in (
        start,
        tasks,
        report_flow,
        report_files,
        review,
        office,
        office_reports,
        reminder_buttons,
        task_admin,
        documents,
        membership,
    ):
        module.routes(r)
    r.command("cancel", cancel)
    return r
