"""Chat commands and callbacks: parse the update, call a service, render the answer. Nothing else."""
from __future__ import annotations

from telegram.ext import Application

from handlers import (errors, messages, office, office_reports, onboarding, reminder_buttons, report_flow, review, start,
                      task_admin, tasks)


def register_all(application: Application) -> None:
    # task_admin before report_flow: its /cancel takes only an office edit in progress, the rest falls through.
    for module in (start, onboarding, tasks, task_admin, report_flow, review, office, office_reports, reminder_buttons,
                   messages):
        module.register(application)
    start.register_fallback(application)
    errors.register(application)
