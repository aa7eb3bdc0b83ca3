"""Can this organisation be alerted? What a new organisation still has to set up before anyone
reports an incident: shown by ``nis2bot org add`` / ``org status`` and warned about in /status."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from handlers.i18n import t
from handlers.incidents.contacts import organisation_contacts
from handlers.reply import markup
from storage import incidents as store
from storage import people, rooms
from storage.db import Session
from storage.enums import Country, Role, RoomPurpose
from storage.models import Organisation


@dataclass(frozen=True)
class Readiness:
    ismt_rooms: int
    coordinators: int
    coordinators_reachable: int
    ismt_members: int
    ismt_reachable: int
    contacts_missing: tuple[str, ...]
    pending_alerts: tuple[str, ...] = field(default=())  # references whose alert reached nobody

    @property
    def can_alert(self) -> bool:
        """Would an incident alert reach someone now (the same order as ``alerts.alert_ismt``)?"""
        return bool(self.ismt_rooms or self.coordinators_reachable or self.ismt_reachable)


def readiness(session: Session, org: Organisation) -> Readiness:
    org_id: int = org.id  # type: ignore[assignment]
    chats = people.private_chat_map(session=session, organisation_id=org_id)

    def counts(role: Role) -> tuple[int, int]:
        found = people.list_people(session=session, organisation_id=org_id, role=role.value)
        return len(found), sum(1 for p in found if p.id in chats)

    coordinators, coordinators_reachable = counts(Role.COORDINATOR)
    ismt, ismt_reachable = counts(Role.ISMT)
    return Readiness(
        ismt_rooms=len(
            rooms.rooms_for(session=session, organisation_id=org_id, purpose=RoomPurpose.ISMT.value)
        ),
        coordinators=coordinators,
        coordinators_reachable=coordinators_reachable,
        ismt_members=ismt,
        ismt_reachable=ismt_reachable,
        contacts_missing=tuple(organisation_contacts(org).missing()),
        pending_alerts=tuple(
            i.reference for i in store.pending_alerts(session=session, organisation_id=org_id)
        ),
    )


def warning_lines(language: str, state: Readiness) -> list[str]:
    """For /status: what stops an incident alert from arriving, most serious first."""
    lines = []
    if state.pending_alerts:
        lines.append(
            markup(
                "⚠️ <b>{text}</b>",
                text=t(
                    language,
                    "Incident alerts that reached nobody yet: {references}. Link the ISMT room "
                    "(/koppel ismt in that group) so they go out.",
                    references=", ".join(state.pending_alerts),
                ),
            )
        )
    if not state.can_alert:
        lines.append(
            markup(
                "⚠️ <b>{text}</b>",
                text=t(
                    language,
                    "An incident report would reach nobody now: there is no ISMT room and no "
                    "coordinator or ISMT member the bot can write to privately.",
                ),
            )
        )
    elif not state.ismt_rooms:
        lines.append(
            markup(
                "⚠️ {text}",
                text=t(
                    language,
                    "No ISMT room is linked: incident alerts go to people privately. Send "
                    "/koppel ismt in the ISMT's group chat.",
                ),
            )
        )
    if state.contacts_missing:
        lines.append(
            markup(
                "⚠️ {text}",
                text=t(
                    language,
                    "Contacts not set (shown to people who report an incident): {keys}. The "
                    "operator sets them with nis2bot org set … --setting contacts=….",
                    keys=", ".join(state.contacts_missing),
                ),
            )
        )
    return lines


# Example contacts in the country's own number format (a Flemish operator was shown Dutch numbers).
CONTACTS_EXAMPLE = {
    Country.NL: {
        "servicedesk": "Servicedesk 020 123 45 67",
        "emergency": "ISMT on call (24/7) 06 12 34 56 78",
        "privacy_officer": "Privacy officer A. de Vries, 020 123 45 00",
    },
    Country.BE: {
        "servicedesk": "Servicedesk 09 123 45 67",
        "emergency": "ISMT on call (24/7) 0470 12 34 56",
        "privacy_officer": "DPO A. Peeters, 09 123 45 00",
    },
}


def setup_steps(slug: str, country: str, state: Readiness) -> list[str]:
    """For the operator (``nis2bot org add`` and ``org status``, English like the rest of the CLI):
    what this organisation still needs before an incident report reaches someone."""
    steps = []
    if not state.coordinators:
        steps.append(
            f"invite the NIS2 coordinator: nis2bot invite create --org {slug} --role coordinator "
            "(they enrol with the code; incident alerts reach them privately)"
        )
    elif not state.coordinators_reachable:
        steps.append(
            "the coordinator has no private chat with the bot yet: ask them to send the bot a "
            "direct message"
        )
    if not state.ismt_rooms:
        steps.append(
            "link the ISMT room: the coordinator sends /koppel ismt in the ISMT's group chat "
            f"(or: nis2bot room link --org {slug} --purpose ismt --platform ... --id ...)"
        )
    if state.contacts_missing:
        example = json.dumps(CONTACTS_EXAMPLE[Country(country)])
        steps.append(
            f"set the contacts people are told to call ({', '.join(state.contacts_missing)} "
            f"missing): nis2bot org set {slug} --setting 'contacts={example}'"
        )
    if Country(country) == Country.BE:
        steps.append(
            "Belgian local governments are in principle outside the NIS2 law: reports to the CCB "
            "are shown as voluntary (Art. 30). If this organisation is in scope (an Annex I/II "
            f"activity, or identified by the CCB): nis2bot org set {slug} --setting "
            "nis2_in_scope=true"
        )
    return steps
