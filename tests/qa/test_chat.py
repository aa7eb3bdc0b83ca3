"""Questions through the chat, on a real database (SQLite and PostgreSQL), via the Harness.

In tests/qa the fixture ``engine`` is the QA engine (see conftest.py); ``db`` is the database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from handlers.qa.overrides import ORG_ENGINES
from storage.db import make_engine, unit_of_work
from storage.enums import Role
from storage.models import AuditLog
from storage.question_models import QuestionLog
from tests.harness import Harness


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def bot(db, features, clock) -> Harness:  # type: ignore[no-untyped-def]
    return Harness(db, features, clock)


def _log(db: Engine) -> list[QuestionLog]:
    with unit_of_work(db) as session:
        rows = list(session.exec(select(QuestionLog).order_by(QuestionLog.id)))
        session.expunge_all()
        return rows


def _audit_actions(db: Engine) -> list[str]:
    with unit_of_work(db) as session:
        return [row.action for row in session.exec(select(AuditLog).order_by(AuditLog.id))]


# --- the "done when" ------------------------------------------------------------------


def test_ismt_member_gets_the_first_report_deadline_with_its_source(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    ismt = bot.person(Role.ISMT, org_id=org)
    said = bot.say(ismt, "hoeveel tijd hebben we voor de eerste melding?")
    assert "24 uur" in said.text
    assert "Bron:" in said.text and "art. 26" in said.text.lower()
    assert len(said.text) < 1500
    [row] = _log(db)
    assert (row.result_kind, row.entry_id, row.role) == ("answer", "rep-early-warning", "ismt")
    assert row.question == "hoeveel tijd hebben we voor de eerste melding?"


def test_council_member_gets_the_council_questions(bot: Harness) -> None:
    org = bot.org()
    member = bot.person(Role.COUNCIL_MEMBER, org_id=org)
    said = bot.say(member, "wat moet de raad hierover vragen?")
    assert "Strategisch" in said.text and "Operationeel" in said.text
    assert "digitale strategie" in said.text
    assert "Bron:" in said.text


def test_employee_with_a_stolen_laptop_gets_practical_steps(bot: Harness) -> None:
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org, language="en")
    said = bot.say(employee, "my work laptop was stolen from my car")
    assert "police" in said.text.lower()
    assert "Source:" in said.text
    # A situation: the advice and the offer to report it, nothing else (issue 12).
    assert said.choices == [("/melden", "Yes, report an incident")]


def test_swimming_pool_gets_an_honest_dont_know_with_the_forward_choice(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    said = bot.say(employee, "hoe laat gaat het zwembad open?")
    assert "Dat weet ik niet" in said.text
    [row] = _log(db)
    assert row.result_kind == "unknown" and not row.forwarded
    assert said.choices == [(f"/vraagdoor {row.id}", "Ja, vraag het de coördinator")]


# --- forwarding and the coordinator's follow-up -------------------------------------------------


def test_forward_then_answer_reaches_the_asker_and_is_audited(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    asked = bot.say(employee, "hoe laat gaat het zwembad open?")
    [(forward, _label)] = asked.choices
    said = bot.say(employee, choice=forward)
    assert "doorgegeven aan de NIS2-coördinator" in said.text
    [note] = bot.outbox_for(coordinator)
    assert "hoe laat gaat het zwembad open?" in note and "van een medewerker" in note
    assert bot.say(employee, choice=forward).text.startswith("Je vraag is al doorgegeven")
    assert len(bot.outbox_for(coordinator)) == 1  # pressing twice sends once
    [row] = _log(db)
    assert row.forwarded and row.forwarded_at is not None

    listing = bot.say(coordinator, "/onbeantwoord")
    assert (
        f"#{row.id}" in listing.text and "zwembad" in listing.text and "doorgegeven" in listing.text
    )
    done = bot.say(coordinator, f"/onbeantwoord beantwoord {row.id} Om 7 uur, vraag het de balie.")
    assert f"#{row.id}" in done.text and "verstuurd" in done.text
    answer = bot.outbox_for(employee)[-1]
    assert "Om 7 uur, vraag het de balie." in answer and "coördinator" in answer
    [row] = _log(db)
    assert row.answer == "Om 7 uur, vraag het de balie." and row.answered_at is not None
    assert "qa.question_answered" in _audit_actions(db)
    assert "geen onbeantwoorde vragen" in bot.say(coordinator, "/onbeantwoord").text
    again = bot.say(coordinator, f"/onbeantwoord beantwoord {row.id} nog eens")
    assert "al beantwoord" in again.text


def test_forwarding_without_a_coordinator_keeps_the_question(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    [(forward, _)] = bot.say(employee, "wanneer is de kerstborrel van team burgerzaken").choices
    said = bot.say(employee, choice=forward)
    assert "nog geen NIS2-coördinator bereikbaar" in said.text
    assert _log(db)[0].forwarded


def test_someone_elses_question_cannot_be_forwarded(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    bot.person(Role.COORDINATOR, org_id=org)
    first = bot.person(Role.EMPLOYEE, org_id=org)
    other = bot.person(Role.EMPLOYEE, org_id=org)
    [(forward, _)] = bot.say(first, "hoe laat gaat het zwembad open?").choices
    assert "kan die vraag niet vinden" in bot.say(other, choice=forward).text
    assert not _log(db)[0].forwarded


def test_typed_number_picks_the_forward_choice_on_text_only_platforms(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    employee = bot.person(Role.EMPLOYEE, org_id=org, platform="console")
    bot.say(employee, "hoe laat gaat het zwembad open?", platform="console")
    said = bot.say(employee, "1", platform="console")
    assert "doorgegeven" in said.text
    assert len(bot.outbox_for(coordinator)) == 1


# --- suggestions ------------------------------------------------------------------------------


def test_did_you_mean_offers_three_and_pressing_one_answers_it_for_the_role(
    bot: Harness, db
) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    ismt = bot.person(Role.ISMT, org_id=org)
    said = bot.say(ismt, "phishing")  # one word: recognise, report or clicked?
    assert said.text.startswith("Bedoel je")
    picks = [value for value, _ in said.choices if value.startswith("/vraagkeuze ")]
    assert len(picks) == 3
    assert said.choices[-1][1] == "Geen van deze: vraag het de coördinator"
    picked = bot.say(ismt, choice=picks[0])
    assert "Bron:" in picked.text
    [row] = _log(db)
    assert row.result_kind == "picked" and row.entry_id == picks[0].split()[1]


# --- roles ------------------------------------------------------------------------------------


def test_the_same_question_gives_each_role_its_own_variant(bot: Harness) -> None:
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    question = "hoeveel tijd hebben we voor de eerste melding?"
    for_employee = bot.say(employee, question).text
    for_ismt = bot.say(ismt, question).text
    assert "24 uur" in for_employee and "24 uur" in for_ismt
    assert for_employee.startswith("De vroegtijdige waarschuwing doet het ISMT")  # not you
    assert for_ismt.startswith("Uiterlijk 24 uur")  # what the ISMT itself must do
    assert for_employee != for_ismt


@pytest.mark.parametrize("level", ["strategisch", "tactical", "operationeel"])
def test_council_questions_per_level(bot: Harness, level: str) -> None:
    org = bot.org()
    member = bot.person(Role.COUNCIL_MEMBER, org_id=org)
    said = bot.say(member, f"/vragen {level}")
    wanted = {"strategisch": "Strategisch", "tactical": "Tactisch", "operationeel": "Operationeel"}
    assert wanted[level] in said.text
    others = set(wanted.values()) - {wanted[level]}
    assert not any(f"{other} niveau" in said.text for other in others)
    assert "onbekend" not in said.text.lower()


def test_council_questions_all_levels_and_unknown_level(bot: Harness) -> None:
    org = bot.org()
    member = bot.person(Role.SECRETARY, org_id=org, language="en")
    said = bot.say(member, "/questions")
    assert all(level in said.text for level in ("Strategic", "Tactical", "Operational"))
    assert "Unknown level" in bot.say(member, "/vragen morgen").text


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_explains_every_role(sqlite_engine, features, clock, role: Role) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(sqlite_engine, features, clock)
    me = bot.person(role, org_id=bot.org())
    said = bot.say(me, "/rol")
    assert said.text.startswith("Jouw rol:")
    assert "Wat de wet zegt" in said.text and "Bron:" in said.text


# --- groups -----------------------------------------------------------------------------------


def test_free_text_in_a_group_is_ignored_but_vraag_works(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    member = bot.person(Role.COUNCIL_MEMBER, org_id=org)
    assert bot.say(member, "wat is nis2?", group="room-1").replies == []
    said = bot.say(member, "/vraag wat is nis2 eigenlijk?", group="room-1")
    assert "richtlijn" in said.text.lower()
    assert bot.outbox_for("room-1")
    assert [r.result_kind for r in _log(db)] == ["answer"]


# --- organisation overrides -------------------------------------------------------------------


def test_override_changes_the_answer_for_one_organisation_only(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org_a, org_b = bot.org("alpha"), bot.org("beta")
    coordinator = bot.person(Role.COORDINATOR, org_id=org_a)
    ismt_a = bot.person(Role.ISMT, org_id=org_a)
    ismt_b = bot.person(Role.ISMT, org_id=org_b)
    question = "hoe bereik ik de ibd?"
    before_a, before_b = bot.say(ismt_a, question).text, bot.say(ismt_b, question).text
    assert before_a == before_b and "070 204 55 11" in before_a

    said = bot.say(
        coordinator, "/kennis zet rep-ibd-contact-nl nl Bel eerst onze CISO op 030-1234567."
    )
    assert "Bewaard" in said.text
    after_a = bot.say(ismt_a, question).text
    assert "030-1234567" in after_a and "070 204 55 11" not in after_a
    assert bot.say(ismt_b, question).text == before_b  # tenancy: organisation B unaffected
    assert "rep-ibd-contact-nl (nl)" in bot.say(coordinator, "/kennis").text
    assert "qa.kb_override_set" in _audit_actions(db)

    assert "Verwijderd" in bot.say(coordinator, "/kennis wis rep-ibd-contact-nl").text
    assert bot.say(ismt_a, question).text == before_a
    assert "qa.kb_override_removed" in _audit_actions(db)


def test_override_engine_is_cached_until_the_overrides_change(bot: Harness) -> None:
    org = bot.org("gamma")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    bot.say(coordinator, "/kennis zet help-lost-phone nl Bel direct de servicedesk op 1234.")
    builds = ORG_ENGINES.builds
    for _ in range(3):
        assert "1234" in bot.say(employee, "ik ben mijn werktelefoon kwijt").text
    assert ORG_ENGINES.builds == builds + 1  # built once for three questions
    bot.say(coordinator, "/kennis zet help-lost-phone nl Bel direct de servicedesk op 5678.")
    assert "5678" in bot.say(employee, "ik ben mijn werktelefoon kwijt").text
    assert ORG_ENGINES.builds == builds + 2


def test_kennis_rejects_unknown_entries_and_languages(bot: Harness) -> None:
    org = bot.org()
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    assert "geen onderwerp" in bot.say(coordinator, "/kennis zet bestaat-niet nl tekst").text
    assert "Gebruik" in bot.say(coordinator, "/kennis zet help-mfa fr texte").text
    found = bot.say(coordinator, "/kennis toon ibd telefoonnummer")
    assert "rep-ibd-contact-nl" in found.text


def test_text_that_matches_nothing_gets_the_help_hint_not_the_coordinator(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    said = bot.say(employee, "blabla")
    assert said.text == "Dat begreep ik niet. Typ /help om te zien wat ik kan."
    assert not said.choices
    assert [r.result_kind for r in _log(db)] == ["nomatch"]
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    assert "geen onbeantwoorde vragen" in bot.say(coordinator, "/onbeantwoord").text
