"""Logging: plain text or one JSON object per line, with secrets masked wherever they turn up.

Secrets are masked twice: the configured ones by value (a token pasted into an error message by a
library is still caught), and anything shaped like a Telegram bot token or a Matrix access token by
pattern. HTTP client loggers stay at WARNING because they print request URLs, and the Telegram
Bot API puts the token in every URL. Message contents are never logged by our code (events are
logged by platform and id); a library's DEBUG output may contain them, so DEBUG is for development.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from urllib.parse import quote, quote_plus

from bot.config import Settings

MASK = "***"
TOKEN_PATTERNS = [
    re.compile(r"\b\d{5,12}:[A-Za-z0-9_-]{30,}\b"),  # Telegram bot token
    re.compile(r"\bsyt_[A-Za-z0-9_-]{10,}\b"),  # Synapse access token
    re.compile(r"(?i)(access_token=|password=|Bearer )[^\s&'\"]+"),
]
# bm25s sets its own logger to DEBUG and says "Building index" at every start.
NOISY_LOGGERS = ("httpx", "httpcore", "aiohttp.access", "nio", "alembic", "apscheduler", "bm25s")


def _secret_values(settings: Settings) -> list[str]:
    values = []
    for name in (
        "telegram_token",
        "telegram_webhook_secret",
        "matrix_access_token",
        "matrix_password",
    ):
        secret = getattr(settings, name, None)
        if secret is not None and secret.get_secret_value():
            values.append(secret.get_secret_value())
    if settings.database_url and "@" in settings.database_url:
        password = re.search(r"://[^:/@]+:([^@]+)@", settings.database_url)
        if password:
            values.append(password.group(1))
    return [v for v in values if len(v) >= 4]


#: Secrets learnt while running (an access token from a password login or from the database):
#: not in the settings, still never to be printed.
_LEARNT: set[str] = set()


def add_secret(value: str | None) -> None:
    """Mask ``value`` from now on in every log line and error message of this process."""
    if value and len(value) >= 4:
        _LEARNT.add(value)


def _forms(value: str) -> set[str]:
    """The ways a server that echoes a request shows a secret: as is, JSON-escaped, URL-encoded."""
    return {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value, safe=""),
        quote_plus(value),
    }


def redact(text: str, secrets: list[str]) -> str:
    forms = {form for value in (*secrets, *_LEARNT) for form in _forms(value) if len(form) >= 4}
    for form in sorted(forms, key=len, reverse=True):  # the longest first: no half-masked tail
        text = text.replace(form, MASK)
    for pattern in TOKEN_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.lastindex else "") + MASK, text)
    return text


class RedactingFormatter(logging.Formatter):
    def __init__(self, secrets: list[str], *, as_json: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets, self.as_json = secrets, as_json

    def format(self, record: logging.LogRecord) -> str:
        if not self.as_json:
            return redact(super().format(record), self.secrets)
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False), self.secrets)


def mask_secrets(text: str, settings: Settings) -> str:
    """``text`` with every secret masked: for messages printed outside logging (the fatal line)."""
    return redact(text, _secret_values(settings))


def configure_logging(settings: Settings, *, level: str | None = None) -> None:
    """``level`` overrides the setting (the terminal chat shows warnings only)."""
    level = level or settings.log_level
    handler = logging.StreamHandler()
    # The handler filters too: a library that sets its own logger to DEBUG when it is imported
    # (bm25s does, after this runs) must not flood the log or the terminal chat.
    handler.setLevel(level)
    handler.setFormatter(
        RedactingFormatter(_secret_values(settings), as_json=settings.log_format == "json")
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
