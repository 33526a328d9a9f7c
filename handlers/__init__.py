"""Chat commands and callbacks: parse the update, call a service, render the answer. Nothing else."""
from __future__ import annotations

from telegram.ext import Application

from handlers import errors, messages, office, onboarding, reminder_buttons, report_flow, review, start, tasks


def register_all(application: Application) -> None:
    for module in (start, onboarding, tasks, report_flow, review, office, reminder_buttons, messages):
        module.register(application)
    start.register_fallback(application)
    errors.register(application)
