"""Which buttons the bot really sent: a button press is accepted only for a message the bot sent.

A Telegram button press names the message it was pressed on (chat and message id). The outbox keeps
each delivered message's platform id (``external_id``) and its choices, so a press that claims
another chat, a message without buttons, or a value the message never offered is recognised.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from storage.models import OutboxMessage

UNRECORDED_LOOKBACK = 20


def offered_choice_values(
    *, session: Session, platform: str, chat_id: str, external_id: str
) -> set[str]:
    """The choice values the bot offered on message ``external_id`` in ``chat_id``.

    The platform's message id is recorded just after the send; a press in that moment (or while
    the database was away) finds the message not yet recorded, so the choices of the chat's
    latest unrecorded messages count too. A message recorded under another id never does."""
    base = select(OutboxMessage.payload).where(
        OutboxMessage.platform == platform, OutboxMessage.chat_id == chat_id
    )
    exact = session.exec(base.where(OutboxMessage.external_id == external_id)).first()
    if exact is not None:
        return _values(exact)
    unrecorded = session.exec(
        base.where(col(OutboxMessage.external_id).is_(None))
        .order_by(col(OutboxMessage.id).desc())
        .limit(UNRECORDED_LOOKBACK)
    )
    return {value for payload in unrecorded for value in _values(payload)}


def _values(payload: dict[str, Any]) -> set[str]:
    return {str(pair[0]) for pair in payload.get("choices", []) if pair}


def latest_choices(*, session: Session, platform: str, chat_id: str) -> list[list[str]]:
    """The choices of the bot's latest message in ``chat_id`` ([] when that message had none):
    on text-only platforms a number typed in a room answers the message just above it."""
    latest = session.exec(
        select(OutboxMessage.payload)
        .where(OutboxMessage.platform == platform, OutboxMessage.chat_id == chat_id)
        .order_by(col(OutboxMessage.id).desc())
        .limit(1)
    ).first()
    if latest is None:
        return []
    return [[str(pair[0]), str(pair[1])] for pair in latest.get("choices", []) if len(pair) >= 2]
