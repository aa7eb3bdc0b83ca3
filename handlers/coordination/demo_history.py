"""The demo's incidents and training history, written through the incident and training features'
own functions (``handlers.incidents.service``, ``storage.incidents``, ``storage.training``), so the
derived deadlines are the real ones the incident feature computes.

Realistic for a municipality of a few hundred staff: about five incidents a month (mostly phishing),
one in twelve significant, a few late reports; training roughly every six months with some people
slipping; part of the college certified under Cbw art. 24.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers.incidents import service as incident_service
from storage import incidents, training
from storage.enums import Role
from storage.models import Organisation, Person
from storage.training_models import TrainingMethod

DESCRIPTIONS = {
    "phishing": [
        "Mail van 'de bank' met een link naar een inlogpagina; op geklikt maar niets ingevuld.",
        "Valse factuur van een leverancier met een Office-bijlage ontvangen.",
        "Collega meldt een mail namens de burgemeester met een verzoek om cadeaubonnen.",
    ],
    "malware_ransomware": ["Virusscanner meldt malware op een werkplek bij Belastingen."],
    "lost_stolen_device": [
        "Laptop laten liggen in de trein.",
        "Telefoon met zakelijke mail gestolen uit de auto.",
    ],
    "data_leak": [
        "Besluit met BSN naar de verkeerde inwoner gemaild.",
        "Bijlage met gegevens van cliënten per ongeluk gedeeld via een openbare link.",
    ],
    "account_takeover": ["Inlogpoging vanuit het buitenland op een beheeraccount."],
    "outage": ["Zaaksysteem twee uur niet bereikbaar door storing bij de leverancier."],
    "suspicious_contact": ["Onbekende belt namens 'de ICT-afdeling' en vraagt om een code."],
    "other": ["USB-stick gevonden in de raadzaal."],
}
WEIGHTS = {
    "phishing": 40,
    "malware_ransomware": 5,
    "lost_stolen_device": 12,
    "data_leak": 15,
    "account_takeover": 6,
    "outage": 8,
    "suspicious_contact": 9,
    "other": 5,
}


def seed_history(
    *,
    session: Session,
    organisation: Organisation,
    staff: list[Person],
    now: datetime,
    rng: random.Random,
    months: int = 15,
    per_month: float = 5.0,
) -> dict[str, int]:
    return {
        "incidents": _incidents(session, organisation, staff, now, rng, months, per_month),
        "training_records": _training(session, organisation, staff, now, rng),
    }


def _incidents(
    session: Session,
    org: Organisation,
    staff: list[Person],
    now: datetime,
    rng: random.Random,
    months: int,
    per_month: float,
) -> int:
    start = now - timedelta(days=30 * months)
    count = int(months * per_month)
    moments = sorted(
        start + timedelta(seconds=rng.random() * (now - start).total_seconds())
        for _ in range(count)
    )
    categories, weights = list(WEIGHTS), list(WEIGHTS.values())
    for aware in moments:
        category = rng.choices(categories, weights)[0]
        reporter = rng.choice(staff)
        incident = incident_service.new_incident(
            session,
            org,
            reporter_person_id=reporter.id,
            description=rng.choice(DESCRIPTIONS[category]),
            now=aware,
        )
        age = now - aware
        significant = (
            category in ("malware_ransomware", "data_leak", "outage") and rng.random() < 0.35
        )
        personal = category in ("data_leak", "lost_stolen_device") and rng.random() < 0.7
        incident.category = category
        incident.aware_at = aware
        incident.noticed_at = aware - timedelta(minutes=rng.randrange(5, 240))
        incident.impact = "severe" if significant else rng.choice(("none", "partial"))
        incident.personal_data = "yes" if personal else "no"
        incident.ongoing = "no"
        incident.complete = True
        incident.alerted_at = aware + timedelta(minutes=rng.randrange(1, 30))
        if age > timedelta(days=2):
            incident.significant = significant
            incident.decided_at = aware + timedelta(hours=rng.randrange(1, 20))
        if age > timedelta(days=45):
            incident.status, incident.handled_at = (
                "closed",
                aware + timedelta(days=rng.randrange(3, 40)),
            )
        else:
            incident.status = rng.choice(("triage", "handling", "reported", "closed"))
            if incident.status == "closed":
                incident.handled_at = min(aware + timedelta(days=3), now)
        incidents.save_incident(session=session, incident=incident, now=aware)
        _reports(session, incident, aware, now, significant, personal, rng)
        incident_service.refresh_deadlines(session, org, incident, now)
    return count


def _reports(
    session: Session,
    incident,  # type: ignore[no-untyped-def]
    aware: datetime,
    now: datetime,
    significant: bool,
    personal: bool,
    rng: random.Random,
) -> None:
    def send(kind: str, at: datetime) -> None:
        if at <= now:
            incidents.record_report(
                session=session, incident=incident, kind=kind, sent_at=at, sent_by_person_id=None
            )

    if significant:
        late = rng.random() < 0.15  # one in seven significant incidents reported late
        send(
            "early_warning",
            aware + timedelta(hours=rng.randrange(26, 40) if late else rng.randrange(2, 20)),
        )
        notification = aware + timedelta(
            hours=rng.randrange(74, 90) if late else rng.randrange(30, 70)
        )
        send("notification", notification)
        if incident.status == "closed":
            send("final", notification + timedelta(days=rng.randrange(14, 29)))
    if personal:
        send("gdpr", aware + timedelta(hours=rng.randrange(10, 90)))


def _training(
    session: Session, org: Organisation, staff: list[Person], now: datetime, rng: random.Random
) -> int:
    made = 0
    for person in staff:
        if person.role == Role.COUNCIL_MEMBER.value and rng.random() < 0.5:
            continue  # half of the council never took the staff training
        day = person.created_at + timedelta(days=rng.randrange(7, 50))
        diligent = rng.random()
        while day < now:
            if rng.random() < 0.55 + 0.4 * diligent:
                training.add_record(
                    session=session,
                    organisation_id=org.id,  # type: ignore[arg-type]
                    person_id=person.id,  # type: ignore[arg-type]
                    completed_at=day,
                    method=rng.choice((TrainingMethod.QUIZ, TrainingMethod.IMPORT)),
                    now=day,
                )
                made += 1
            day += timedelta(days=rng.randrange(150, 230))
    college = [p for p in staff if p.role in (Role.MAYOR.value, Role.ALDERMAN.value)]
    for member in college[:3]:  # the mayor and two aldermen hold the art. 24 certificate
        training.add_record(
            session=session,
            organisation_id=org.id,  # type: ignore[arg-type]
            person_id=member.id,  # type: ignore[arg-type]
            completed_at=now - timedelta(days=rng.randrange(20, 200)),
            method=TrainingMethod.MANUAL,
            now=now,
            covers_art24=True,
            note="Cbw art. 24 bestuurderstraining",
        )
        made += 1
    return made
