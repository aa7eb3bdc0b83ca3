"""The coordinator's tools through the pipeline: /training figures that change after a completion,
/getraind, /bevestig, /mijntraining, and the weekly digest job."""

from __future__ import annotations

from datetime import UTC, datetime

from schedules.jobs import JobOptions, run_job
from storage import audit, training
from storage.db import unit_of_work
from storage.enums import Role
from tests.harness import Harness
from tests.training.chat_helpers import enrolled_long_ago, person_of, set_person

LONG_AGO = datetime(2025, 1, 6, 10, 0, tzinfo=UTC)  # never trained since: overdue


def _setup(engine, features, clock):  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Cora Coördinator")
    people = {}
    for name, dept in (
        ("Piet Post", "Burgerzaken"),
        ("Ria Rood", "Burgerzaken"),
        ("Sam Stam", "ICT"),
    ):
        sender = bot.person(Role.EMPLOYEE, org_id=org, name=name)
        person = person_of(engine, sender)
        set_person(engine, person.id, department=dept)
        enrolled_long_ago(engine, person.id, LONG_AGO)
        people[name] = (sender, person.id)
    return bot, org, coordinator, people


def test_training_figures_change_after_a_registered_completion(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, org, coordinator, _people = _setup(engine, features, clock)
    before = bot.say(coordinator, "/training").text
    assert "Burgerzaken: 0% (0/2), te laat: 2" in before
    assert "ICT: 0% (0/1), te laat: 1" in before
    assert "Piet Post (Burgerzaken) — nooit getraind" in before
    assert "Eigen beleid van de gemeente (geen wet)" in before
    said = bot.say(coordinator, "/getraind piet post 2026-11-20")
    assert "Geregistreerd: Piet Post heeft de training op 20 november 2026 gevolgd" in said.text
    assert "20 mei 2027" in said.text
    after = bot.say(coordinator, "/training").text
    assert "Burgerzaken: 50% (1/2), te laat: 1" in after
    assert "Piet Post" not in after
    with unit_of_work(engine) as session:
        actions = [e.action for e in audit.audit_entries(session=session, organisation_id=org)]
    assert "command.getraind" in actions and "training.registered" in actions


def test_getraind_refuses_unknown_people_future_dates_and_asks_when_ambiguous(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot, _org, coordinator, _people = _setup(engine, features, clock)
    assert "Ik ken hier niemand die Nobody heet" in bot.say(coordinator, "/getraind Nobody").text
    assert "toekomst" in bot.say(coordinator, "/getraind Sam Stam 2030-01-01").text
    said = bot.say(coordinator, "/getraind r")  # matches Ria Rood and Cora Coördinator and ...
    assert "Meerdere mensen passen" in said.text
    value = next(v for v, label in said.choices if label.startswith("Ria Rood"))
    said = bot.say(coordinator, choice=value)
    assert "Geregistreerd: Ria Rood" in said.text


def test_self_declaration_is_confirmed_by_the_coordinator(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, org, coordinator, people = _setup(engine, features, clock)
    sam, _sam_id = people["Sam Stam"]
    assert "bevestigt het" in bot.say(sam, "/gevolgd").text
    assert "al gemeld" in bot.say(sam, "/gevolgd").text
    assert "ICT: 0%" in bot.say(coordinator, "/training").text  # pending does not count
    listing = bot.say(coordinator, "/bevestig")
    assert "Sam Stam (ICT)" in listing.text
    confirm = next(v for v, label in listing.choices if label == "Bevestig Sam Stam")
    said = bot.say(coordinator, choice=confirm)
    assert "Bevestigd: Sam Stam." in said.text
    # Nothing left: "/bevestig all" says so instead of "Bevestigd: ." (confirmed: nobody).
    nothing = bot.say(coordinator, "/bevestig all").text
    assert "Er wachten geen eigen meldingen op bevestiging." in nothing
    assert "Bevestigd:" not in nothing
    assert "ICT: 100% (1/1)" in bot.say(coordinator, "/training").text
    assert any("bevestigd" in text for text in bot.outbox_for(sam))
    mine = bot.say(sam, "/mijntraining").text
    assert "Laatst gevolgd: 23 november 2026 (bevestigd door de coördinator)" in mine
    assert "Volgende keer uiterlijk: 23 mei 2027" in mine
    with unit_of_work(engine) as session:
        assert training.pending_declarations(session=session, organisation_id=org) == []
        actions = [e.action for e in audit.audit_entries(session=session, organisation_id=org)]
    assert "training.declaration_confirmed" in actions


def test_a_rejected_declaration_does_not_count(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, _org, coordinator, people = _setup(engine, features, clock)
    sam, _ = people["Sam Stam"]
    bot.say(sam, "/gevolgd")
    listing = bot.say(coordinator, "/bevestig")
    reject = next(v for v, label in listing.choices if label.startswith("Wijs af"))
    assert "Niet bevestigd: Sam Stam." in bot.say(coordinator, choice=reject).text
    assert "ICT: 0%" in bot.say(coordinator, "/training").text
    assert "Je hebt de training nog niet gevolgd." in bot.say(sam, "/mijntraining").text


def test_weekly_digest_goes_to_the_coordinator_once_a_week(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, _org, coordinator, _people = _setup(engine, features, clock)
    clock.now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # Sunday: closed

    def digest() -> int:
        return run_job("training-digest", engine, clock(), features, JobOptions())

    assert digest() == 0
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 local
    assert digest() == 1
    assert digest() == 0
    clock.advance(days=2)
    assert digest() == 0
    texts = bot.outbox_for(coordinator)
    assert len(texts) == 1
    assert "Wekelijks trainingsoverzicht voor Gemeente Demo" in texts[0]
    assert "Sam Stam (ICT) — nooit getraind" in texts[0]
    clock.now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # next week
    assert digest() == 1


def test_my_training_after_passing_shows_the_certificate_number(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, _org, _coordinator, people = _setup(engine, features, clock)
    piet, _ = people["Piet Post"]
    mine = bot.say(piet, "/mijntraining")
    assert "Te laat sinds" in mine.text
    assert ("/toets", "Start de toets") in mine.choices
