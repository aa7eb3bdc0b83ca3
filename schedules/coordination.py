"""Coordination jobs: the quarterly summaries (and the annual report), the coordinator's reminders,
and the audit programme's reminders.

Every effect is claimed before it is sent, in the same unit of work as the outbox row: a
``scheduled_run`` row (kind, period, target) for summaries and audit reminders, a
``coordination_reminder_sent`` row (reminder, occurrence) for reminders. So a restart, a second
instance, or the clock passing a boundary while the bot was down gives each message exactly once.

Catching up: the summary of a quarter is due from the first working day of the next quarter at the
configured local time until the end of that quarter; a room linked after that moment does not get
the old summary (``/rapport`` gives it on demand). The council's quarterly report is the draft the
coordinator could review, published once (schedules/council_report.py). A repeating reminder sends
only its latest due occurrence after downtime, not one per missed week.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.context import Context
from handlers.coordination.periods import (
    Period,
    local_date,
    local_moment,
    quarter_of,
    summary_due,
)
from handlers.coordination.recurrence import Repeat, latest_due
from handlers.coordination.service import (
    control_section,
    figures_for,
    first_page,
    room_language,
    summary_wall_time,
)
from handlers.coordination.summary import AUDIT_KINDS, Audience, fmt_date, render_summary
from handlers.i18n import N_, t
from handlers.reply import Reply, markup
from handlers.settings import FeatureSettings
from schedules.council_report import publish_council_report, published_reply
from schedules.jobs import JobOptions, job
from storage import coordination, organisations, people, rooms, runs
from storage.db import unit_of_work
from storage.enums import OutboxPriority, Role, RoomPurpose
from storage.models import Organisation

log = logging.getLogger(__name__)

ROOM_AUDIENCE = {RoomPurpose.COUNCIL.value: Audience.COUNCIL, RoomPurpose.ISMT.value: Audience.ISMT}
NINE = time(9, 0)


def _organisations(engine: Engine, options: JobOptions) -> list[Organisation]:
    with unit_of_work(engine) as session:
        found = organisations.list_organisations(session=session)
    return [
        o
        for o in found
        if not o.suspended
        and (not options.organisation_slug or o.slug == options.organisation_slug)
    ]


# -- quarterly summaries ----------------------------------------------------------------------


@job(
    "quarterly-summaries",
    description="the council and ISMT summaries on the first working day of a quarter (and the annual report in January)",
)
def send_quarterly_summaries(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    done = 0
    for org in _organisations(engine, options):
        try:
            done += _summaries_for(engine, org, now, settings)
        except Exception:
            log.exception("quarterly summaries of %s failed; retried at the next tick", org.slug)
    return done


def _summaries_for(
    engine: Engine, org: Organisation, now: datetime, settings: FeatureSettings
) -> int:
    period = quarter_of(local_date(now, org.timezone)).previous()
    due = summary_due(
        period, country=org.country, timezone=org.timezone, wall=summary_wall_time(org, settings)
    )
    if now < due:
        return 0  # the first working day of this quarter has not come yet
    work: list[tuple[str, Period]] = [("quarterly-summary", period)]
    if period.quarter == 4:  # January: the council also gets the annual report
        work.append(("annual-report", Period(period.year)))
    done = 0
    with unit_of_work(engine) as session:
        linked = [
            r
            for r in rooms.rooms_for(session=session, organisation_id=org.id)  # type: ignore[arg-type]
            if r.purpose in ROOM_AUDIENCE and r.created_at <= due
        ]
    for kind, chosen in work:
        # The council's quarterly report is published once, room or no room (#16 item 3): the
        # rooms get the published report, /rapport gives it to the council and the college.
        published = (
            publish_council_report(engine, org, chosen, due, now, settings)
            if kind == "quarterly-summary"
            else None
        )
        targets = [
            r
            for r in linked
            if (kind == "quarterly-summary" or r.purpose == RoomPurpose.COUNCIL.value)
            and not (
                kind == "quarterly-summary"
                and r.purpose == RoomPurpose.COUNCIL.value
                and published is None
            )
        ]
        with unit_of_work(engine) as session:
            pending = [
                r
                for r in targets
                if not runs.has_run(
                    session=session,
                    kind=kind,
                    period=f"{org.id}:{chosen.label}",
                    target=f"room:{r.id}",
                )
            ]
        if not pending:
            continue
        # Read the facts inside a short transaction; draw the charts outside it (on SQLite every
        # unit of work holds the write lock, and the charts take a good part of a second).
        audiences = {ROOM_AUDIENCE[r.purpose] for r in pending}
        stored: dict[Audience, Reply] = {}
        if published is not None and Audience.COUNCIL in audiences:
            stored[Audience.COUNCIL] = published_reply(engine, org, published, room_language(org))
            audiences.discard(Audience.COUNCIL)
        with unit_of_work(engine) as session:
            figures = figures_for(session=session, organisation=org, period=chosen, as_of=now)
            section = (  # the exercises and action points (#16), for the council
                control_section(
                    session=session,
                    organisation=org,
                    period=chosen,
                    as_of=now,
                    language=room_language(org),
                )
                if Audience.COUNCIL in audiences
                else ""
            )
            page = (  # the one-screen first page (#16 item 3), for the council
                first_page(
                    session=session, organisation=org, figures=figures, language=room_language(org)
                )
                if Audience.COUNCIL in audiences
                else ""
            )
        rendered = {
            audience: render_summary(  # the council's first page holds the questions
                figures,
                audience,
                room_language(org),
                with_questions=audience is not Audience.COUNCIL or not page,
            ).reply()
            for audience in audiences
        } | stored
        if section:
            council = rendered[Audience.COUNCIL]
            council.text += "\n\n" + section
        if page:
            council = rendered[Audience.COUNCIL]
            council.text = page + "\n\n" + council.text
        for room in pending:
            with unit_of_work(engine) as session:
                if not runs.claim_run(
                    session=session,
                    kind=kind,
                    period=f"{org.id}:{chosen.label}",
                    target=f"room:{room.id}",
                    now=now,
                    organisation_id=org.id,
                ):
                    continue  # another instance got there first
                ctx = Context(session, now, settings, organisation=org)
                ctx.send(
                    platform=room.platform,
                    chat_id=room.chat_id,
                    reply=rendered[ROOM_AUDIENCE[room.purpose]],
                    key=f"{kind}:{org.id}:{chosen.label}:room:{room.id}",
                    priority=OutboxPriority.BULK,
                )
                done += 1
    if period.quarter == 4:
        done += _annual_review_reminder(engine, org, now, settings, period.year + 1)
    return done


def _coordinators(session: Session, org: Organisation) -> list[int]:
    return [
        p.id  # type: ignore[misc]
        for p in people.list_people(
            session=session, organisation_id=org.id, role=Role.COORDINATOR.value
        )  # type: ignore[arg-type]
    ]


def _annual_review_reminder(
    engine: Engine, org: Organisation, now: datetime, settings: FeatureSettings, year: int
) -> int:
    """The handbook: audit results are discussed in an annual security review. Once a year."""
    with unit_of_work(engine) as session:
        if not runs.claim_run(
            session=session,
            kind="annual-review-reminder",
            period=f"{org.id}:{year}",
            target="coordinators",
            now=now,
            organisation_id=org.id,
        ):
            return 0
        ctx = Context(session, now, settings, organisation=org)
        sent = 0
        for person_id in _coordinators(session, org):
            person = people.person_by_id(
                session=session, organisation_id=org.id, person_id=person_id
            )  # type: ignore[arg-type]
            lang = person.language if person else "nl"
            reply = Reply(
                markup(
                    t(
                        lang,
                        N_(
                            "A new year: time to plan the annual security review, where the results of this year's audits are discussed. Plan it with /audit plan review DATE ISMT; annual review {year}"
                        ),
                        year=year,
                    )
                )
            )
            sent += ctx.send_to_person(
                person_id,
                reply,
                key=f"annual-review:{org.id}:{year}",
                priority=OutboxPriority.REMINDER,
            )
        return sent


# -- coordinator's reminders and the audit programme -------------------------------------------


@job(
    "coordinator-reminders",
    description="the coordinator's reminders, audit and overdue-finding reminders",
)
def send_coordinator_reminders(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    done = 0
    orgs = {o.id: o for o in _organisations(engine, options)}
    with unit_of_work(engine) as session:
        due = [
            r.id
            for r in coordination.active_reminders(session=session, due_by=now)
            if r.organisation_id in orgs
        ]
    for reminder_id in due:
        try:
            done += _one_reminder(engine, reminder_id, now, settings, orgs)
        except Exception:
            log.exception("reminder %s failed; retried at the next tick", reminder_id)
    for org in orgs.values():
        try:
            done += _audit_reminders(engine, org, now, settings)
        except Exception:
            log.exception("audit reminders of %s failed; retried at the next tick", org.slug)
    return done


def _one_reminder(
    engine: Engine, reminder_id: int, now: datetime, settings: FeatureSettings, orgs: dict
) -> int:  # type: ignore[type-arg]
    from storage.coordination_models import CoordinatorReminder

    with unit_of_work(engine) as session:
        reminder = session.get(CoordinatorReminder, reminder_id)
        if reminder is None or not reminder.active:
            return 0
        org = orgs[reminder.organisation_id]
        moment = latest_due(reminder.first_at, reminder.repeat, now, reminder.timezone)
        if moment is None:
            return 0
        sent_id = coordination.claim_occurrence(
            session=session, reminder=reminder, occurrence=moment, now=now
        )
        if sent_id is None:
            return 0
        ctx = Context(session, now, settings, organisation=org)
        key = f"coord-reminder:{reminder.id}:{moment.isoformat()}"
        count = _deliver(ctx, reminder.audience, reminder.text, key)
        coordination.set_recipients(session=session, sent_id=sent_id, recipients=count)
        if reminder.repeat == Repeat.NONE:
            coordination.finish_reminder(session=session, reminder=reminder)
        return count


def _reminder_reply(language: str, text: str) -> Reply:
    return Reply(
        markup(
            "⏰ <b>{title}</b>\n{text}",
            title=t(language, N_("Reminder from the NIS2 coordinator")),
            text=text,
        )
    )


def _deliver(ctx: Context, audience: dict, text: str, key: str) -> int:  # type: ignore[type-arg]
    if "room" in audience:
        return ctx.send_to_rooms(
            audience["room"],
            _reminder_reply(room_language(ctx.org), text),
            key,
            OutboxPriority.REMINDER,
        )
    if "person_id" in audience:
        ids = [int(audience["person_id"])]
    else:
        wanted = set(audience.get("roles", ()))
        ids = [
            p.id  # type: ignore[misc]
            for p in people.list_people(session=ctx.session, organisation_id=ctx.org.id)
            if p.role in wanted
        ]
    count = 0
    for person_id in ids:
        person = people.person_by_id(
            session=ctx.session, organisation_id=ctx.org.id, person_id=person_id
        )
        if person is None or not person.active:
            continue
        count += ctx.send_to_person(
            person_id, _reminder_reply(person.language, text), key, OutboxPriority.REMINDER
        )
    return count


def _audit_reminders(
    engine: Engine, org: Organisation, now: datetime, settings: FeatureSettings
) -> int:
    tz = org.timezone
    today = local_date(now, tz)
    with unit_of_work(engine) as session:
        audits = [
            a
            for a in coordination.list_audits(session=session, organisation_id=org.id)
            if a.done_at is None
        ]  # type: ignore[arg-type]
        overdue = coordination.overdue_findings(session=session, organisation_id=org.id, now=now)  # type: ignore[arg-type]
    done = 0
    for audit in audits:
        planned_day = local_date(audit.planned_at, tz)
        if planned_day < today:
            continue
        passed = [
            days
            for days in sorted(settings.audit_reminder_days, reverse=True)
            if local_moment(planned_day - timedelta(days=days), NINE, tz) <= now
        ]
        if not passed:
            continue
        with unit_of_work(engine) as session:
            claimed = [
                runs.claim_run(
                    session=session,
                    kind="audit-reminder",
                    period=f"audit:{audit.id}",
                    target=f"{days}d",
                    now=now,
                    organisation_id=org.id,
                )
                for days in passed
            ]
            if not claimed[-1]:
                continue
            ctx = Context(session, now, settings, organisation=org)
            for person_id in _coordinators(session, org):
                person = people.person_by_id(
                    session=session, organisation_id=org.id, person_id=person_id
                )  # type: ignore[arg-type]
                lang = person.language if person else "nl"
                reply = Reply(
                    markup(
                        t(
                            lang,
                            N_(
                                "Coming up in the audit programme: {kind} by {auditor} on {day} ({scope})."
                            ),
                        ),
                        kind=t(lang, AUDIT_KINDS.get(audit.kind, audit.kind)),
                        auditor=audit.auditor,
                        day=fmt_date(planned_day, lang),
                        scope=audit.scope,
                    )
                )
                done += ctx.send_to_person(
                    person_id,
                    reply,
                    key=f"audit-reminder:{audit.id}:{passed[-1]}d",
                    priority=OutboxPriority.REMINDER,
                )
    for finding in overdue:
        due_day = local_date(finding.due_at, tz)  # type: ignore[arg-type]
        if due_day >= today:
            continue
        week = (today - due_day - timedelta(days=1)).days // 7
        if local_moment(due_day + timedelta(days=1 + 7 * week), NINE, tz) > now:
            week -= 1
            if week < 0:
                continue
        with unit_of_work(engine) as session:
            if not runs.claim_run(
                session=session,
                kind="finding-overdue",
                period=f"finding:{finding.id}",
                target=f"week:{week}",
                now=now,
                organisation_id=org.id,
            ):
                continue
            ctx = Context(session, now, settings, organisation=org)
            targets = set(_coordinators(session, org))
            if finding.owner_person_id:
                targets.add(finding.owner_person_id)
            for person_id in sorted(targets):
                person = people.person_by_id(
                    session=session, organisation_id=org.id, person_id=person_id
                )  # type: ignore[arg-type]
                lang = person.language if person else "nl"
                reply = Reply(
                    markup(
                        t(
                            lang,
                            N_(
                                "Audit finding F{id} “{title}” was due on {day} and is still open. Resolved? The coordinator records it with /audit opgelost {id}."
                            ),
                        ),
                        id=finding.id,
                        title=finding.title,
                        day=fmt_date(due_day, lang),
                    )
                )
                done += ctx.send_to_person(
                    person_id,
                    reply,
                    key=f"finding-overdue:{finding.id}:{week}",
                    priority=OutboxPriority.REMINDER,
                )
    return done
