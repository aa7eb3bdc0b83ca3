"""A message that could not be delivered is reported to the coordinator, never silently dropped.

The outbox worker gives up on a message after its retries (or at once for a permanent refusal: the
person blocked the bot, the bot was removed from the room). This tells the organisation's
coordinators privately who or which room missed a message and what to check. Reports about reports
are not made: if the coordinator cannot be reached either, the log and the audit trail still hold it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.context import Context
from handlers.people.coordinator import PURPOSE_LABELS
from handlers.reply import Reply, markup
from handlers.settings import FeatureSettings
from storage import organisations, outbox, people, rooms
from storage.enums import Role, RoomPurpose

REPORT_KEY = "delivery-failed"


def report_failed_delivery(
    session: Session, *, outbox_id: int, error: str, now: datetime, settings: FeatureSettings
) -> int:
    """Queue a report to each coordinator; returns how many were queued."""
    message = outbox.message_by_id(session=session, message_id=outbox_id)
    if message is None or message.idempotency_key.startswith(REPORT_KEY):
        return 0
    person = people.person_by_private_chat(
        session=session, platform=message.platform, chat_id=message.chat_id
    )
    room = next(
        iter(
            rooms.rooms_by_chat(session=session, platform=message.platform, chat_id=message.chat_id)
        ),
        None,
    )
    organisation_id = message.organisation_id or (
        person[1].id if person else room.organisation_id if room else None
    )
    if organisation_id is None:
        return 0
    org = organisations.organisation_by_id(session=session, organisation_id=organisation_id)
    if org is None:
        return 0
    ctx = Context(session, now, settings, organisation=org)
    ctx.audit(
        "delivery.failed",
        outbox_id=outbox_id,
        platform=message.platform,
        chat_id=message.chat_id,
        error=error[:200],
    )
    queued = 0
    for coordinator in people.list_people(
        session=session, organisation_id=org.id, role=Role.COORDINATOR.value
    ):
        ctx.person = coordinator
        if person is not None:
            whom = ctx.t(
                "{name} (private chat on {platform})",
                name=person[0].name,
                platform=message.platform,
            )
        elif room is not None:
            whom = ctx.t(
                "the {purpose} room on {platform}",
                purpose=ctx.t(PURPOSE_LABELS[RoomPurpose(room.purpose)]),
                platform=message.platform,
            )
        else:
            whom = ctx.t(
                "chat {chat} on {platform}", chat=message.chat_id, platform=message.platform
            )
        text = markup(
            ctx.t(
                "<b>A message could not be delivered</b> to {whom}.\nReason: {error}\n"
                "Please check that the person has not blocked me, or that I am still a member of "
                "the room. Nothing else is lost: other messages keep going out."
            ),
            whom=whom,
            error=error[:200],
        )
        if ctx.send_to_person(coordinator.id, Reply(text), key=f"{REPORT_KEY}:{outbox_id}"):
            queued += 1
    return queued
