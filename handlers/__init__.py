"""Chat commands and callbacks: parse the update, call a service, render the answer. Nothing else."""
from __future__ import annotations

from telegram.ext import Application

from handlers import errors, reminder_buttons, start


def register_all(application: Application) -> None:
    start.register(application)
    reminder_buttons.register(application)
    errors.register(application)
