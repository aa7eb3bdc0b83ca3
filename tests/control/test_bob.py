"""The BOB cycle: a council member prepares the session from /bob, the secretary records two
proposals and an amendment, the adopted one becomes an action point followed up until done."""

from __future__ import annotations

from sqlmodel import select

from schedules.jobs import run_job
from storage.db import unit_of_work
from storage.models import OutboxAttachment
from tests.control.helpers import audit_actions, town, utc


def _attachment(engine, outbox_id: int) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        files = session.exec(
            select(OutboxAttachment).where(OutboxAttachment.outbox_id == outbox_id)
        ).all()
        assert len(files) == 1
        return files[0].filename, files[0].data.decode("utf-8")


def test_bob_session_decisions_and_follow_up(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    bot = t.bot
    bot.say(t.coordinator, "/actie nieuw MFA voor alle beheeraccounts; Ivo Ismt; 2026-12-01")
    said = bot.say(t.council, "/bob 2026-12-03")
    assert "Het beeldvormingspakket voor de sessie van 3 dec 2026 zit erbij" in said.text
    assert "de vragen aan het college van burgemeester en wethouders" in said.text
    name, document = _attachment(engine, said.result.outbox_ids[0])
    assert name == "bob-demo-2026-12-03.md"
    assert document.startswith("# BOB-sessie · beeldvormingspakket · Gemeente Demo")
    assert "Kwartaalrapportage NIS2" in document  # the council summary of coordination, reused
    assert "Drie vragen voor het college" in document
    assert "A1 MFA voor alle beheeraccounts · Ivo Ismt · uiterlijk 1 dec 2026 · overig" in document
    assert "Nog geen oefening dit kwartaal." in document
    # The handbook's questions per level, as the question answering feature keeps them.
    levels = document.split("Oordeelsvorming: de vragen aan het college per niveau", 1)[1]
    assert levels.index("Strategisch") < levels.index("Tactisch") < levels.index("Operationeel")
    assert bot.say(t.employee, "/bob").result.refused

    # The council member may prepare, not record decisions; the secretary records.
    assert bot.say(t.council, "/besluit voorstel Iets").result.refused
    said = bot.say(t.secretary, "/besluit voorstel Jaarlijkse crisisoefening met het college")
    assert "Voorstel P1 vastgelegd" in said.text
    said = bot.say(t.secretary, "/besluit amendement P1 ook met de gemeenteraad")
    assert "Amendement P2 op P1 vastgelegd" in said.text
    assert (
        "Voorstel P3 vastgelegd"
        in bot.say(t.secretary, "/besluit voorstel Budget SOC verdubbelen").text
    )
    assert (
        "P2 “ook met de gemeenteraad”: aangenomen."
        in bot.say(t.secretary, "/besluit aangenomen P2").text
    )
    said = bot.say(t.secretary, "/besluit aangenomen P1; Carla Coördinator; 2027-03-31")
    assert "P1 “Jaarlijkse crisisoefening met het college”: aangenomen." in said.text
    assert (
        "Actiepunt A2 “Jaarlijkse crisisoefening met het college (ook met de gemeenteraad)”: eigenaar Carla Coördinator, uiterlijk 31 mrt 2027."
        in said.text
    )
    assert "Ik volg het op" in said.text
    assert (
        "P3 “Budget SOC verdubbelen”: verworpen."
        in bot.say(t.coordinator, "/besluit verworpen P3").text
    )
    assert (
        "P3 heeft al een uitkomst: verworpen."
        in bot.say(t.secretary, "/besluit aangenomen P3").text
    )
    late = bot.say(t.secretary, "/besluit amendement P1 toch niet")
    assert (
        "P1 heeft al een uitkomst: aangenomen. Een amendement komt vóór de stemming." in late.text
    )
    listed = bot.say(t.secretary, "/besluit").text
    assert "• P1 Jaarlijkse crisisoefening met het college · aangenomen" in listed
    assert "↳ P2 ook met de gemeenteraad · aangenomen" in listed
    assert "• P3 Budget SOC verdubbelen · verworpen" in listed

    # Followed up: a week before, the owner is reminded; the council member sees it reported.
    t.clock.now = utc(2027, 3, 24, 8, 0)
    run_job("action-follow-up", engine, t.clock(), features)
    assert any("A2" in x and "31 mrt 2027" in x for x in bot.outbox_for(t.coordinator))
    said = bot.say(t.council, "/bob")
    _name, document = _attachment(engine, said.result.outbox_ids[0])
    assert (
        "A2 Jaarlijkse crisisoefening met het college (ook met de gemeenteraad) · Carla Coördinator"
        in document
    )
    assert "raadsbesluit" in document
    assert (
        "is afgerond"
        in bot.say(t.coordinator, "/actie A2 klaar oefening gehouden op 20 maart").text
    )
    said = bot.say(t.council, "/bob")
    _name, document = _attachment(engine, said.result.outbox_ids[0])
    assert "A2 Jaarlijkse" not in document and "1 afgerond" in document
    everything = bot.say(t.council, "/acties alle").text
    assert (
        "✓ A2 Jaarlijkse crisisoefening met het college (ook met de gemeenteraad) · Carla Coördinator · 31 mrt 2027 · raadsbesluit P1"
        in everything
    )
    actions = audit_actions(engine, t.org)
    for expected in ("bob.prepared", "decision.recorded", "decision.outcome", "action.done"):
        assert expected in actions


def test_bob_in_english_and_in_flanders(engine, features) -> None:  # type: ignore[no-untyped-def]
    from storage.enums import Role

    t = town(engine, features, country="be", slug="gent")
    english = t.bot.person(Role.COUNCIL_MEMBER, org_id=t.org, name="Ed English", language="en")
    said = t.bot.say(english, "/bob")
    assert "the questions for the college of mayor and aldermen (schepenen)" in said.text
    _name, document = _attachment(engine, said.result.outbox_ids[0])
    assert document.startswith("# BOB session · beeldvorming pack")
    said = t.bot.say(t.council, "/bob")
    assert "het college van burgemeester en schepenen" in said.text
    _name, document = _attachment(engine, said.result.outbox_ids[0])
    assert "Belgische NIS2-wet" in document  # the Flemish handbook questions, not the Dutch ones
    assert "Drie vragen voor het college van burgemeester en schepenen" in document
    assert "B&W" not in document.replace("B\\&W", "B&W")  # never the Dutch college in Flanders


def test_what_people_typed_stays_text_in_the_markdown_pack(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    t.bot.say(t.coordinator, "/actie nieuw [klik](http://evil.example) <img src=x> **vet**")
    said = t.bot.say(t.council, "/bob")
    _name, document = _attachment(engine, said.result.outbox_ids[0])
    line = next(x for x in document.splitlines() if x.startswith("- A1 "))
    assert line.startswith(r"- A1 \[klik\](http://evil.example) \<img src=x\> \*\*vet\*\*")
    assert "<img" not in document.replace(r"\<img", "")
    assert document.startswith("# BOB-sessie")  # the headings are still headings
