"""The end of an intake: the report sent (reference, advice, ISMT alert), or stopped half-way
(kept, and passed on to the ISMT as an incomplete report)."""

from __future__ import annotations

from handlers.context import Context
from handlers.incidents import college, service
from handlers.incidents.advice import render_advice
from handlers.incidents.alerts import STOPPED, AlertOutcome, alert_ismt
from handlers.incidents.contacts import OrgContacts, organisation_contacts
from handlers.incidents.drafts_data import organisation_authorities
from handlers.people.roles import role_label
from handlers.reply import Reply, markup, plain
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
    outcome = alert_ismt(ctx, incident)
    if college.possibly_significant_with_personal_data(incident):
        college.notify_college(ctx, incident, college.POSSIBLE)
    service.refresh_deadlines(ctx.session, ctx.org, incident, ctx.now, ctx.settings)
    ctx.audit("incident.reported", incident=incident.reference, anonymous=incident.anonymous)
    contacts = organisation_contacts(ctx.org)
    advice = render_advice(
        ctx.language,
        incident.category or "other",
        country=ctx.org.country,
        reference=incident.reference,
        authorities=organisation_authorities(ctx.org),
        contacts=contacts,
        personal_data=incident.personal_data,
    )
    return Reply(who_knows(ctx, incident, outcome, contacts) + "\n\n" + advice)


def who_knows(
    ctx: Context, incident: Incident, outcome: AlertOutcome, contacts: OrgContacts
) -> str:
    """The truth about who was alerted: the room, named people, or plainly nobody (and whom to
    call then). Never "the ISMT has been alerted" when the alert went nowhere."""
    others = [(name, role) for pid, name, role in outcome.people if pid != ctx.me.id]
    if outcome.people and not outcome.rooms and not others:
        # The reporter is the only one the alert could reach (an ISMT member reporting): say so.
        lines = [
            markup(
                "<b>{text}</b>",
                text=ctx.t(
                    "Your report is registered as {reference}. The alert could only reach you "
                    "yourself: nobody else of the ISMT or the coordinators can be reached yet.",
                    reference=incident.reference,
                ),
            )
        ]
        return "\n".join(lines + _call_now(ctx, contacts))
    if outcome.delivered:
        lines = [
            markup(
                "<b>{text}</b>",
                text=ctx.t(
                    "Thank you. Your report is registered as {reference}.",
                    reference=incident.reference,
                ),
            )
        ]
        if outcome.rooms:
            lines.append(plain(ctx.t("The ISMT has been alerted in its group chat.")))
        if others:
            names = ", ".join(
                f"{name} ({role_label(role, ctx.language, ctx.country)})" for name, role in others
            )
            lines.append(markup(ctx.t("Alerted personally: {names}."), names=names))
        return "\n".join(lines)
    lines = [
        markup(
            "<b>{text}</b>",
            text=ctx.t(
                "Your report is registered as {reference}, but nobody could be alerted yet.",
                reference=incident.reference,
            ),
        ),
        plain(
            ctx.t(
                "This organisation has no ISMT group chat yet, and the bot cannot reach the NIS2 "
                "coordinator or an ISMT member. Your report waits and goes to them as soon as one "
                "of them can be reached; the bot's administrator sees that it is waiting."
            )
        ),
    ]
    lines += _call_now(ctx, contacts)
    return "\n".join(lines)


def _call_now(ctx: Context, contacts: OrgContacts) -> list[str]:
    """Whom to call when the alert reached nobody (else): the organisation's own numbers."""
    lines: list[str] = []
    if contacts.emergency:
        lines.append(
            markup(
                "<b>{text}</b>",
                text=ctx.t("Do not wait: call {contact} now.", contact=contacts.emergency),
            )
        )
    elif contacts.servicedesk:
        lines.append(
            markup(
                "<b>{text}</b>",
                text=ctx.t(
                    "Do not wait: call the servicedesk ({contact}) or your manager now.",
                    contact=contacts.servicedesk,
                ),
            )
        )
    else:
        lines.append(
            markup(
                "<b>{text}</b>",
                text=ctx.t("Do not wait: call your manager or the IT servicedesk now."),
            )
        )
    return lines


def stopped_report(ctx: Context, incident: Incident | None) -> Reply | None:
    """/stop: what was typed is kept and passed on, because it may matter to the ISMT."""
    if incident is None or incident.complete:
        return None
    if incident.alerted_at is None:
        store.add_event(session=ctx.session, incident=incident, kind="abandoned", at=ctx.now)
        alert_ismt(ctx, incident, incomplete=STOPPED)
    if incident.alert_pending_since is not None:
        # Kept, but it reached nobody yet: never say "passed on to the ISMT" then.
        lines = [
            markup(
                ctx.t(
                    "What you told me so far is kept as {reference}, but nobody of the ISMT could "
                    "be alerted yet; it goes to them as soon as one of them can be reached."
                ),
                reference=incident.reference,
            ),
            *_call_now(ctx, organisation_contacts(ctx.org)),
        ]
        return Reply("\n".join(lines))
    return Reply(
        markup(
            ctx.t(
                "What you told me so far is kept as {reference} and passed on to the ISMT as an "
                "incomplete report. If you reported by mistake, tell the ISMT that reference.",
            ),
            reference=incident.reference,
        )
    )
