"""Ids bound to every log line written while an event or a job is handled (chat=..., user=..., job=...).

The assembly's formatter (bot/logs.py) writes them as key=value pairs; channels, the dispatcher and the
scheduler bind them, each in its own asyncio task or thread.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_CONTEXT: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar("duban_log_context", default=None)


def current() -> dict[str, object]:
    return _CONTEXT.get() or {}


@contextmanager
def log_context(**ids: object) -> Iterator[None]:
    """Bind ids to every line logged inside, in this task or thread only."""
    token = _CONTEXT.set({**current(), **ids})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def bind(**ids: object) -> None:
    """Replace the ids bound for the rest of the current task (an update's handling, a job's run)."""
    _CONTEXT.set(dict(ids))
