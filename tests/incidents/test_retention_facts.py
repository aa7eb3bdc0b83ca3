"""Retention erases what the ISMT recorded for the reports too (issue 13 added those free texts)."""

from __future__ import annotations

from datetime import timedelta

from storage import incidents, people
from storage.db import unit_of_work
from storage.enums import Role
from storage.incident_models import Incident
from storage.retention import anonymise_closed_incidents
from tests.harness import Harness


def test_recorded_facts_of_old_closed_incidents_are_erased(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.ISMT, org_id=org)
    now = clock()
    with unit_of_work(engine) as s:
        person = people.identity_lookup(session=s, platform="telegram", external_id=sender)[1]  # type: ignore[index]
        incident = incidents.create_incident(
            session=s, organisation_id=org, reporter_person_id=person.id,
            description="Laptop van Jan kwijt", year=2024,
            reference_for=lambda y, n: f"INC-{y}-{n:04d}", now=now,
        )  # fmt: skip
        incident.status, incident.handled_at = "closed", now - timedelta(days=800)
        incident.severity = "laptop van Jan de Vries (wethouder)"
        incident.indicators = "jan.devries@example.org"
        incident.root_cause = "Jan liet hem in de trein liggen"
        incident.measures_applied = incident.measures_ongoing = "Jan gebeld"
        incident.gdpr_details = {"data_categories": "BSN's van 12 inwoners"}
        incident.crisis_by_person_id = person.id
        incident.cross_border = "no"
        incidents.save_incident(session=s, incident=incident, now=now)
        incident_id = incident.id
    with unit_of_work(engine) as s:
        assert (
            anonymise_closed_incidents(
                session=s, organisation_id=org, closed_before=now - timedelta(days=730)
            )
            == 1
        )
    with unit_of_work(engine) as s:
        erased = s.get(Incident, incident_id)
        assert erased is not None
        texts = (erased.severity, erased.indicators, erased.root_cause, erased.measures_applied,
                 erased.measures_ongoing, erased.gdpr_details, erased.crisis_by_person_id)  # fmt: skip
        assert texts == (None,) * 7
        assert erased.cross_border == "no"  # a fact without a person in it stays
