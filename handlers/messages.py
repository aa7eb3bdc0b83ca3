"""The neutral inbound event, as every transport hands it to the core.

It lives on the handlers floor because features read it; ``bot.messages`` re-exports it for the
transports. Ids are opaque strings: a Telegram chat id and a Matrix room id look alike to the core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Inbound:
    platform: str
    chat_id: str
    sender_id: str
    event_id: str
    received_at: datetime
    text: str = ""
    choice: str | None = None  # a button's value (Telegram callback data)
    chat_is_group: bool = False
    sender_name: str = ""
    sender_language: str | None = None  # the platform's hint ("en-GB"), used before enrolment
    extra: dict[str, str] = field(default_factory=dict)
