"""Neutral message types at the seam between transports and the core.

``Inbound`` is defined on the handlers floor (features read it) and re-exported here for transports.
``Outbound`` is what the outbox worker hands a transport: one stored message, ready to render.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.messages import Inbound
from handlers.reply import Attachment, Choice

__all__ = ["Attachment", "Choice", "DeliveryResult", "Inbound", "Outbound"]


@dataclass(frozen=True)
class Outbound:
    outbox_id: int
    platform: str
    chat_id: str
    text: str  # neutral markup (see handlers.reply)
    choices: tuple[Choice, ...]
    attachments: tuple[Attachment, ...]
    idempotency_key: str


@dataclass(frozen=True)
class DeliveryResult:
    external_id: str | None = None
