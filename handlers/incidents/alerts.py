"""The ISMT alert: at once, through the outbox, with the triage hint and the decision buttons.

Where it goes: every ISMT room of the organisation. Without a linked ISMT room the coordinators get
it by private message, and without a reachable coordinator the ISMT members do: an alert is never
dropped. An anonymous report reaches the room without the reporter's name; the coordinator is told
the name privately (the coordinator still sees it, see ``visibility``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from handlers.context import Context
from handlers.i18n import DEFAULT_LANGUAGE, normalise_language, t
from handlers.incidents import service
from handlers.incidents.contacts import organisation_in_scope
from handlers.incidents.model import Category, Impact, TriState
from handlers.incidents.triage import TriageFacts, triage_hint
from handlers.incidents.views import deadline_sections, fact_lines
from handlers.reply import Choice, Reply, markup
from storage import incidents as store
from storage import people, rooms
from storage.enums import Role, RoomPurpose
from storage.incident_models import Incident

log = logging.getLogger(__name__)

#: Rooms are read by several people: they get the organisation's default language.
ROOM_LANGUAGE = DEFAULT_LANGUAGE


def decision_choices(incident: Incident, language: str) -> tuple[Choice, ...]:
    ref = incident.reference
    return (
        Choice(f"/incident {ref} significant ja", t(language, "Significant: yes")),
        Choice(f"/incident {ref} significant nee", t(language, "Significant: no")),
    )


def triage_lines(language: str, incident: Incident) -> list[str]:
    facts = TriageFacts(
        category=Category(incident.category or Category.OTHER),
        impact=Impact(incident.impact or Impact.NONE),
        personal_data=TriState(incident.personal_data or TriState.UNKNOWN),
    )
    hint = triage_hint(facts)
    if hint.potentially_significant:
        head = t(language, "Triage hint: potentially significant (Art. 23(3) NIS2).")
    else:
        head = t(language, "Triage hint: no sign of a significant incident yet.")
    lines = [markup("<b>{head}</b>", head=head)]
    lines += [markup("• {text}", text=text) for text in hint.reason_texts(language)]
    questions = hint.question_texts(language)
    if questions:
        lines.append(markup("{text}", text=t(language, "Find out before deciding:")))
        lines += [markup("• {text}", text=text) for text in questions]
    if hint.gdpr_check:
        lines.append(
            markup(
                "{text}",
                text=t(
                    language,
                    "Personal data may be involved: ask the privacy officer to assess the "
                    "72-hour GDPR report.",
                ),
            )
        )
    lines.append(
        markup(
            "{text}",
            text=t(language, "The ISMT decides; the hint is not the decision."),
        )
    )
    return lines


#: ``incomplete=STOPPED``: the reporter ended the report with /stop (not: stopped answering).
STOPPED = "stopped"


def alert_reply(
    ctx: Context, incident: Incident, *, language: str, reporter: str | None, incomplete: bool | str
) -> Reply:
    org = ctx.org
    if incomplete == STOPPED:
        title = t(
            language,
            "Incomplete incident report {reference}: the reporter ended the report with /stop.",
            reference=incident.reference,
        )
    elif incomplete:
        title = t(
            language,
            "Incomplete incident report {reference}: the reporter stopped answering.",
            reference=incident.reference,
        )
    else:
        title = t(language, "New incident report {reference}", reference=incident.reference)
    deadlines = service.refresh_deadlines(ctx.session, org, incident, ctx.now, ctx.settings)
    parts = [markup("🚨 <b>{title}</b>", title=title)]
    parts += fact_lines(language, org, incident, reporter=reporter, short=True)
    parts.append("")
    parts += triage_lines(language, incident)
    parts.append("")
    parts += deadline_sections(
        language,
        org,
        deadlines,
        service.voluntary_guidance(ctx.session, org, incident, ctx.now),
        incident,
        in_scope=organisation_in_scope(org),
    )
    parts.append("")
    parts.append(
        markup(
            "{text}",
            text=t(
                language,
                "Details: /incident {reference}. Decide: choose one of the options below "
                "(its number is fine), or type /incident {reference} significant ja|nee.",
                reference=incident.reference,
            ),
        )
    )
    return Reply("\n".join(parts), decision_choices(incident, language))


def _reporter_name(ctx: Context, incident: Incident) -> str | None:
    if incident.reporter_person_id is None:
        return None
    person = people.person_by_id(
        session=ctx.session, organisation_id=ctx.org.id, person_id=incident.reporter_person_id
    )
    return person.name if person else None


@dataclass
class AlertOutcome:
    """Who the alert really went to (queued in the outbox), for the reporter's reply."""

    rooms: int = 0
    people: list[tuple[int, str, str]] = field(default_factory=list)  # (id, name, role value)

    @property
    def delivered(self) -> bool:
        return self.rooms > 0 or bool(self.people)

    @property
    def destinations(self) -> int:
        return self.rooms + len(self.people)


def alert_ismt(ctx: Context, incident: Incident, *, incomplete: bool | str = False) -> AlertOutcome:
    """Queue the alert and mark the incident as passed on; returns who it went to.

    Nobody reachable (no ISMT room, no coordinator or ISMT member with a private chat): the alert
    is *pending* (``alert_pending_since``) and ``pending.flush_pending_alerts`` sends it once as
    soon as a room is linked or someone becomes reachable. The operator sees it in ``nis2bot org
    list`` and the log, the coordinator gets it the moment they are reachable.
    """
    org = ctx.org
    name = _reporter_name(ctx, incident)
    room_name = None if incident.anonymous else name
    stage = "incomplete" if incomplete else ("completed" if incident.alerted_at else "new")
    key = f"incident-alert:{incident.id}:{stage}"
    outcome = AlertOutcome()
    ismt_rooms = rooms.rooms_for(
        session=ctx.session, organisation_id=org.id, purpose=RoomPurpose.ISMT.value
    )
    if ismt_rooms:
        reply = alert_reply(
            ctx, incident, language=ROOM_LANGUAGE, reporter=room_name, incomplete=incomplete
        )
        outcome.rooms = ctx.send_to_rooms(RoomPurpose.ISMT.value, reply, key)
    coordinators = people.list_people(
        session=ctx.session, organisation_id=org.id, role=Role.COORDINATOR.value
    )
    # Privately to the coordinators: the alert itself when there is no ISMT room, or (anonymous
    # report) the name the room did not get.
    if not ismt_rooms or (incident.anonymous and name):
        for person in coordinators:
            language = normalise_language(person.language)
            reply = alert_reply(
                ctx, incident, language=language, reporter=name, incomplete=incomplete
            )
            if ctx.send_to_person(person.id, reply, key):  # type: ignore[arg-type]
                outcome.people.append((person.id, person.name, person.role))  # type: ignore[arg-type]
    if not outcome.delivered:
        # No room, no reachable coordinator: the ISMT members themselves.
        for person in people.list_people(
            session=ctx.session, organisation_id=org.id, role=Role.ISMT.value
        ):
            reply = alert_reply(
                ctx,
                incident,
                language=normalise_language(person.language),
                reporter=room_name,
                incomplete=incomplete,
            )
            if ctx.send_to_person(person.id, reply, key):  # type: ignore[arg-type]
                outcome.people.append((person.id, person.name, person.role))  # type: ignore[arg-type]
    waited_since = incident.alert_pending_since
    if outcome.delivered:
        incident.alert_pending_since = None
    elif incident.alert_pending_since is None:
        log.error(
            "organisation %s, incident %s: nobody to alert (no ISMT room, no reachable coordinator "
            "or ISMT member); the alert is pending until someone is reachable",
            org.slug,
            incident.reference,
        )
        ctx.audit("incident.alert_undeliverable", incident=incident.reference)
        incident.alert_pending_since = ctx.now
    if incident.alerted_at is None:
        incident.alerted_at = ctx.now
    store.save_incident(session=ctx.session, incident=incident, now=ctx.now)
    store.add_event(
        session=ctx.session,
        incident=incident,
        kind="alerted" if outcome.delivered else "alert_pending",
        at=ctx.now,
        detail={
            "destinations": outcome.destinations,
            "stage": stage,
            **({"waited_since": waited_since.isoformat()} if waited_since else {}),
        },
    )
    return outcome
