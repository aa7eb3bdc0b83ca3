"""The college's personal certificate duty (Cbw art. 24) in the chat and in the reminder job."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from schedules.jobs import JobOptions, run_job
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import OutboxMessage
from tests.harness import Harness
from tests.training.chat_helpers import person_of, set_person

APPOINTED = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # deadline: 23 November 2028


def _college(engine, features, clock, country: str = "nl"):  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org(country=country)
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    secretary = bot.person(Role.SECRETARY, org_id=org, name="Sanne Secretaris")
    return bot, org, coordinator, secretary


def test_a_new_alderman_sees_their_own_two_year_deadline(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, org, coordinator, _ = _college(engine, features, clock)
    eva = bot.person(Role.ALDERMAN, org_id=org, name="Eva de Vries")
    mine = bot.say(eva, "/mijntraining").text
    assert "benoemingsdatum ken ik niet" in mine  # the law's date until the coordinator says
    # Enrolled on 23 Nov 2026 with no appointment date: the law's deadline for sitting members
    # (15 Aug 2026 + 2 years), not two years after the enrolment (23 Nov 2028, too late).
    assert "uiterlijk 15 augustus 2028 een eigen certificaat nodig" in mine
    assert "twee jaar na het ingaan van de plicht" in mine
    listed = bot.say(coordinator, "/training").text
    assert "Eva de Vries, wethouder — nog geen certificaat; uiterlijk 15 augustus 2028" in listed
    assert "wettelijke datum voor zittende leden gebruikt" in listed
    said = bot.say(coordinator, "/benoemd Eva de Vries 2026-11-23")
    assert "uiterste datum voor het certificaat is 23 november 2028" in said.text
    mine = bot.say(eva, "/mijntraining").text
    assert "Jouw persoonlijke certificaatplicht (Cbw art. 24, wet)" in mine
    assert "uiterlijk 23 november 2028 een eigen certificaat nodig" in mine
    assert "Stand: nog geen certificaat." in mine
    assert "benoemingsdatum ken ik niet" not in mine


def test_a_predecessors_certificate_never_counts(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, org, coordinator, _ = _college(engine, features, clock)
    old = bot.person(Role.ALDERMAN, org_id=org, name="Oud Wethouder")
    set_person(engine, person_of(engine, old).id, appointed_at=datetime(2022, 6, 1, tzinfo=UTC))
    said = bot.say(coordinator, "/getraind Oud Wethouder 2026-09-01 college")
    assert "Geteld als certificaat van het college" in said.text
    before = bot.say(coordinator, "/training").text
    assert "Oud Wethouder, wethouder — certificaat in orde" in before
    # After the elections: the old alderman leaves, a new one takes the same seat.
    set_person(engine, person_of(engine, old).id, active=False)
    new = bot.person(Role.ALDERMAN, org_id=org, name="Nieuw Wethouder")
    set_person(engine, person_of(engine, new).id, appointed_at=APPOINTED)
    after = bot.say(coordinator, "/training").text
    assert "Nieuw Wethouder, wethouder — nog geen certificaat; uiterlijk 23 november 2028" in after
    assert "Oud Wethouder" not in after
    # The staff awareness training does not count as the college's certificate either.
    bot.say(coordinator, "/getraind Nieuw Wethouder 2026-11-20")
    assert (
        "Nieuw Wethouder, wethouder — nog geen certificaat"
        in bot.say(coordinator, "/training").text
    )
    bot.say(coordinator, "/getraind Nieuw Wethouder 2026-11-21 college")
    assert (
        "Nieuw Wethouder, wethouder — certificaat in orde" in bot.say(coordinator, "/training").text
    )


def test_reminders_at_one_year_six_three_and_one_month_once_each(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, org, _coordinator, secretary = _college(engine, features, clock)
    eva = bot.person(Role.ALDERMAN, org_id=org, name="Eva de Vries")
    set_person(engine, person_of(engine, eva).id, appointed_at=APPOINTED)

    def remind(**at: int) -> int:
        clock.now = datetime(tzinfo=UTC, hour=9, **at)  # type: ignore[arg-type]  # 10:00 local
        first = run_job("college-training-reminders", engine, clock(), features, JobOptions())
        again = run_job("college-training-reminders", engine, clock(), features, JobOptions())
        assert again == 0
        return first

    assert remind(year=2027, month=11, day=22) == 0  # the day before one year remains
    assert remind(year=2027, month=11, day=23) == 2  # the member and the secretary
    assert remind(year=2028, month=2, day=1) == 0
    assert remind(year=2028, month=5, day=23) == 2
    assert remind(year=2028, month=8, day=23) == 2
    assert remind(year=2028, month=10, day=23) == 2
    assert remind(year=2028, month=11, day=1) == 0
    member_texts = bot.outbox_for(eva)
    assert len(member_texts) == 4
    assert "23 november 2028" in member_texts[0] and "nog een jaar" in member_texts[0]
    secretary_texts = bot.outbox_for(secretary)
    assert len(secretary_texts) == 4 and "Eva de Vries" in secretary_texts[0]
    with unit_of_work(engine) as session:
        keys = session.exec(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.chat_id == eva)
        ).all()
    assert [k.split(":")[3] for k in keys] == ["12m", "6m", "3m", "1m"]


def test_no_college_duty_in_belgium(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot, org, coordinator, _ = _college(engine, features, clock, country="be")
    schepen = bot.person(Role.ALDERMAN, org_id=org, name="Jan Schepen")
    assert "certificaatplicht" not in bot.say(schepen, "/mijntraining").text
    assert "niet in België" in bot.say(coordinator, "/training").text
    clock.now = datetime(2027, 11, 23, 9, 0, tzinfo=UTC)
    assert run_job("college-training-reminders", engine, clock(), features, JobOptions()) == 0
