"""Alerts that reached nobody: kept pending, sent once as soon as someone can be reached.

An organisation without an ISMT room and without a coordinator or ISMT member the bot can write to
privately (every new organisation; a Matrix member who never wrote first) cannot be alerted. The
incident then carries ``alert_pending_since``. ``flush_pending_alerts`` tries again and clears it
when the alert went somewhere; it is called

- when an ISMT room is linked (``/koppel ismt``, ``nis2bot room link``),
- when a person of the organisation becomes reachable (a transport that opened a direct chat, an
  enrolment, a first private message): ``person_reachable``,
- every minute by the ``incident-pending-alerts`` job, for whatever else made someone reachable.

The alert's outbox keys are the same as the first attempt's, so a flush that runs twice (the job and
the room link at the same moment) still sends each destination one message.
"""

from __future__ import annotations

from handlers.context import Context
from handlers.incidents.alerts import alert_ismt
from storage import incidents as store
from storage.enums import Role

#: The roles whose reachability can release a pending alert.
ALERTED_ROLES = frozenset({Role.COORDINATOR, Role.ISMT})


def flush_pending_alerts(ctx: Context) -> list[str]:
    """Try every pending alert of ``ctx.org`` again; returns the references that went out."""
    delivered = []
    for incident in store.pending_alerts(session=ctx.session, organisation_id=ctx.org.id):
        outcome = alert_ismt(ctx, incident, incomplete=not incident.complete)
        if outcome.delivered:
            delivered.append(incident.reference)
            ctx.audit("incident.alert_delivered_late", incident=incident.reference)
    return delivered


def flushed_note(ctx: Context, references: list[str]) -> str:
    """One line for whoever made the alerts go out (the coordinator linking the ISMT room)."""
    if not references:
        return ""
    listed = ", ".join(references)
    return ctx.t(
        "Incident alerts that reached nobody so far are posted here now: {references}.",
        references=listed,
    )


def person_reachable(ctx: Context, role: Role | str | None) -> list[str]:
    """A transport or the enrolment path reports that a person of ``ctx.org`` can now be reached
    privately: pending alerts go out if that person is one the alert goes to."""
    if role is None or Role(role) not in ALERTED_ROLES:
        return []
    return flush_pending_alerts(ctx)
