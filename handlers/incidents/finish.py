"""The end of an intake: the report sent (reference, advice, ISMT alert), or stopped half-way
(kept, and passed on to the ISMT as an incomplete report)."""

from __future__ import annotations

from handlers.context import Context
from handlers.incidents import service
from handlers.incidents.advice import render_advice
from handlers.incidents.alerts import alert_ismt
from handlers.incidents.drafts_data import organisation_authorities
from handlers.reply import Reply, markup
from storage import incidents as store
from storage.incident_models import Incident


def complete_report(ctx: Context, incident: Incident) -> Reply:
    incident.complete = True
    store.add_event(
        session=ctx.session,
        incident=incident,
        kind="reported",
        at=ctx.now,
        actor_person_id=ctx.me.id,
        detail={"anonymous": incident.anonymous},
    )
    store.save_incident(session=ctx.session, incident=incident, now=ctx.now)
    alert_ismt(ctx, incident)
    service.refresh_deadlines(ctx.session, ctx.org, incident, ctx.now, ctx.settings)
    ctx.audit("incident.reported", incident=incident.reference, anonymous=incident.anonymous)
    thanks = markup(
        "<b>{text}</b>",
        text=ctx.t(
            "Thank you. Your report is registered as {reference} and the ISMT has been alerted.",
            reference=incident.reference,
        ),
    )
    advice = render_advice(
        ctx.language,
        incident.category or "other",
        country=ctx.org.country,
        reference=incident.reference,
        authorities=organisation_authorities(ctx.org),
    )
    return Reply(thanks + "\n\n" + advice)


def stopped_report(ctx: Context, incident: Incident | None) -> Reply | None:
    """/stop: what was typed is kept and passed on, because it may matter to the ISMT."""
    if incident is None or incident.complete:
        return None
    if incident.alerted_at is None:
        store.add_event(session=ctx.session, incident=incident, kind="abandoned", at=ctx.now)
        alert_ismt(ctx, incident, incomplete=True)
    return Reply(
        markup(
            ctx.t(
                "What you told me so far is kept as {reference} and passed on to the ISMT as an "
                "incomplete report. If you reported by mistake, tell the ISMT that reference.",
            ),
            reference=incident.reference,
        )
    )
