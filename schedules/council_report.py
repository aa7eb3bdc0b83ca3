"""The council's quarterly report under review (#16 item 3): the draft job, and the publication the
quarterly-summaries job does at the due moment.

Drafting: from ``council_report_review_days`` (default 5) days before the due moment until it, the
report is drafted once (the row's unique (organisation, period) is the claim) and sent privately to
each coordinator in their language, in the same unit of work. Publishing: at the due moment the
report is marked published once (a conditional UPDATE), with how it went out (reviewed, deadline
passed, no coordinator); the council rooms get it through the quarterly job's own once-per-room
claims. A report without a draft (review off, the bot down during the window) is drafted at
publication. Figures are drawn outside the unit of work: on SQLite each one holds the write lock.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine

from handlers.context import Context
from handlers.coordination.council.review import (
    coordinators,
    draft_header,
    draft_opens,
    due_of,
    outcome_at_publication,
    prepare,
    report_reply,
    review_days,
)
from handlers.coordination.periods import Period, local_date, quarter_of
from handlers.reply import Reply
from handlers.settings import FeatureSettings
from schedules.jobs import JobOptions, job
from storage import council_reports, organisations, people
from storage.db import unit_of_work
from storage.enums import OutboxPriority
from storage.models import Organisation

log = logging.getLogger(__name__)


@job(
    "council-report-drafts",
    description="the council's quarterly report as a draft to the coordinator, days before it is due",
)
def draft_council_reports(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    with unit_of_work(engine) as session:
        found = organisations.list_organisations(session=session)
    done = 0
    for org in found:
        if org.suspended or (options.organisation_slug and org.slug != options.organisation_slug):
            continue
        try:
            done += _draft_for(engine, org, now, settings)
        except Exception:
            log.exception("council report draft of %s failed; retried at the next tick", org.slug)
    return done


def _draft_for(engine: Engine, org: Organisation, now: datetime, settings: FeatureSettings) -> int:
    if not review_days(org):
        return 0
    current = quarter_of(local_date(now, org.timezone))
    done = 0
    for period in (current.previous(), current):
        due = due_of(org, period, settings)
        if not draft_opens(org, due) <= now < due:
            continue
        with unit_of_work(engine) as session:
            if council_reports.report_for(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                period=period.label,
            ):
                continue
            prepared = prepare(session=session, organisation=org, period=period, as_of=now)
        texts, charts = prepared.render()
        with unit_of_work(engine) as session:
            report = council_reports.create_report(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                period=period.label,
                drafted_at=now,
                due_at=due,
                content=texts,
                charts=charts,
            )
            if report is None:
                continue  # another instance drafted it first
            ctx = Context(session, now, settings, organisation=org)
            ctx.audit("council_report.drafted", report_id=report.id, period=period.label)
            for person_id in coordinators(session, org):
                person = people.person_by_id(
                    session=session,
                    organisation_id=org.id,  # type: ignore[arg-type]
                    person_id=person_id,
                )
                language = person.language if person else "nl"
                reply = report_reply(
                    session,
                    org,
                    report,
                    language,
                    header=draft_header(session, org, report, language),
                )
                if ctx.send_to_person(
                    person_id,
                    reply,
                    key=f"council-report-draft:{org.id}:{period.label}",
                    priority=OutboxPriority.REMINDER,
                ):
                    done += 1
                else:  # /rapport concept shows it when they first talk to the bot
                    log.info("coordinator %s of %s has no private chat yet", person_id, org.slug)
    return done


def publish_council_report(
    engine: Engine,
    org: Organisation,
    period: Period,
    due: datetime,
    now: datetime,
    settings: FeatureSettings,
) -> int | None:
    """Publish the council's report on ``period`` once (drafting it now if it has no draft);
    the report's id, or None when it is not published (an organisation that did not exist yet
    when it was due; a review racing the publication twice): the council rooms then wait."""
    if org.created_at > due:
        return None
    with unit_of_work(engine) as session:
        report = council_reports.report_for(
            session=session,
            organisation_id=org.id,  # type: ignore[arg-type]
            period=period.label,
        )
        if report is not None and report.state == council_reports.PUBLISHED:
            return report.id  # every tick of the quarter after the first: nothing to do
        prepared = (
            prepare(session=session, organisation=org, period=period, as_of=now)
            if report is None
            else None
        )
    if prepared is not None:
        texts, charts = prepared.render()
        with unit_of_work(engine) as session:
            council_reports.create_report(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                period=period.label,
                drafted_at=now,
                due_at=due,
                content=texts,
                charts=charts,
            )
    for _attempt in range(2):  # a review that lands between the read and the update: read again
        with unit_of_work(engine) as session:
            report = council_reports.report_for(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                period=period.label,
            )
            assert report is not None and report.id is not None
            if report.state == council_reports.PUBLISHED:
                return report.id
            outcome = outcome_at_publication(session, org, report)
            if council_reports.publish(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                report_id=report.id,
                outcome=outcome,
                now=now,
                state_read=report.state,
            ):
                Context(session, now, settings, organisation=org).audit(
                    "council_report.published",
                    report_id=report.id,
                    period=period.label,
                    outcome=outcome,
                )
                return report.id
    log.warning("council report %s of %s not published; retried at the next tick", period, org.slug)
    return None


def published_reply(engine: Engine, org: Organisation, report_id: int, language: str) -> Reply:
    """What the council room gets: the published report with its review status and charts."""
    with unit_of_work(engine) as session:
        report = council_reports.report_by_id(
            session=session,
            organisation_id=org.id,  # type: ignore[arg-type]
            report_id=report_id,
        )
        assert report is not None
        return report_reply(session, org, report, language)
