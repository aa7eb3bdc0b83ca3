"""``incident-pending-alerts``: an alert that reached nobody goes out as soon as someone can be
reached (see ``handlers.incidents.pending``), and a college notice that could not reach the mayor or
the secretary goes out once they can be reached (``handlers.incidents.college_pending``). Two
queries find the organisations with something waiting; each is tried in its own unit of work, so
one broken organisation never blocks another."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine

from handlers.context import Context
from handlers.incidents.college_pending import (
    drop_waiting,
    flush_college_notices,
    organisations_waiting,
)
from handlers.incidents.pending import flush_pending_alerts
from handlers.settings import FeatureSettings
from schedules.jobs import JobOptions, job
from storage import incidents as store
from storage import organisations
from storage.db import unit_of_work

log = logging.getLogger(__name__)


@job(
    "incident-pending-alerts",
    description="send incident alerts and college notices that reached nobody once someone is "
    "reachable",
)
def send_pending_alerts(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    with unit_of_work(engine) as session:
        org_ids = sorted(
            {i.organisation_id for i in store.pending_alerts(session=session)}
            | organisations_waiting(session)  # college notices waiting for their person
        )
        if options.organisation_slug:
            org = organisations.organisation_by_slug(
                session=session, slug=options.organisation_slug
            )
            org_ids = [o for o in org_ids if org is not None and o == org.id]
    done = 0
    for org_id in org_ids:
        try:
            with unit_of_work(engine) as session:
                org = organisations.organisation_by_id(session=session, organisation_id=org_id)
                if org is None:
                    drop_waiting(session, org_id)
                    continue
                if org.suspended:
                    continue
                ctx = Context(session, now, settings, organisation=org)
                done += len(flush_pending_alerts(ctx)) + len(flush_college_notices(ctx))
        except Exception:
            log.exception("pending alerts of organisation %s failed; retried next tick", org_id)
    return done
