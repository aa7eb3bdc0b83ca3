"""Drafts of the reports to the authorities, built from the incident's fields.

The bot never sends anything to an authority: it produces a DRAFT that a person checks, completes
and pastes into the CSIRT portal (NL: MijnNCSC by default), Safeonweb@work (BE) or the data
protection authority's form. Every draft says so at the top. Missing fields show a visible
placeholder instead of disappearing, so an incomplete draft looks incomplete.

Content per report (shared/nis2/facts.md §5, §8, §9e):

- early warning (Art. 23(4)(a); Cbw art. 26): suspected unlawful or malicious cause; possible
  cross-border impact; NL adds the contact details of the official responsible for the report.
- notification (Art. 23(4)(b); Cbw art. 27): update of the early warning, initial assessment
  (severity, impact), indicators of compromise where available, cross-border impact.
- intermediate (Art. 23(4)(c); Cbw art. 28): the status updates the CSIRT asked for.
- progress (Art. 23(4)(e); Cbw art. 29): status while ongoing; final report one month after
  handling.
- final (Art. 23(4)(d); Cbw art. 29): detailed description incl. severity and impact; type of threat
  or root cause; applied and ongoing mitigation; cross-border impact.
- GDPR (Art. 33(3)-(4)): nature of the breach with categories and approximate numbers of people and
  records; DPO contact; likely consequences; measures; reasons if later than 72 hours; in phases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.i18n import N_, t
from handlers.incidents.authorities import AuthoritySettings, default_authorities
from handlers.incidents.clocks import GDPR_HOURS
from handlers.incidents.facts import FIELDS, FactField
from handlers.incidents.model import Category, Impact, ReportKind, TriState
from handlers.incidents.timeutil import add_hours, format_local, zone
from handlers.render import render
from storage.enums import Country

NOT_YET_KNOWN = N_("Not yet known")
BE_LAW = N_("Belgian NIS2 law of 26 April 2024")
MISSING = N_("[to be completed]")
TEMPLATES: dict[ReportKind, str] = {kind: f"incidents/draft_{kind}.j2" for kind in ReportKind}


@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class GdprDetails:
    """GDPR art. 33(3): what the privacy officer fills in (free text, as precise as known)."""

    nature: str = ""  # what happened to the data: read, copied, changed, lost, destroyed
    data_categories: str = ""  # e.g. names, addresses, BSN, health data
    subjects_approx: str = ""  # approximate number of people, free text ("about 120")
    records_approx: str = ""
    consequences: str = ""
    measures: str = ""  # taken or proposed, including to mitigate adverse effects
    subjects_informed: TriState = TriState.UNKNOWN  # Art. 34, high risk
    delay_reason: str = ""  # required when later than 72 hours (Art. 33(1))
    dpo: Contact | None = None


@dataclass(frozen=True)
class IncidentDraftData:
    reference: str
    organisation: str
    country: Country
    timezone: str
    category: Category
    aware_at: datetime
    summary: str = ""  # what happened, in a few sentences
    occurred_at: datetime | None = None  # when it started, if known
    impact: Impact | None = None
    affected_services: str = ""
    suspected_malicious: TriState = TriState.UNKNOWN
    cross_border: TriState = TriState.UNKNOWN
    severity_assessment: str = ""  # initial assessment of severity and impact
    indicators_of_compromise: str = ""
    threat_or_root_cause: str = ""
    mitigation_applied: str = ""
    mitigation_ongoing: str = ""
    status_update: str = ""  # for the intermediate and progress reports
    intermediate_request: str = ""  # what the CSIRT asked for
    expected_handled: str = ""  # progress report: when the incident is expected to be handled
    handled_at: datetime | None = None
    contact: Contact | None = None  # the official responsible for the report (Cbw art. 26)
    sent: Mapping[ReportKind, datetime] = field(default_factory=dict)  # earlier reports
    personal_data: TriState = TriState.UNKNOWN
    gdpr: GdprDetails | None = None
    authorities: AuthoritySettings | None = None  # None: the country's defaults
    voluntary: bool = False  # outside the national NIS2 law: a voluntary report (Art. 30)


#: IncidentDraftData attribute of each recorded fact (``facts.FIELDS``).
_DRAFT_ATTRIBUTE = {
    "started_at": "occurred_at",
    "suspected_malicious": "suspected_malicious",
    "cross_border": "cross_border",
    "severity": "severity_assessment",
    "indicators": "indicators_of_compromise",
    "root_cause": "threat_or_root_cause",
    "measures_applied": "mitigation_applied",
    "measures_ongoing": "mitigation_ongoing",
}


def start_shown(started_at: datetime | None, aware_at: datetime) -> datetime | None:
    """The start time a draft may show: only a recorded one, and never after the awareness time
    (an awareness correction can move awareness before a recorded start: then it is unknown)."""
    if started_at is None or started_at > aware_at:
        return None
    return started_at


def missing_facts(kind: ReportKind, data: IncidentDraftData) -> list[FactField]:
    """The facts report ``kind`` asks for that are not known yet (shown, never invented)."""
    gdpr = data.gdpr or GdprDetails()
    missing = []
    for fact in FIELDS:
        if ReportKind(kind) not in fact.reports:
            continue
        if fact.name.startswith("gdpr."):
            value: object = getattr(gdpr, fact.name.split(".", 1)[1])
        else:
            value = getattr(data, _DRAFT_ATTRIBUTE[fact.name])
        if value in (None, "", TriState.UNKNOWN):
            missing.append(fact)
    return missing


def _when(moment: datetime | None, timezone: str) -> str:
    return format_local(moment, zone(timezone)) if moment is not None else ""


def draft_context(kind: ReportKind, data: IncidentDraftData, language: str) -> dict[str, Any]:
    """Everything the templates need, already translated and formatted (the templates stay dumb)."""
    authorities = data.authorities or default_authorities(data.country)
    kind = ReportKind(kind)
    is_gdpr = kind == ReportKind.GDPR
    target = authorities.gdpr if is_gdpr else authorities.nis2_portal
    recipients = [authorities.gdpr] if is_gdpr else list(authorities.nis2)
    gdpr = data.gdpr or GdprDetails()
    gdpr_due = add_hours(data.aware_at, GDPR_HOURS)

    def tri(value: TriState) -> str:
        # Not the reporter's "Don't know yet" button label: this text goes to an authority.
        if TriState(value) == TriState.UNKNOWN:
            return t(language, NOT_YET_KNOWN)
        return TriState(value).label(language)

    missing = missing_facts(kind, data)
    return {
        "d": data,
        "voluntary": data.voluntary and not is_gdpr,
        "be_law": t(language, BE_LAW),
        "support": [] if is_gdpr else list(authorities.support),
        "missing_fields": ", ".join(f"{t(language, f.label)} ({f.word})" for f in missing),
        "kind_label": kind.label(language),
        "is_nl": Country(data.country) == Country.NL,
        "target": target,
        "recipients": [
            {
                "label": a.key.label(language) if a.key else "",
                "name": a.name,
                "note": t(language, a.note) if a.note else "",
            }
            for a in recipients
        ],
        "category": Category(data.category).label(language),
        "impact": Impact(data.impact).label(language) if data.impact else "",
        "suspected_malicious": tri(data.suspected_malicious),
        "cross_border": tri(data.cross_border),
        "personal_data": tri(data.personal_data),
        "aware_at": _when(data.aware_at, data.timezone),
        "occurred_at": _when(data.occurred_at, data.timezone),
        "handled_at": _when(data.handled_at, data.timezone),
        # Every kind present ("" if not sent): StrictUndefined refuses a missing key in an {% if %}.
        "sent": {k.value: _when(data.sent.get(k), data.timezone) for k in ReportKind},
        "gdpr": gdpr,
        "gdpr_due": _when(gdpr_due, data.timezone),
        "subjects_informed": tri(gdpr.subjects_informed),
        "missing": t(language, MISSING),
    }


def render_draft(kind: ReportKind, data: IncidentDraftData, language: str) -> str:
    """The draft of report ``kind`` in neutral markup (see handlers.reply), in ``language``."""
    return render(language, TEMPLATES[ReportKind(kind)], **draft_context(kind, data, language))
