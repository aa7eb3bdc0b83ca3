"""The scheduled summaries: once per organisation, period and room; across restarts, downtime, a
quarter boundary and two instances at once; the annual report in January."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import select

from handlers.reply import to_plain_text
from schedules.jobs import run_job
from storage import coordination, organisations, rooms
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import OutboxAttachment, OutboxMessage, ScheduledRun
from tests.conftest import Clock
from tests.coordination.seed import utc
from tests.harness import Harness

JOB = "quarterly-summaries"


def _setup(engine, features, start):  # type: ignore[no-untyped-def]
    clock = Clock(start)
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Coco")
    with unit_of_work(engine) as session:
        for purpose, chat in (("council", "room-raad"), ("ismt", "room-ismt")):
            rooms.link_room(
                session=session,
                organisation_id=org,
                purpose=purpose,
                platform="telegram",
                chat_id=chat,
                now=clock(),
            )
        audit = coordination.create_audit(
            session=session,
            organisation_id=org,
            kind="pentest",
            planned_at=utc(2026, 8, 1, 7),
            auditor="SecureCo",
            scope="externe systemen",
            now=clock(),
            done_at=utc(2026, 8, 20, 7),
        )
        coordination.create_finding(
            session=session,
            audit=audit,
            title="MFA ontbreekt",
            now=clock(),
            due_at=utc(2026, 9, 1, 7),
        )
    return clock, bot, org, coordinator


def _messages(engine, chat_id: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == chat_id)
                .order_by(OutboxMessage.id)
            )
        )


def test_sent_once_per_room_at_the_first_working_day_and_not_again(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, _bot, _org, _coordinator = _setup(engine, features, utc(2026, 9, 30, 6))
    assert run_job(JOB, engine, clock(), features) == 0  # Q2's summary was due before the rooms
    clock.now = utc(2026, 10, 1, 6, 59)  # 08:59 in Amsterdam
    assert run_job(JOB, engine, clock(), features) == 0
    clock.now = utc(2026, 10, 1, 7, 0)
    assert run_job(JOB, engine, clock(), features) == 2
    for _restart in range(3):  # a restart is just another run with the same database
        clock.advance(minutes=1)
        assert run_job(JOB, engine, clock(), features) == 0
    clock.now = utc(2026, 12, 31, 22)
    assert run_job(JOB, engine, clock(), features) == 0
    council, ismt = _messages(engine, "room-raad"), _messages(engine, "room-ismt")
    assert len(council) == 1 and len(ismt) == 1
    council_text = to_plain_text(council[0].payload["text"])
    assert "Kwartaalrapportage NIS2 · Gemeente Demo · K3 2026" in council_text
    assert "1 uitgevoerd" in council_text and "Drie vragen voor het college" in council_text
    assert "ISMT-overzicht K3 2026" in to_plain_text(ismt[0].payload["text"])
    with unit_of_work(engine) as session:
        claimed = session.exec(
            select(ScheduledRun).where(ScheduledRun.kind == "quarterly-summary")
        ).all()
        assert sorted(r.period for r in claimed) == [f"{claimed[0].organisation_id}:2026Q3"] * 2
        pictures = session.exec(
            select(OutboxAttachment).where(OutboxAttachment.outbox_id == council[0].id)
        ).all()
        assert all(p.kind == "image" and p.data.startswith(b"\x89PNG") for p in pictures)


def test_caught_up_after_downtime_over_the_quarter_boundary(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, _bot, _org, _coordinator = _setup(engine, features, utc(2026, 9, 30, 6))
    clock.now = utc(2026, 10, 20, 13)  # the bot was down from 30 September to 20 October
    assert run_job(JOB, engine, clock(), features) == 2
    assert run_job(JOB, engine, clock(), features) == 0
    assert len(_messages(engine, "room-raad")) == 1


def test_january_brings_the_annual_report_after_the_new_year_holiday(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, _bot, _org, coordinator = _setup(engine, features, utc(2026, 12, 15, 9))
    clock.now = utc(2027, 1, 1, 10)  # New Year's Day: a holiday
    assert run_job(JOB, engine, clock(), features) == 0
    clock.now = utc(2027, 1, 4, 7, 59)  # Monday 08:59 CET
    assert run_job(JOB, engine, clock(), features) == 0
    clock.now = utc(2027, 1, 4, 8, 0)
    sent = run_job(JOB, engine, clock(), features)
    assert sent == 4  # council Q4 + annual report, ISMT Q4, the coordinator's annual review
    council = [to_plain_text(m.payload["text"]) for m in _messages(engine, "room-raad")]
    assert any("Kwartaalrapportage NIS2 · Gemeente Demo · K4 2026" in c for c in council)
    assert any("Jaarrapportage NIS2 · Gemeente Demo · 2026" in c for c in council)
    assert len(_messages(engine, "room-ismt")) == 1
    review = _messages(engine, coordinator)
    assert len(review) == 1 and "jaarlijkse veiligheidsreview" in review[0].payload["text"]
    clock.advance(days=1)
    assert run_job(JOB, engine, clock(), features) == 0


def test_a_room_linked_after_the_moment_waits_for_the_next_quarter(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, _bot, org, _coordinator = _setup(engine, features, utc(2026, 9, 30, 6))
    clock.now = utc(2026, 10, 1, 7)
    assert run_job(JOB, engine, clock(), features) == 2
    clock.now = utc(2026, 10, 5, 9)
    with unit_of_work(engine) as session:
        rooms.link_room(
            session=session,
            organisation_id=org,
            purpose="council",
            platform="matrix",
            chat_id="!late:example.org",
            now=clock(),
        )
    assert run_job(JOB, engine, clock(), features) == 0
    clock.now = utc(2027, 1, 4, 8)
    assert run_job(JOB, engine, clock(), features) == 6  # 3 rooms Q4, 2 council annual, 1 review
    assert len(_messages(engine, "!late:example.org")) == 2


def test_two_instances_at_once_send_each_summary_once(engine, features) -> None:  # type: ignore[no-untyped-def]
    _clock, _bot, _org, _coordinator = _setup(engine, features, utc(2026, 9, 30, 6))
    moment = utc(2026, 10, 1, 7, 30)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def instance() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(run_job(JOB, engine, moment, features))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=instance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(results) in ([0, 2], [1, 1])
    assert len(_messages(engine, "room-raad")) == 1 and len(_messages(engine, "room-ismt")) == 1


def test_suspended_organisations_get_nothing(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, _bot, org, _coordinator = _setup(engine, features, utc(2026, 9, 30, 6))
    with unit_of_work(engine) as session:
        found = organisations.organisation_by_id(session=session, organisation_id=org)
        assert found is not None
        found.suspended = True
        session.add(found)
    clock.now = utc(2026, 10, 1, 7) + timedelta(hours=1)
    assert run_job(JOB, engine, clock(), features) == 0


def test_the_moment_is_configurable_per_organisation(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, _bot, org, _coordinator = _setup(engine, features, utc(2026, 9, 30, 6))
    with unit_of_work(engine) as session:
        found = organisations.organisation_by_id(session=session, organisation_id=org)
        assert found is not None
        found.settings = {"summary_time": "10:30"}
        session.add(found)
    clock.now = utc(2026, 10, 1, 8, 29)  # 10:29 CEST
    assert run_job(JOB, engine, clock(), features) == 0
    clock.now = utc(2026, 10, 1, 8, 30)
    assert run_job(JOB, engine, clock(), features) == 2
