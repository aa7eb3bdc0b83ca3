"""The neutral inbound event, as every transport hands it to the core.

It lives on the handlers floor because features read it; ``bot.messages`` re-exports it for the
transports. Ids are opaque strings: a Telegram chat id and a Matrix room id look alike to the core.
Text, button values and the sender's name are cleaned when the event is made (handlers/text.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from handlers.text import clean_name, clean_text


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

    def __post_init__(self) -> None:
        # The border: whatever a transport hands over is cleaned here, once, by one rule
        # (handlers/text.py), before any feature reads it or stores it.
        object.__setattr__(self, "text", clean_text(self.text))
        object.__setattr__(self, "sender_name", clean_name(self.sender_name))
        if self.choice is not None:
            object.__setattr__(self, "choice", clean_text(self.choice))
