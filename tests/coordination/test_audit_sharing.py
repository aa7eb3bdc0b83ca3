"""Audit results to the people of the departments concerned (#16 item 4): /audit klaar and
/audit delen through the real pipeline, on SQLite and PostgreSQL, with the injected clock."""

from __future__ import annotations

from sqlmodel import select

from storage import people, rooms
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import AuditLog, OutboxMessage
from tests.conftest import Clock
from tests.coordination.seed import utc
from tests.harness import Harness


def _member(
    bot: Harness,
    org: int,
    name: str,
    department: str | None,
    *,
    role: Role = Role.EMPLOYEE,
    language: str = "nl",
    platform: str | None = "telegram",
) -> str:
    """A person of ``department``; ``platform`` None: never enrolled (no account at all).
    A Matrix account without a direct room is enrolled but has no private chat with the bot."""
    sender = f"{name.split()[0].lower()}-{org}"
    with unit_of_work(bot.engine) as session:
        person = people.create_person(
            session=session,
            organisation_id=org,
            name=name,
            role=role.value,
            department=department,
            language=language,
            now=bot.clock(),
        )
        if platform is not None:
            people.link_identity(
                session=session,
                person=person,
                platform=platform,
                external_id=sender,
                now=bot.clock(),
            )
    return sender


def _ismt_room(bot: Harness, org: int) -> None:
    with unit_of_work(bot.engine) as session:
        rooms.link_room(
            session=session,
            organisation_id=org,
            purpose="ismt",
            platform="telegram",
            chat_id=f"g-ismt-{org}",
            now=bot.clock(),
        )


def _shared_actions(bot: Harness) -> list[dict]:  # type: ignore[type-arg]
    with unit_of_work(bot.engine) as session:
        rows = session.exec(select(AuditLog).where(AuditLog.action == "audit.shared")).all()
        return [dict(r.detail) for r in rows]


def test_results_go_privately_to_the_departments_concerned_once(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 12, 1, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Carla Coördinator")
    _ismt_room(bot, org)
    anna = _member(bot, org, "Anna Burger", "Burgerzaken")
    bob = _member(bot, org, "Bob Citizen", "burgerzaken", language="en")
    _member(bot, org, "Piet Nooit", "Burgerzaken", platform=None)
    _member(bot, org, "Mia Matrix", "Burgerzaken", platform="matrix")
    jan = _member(bot, org, "Jan Jansen", "ICT", role=Role.IT)
    kees = _member(bot, org, "Kees Kabel", "ICT", role=Role.IT)
    fleur = _member(bot, org, "Fleur Geld", "Financiën")

    said = bot.say(
        coordinator,
        "/audit plan pentest 2026-12-10 SecureCo; e-loket en BURGERZAKEN, niet de Financiënapplicatie",
    )
    assert "Gepland: #1" in said.text
    said = bot.say(
        coordinator, "/audit bevinding 1 2027-01-15 hoog MFA <b>ontbreekt</b>; Jan Jansen"
    )
    assert "Bevinding F1 vastgelegd (hoog)" in said.text
    bot.say(coordinator, "/audit bevinding 1 2027-02-01 laag Logging onvolledig")

    clock.now = utc(2026, 12, 10, 15)
    done = bot.say(coordinator, "/audit klaar 1").text
    assert "#1 is vastgelegd als uitgevoerd op 10 dec 2026. Gedeeld met 1 ISMT-ruimte(s)." in done
    assert "Betrokken afdelingen: Burgerzaken, ICT." in done  # the scope, and the owner's
    assert (
        "Persoonlijk gestuurd, ieder in de eigen taal: Burgerzaken: 2, ICT: 2 (totaal 4)." in done
    )
    assert (
        "Niet bereikt (2): Mia Matrix (Burgerzaken, nog geen privégesprek met mij); "
        "Piet Nooit (Burgerzaken, nooit aangemeld)." in done
    )
    assert "Financiën" not in done.split("Betrokken")[1]

    [to_anna] = bot.outbox_for(anna)
    assert "Auditresultaten: penetratietest door SecureCo, uitgevoerd 10 dec 2026" in to_anna
    assert "Je krijgt ze omdat ze jouw afdeling aangaan: Burgerzaken." in to_anna
    assert (
        "F1 MFA <b>ontbreekt</b> (hoog) · eigenaar: Jan Jansen · uiterlijk 15 jan 2027" in to_anna
    )
    assert "F2 Logging onvolledig (laag) · geen eigenaar" in to_anna
    assert "vraag het de NIS2-coördinator, Carla Coördinator." in to_anna
    assert "van jou" not in to_anna
    assert "De resultaten worden besproken in de jaarlijkse veiligheidsreview." in to_anna
    with unit_of_work(engine) as session:  # what was typed is escaped in the queued markup
        raw = session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == anna)).one()
        assert "&lt;b&gt;ontbreekt&lt;/b&gt;" in raw.payload["text"]

    [to_bob] = bot.outbox_for(bob)
    assert "Audit results: penetration test by SecureCo, done 10 Dec 2026" in to_bob
    assert "because they concern your department, Burgerzaken." in to_bob
    assert "ask the NIS2 coordinator, Carla Coördinator." in to_bob

    [to_jan] = bot.outbox_for(jan)
    assert (
        "F1 MFA <b>ontbreekt</b> (hoog) · eigenaar: Jan Jansen · uiterlijk 15 jan 2027 ← van jou"
        in to_jan
    )
    assert "De bevindingen met “van jou” pak jij op vóór hun datum" in to_jan
    assert "jouw afdeling aangaan: ICT" in to_jan
    assert len(bot.outbox_for(kees)) == 1
    assert bot.outbox_for(fleur) == []
    assert len(bot.outbox_for(f"g-ismt-{org}")) == 1

    # Again: nothing is sent twice, and the reply says so.
    again = bot.say(coordinator, "/audit klaar 1").text
    assert "De ISMT-ruimte(s) had(den) de resultaten al; niet nog eens verstuurd." in again
    assert "Hadden ze al, dus niet nog eens gestuurd: 4." in again
    assert "Persoonlijk gestuurd" not in again
    for sender in (anna, bob, jan, kees):
        assert len(bot.outbox_for(sender)) == 1
    assert len(bot.outbox_for(f"g-ismt-{org}")) == 1

    # Named by the coordinator: an unknown department is refused, nothing sent.
    refused = bot.say(coordinator, "/audit delen 1 Burgerzaken, Bestaat <niet>").text
    assert "Onbekende afdeling(en): Bestaat <niet>. Er is niets verstuurd." in refused
    assert "Bekende afdelingen: Burgerzaken, Financiën, ICT." in refused
    assert bot.outbox_for(fleur) == []
    shared = bot.say(coordinator, "/audit delen 1 financiën, ICT").text
    assert "Resultaten van #1 gedeeld met de afdelingen die je noemde." in shared
    assert "Betrokken afdelingen: Financiën, ICT." in shared
    assert "Persoonlijk gestuurd, ieder in de eigen taal: Financiën: 1 (totaal 1)." in shared
    assert "Hadden ze al, dus niet nog eens gestuurd: 2." in shared
    [to_fleur] = bot.outbox_for(fleur)
    assert "jouw afdeling aangaan: Financiën" in to_fleur
    assert len(bot.outbox_for(jan)) == 1
    assert bot.say(coordinator, "/audit share 1 Financiën").text.count("niet nog eens") == 1

    logged = _shared_actions(bot)
    assert [(d["sent"], d["already"], d["unreached"]) for d in logged] == [
        (4, 0, 2),
        (0, 4, 2),
        (1, 2, 0),
        (0, 1, 0),
    ]
    assert logged[0]["departments"] == ["Burgerzaken", "ICT"]


def test_only_the_coordinator_shares_and_only_done_audits(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 12, 1, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    ict = _member(bot, org, "Jan Jansen", "ICT", role=Role.IT)
    bot.say(coordinator, "/audit plan audit 2026-12-05 Auditbureau; ICT")
    for role in (Role.EMPLOYEE, Role.ISMT, Role.IT, Role.AUDITOR, Role.SECRETARY):
        refused = bot.say(bot.person(role, org_id=org), "/audit delen 1 ICT").text
        assert "niet beschikbaar voor jouw rol" in refused
    assert "niet beschikbaar voor jouw rol" in bot.say(ict, "/audit klaar 1").text
    assert len(bot.outbox_for(ict)) == 1  # the refusal, no results
    said = bot.say(coordinator, "/audit delen 1 ICT").text
    assert "#1 is nog niet uitgevoerd: leg dat eerst vast met /audit klaar 1." in said
    assert "Er is geen audit #7." in bot.say(coordinator, "/audit delen 7 ICT").text
    usage = bot.say(coordinator, "/audit delen").text
    assert "Zo werkt het: /audit delen AUDITNUMMER AFDELING[, AFDELING…]" in usage
    assert "Bekende afdelingen: ICT." in usage
    assert _shared_actions(bot) == []


def test_no_department_concerned_and_no_ismt_room_are_said(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 12, 1, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("gent", country="be")
    coordinator = bot.person(Role.COORDINATOR, org_id=org, language="en")
    _member(bot, org, "Els Peeters", "Burgerzaken")
    bot.say(coordinator, "/audit plan review 2026-12-05 ISMT; yearly review")
    done = bot.say(coordinator, "/audit done 1").text
    assert "#1 is recorded as done on 1 Dec 2026. No ISMT room is linked" in done
    assert (
        "No department is concerned: the scope names none of the known departments and no "
        "finding has an owner to send them to besides you. Name them with /audit delen 1 "
        "DEPARTMENT[, DEPARTMENT…]." in done
    )
    assert "Known departments: Burgerzaken." in done
    assert "Sent privately" not in done
    assert _shared_actions(bot)[0]["sent"] == 0


def test_results_in_belgium_name_the_coordinator_and_nobody_without_a_department(
    engine, features
) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 12, 1, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("gent", country="be")
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Wim Coördinator")
    owner = _member(bot, org, "Lies Eigenaar", None, role=Role.IT)
    _ismt_room(bot, org)
    bot.say(coordinator, "/audit plan audit 2026-12-05 Auditbureau; netwerk")
    bot.say(coordinator, "/audit bevinding 1 2027-01-15 Segmentatie ontbreekt; Lies Eigenaar")
    done = bot.say(coordinator, "/audit klaar 1").text
    assert "Persoonlijk gestuurd, ieder in de eigen taal: eigenaren van bevindingen: 1" in done
    assert "Betrokken afdelingen" not in done
    [to_owner] = bot.outbox_for(owner)
    assert "Je krijgt ze omdat je eigenaar bent van een van de bevindingen." in to_owner
    assert "vraag het de NIS2-coördinator, Wim Coördinator." in to_owner
    [to_room] = bot.outbox_for(f"g-ismt-{org}")
    assert "Auditbureau uitgevoerd: 1 bevinding" in to_room and "1 bevindingen" not in to_room
