"""The college in the loop: the mayor and the secretary hear of a significant incident.

Per the municipality's handbook (facts §11) the mayor coordinates the incident response (public order
and crisis) and the ISMT reports to the secretary; neither reads the ISMT room. So:

- When the ISMT declares an incident significant, or when a report is *possibly* significant and
  involves personal data, the mayor and the secretary get a short, non-technical notice in their own
  language: what, the impact on services, the next legal moment, who handles it. The organisation
  decides with the setting ``incident_notice_council`` whether the council room gets it too.
- They may read the incident with ``/incident REF`` (the college view: no reporter, no technical
  details, see ``college_lines``).
- ``/incident REF crisis`` (ISMT, coordinator, secretary, mayor) records that the crisis
  organisation is activated; from then on every legal step recorded with /verzonden is passed on.

The college and council are addressed with "u" (one form of address for them, everywhere).
Whether to convene a crisis team is the municipality's own decision, not a NIS2 duty: the notice says
so instead of implying a legal obligation.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from handlers.context import Context
from handlers.i18n import DEFAULT_LANGUAGE, N_, normalise_language, t
from handlers.incidents.model import Impact, ReportKind, TriState
from handlers.incidents.service import when_local
from handlers.incidents.triage import TriageFacts, triage_hint
from handlers.incidents.views import category_label, report_in_sentence
from handlers.reply import Reply, markup
from storage import incidents as store
from storage import people
from storage.enums import Role, RoomPurpose
from storage.incident_models import Incident

#: Who gets the notices privately.
COLLEGE_NOTIFIED: frozenset[Role] = frozenset({Role.MAYOR, Role.SECRETARY})
COUNCIL_SETTING = "incident_notice_council"

POSSIBLE, SIGNIFICANT, CRISIS = "possible", "significant", "crisis"


def possibly_significant_with_personal_data(incident: Incident) -> bool:
    from handlers.incidents.model import Category

    if incident.personal_data != TriState.YES.value:
        return False
    facts = TriageFacts(
        category=Category(incident.category or Category.OTHER),
        impact=Impact(incident.impact or Impact.NONE),
        personal_data=TriState.YES,
    )
    return triage_hint(facts).potentially_significant


def college_may_view(incident: Incident) -> bool:
    """The incidents the mayor and the secretary were (or would have been) told about."""
    if incident.significant is False and incident.crisis_at is None:
        return False
    return (
        incident.significant is True
        or incident.crisis_at is not None
        or possibly_significant_with_personal_data(incident)
    )


def _next_legal(language: str, ctx: Context, incident: Incident) -> str:
    rows = store.deadlines_of(
        session=ctx.session,
        organisation_id=ctx.org.id,
        incident_id=incident.id,  # type: ignore[arg-type]
    )
    waiting = [r for r in rows if r.sent_at is None]
    if not waiting:
        return t(language, "no legal reporting deadline is open")
    first = min(waiting, key=lambda r: r.due_at)
    return t(
        language,
        "{report} by {when}",
        report=ReportKind(first.kind).label(language),
        when=when_local(ctx.org, first.due_at),
    )


def _handler_name(ctx: Context, incident: Incident) -> str | None:
    if incident.handler_person_id is None:
        return None
    person = people.person_by_id(
        session=ctx.session, organisation_id=ctx.org.id, person_id=incident.handler_person_id
    )
    return person.name if person else None


def college_lines(language: str, ctx: Context, incident: Incident) -> list[str]:
    """The non-technical facts: what, impact, personal data, next legal moment, who handles it."""
    handler = _handler_name(ctx, incident) or t(language, "the ISMT")
    personal = t(language, "yes") if incident.personal_data == "yes" else t(language, "not known")
    if incident.personal_data == "no":
        personal = t(language, "no")
    lines = [
        markup(
            "<b>{k}:</b> {v}", k=t(language, "What"), v=category_label(incident.category, language)
        ),
        markup(
            "<b>{k}:</b> {v}",
            k=t(language, "Impact on services"),
            v=Impact(incident.impact).label(language)
            if incident.impact
            else t(language, "not known"),
        ),
        markup("<b>{k}:</b> {v}", k=t(language, "Personal data involved"), v=personal),
        markup(
            "<b>{k}:</b> {v}",
            k=t(language, "Next legal moment"),
            v=_next_legal(language, ctx, incident),
        ),
        markup("<b>{k}:</b> {v}", k=t(language, "Handled by"), v=handler),
    ]
    if incident.crisis_at is not None:
        lines.append(
            markup(
                "<b>{k}:</b> {v}",
                k=t(language, "Crisis organisation"),
                v=t(language, "activated {when}", when=when_local(ctx.org, incident.crisis_at)),
            )
        )
    return lines


_HEADS = {
    POSSIBLE: N_("Incident {reference} may be significant and involves personal data."),
    SIGNIFICANT: N_("Incident {reference} has been declared significant (NIS2) by the ISMT."),
    CRISIS: N_("Incident {reference}: the crisis organisation has been activated by {name}."),
}


def notice_reply(
    language: str, ctx: Context, incident: Incident, stage: str, **params: str
) -> Reply:
    head = t(language, _HEADS[stage], reference=incident.reference, **params)
    lines = [markup("🔔 <b>{head}</b>", head=head), *college_lines(language, ctx, incident), ""]
    lines.append(
        markup(
            "{text}",
            text=t(
                language,
                "You may read it with /incident {reference}. Whether to convene the crisis "
                "organisation is the municipality's own decision (the mayor leads the crisis "
                "response); if you do, record it with /incident {reference} crisis and you will be "
                "told of each legal step sent.",
                reference=incident.reference,
            ),
        )
    )
    return Reply("\n".join(lines))


def _council_too(ctx: Context) -> bool:
    return (ctx.org.settings or {}).get(COUNCIL_SETTING) is True


class Told(NamedTuple):
    """Who a notice reached now, and who could not be reached yet (it waits for them)."""

    reached: list[str]
    waiting: list[str]


def waiting_sentence(ctx: Context, told: Told) -> str:
    """For the ISMT: who could not be told yet, and that they will be (tell them yourself if it
    cannot wait), instead of implying that everyone knows."""
    names = ", ".join(told.waiting)
    return ctx.t(
        "Not reachable through the bot yet: {names}. They get the notice as soon as they can be "
        "reached; if it cannot wait, tell them yourself.",
        names=names,
    )


def notice_key(incident: Incident, stage: str) -> str:
    return f"incident-college:{incident.id}:{stage}"


def notify_college(ctx: Context, incident: Incident, stage: str, **params: str) -> Told:
    """The notice, once per incident and stage. A mayor or secretary the bot cannot write to yet
    (imported, never enrolled, no private chat) gets it as soon as they can be reached
    (``college_pending``); the caller tells the ISMT who is still waiting."""
    from handlers.incidents.college_pending import keep_for_later

    key = notice_key(incident, stage)
    reached, waiting = [], []
    for role in sorted(COLLEGE_NOTIFIED):
        for person in people.list_people(
            session=ctx.session, organisation_id=ctx.org.id, role=role.value
        ):
            if ctx.person is not None and person.id == ctx.person.id:
                continue  # the person who did it needs no notice of it
            reply = notice_reply(
                normalise_language(person.language), ctx, incident, stage, **params
            )
            if ctx.send_to_person(person.id, reply, key):  # type: ignore[arg-type]
                reached.append(person.name)
            else:
                keep_for_later(ctx, incident, stage, person, params)
                waiting.append(person.name)
    if _council_too(ctx) and stage != POSSIBLE:
        reply = notice_reply(DEFAULT_LANGUAGE, ctx, incident, stage, **params)
        if ctx.send_to_rooms(RoomPurpose.COUNCIL.value, reply, key):
            reached.append(t(ctx.language, "the council room"))
    if reached:  # the timeline says who was told, and only when someone was
        store.add_event(
            session=ctx.session,
            incident=incident,
            kind="college_notified",
            at=ctx.now,
            text=", ".join(reached),
            detail={"stage": stage},
        )
    return Told(reached, waiting)


def step_sent(ctx: Context, incident: Incident, kind: ReportKind, sent_at: datetime) -> list[str]:
    """In a crisis: tell the mayor and the secretary that a legal step was sent."""
    if incident.crisis_at is None:
        return []
    key = f"incident-college:{incident.id}:sent:{kind.value}:{sent_at.isoformat()}"
    reached = []
    for role in sorted(COLLEGE_NOTIFIED):
        for person in people.list_people(
            session=ctx.session, organisation_id=ctx.org.id, role=role.value
        ):
            language = normalise_language(person.language)
            text = t(
                language,
                "Incident {reference} (crisis): {report} was sent {when}.",
                reference=incident.reference,
                report=report_in_sentence(language, kind),
                when=when_local(ctx.org, sent_at),
            )
            lines = [markup("🔔 <b>{text}</b>", text=text), *college_lines(language, ctx, incident)]
            if ctx.send_to_person(person.id, Reply("\n".join(lines)), key):  # type: ignore[arg-type]
                reached.append(person.name)
    return reached
