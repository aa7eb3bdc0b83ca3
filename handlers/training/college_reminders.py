"""The college's Cbw art. 24 reminders (one year, six, three and one month before the deadline, and
the day after a missed one) to the member and to the secretary. Each reminder key is claimed in
``college_reminder_sent`` in the same transaction as its outbox rows, so it goes out once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.context import Context
from handlers.reply import Reply
from handlers.settings import FeatureSettings
from handlers.training import service
from handlers.training.college import Audience, due_college_reminders
from handlers.training.texts import college_reminder_message
from handlers.training.workdays import work_calendar
from storage import people, training
from storage.enums import Country, OutboxPriority, Role
from storage.models import Organisation


def send_college_reminders(
    session: Session,
    org: Organisation,
    now: datetime,
    settings: FeatureSettings,
    *,
    ignore_office_hours: bool = False,
) -> int:
    """Claim and queue every college reminder of ``org`` due at ``now``; returns messages queued."""
    assert org.id is not None
    if service.country_of(org) is not Country.NL:
        return 0  # Cbw art. 24 is Dutch law
    policy, tz = service.policy_of(org), service.tz_of(org)
    calendar = work_calendar(Country.NL, tz, policy)
    if not ignore_office_hours and not calendar.is_office_moment(now):
        return 0  # the cheap exit for the ticks outside office hours: no query at all
    duties = service.college_duties(session, org, service.local_day(now, org))
    by_member = {member.id: (member, duty) for member, duty, _ in duties}
    due = due_college_reminders(
        [duty for _, duty, _ in duties], now, policy, tz, ignore_office_hours=ignore_office_hours
    )
    if not due:
        return 0
    chats = people.private_chat_map(session=session, organisation_id=org.id)
    secretaries = people.list_people(
        session=session, organisation_id=org.id, role=Role.SECRETARY.value
    )
    ctx = Context(session, now, settings, organisation=org)
    queued = 0
    for reminder in due:
        member, duty = by_member[int(reminder.person_id)]
        if not training.claim_college_reminder(
            session=session,
            organisation_id=org.id,
            person_id=int(reminder.person_id),
            reminder_key=reminder.key,
            deadline=reminder.deadline,
            months_before=reminder.months_before,
            audience=reminder.audience.value,
            now=now,
        ):
            continue
        readers = [member] if reminder.audience is Audience.MEMBER else secretaries
        for reader in readers:
            if reader.id not in chats:
                continue
            platform, chat_id = chats[reader.id]
            text = college_reminder_message(
                reminder, duty, reader.language, member_name=member.name
            )
            if ctx.send(
                platform=platform,
                chat_id=chat_id,
                reply=Reply(text),
                key=f"{reminder.key}:to:{reader.id}",
                priority=OutboxPriority.REMINDER,
            ):
                queued += 1
    return queued
