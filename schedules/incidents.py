"""Incident jobs: deadline reminders into the ISMT room, and unfinished intakes passed on.

``incident-reminders``: one scan over the open deadline rows (one indexed query), then per deadline
the most recent reminder slot whose moment has come (``handlers.incidents.reminders``). A slot is
claimed in ``incident_reminder_sent`` in the same unit of work as its outbox rows, so it is sent
exactly once whatever crashes or restarts. After downtime only the latest slot of each deadline is
sent: the older ones are superseded (one "overdue since ..." message, not a flood). Overdue
reminders also go privately to the coordinators and the secretary.

``incident-abandoned``: an intake nobody touched for ``incident_abandoned_minutes`` reaches the ISMT
as an incomplete report (once: ``alerted_at`` is set in the same unit of work).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from handlers.context import Context
from handlers.incidents import service
from handlers.incidents.alerts import ROOM_LANGUAGE, alert_ismt
from handlers.incidents.clocks import Deadline, DeadlineState
from handlers.incidents.model import ReportKind
from handlers.incidents.reminder_text import reminder_reply
from handlers.incidents.reminders import ESCALATE_TO, ReminderSlot, due_reminder, next_slot_at
from handlers.settings import FeatureSettings
from schedules.jobs import JobOptions, job
from storage import incidents as store
from storage import organisations, people, rooms
from storage.db import unit_of_work
from storage.enums import OutboxPriority, Role, RoomPurpose
from storage.incidents import OpenDeadline

log = logging.getLogger(__name__)


def _before(settings: FeatureSettings) -> tuple[timedelta, ...]:
    return tuple(timedelta(hours=h) for h in settings.incident_reminder_hours_before)


def _as_deadline(row: OpenDeadline) -> Deadline:
    return Deadline(
        kind=ReportKind(row.kind),
        due_at=row.due_at,
        provisional=row.provisional,
        recipients=(),
        sent_at=None,
        state=DeadlineState.OPEN,
        basis="",
    )


def due_slots(
    rows: list[OpenDeadline], now: datetime, settings: FeatureSettings
) -> list[tuple[OpenDeadline, ReminderSlot | None]]:
    """The pure part of the pass: per row read, the new slot to send at ``now`` (or None)."""
    before = _before(settings)
    every = timedelta(hours=settings.incident_overdue_every_hours)
    found = []
    for row in rows:
        seen = (row.last_reminder_key,) if row.last_reminder_key else ()
        slot = due_reminder(_as_deadline(row), now, seen, before=before, overdue_every=every)
        found.append((row, slot))
    return found


def scan(engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions):  # type: ignore[no-untyped-def]
    """One query and the slot computation: what the reminders job would send now."""
    with unit_of_work(engine) as session:
        org_id = None
        if options.organisation_slug:
            org = organisations.organisation_by_slug(
                session=session, slug=options.organisation_slug
            )
            if org is None:
                return []
            org_id = org.id
        rows = store.deadlines_to_remind(session=session, now=now, organisation_id=org_id)
    return due_slots(rows, now, settings)


def _advance(
    engine: Engine, rows: list[OpenDeadline], now: datetime, settings: FeatureSettings
) -> None:
    """Rows whose moment came without a new slot (their slot was sent already): move them on, so
    the next scan does not read them again."""
    with unit_of_work(engine) as session:
        for row in rows:
            _progress(session, row, row.last_reminder_key or "", now, settings)


@job(
    "incident-reminders",
    description="remind the ISMT of reporting deadlines (12 h, 2 h, due, overdue)",
)
def send_reminders(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    done = 0
    found = scan(engine, now, settings, options)
    stale = [row for row, slot in found if slot is None]
    if stale:
        _advance(engine, stale, now, settings)
    for row, slot in found:
        if slot is None:
            continue
        try:
            with unit_of_work(engine) as session:
                done += _send_one(session, row, slot, now, settings)
        except Exception:
            log.exception(
                "reminder %s of incident %s failed; retried next tick", slot.key, row.incident_id
            )
    return done


def _send_one(
    session, row: OpenDeadline, slot: ReminderSlot, now: datetime, settings: FeatureSettings
) -> int:  # type: ignore[no-untyped-def]
    org = organisations.organisation_by_id(session=session, organisation_id=row.organisation_id)
    incident = store.incident_by_id(
        session=session, organisation_id=row.organisation_id, incident_id=row.incident_id
    )
    if org is None or incident is None:
        return 0
    ctx = Context(session, now, settings, organisation=org)
    if ReportKind(row.kind) == ReportKind.FINAL and now >= row.due_at:
        # The final report fell due while the incident is not handled: the law wants a progress
        # report now instead (Art. 23(4)(e)). Rewrite the rows; the next tick reminds of that.
        before = {
            (d.kind, d.due_at)
            for d in store.deadlines_of(
                session=session, organisation_id=org.id, incident_id=incident.id
            )
        }  # type: ignore[arg-type]
        after = {
            (d.kind, d.due_at)
            for d in service.refresh_deadlines(session, org, incident, now, settings)
        }
        if before != after:
            return 0
    if not store.claim_reminder(
        session=session,
        organisation_id=org.id,  # type: ignore[arg-type]
        incident_id=incident.id,  # type: ignore[arg-type]
        slot_key=slot.key,
        now=now,
    ):
        _progress(session, row, slot.key, now, settings)
        return 0
    _progress(session, row, slot.key, now, settings)
    key = f"incident-reminder:{incident.id}:{slot.key}"
    reply = reminder_reply(ROOM_LANGUAGE, org, incident, slot, now)
    ctx.send_to_rooms(RoomPurpose.ISMT.value, reply, key, OutboxPriority.REMINDER)
    escalate_to = set(ESCALATE_TO) if slot.escalate else set()
    if not rooms.rooms_for(
        session=session,
        organisation_id=org.id,
        purpose=RoomPurpose.ISMT.value,  # type: ignore[arg-type]
    ):
        escalate_to.add(Role.COORDINATOR)  # no ISMT room: never let a reminder fall on the floor
    for role in sorted(escalate_to):
        for person in people.list_people(session=session, organisation_id=org.id, role=role.value):  # type: ignore[arg-type]
            private = reminder_reply(person.language, org, incident, slot, now)
            ctx.send_to_person(person.id, private, key, OutboxPriority.REMINDER)  # type: ignore[arg-type]
    return 1


def _next_at(row: OpenDeadline, now: datetime, settings: FeatureSettings) -> datetime:
    every = timedelta(hours=settings.incident_overdue_every_hours)
    return next_slot_at(row.due_at, now, before=_before(settings), overdue_every=every)


def _progress(
    session, row: OpenDeadline, key: str, now: datetime, settings: FeatureSettings
) -> None:  # type: ignore[no-untyped-def]
    store.set_reminder_progress(
        session=session, deadline_id=row.deadline_id, key=key, next_at=_next_at(row, now, settings)
    )


@job("incident-abandoned", description="pass unfinished incident reports on to the ISMT")
def pass_on_abandoned(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    idle_since = now - timedelta(minutes=settings.incident_abandoned_minutes)
    with unit_of_work(engine) as session:
        org_id = None
        if options.organisation_slug:
            org = organisations.organisation_by_slug(
                session=session, slug=options.organisation_slug
            )
            if org is None:
                return 0
            org_id = org.id
        ids = [
            (i.organisation_id, i.id)
            for i in store.stale_intakes(
                session=session, idle_since=idle_since, organisation_id=org_id
            )
        ]
    done = 0
    for organisation_id, incident_id in ids:
        with unit_of_work(engine) as session:
            org = organisations.organisation_by_id(session=session, organisation_id=organisation_id)
            incident = store.incident_by_id(
                session=session,
                organisation_id=organisation_id,
                incident_id=incident_id,  # type: ignore[arg-type]
            )
            # Checked again inside the unit of work: the reporter may have finished meanwhile.
            if org is None or incident is None or incident.complete or incident.alerted_at:
                continue
            if incident.updated_at > idle_since:
                continue
            ctx = Context(session, now, settings, organisation=org)
            store.add_event(session=session, incident=incident, kind="abandoned", at=now)
            alert_ismt(ctx, incident, incomplete=True)
            done += 1
    return done
