"""Failures and slowness a test asks for: fail_next() and delay()."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .errors import ApiError

# What Telegram's front end sends on a 502: an nginx page, not JSON.
_BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}


@dataclass
class FailureRule:
    method: str  # lower-case method name, or "*" for any
    chat_id: int | None
    status: int
    retry_after: int | None
    description: str | None
    remaining: int
    until: float | None = None  # an outage: every matching call fails until this time.monotonic()

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.method not in ("*", method):
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def over(self) -> bool:
        return self.until is not None and time.monotonic() >= self.until

    def error(self) -> ApiError:
        if self.status == 429:
            retry_after = self.retry_after if self.retry_after is not None else 1
            description = self.description or f"Too Many Requests: retry after {retry_after}"
            return ApiError(429, description, {"retry_after": retry_after}, injected=True)
        description = self.description or _DEFAULT_DESCRIPTIONS.get(self.status, f"Error {self.status}")
        html = _BAD_GATEWAY_HTML if self.status == 502 and self.description is None else None
        return ApiError(self.status, description, injected=True, html=html)


@dataclass
class DelayRule:
    method: str
    seconds: float
    before: bool  # True: wait before doing the work (a timeout then means "not accepted")
    remaining: int | None  # None: every call
    chat_id: int | None = None  # only calls to this chat; None: any

    def matches(self, method: str, chat_id: int | None) -> bool:
        return self.method in ("*", method) and (self.chat_id is None or self.chat_id == chat_id)


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[FailureRule] = []
        self._delays: list[DelayRule] = []

    def add_failure(self, rule: FailureRule) -> None:
        with self._lock:
            self._failures.append(rule)

    def take_failure(self, method: str, chat_id: int | None) -> ApiError | None:
        """The error for this call if a rule matches; the rule's count goes down by one."""
        with self._lock:
            self._failures = [rule for rule in self._failures if not rule.over()]
            for rule in self._failures:
                if rule.matches(method, chat_id):
                    if rule.until is None:
                        rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._failures.remove(rule)
                    return rule.error()
        return None

    def add_delay(self, rule: DelayRule) -> None:
        with self._lock:
            self._delays = [d for d in self._delays if (d.method, d.chat_id) != (rule.method, rule.chat_id)]
            if rule.seconds > 0:
                self._delays.append(rule)

    def take_delay(self, method: str, chat_id: int | None = None) -> DelayRule | None:
        """The delay for this call: a rule for its chat before a rule for any chat."""
        with self._lock:
            for rule in sorted(self._delays, key=lambda d: d.chat_id is None):
                if rule.matches(method, chat_id):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining <= 0:
                            self._delays.remove(rule)
                    return rule
        return None

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._delays.clear()

    @property
    def pending_failures(self) -> list[FailureRule]:
        with self._lock:
            return list(self._failures)
