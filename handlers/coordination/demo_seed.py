"""``nis2bot demo seed``: a demo municipality with a realistic year behind it.

Fills only tables that exist, through their owners' query functions: people and rooms (core), the
audit programme (coordination), and, where those features have tables, incidents with their
deadlines and reports (#4) and training records (#6) via ``demo_history``. Deterministic for a given
seed, so two runs on two machines give the same demo.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from handlers.coordination import demo_history
from handlers.coordination.periods import local_date, local_moment
from handlers.people.demo import DEMO_SLUG, ensure_demo_organisation
from storage import coordination, kv, organisations, people, rooms
from storage.enums import Platform, Role, RoomPurpose
from storage.models import Organisation, Person

FIRST = [
    "Anouk",
    "Bram",
    "Daan",
    "Emma",
    "Fleur",
    "Gijs",
    "Hanna",
    "Ilse",
    "Jeroen",
    "Kim",
    "Lars",
    "Lotte",
    "Maarten",
    "Noor",
    "Olaf",
    "Pien",
    "Quinten",
    "Romy",
    "Sanne",
    "Tim",
    "Usha",
    "Vera",
    "Willem",
    "Yara",
    "Zeynep",
    "Mohamed",
    "Fatima",
    "Sem",
    "Julia",
    "Luuk",
]
LAST = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Yılmaz",
    "El Amrani",
]
DEPARTMENTS = (
    "Burgerzaken",
    "Sociaal Domein",
    "Ruimte en Wonen",
    "Financiën",
    "Publiekszaken",
    "Belastingen",
    "Openbare Ruimte",
    "HR",
)


#: (auditor, scope) of the first audit the seed makes, how a seed from before the mark is recognised.
SEEDED_FIRST_AUDIT = ("Auditbureau Van Dam", "ENSIA/BIO2 zelfevaluatie")


class AlreadySeeded(Exception):
    pass


def _organisation(session: Session, slug: str, now: datetime) -> Organisation:
    if slug == DEMO_SLUG:
        return ensure_demo_organisation(session=session, now=now)
    org = organisations.organisation_by_slug(session=session, slug=slug)
    if org is None:
        org = organisations.create_organisation(
            session=session,
            slug=slug,
            name=f"Gemeente {slug.replace('-', ' ').title()}",
            country="nl",
            timezone="Europe/Amsterdam",
            now=now,
        )
    for purpose in (RoomPurpose.COUNCIL, RoomPurpose.ISMT):
        rooms.link_room(
            session=session,
            organisation_id=org.id,  # type: ignore[arg-type]
            purpose=purpose.value,
            platform=Platform.CONSOLE.value,
            chat_id=f"#{purpose.value}-{slug}",
            now=now,
        )
    return org


def _people(
    session: Session, org: Organisation, count: int, rng: random.Random, now: datetime
) -> list[Person]:
    fixed = [
        (Role.COORDINATOR, "ICT"),
        (Role.MAYOR, None),
        *[(Role.ALDERMAN, None)] * 4,
        (Role.SECRETARY, "Directie"),
        *[(Role.ISMT, "ISMT")] * 5,
        *[(Role.IT, "ICT")] * 6,
        *[(Role.COUNCIL_MEMBER, None)] * 15,
    ]
    made = []
    start = now - timedelta(days=3 * 365)
    for index in range(max(count, len(fixed))):
        role, department = (
            fixed[index] if index < len(fixed) else (Role.EMPLOYEE, rng.choice(DEPARTMENTS))
        )
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        appointed = start + timedelta(days=rng.randrange(0, 3 * 365 - 30))
        if role in (Role.MAYOR, Role.ALDERMAN):
            appointed = datetime(2026, 6, 1, 8, tzinfo=now.tzinfo) - timedelta(
                days=rng.randrange(0, 1500)
            )
        made.append(
            people.create_person(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                name=name,
                role=role.value,
                department=department,
                now=appointed,
                appointed_at=appointed if role in (Role.MAYOR, Role.ALDERMAN) else None,
            )
        )
    return made


def _audits(
    session: Session, org: Organisation, staff: list[Person], now: datetime
) -> tuple[int, int]:
    tz = org.timezone
    today = local_date(now, tz)

    def at(day: date) -> datetime:
        return local_moment(day, time(9, 0), tz)

    owners = [p for p in staff if p.role in (Role.IT.value, Role.ISMT.value)]
    year = today.year
    programme = [
        ("audit", date(year, 3, 12), *SEEDED_FIRST_AUDIT, True),
        ("pentest", date(year, 6, 3), "SecureCo", "externe webdiensten en VPN", True),
        ("pentest", date(year, 9, 22), "RedTeam NL", "werkplekken en Active Directory", True),
        ("review", date(year + 1, 1, 20), "ISMT", f"jaarlijkse veiligheidsreview {year}", False),
        ("audit", date(year + 1, 3, 10), "Auditbureau", f"ENSIA {year + 1}", False),
    ]
    findings = {
        1: [("Logging van beheeraccounts onvolledig", 60, "medium", True)],
        2: [
            ("MFA ontbreekt op het VPN-beheerportaal", 30, "high", True),
            ("Verouderde TLS-configuratie op de website", 45, "medium", False),
        ],
        3: [
            ("Lokale beheerrechten op werkplekken", 40, "high", False),
            ("Back-up van de zaaksystemen niet getest", 75, "high", False),
            ("Wachtwoordbeleid wijkt af van BIO2", 120, "low", False),
        ],
    }
    made_audits = made_findings = 0
    for number, (kind, day, auditor, scope, done) in enumerate(programme, start=1):
        if day > today and done:
            continue
        audit = coordination.create_audit(
            session=session,
            organisation_id=org.id,  # type: ignore[arg-type]
            kind=kind,
            planned_at=at(day),
            auditor=auditor,
            scope=scope,
            now=now,
            done_at=at(day + timedelta(days=2)) if done else None,
        )
        made_audits += 1
        for index, (title, days, severity, closed) in enumerate(findings.get(number, [])):
            finding = coordination.create_finding(
                session=session,
                audit=audit,
                title=title,
                now=now,
                owner_person_id=owners[(number + index) % len(owners)].id if owners else None,
                due_at=at(day + timedelta(days=days)),
                severity=severity,
            )
            if closed:
                coordination.close_finding(
                    session=session, finding=finding, now=at(day + timedelta(days=days - 5))
                )
            made_findings += 1
    return made_audits, made_findings


def _marker(org: Organisation) -> str:
    return f"demo-seeded:{org.id}"


def _seeded_before(session: Session, org: Organisation) -> bool:
    """Seeded already: the seed's own mark, or (a database seeded before the mark existed) one of
    the seed's own audits. Audits the user entered themself do not count: trying the demo after
    typing an audit of your own must still work."""
    if kv.get_value(session=session, key=_marker(org)) is not None:
        return True
    audits = coordination.list_audits(session=session, organisation_id=org.id)  # type: ignore[arg-type]
    return any((a.auditor, a.scope) == SEEDED_FIRST_AUDIT for a in audits)


def seed_demo(
    *, session: Session, slug: str, now: datetime, people_count: int = 120, random_seed: int = 7
) -> dict[str, int]:
    org = _organisation(session, slug, now)
    if _seeded_before(session, org):
        raise AlreadySeeded(f"organisation '{slug}' has demo data already")
    kv.set_value(session=session, key=_marker(org), value=now.isoformat(), now=now)
    rng = random.Random(random_seed)
    staff = _people(session, org, people_count, rng, now)
    audits, findings = _audits(session, org, staff, now)
    made = {"people": len(staff), "audits": audits, "findings": findings}
    made.update(
        demo_history.seed_history(session=session, organisation=org, staff=staff, now=now, rng=rng)
    )
    return made
