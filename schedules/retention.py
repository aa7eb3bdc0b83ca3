"""Retention, once a day per organisation: old personal data is erased, the counts stay.

Each organisation sets its own periods in its settings (``nis2bot org set SLUG --setting
retention_incident_days=1095``); the defaults are two years after an incident was closed and one
year for the texts of questions asked. Zero switches erasure off for that kind of record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from handlers.settings import FeatureSettings
from schedules.jobs import JobOptions, job
from storage import audit, organisations, retention, runs
from storage.db import unit_of_work

DEFAULT_INCIDENT_DAYS = 730
DEFAULT_QUESTION_DAYS = 365


def _days(settings: dict[str, object], key: str, default: int) -> int:
    value = settings.get(key, default)
    try:
        return max(0, int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default  # a typo in a setting must not erase everything or nothing silently


@job("retention", description="erase personal data past each organisation's retention period")
def apply_retention(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    with unit_of_work(engine) as session:
        orgs = [
            (o.id, o.slug, dict(o.settings))
            for o in organisations.list_organisations(session=session)
            if options.organisation_slug in (None, o.slug)
        ]
    done = 0
    for org_id, slug, org_settings in orgs:
        with unit_of_work(engine) as session:
            if not runs.claim_run(
                session=session,
                kind="retention",
                period=now.date().isoformat(),
                target=slug,
                now=now,
                organisation_id=org_id,
            ):
                continue
            incident_days = _days(org_settings, "retention_incident_days", DEFAULT_INCIDENT_DAYS)
            question_days = _days(org_settings, "retention_question_days", DEFAULT_QUESTION_DAYS)
            incidents = questions = 0
            if incident_days:
                incidents = retention.anonymise_closed_incidents(
                    session=session,
                    organisation_id=org_id,
                    closed_before=now - timedelta(days=incident_days),
                )
            if question_days:
                questions = retention.erase_old_questions(
                    session=session,
                    organisation_id=org_id,
                    asked_before=now - timedelta(days=question_days),
                )
            if incidents or questions:
                audit.record_audit(
                    session=session,
                    organisation_id=org_id,
                    actor="system",
                    action="retention.applied",
                    now=now,
                    detail={"incidents": incidents, "questions": questions},
                )
            done += incidents + questions
    return done
