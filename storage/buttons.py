"""Which buttons the bot really sent: a button press is accepted only for a message the bot sent.

A Telegram button press names the message it was pressed on (chat and message id). The outbox keeps
each delivered message's platform id (``external_id``) and its choices, so a press that claims
another chat, a message without buttons, or a value the message never offered is recognised.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, or_
from sqlmodel import Session, col, select

from storage.models import OutboxMessage

UNRECORDED_LOOKBACK = 20


def offered_choice_values(
    *, session: Session, platform: str, chat_id: str, external_id: str
) -> set[str]:
    """The choice values the bot offered on message ``external_id`` in ``chat_id``.

    The platform's message id is recorded just after the send; a press in that moment (or while
    the database was away) finds the message not yet recorded, so the choices of the chat's
    latest unrecorded messages count too. A message recorded under another id never does.

    One statement reads both: with two, the id could be recorded between them (PostgreSQL reads
    each statement's own snapshot), so that the first missed the recorded row and the second the
    unrecorded one, and a genuine press was refused."""
    rows = session.exec(
        select(OutboxMessage.external_id, OutboxMessage.payload)
        .where(
            OutboxMessage.platform == platform,
            OutboxMessage.chat_id == chat_id,
            or_(
                OutboxMessage.external_id == external_id,
                col(OutboxMessage.external_id).is_(None),
            ),
        )
        # The recorded message first, however many unrecorded (failed, pending) rows are newer.
        .order_by(case((OutboxMessage.external_id == external_id, 0), else_=1))
        .order_by(col(OutboxMessage.id).desc())
        .limit(UNRECORDED_LOOKBACK + 1)
    ).all()
    exact = [payload for recorded, payload in rows if recorded == external_id]
    if exact:
        return _values(exact[0])
    return {value for recorded, payload in rows if recorded is None for value in _values(payload)}


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
