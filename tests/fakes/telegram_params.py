"""Request parameters as the Bot API reads them, whatever the body encoding.

python-telegram-bot sends form fields whose values are JSON-encoded when they are not strings
(reply_markup, scope, allowed_updates, numbers), and multipart bodies when it uploads a file.
Other clients send a JSON body with typed values, or a GET query string. The Bot API accepts all
of these, so the fake normalises them here in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class ApiError(Exception):
    """An error answer: {"ok": false, "error_code": code, "description": ...}."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Upload:
    """One file part of a multipart body."""

    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    """Typed access to one request's parameters; a wrong value is a 400, as on Telegram."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def required_integer(self, name: str, empty: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(empty)
        return value

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def json(self, name: str) -> Any:
        """A JSON-typed parameter: decoded from a string, or taken as is from a JSON body."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def file(self, name: str) -> Upload | str | None:
        """An uploaded part (also through attach://NAME), or the string (file_id or URL)."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = self.uploads.get(value[len("attach://") :])
            if attached is None:
                raise bad_request(f"wrong remote file identifier specified: {value}")
            return attached
        return value if isinstance(value, str) and value else None

    def loggable(self) -> dict[str, Any]:
        """The parameters for the request log, with file bytes replaced by their size."""
        logged = dict(self.values)
        for name, upload in self.uploads.items():
            logged[name] = f"<{len(upload.data)} bytes {upload.filename or ''}>".strip()
        return logged
