"""Method parameters, however they arrived (JSON body, query string, urlencoded or multipart form).

In forms every value is a string and objects (reply_markup, entities, ...) are JSON inside the
string, which is how PTB sends them; JSON bodies carry real types. Params hides the difference.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from typing import Any, Literal, overload

from .errors import bad_request

# Telegram's wording when a JSON-typed parameter does not parse.
_JSON_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
    "commands": "can't parse commands JSON object",
}


@dataclass(frozen=True)
class UploadedFile:
    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    # The accessors are named after the types they return (p.str, p.int, p.bool). From their
    # definitions on, those names in this class body mean the methods, so the annotations below
    # spell the types builtins.str, builtins.int and builtins.bool.
    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def str(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    @overload
    def int(self, name: builtins.str, *, required: Literal[True]) -> builtins.int: ...

    @overload
    def int(self, name: builtins.str, *, required: builtins.bool = False) -> builtins.int | None: ...

    def int(self, name: builtins.str, *, required: builtins.bool = False) -> builtins.int | None:
        """The parameter as an int; with required=True a missing or empty value is an error, never None."""
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def bool(self, name: builtins.str) -> builtins.bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def json(self, name: builtins.str) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(_JSON_ERRORS.get(name, f"can't parse {name} JSON object")) from None

    def file(self, name: builtins.str) -> UploadedFile | builtins.str | None:
        """An uploaded part, an attach://<part> reference, or a file_id/URL string."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            part = self.files.get(value[len("attach://") :])
            if part is None:
                raise bad_request(f"file {value} not found in the request")  # Telegram-like wording
            return part
        return value if value not in (None, "") else None

    def for_log(self) -> dict[builtins.str, Any]:
        """Parameters with JSON strings decoded and file bytes summarised, for RequestRecord."""
        logged: dict[builtins.str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            logged[key] = value
        for key, upload in self.files.items():
            logged[key] = f"<file {upload.filename or key!s}, {len(upload.data)} bytes>"
        return logged
