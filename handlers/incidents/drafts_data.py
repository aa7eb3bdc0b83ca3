"""The drafts for the authorities, filled from a stored incident (see ``drafts`` for the content)."""

from __future__ import annotations

import logging

from handlers.context import Context
from handlers.incidents.authorities import (
    AuthoritySettings,
    authorities_from_settings,
    default_authorities,
)
from handlers.incidents.contacts import organisation_contacts
from handlers.incidents.drafts import (
    Contact,
    GdprDetails,
    IncidentDraftData,
    render_draft,
    start_shown,
)
from handlers.incidents.facts import GDPR_KEYS
from handlers.incidents.model import Category, Impact, ReportKind, TriState
from handlers.people.roles import role_label
from storage import incidents as store
from storage import people
from storage.enums import Country
from storage.incident_models import Incident
from storage.models import Organisation

log = logging.getLogger(__name__)


def organisation_authorities(org: Organisation) -> AuthoritySettings:
    """The organisation's CSIRT, authorities and help lines (its settings over the defaults). A
    broken setting must not block a report: the defaults are used and the operator is warned."""
    try:
        return authorities_from_settings(org.country, org.settings)
    except ValueError as error:
        log.warning("organisation %s: authorities setting ignored: %s", org.slug, error)
        return default_authorities(org.country)


def draft_data(ctx: Context, incident: Incident) -> IncidentDraftData:
    org = ctx.org
    reports = store.reports_of(
        session=ctx.session,
        organisation_id=org.id,  # type: ignore[arg-type]
        incident_id=incident.id,  # type: ignore[arg-type]
    )
    responsible = ctx.me
    if incident.handler_person_id is not None:
        responsible = (
            people.person_by_id(
                session=ctx.session, organisation_id=org.id, person_id=incident.handler_person_id
            )
            or ctx.me
        )
    aware_at = incident.aware_at or incident.created_at
    # Only a start time the ISMT recorded, and never one after the awareness time (the noticed
    # time is *when someone saw it*, not when it began).
    started = start_shown(incident.started_at, aware_at)
    details = incident.gdpr_details or {}
    contacts = organisation_contacts(org)
    authorities = organisation_authorities(org)
    return IncidentDraftData(
        reference=incident.reference,
        organisation=org.name,
        country=Country(org.country),
        timezone=org.timezone,
        category=Category(incident.category or Category.OTHER),
        aware_at=aware_at,
        summary=incident.description,
        occurred_at=started,
        impact=Impact(incident.impact) if incident.impact else None,
        affected_services=incident.service or "",
        suspected_malicious=TriState(incident.suspected_malicious or TriState.UNKNOWN),
        cross_border=TriState(incident.cross_border or TriState.UNKNOWN),
        severity_assessment=incident.severity or "",
        indicators_of_compromise=incident.indicators or "",
        threat_or_root_cause=incident.root_cause or "",
        mitigation_applied=incident.measures_applied or incident.actions_taken or "",
        mitigation_ongoing=incident.measures_ongoing or "",
        handled_at=incident.handled_at,
        contact=Contact(
            name=responsible.name,
            role=role_label(responsible.role, ctx.language, ctx.country),
            # The organisation's 24/7 incident number: where the CSIRT reaches the ISMT.
            phone=contacts.emergency,
            email=responsible.email or "",
        ),
        sent={ReportKind(kind): report.sent_at for kind, report in reports.items()},
        personal_data=TriState(incident.personal_data or TriState.UNKNOWN),
        gdpr=GdprDetails(
            **{key: str(details.get(key) or "") for key in GDPR_KEYS},
            dpo=Contact(name=contacts.privacy_officer) if contacts.privacy_officer else None,
        ),
        authorities=authorities,
        voluntary=not authorities.nis2_mandatory,
    )


def draft_for(ctx: Context, incident: Incident, kind: ReportKind) -> str:
    """The draft in neutral markup; the templates put the 'DRAFT, paste into the portal' header."""
    body = render_draft(kind, draft_data(ctx, incident), ctx.language)
    ctx.audit("incident.draft", incident=incident.reference, kind=kind.value)
    return body
