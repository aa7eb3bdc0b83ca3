"""The incident export (``nis2bot export incidents``): every incident with its timeline, the
decisions, what the ISMT recorded for the reports (start, suspected malice, cross-border effect,
severity, indicators, root cause, measures, GDPR details) and every deadline with its due and sent
time, for auditors and backups.

JSON keeps the structure (one object per incident, lists inside). CSV is one row per incident, for
a spreadsheet: the deadlines as ``<kind>_due``/``<kind>_sent``/``<kind>_state`` columns and the
timeline as one text cell. Times are ISO 8601 in UTC; the organisation's zone is a column.
The export is complete on purpose (it is the record): it includes the reporter's name of an
anonymous report, with the ``anonymous`` flag, because anonymity is towards the ISMT room only.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from handlers import spreadsheet
from handlers.incidents.model import ReportKind
from storage import incidents as store
from storage import people
from storage.db import Session
from storage.models import Organisation

INCIDENT_FIELDS = [
    "reference",
    "status",
    "category",
    "description",
    "noticed_at",
    "aware_at",
    "service",
    "impact",
    "personal_data",
    "ongoing",
    "actions_taken",
    "reporter",
    "anonymous",
    "complete",
    "significant",
    "decided_by",
    "decided_at",
    "handler",
    "handled_at",
    # What the ISMT recorded for the reports (/incident REF vastleggen) and the crisis decision.
    "started_at",
    "suspected_malicious",
    "cross_border",
    "severity",
    "indicators",
    "root_cause",
    "measures_applied",
    "measures_ongoing",
    "crisis_at",
    "crisis_by",
    "created_at",
    "timezone",
]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _state(due: datetime, sent: datetime | None, now: datetime) -> str:
    if sent is not None:
        return "met" if sent <= due else "missed"
    return "missed" if now > due else "open"


def export_incidents(session: Session, org: Organisation, now: datetime) -> list[dict[str, Any]]:
    names: dict[int, str] = {}

    def name(person_id: int | None) -> str | None:
        if person_id is None:
            return None
        if person_id not in names:
            person = people.person_by_id(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                person_id=person_id,
            )
            names[person_id] = person.name if person else f"person:{person_id}"
        return names[person_id]

    rows = []
    found = store.list_incidents(
        session=session,
        organisation_id=org.id,  # type: ignore[arg-type]
        open_only=False,
        complete_or_alerted=False,
    )
    for incident in sorted(found, key=lambda i: (i.year, i.sequence)):
        ids = {"organisation_id": org.id, "incident_id": incident.id}
        deadlines = store.deadlines_of(session=session, **ids)  # type: ignore[arg-type]
        events = store.events_of(session=session, **ids)  # type: ignore[arg-type]
        reports = store.reports_of(session=session, **ids)  # type: ignore[arg-type]
        gdpr = store.gdpr_assessment_of(session=session, **ids)  # type: ignore[arg-type]
        rows.append(
            {
                "reference": incident.reference,
                "status": incident.status,
                "category": incident.category,
                "description": incident.description,
                "noticed_at": _iso(incident.noticed_at),
                "aware_at": _iso(incident.aware_at),
                "service": incident.service,
                "impact": incident.impact,
                "personal_data": incident.personal_data,
                "ongoing": incident.ongoing,
                "actions_taken": incident.actions_taken,
                "reporter": name(incident.reporter_person_id),
                "anonymous": incident.anonymous,
                "complete": incident.complete,
                "significant": incident.significant,
                "decided_by": name(incident.decided_by_person_id),
                "decided_at": _iso(incident.decided_at),
                "handler": name(incident.handler_person_id),
                "handled_at": _iso(incident.handled_at),
                "started_at": _iso(incident.started_at),
                "suspected_malicious": incident.suspected_malicious,
                "cross_border": incident.cross_border,
                "severity": incident.severity,
                "indicators": incident.indicators,
                "root_cause": incident.root_cause,
                "measures_applied": incident.measures_applied,
                "measures_ongoing": incident.measures_ongoing,
                "crisis_at": _iso(incident.crisis_at),
                "crisis_by": name(incident.crisis_by_person_id),
                "gdpr_details": dict(incident.gdpr_details or {}),
                "created_at": _iso(incident.created_at),
                "timezone": org.timezone,
                "deadlines": [
                    {
                        "kind": d.kind,
                        "due_at": _iso(d.due_at),
                        "sent_at": _iso(d.sent_at),
                        "sent_by": name(d.sent_by_person_id),
                        "provisional": d.provisional,
                        "state": _state(d.due_at, d.sent_at, now),
                        "recipients": d.recipients,
                        "basis": d.basis,
                    }
                    for d in deadlines
                ],
                "reports_sent": [
                    {
                        "kind": r.kind,
                        "sent_at": _iso(r.sent_at),
                        "sent_by": name(r.sent_by_person_id),
                    }
                    for r in sorted(reports.values(), key=lambda r: r.sent_at)
                ],
                "gdpr_no_risk": (
                    {
                        "reason": gdpr.reason,
                        "decided_by": name(gdpr.decided_by_person_id),
                        "decided_at": _iso(gdpr.decided_at),
                    }
                    if gdpr is not None
                    else None
                ),
                "timeline": [
                    {
                        "at": _iso(e.at),
                        "kind": e.kind,
                        "by": name(e.actor_person_id) if e.actor_person_id else e.actor,
                        "text": e.text,
                        "detail": e.detail,
                    }
                    for e in events
                ],
            }
        )
    return rows


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: list[dict[str, Any]]) -> str:
    deadline_columns = [
        f"{kind.value}_{part}" for kind in ReportKind for part in ("due", "sent", "state")
    ]
    columns = [*INCIDENT_FIELDS, *deadline_columns, "gdpr_details", "gdpr_no_risk", "timeline"]
    flats = []
    for row in rows:
        flat: dict[str, Any] = {field: row[field] for field in INCIDENT_FIELDS}
        for deadline in row["deadlines"]:
            flat[f"{deadline['kind']}_due"] = deadline["due_at"]
            flat[f"{deadline['kind']}_sent"] = deadline["sent_at"]
            flat[f"{deadline['kind']}_state"] = deadline["state"]
        flat["gdpr_details"] = "\n".join(
            f"{key}: {value}" for key, value in sorted(row["gdpr_details"].items())
        )
        gdpr = row["gdpr_no_risk"]
        flat["gdpr_no_risk"] = (
            f"{gdpr['decided_at']} {gdpr['decided_by']}: {gdpr['reason']}" if gdpr else ""
        )
        flat["timeline"] = "\n".join(
            f"{e['at']} {e['kind']} {e['by'] or ''}: {e['text']}".rstrip(": ")
            for e in row["timeline"]
        )
        flats.append(flat)
    return spreadsheet.to_csv(columns, flats)  # what people typed never runs as a formula
