"""Logging: one line per event, key=value pairs, to whatever stderr is at the time of writing.

    ts=2022-03-21T09:00:01.532+08:00 level=INFO logger=duban.jobs msg="reminder run" day=2022-03-21 messages=4

Ids known where the event happens (chat, user, update, task, ...) come as their own keys: from the
`extra={...}` of a log call, and from handlers/log_context.py, which binds them for everything logged
inside (an incoming update binds its update, chat and user ids in its channel adapter). Values with
spaces, quotes or `=` are quoted; newlines (tracebacks too) are escaped, so a line is always one event.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime

from handlers.log_context import current

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class _CurrentStderr(logging.StreamHandler):
    """Writes to the current sys.stderr (which tests and daemons may replace), not the one at setup."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # not setStream(): that flushes the old stream, which may be closed
        super().emit(record)


def _value(value: object) -> str:
    text = str(value)
    if text and not any(c in text for c in ' "=\\\n\r\t'):
        return text
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.replace(raw, escaped)
    return '"' + text + '"'


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")
        pairs: dict[str, object] = {
            "ts": ts,
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        pairs.update(current())
        pairs.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            pairs["error"] = self.formatException(record.exc_info)
        elif record.stack_info:
            pairs["stack"] = record.stack_info
        return " ".join(f"{key}={_value(value)}" for key, value in pairs.items() if value is not None)


def setup_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _CurrentStderr):
            root.removeHandler(handler)
    handler = _CurrentStderr()
    handler.setFormatter(KeyValueFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per long poll is noise
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
