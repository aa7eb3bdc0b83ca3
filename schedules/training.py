"""Training jobs: the nudge sweep, the coordinators' weekly digest, the college's reminders.

``training-nudges`` is restartable by construction: the plan is read once, then the nudges are
claimed and queued in batches of ``BATCH_SIZE``, one transaction per batch (claim row + outbox row
together). A run killed halfway loses at most the open batch, which rolled back; the next run plans
again, and since the claimed people now have a later ``last_nudge_key`` (or the same slot key hits
the unique constraint) everyone is nudged exactly once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine

from handlers.context import Context
from handlers.reply import Reply
from handlers.settings import FeatureSettings
from handlers.training import nudges, service
from handlers.training.college_reminders import send_college_reminders
from handlers.training.coordinator import digest_text
from handlers.training.workdays import work_calendar
from schedules.jobs import JobOptions, job
from storage import organisations, people, runs
from storage.db import unit_of_work
from storage.enums import OutboxPriority, Role
from storage.models import Organisation

log = logging.getLogger(__name__)

BATCH_SIZE = 200


def _organisations(engine: Engine, options: JobOptions) -> list[Organisation]:
    with unit_of_work(engine) as session:
        found = organisations.list_organisations(session=session)
    return [
        org
        for org in found
        if not org.suspended
        and (options.organisation_slug is None or org.slug == options.organisation_slug)
    ]


@job("training-nudges", description="training reminders by private message (office hours only)")
def training_nudges(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    done = 0
    for org in _organisations(engine, options):
        done += sweep_organisation(
            engine, org, now, settings, ignore_office_hours=options.ignore_office_hours
        )
    return done


def sweep_organisation(
    engine: Engine,
    org: Organisation,
    now: datetime,
    settings: FeatureSettings,
    *,
    ignore_office_hours: bool = False,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Plan, then claim and queue in committed batches; returns how many slots this run claimed."""
    with unit_of_work(engine) as session:
        planned = nudges.plan(session, org, now, ignore_office_hours=ignore_office_hours)
    claimed = 0
    for start in range(0, len(planned), batch_size):
        with unit_of_work(engine) as session:
            for item in planned[start : start + batch_size]:
                claimed += nudges.deliver(session, org, item, now, settings)
    if planned:
        log.info("training nudges for %s: %d planned, %d claimed", org.slug, len(planned), claimed)
    return claimed


@job("training-digest", description="weekly digest of overdue training to the coordinators")
def training_digest(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    """Once per ISO week per organisation, at the first office moment of the week."""
    queued = 0
    for org in _organisations(engine, options):
        policy, tz = service.policy_of(org), service.tz_of(org)
        calendar = work_calendar(service.country_of(org), tz, policy)
        if not options.ignore_office_hours and not calendar.is_office_moment(now):
            continue
        year, week, _ = now.astimezone(tz).isocalendar()
        period = f"{year}-W{week:02d}"
        with unit_of_work(engine) as session:
            if runs.has_run(
                session=session, kind="training-digest", period=period, target=org.slug
            ):
                continue
        with unit_of_work(engine) as session:
            if not runs.claim_run(
                session=session,
                kind="training-digest",
                period=period,
                target=org.slug,
                now=now,
                organisation_id=org.id,
            ):
                continue
            chats = people.private_chat_map(session=session, organisation_id=org.id)  # type: ignore[arg-type]
            ctx = Context(session, now, settings, organisation=org)
            for coordinator in people.list_people(
                session=session,
                organisation_id=org.id,
                role=Role.COORDINATOR.value,  # type: ignore[arg-type]
            ):
                if coordinator.id not in chats:
                    continue
                text = digest_text(session, org, now, coordinator.language)
                if text is None:
                    break  # nothing to report this week: no message at all
                platform, chat_id = chats[coordinator.id]
                if ctx.send(
                    platform=platform,
                    chat_id=chat_id,
                    reply=Reply(text),
                    key=f"training-digest:{org.slug}:{period}:{coordinator.id}",
                    priority=OutboxPriority.BULK,
                ):
                    queued += 1
    return queued


@job("college-training-reminders", description="Cbw art. 24 certificate reminders to the college")
def college_training_reminders(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    queued = 0
    for org in _organisations(engine, options):
        with unit_of_work(engine) as session:
            queued += send_college_reminders(
                session, org, now, settings, ignore_office_hours=options.ignore_office_hours
            )
    return queued
