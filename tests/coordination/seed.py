"""Seeded facts with hand-counted figures (the expected numbers are written out in the tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from handlers.coordination.facts import (
    AuditFact,
    CollegeFact,
    DeadlineFact,
    FindingFact,
    IncidentFact,
    OrgFacts,
    TrainingFact,
    UnansweredCount,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


AS_OF = utc(2026, 10, 1, 7, 0)  # 09:00 in Amsterdam on the first working day of Q4

INCIDENTS = (
    IncidentFact(
        "INC-A",
        "phishing",
        utc(2026, 7, 10, 10),
        True,
        "closed",
        (
            DeadlineFact("early_warning", utc(2026, 7, 11, 10), utc(2026, 7, 11, 8)),  # met
            DeadlineFact(
                "notification", utc(2026, 7, 13, 10), utc(2026, 7, 14, 9)
            ),  # missed (late)
            DeadlineFact("final", utc(2026, 8, 14, 9), utc(2026, 8, 10, 9)),  # met
        ),
        title="Phishing mail bij Burgerzaken",
        decisions=("Wachtwoorden gereset",),
    ),
    IncidentFact(
        "INC-B",
        "data_leak",
        utc(2026, 8, 5, 12),
        False,
        "closed",
        (DeadlineFact("gdpr", utc(2026, 8, 8, 12), utc(2026, 8, 7, 12)),),  # met, a GDPR report
    ),
    IncidentFact(  # 23:30 local on 30 September: still Q3
        "INC-C",
        "malware_ransomware",
        utc(2026, 9, 30, 21, 30),
        True,
        "handling",
        (
            DeadlineFact("early_warning", utc(2026, 10, 1, 21, 30)),  # open
            DeadlineFact("notification", utc(2026, 10, 3, 21, 30)),  # open
        ),
    ),
    IncidentFact("INC-D", "phishing", utc(2026, 9, 30, 22, 30), None, "new"),  # 00:30 local: Q4
    IncidentFact("INC-E", "phishing", utc(2026, 6, 15, 9), True, "closed"),  # Q2
    IncidentFact("INC-F", "outage", utc(2026, 4, 2, 9), False, "closed"),  # Q2
    IncidentFact(
        "INC-G",
        "phishing",
        utc(2026, 7, 20, 8),
        None,
        "triage",
        (DeadlineFact("early_warning", utc(2026, 7, 21, 8)),),  # missed: never sent
    ),
)

TRAINING = (
    TrainingFact(1, "P1", "Burgerzaken", "employee", date(2025, 1, 1), (date(2026, 5, 1),)),
    TrainingFact(2, "P2", "Burgerzaken", "employee", date(2025, 1, 1), (date(2026, 3, 15),)),
    TrainingFact(3, "P3", "ICT", "it", date(2026, 9, 15)),
    TrainingFact(4, "P4", "ICT", "it", date(2025, 1, 1), (date(2026, 3, 31),)),
    TrainingFact(5, "P5", None, "employee", date(2026, 10, 5)),
    TrainingFact(
        6, "P6", " ICT ", "employee", date(2025, 1, 1), (date(2025, 6, 1), date(2026, 10, 2))
    ),
)

COLLEGE = (
    CollegeFact(11, "Burgemeester Jansen", "mayor", date(2028, 8, 15), date(2026, 9, 1)),
    CollegeFact(12, "Wethouder de Vries", "alderman", date(2026, 12, 1)),
    CollegeFact(13, "Wethouder Bakker", "alderman", date(2026, 9, 1)),
    CollegeFact(14, "Wethouder Smit", "alderman", date(2028, 8, 15)),
)

F1 = FindingFact(1, "MFA ontbreekt op VPN", "Jan", date(2026, 9, 1), "open", "high")
F2 = FindingFact(2, "Back-up niet getest", "Els", date(2026, 12, 1), "open")
F3 = FindingFact(3, "Oude accounts", "Jan", date(2026, 8, 30), "done", closed_on=date(2026, 8, 29))
AUDITS = (
    AuditFact(
        1,
        "pentest",
        date(2026, 8, 1),
        "SecureCo",
        "externe systemen",
        date(2026, 8, 20),
        (F1, F2, F3),
    ),
    AuditFact(2, "audit", date(2026, 11, 15), "Auditbureau", "ENSIA"),
    AuditFact(3, "review", date(2026, 9, 10), "ISMT", "jaarlijkse review"),
)


def org_facts(**changes: object) -> OrgFacts:
    values: dict[str, object] = {
        "organisation": "Gemeente Demo",
        "country": "nl",
        "timezone": "Europe/Amsterdam",
        "incidents": INCIDENTS,
        "training": TRAINING,
        "college": COLLEGE,
        "audits": AUDITS,
        "unanswered": (
            UnansweredCount("Mag ik USB-sticks gebruiken?", 2),
            UnansweredCount("Wat is BIO2?", 5),
        ),
    }
    values.update(changes)
    return OrgFacts(**values)  # type: ignore[arg-type]
