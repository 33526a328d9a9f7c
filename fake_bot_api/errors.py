"""Bot API errors, shaped exactly like Telegram's JSON error answers."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Raised by a method handler; the server turns it into {"ok": false, ...}.

    `injected` marks failures a test asked for (fail_next, block_chat, migrate_chat), so they
    can be told apart from rejections the bot itself caused.
    """

    def __init__(
        self,
        status: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        injected: bool = False,
        kind: str = "invalid",
        html: str | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.injected = injected
        self.kind = "injected" if injected else kind
        self.html = html  # answer with this HTML page instead of JSON (what nginx sends on a 502)

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def not_found() -> ApiError:
    return ApiError(404, "Not Found", kind="not_found")


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized", kind="unauthorized")


def too_many_requests(retry_after: int, *, injected: bool = False) -> ApiError:
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
        injected=injected,
        kind="flood",
    )


def conflict(reason: str) -> ApiError:
    return ApiError(409, f"Conflict: {reason}", kind="conflict")


def chat_not_found() -> ApiError:
    return bad_request("chat not found")
