"""Nudges through the job on a real database, with the controllable clock: once per cadence step,
office hours, holidays and DST, the nudge's choices (quiz, self-declared, later) and the snooze limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from schedules.jobs import JobOptions, run_job
from storage import training
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import OutboxMessage
from storage.training_models import TrainingMethod
from tests.harness import Harness
from tests.training.chat_helpers import enrolled_long_ago, person_of

# Enrolled 7 Nov -> due 7 Dec 2026 -> first reminder Monday 23 Nov 09:00 (Amsterdam, UTC+1).
ENROLLED = datetime(2026, 11, 7, 10, 0, tzinfo=UTC)
MONDAY_10_LOCAL = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _nudges(bot: Harness, **options: object) -> int:
    return run_job("training-nudges", bot.engine, bot.clock(), bot.features, JobOptions(**options))  # type: ignore[arg-type]


def _due_employee(
    bot: Harness, org: int, *, enrolled: datetime = ENROLLED, **kw: object
) -> tuple[str, int]:
    sender = bot.person(Role.EMPLOYEE, org_id=org, **kw)  # type: ignore[arg-type]
    person_id = person_of(bot.engine, sender, str(kw.get("platform", "telegram"))).id
    enrolled_long_ago(bot.engine, person_id, enrolled)
    return sender, person_id


def _training_rows(bot: Harness) -> list[OutboxMessage]:
    with unit_of_work(bot.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith("training:"))  # type: ignore[attr-defined]
        ).all()
        return list(rows)


def test_a_due_employee_is_nudged_once_with_three_choices(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10_LOCAL
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender, _ = _due_employee(bot, org, name="Bas Bakker")
    bot.person(Role.EMPLOYEE, org_id=org)  # enrolled today: nothing due for weeks
    assert _nudges(bot) == 1
    assert _nudges(bot) == 0  # the same slot again: nothing
    texts = bot.outbox_for(sender)
    assert len(texts) == 1
    assert "Hallo Bas Bakker" in texts[0] and "7 december 2026" in texts[0]
    rows = _training_rows(bot)
    assert [choice[0] for choice in rows[0].payload["choices"]] == ["/toets", "/gevolgd", "/later"]
    # A week later the next cadence step comes, once.
    clock.advance(days=7)
    assert _nudges(bot) == 1
    assert _nudges(bot) == 0
    assert len(bot.outbox_for(sender)) == 2


def test_typing_the_number_of_a_nudge_choice_works_on_text_chats(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10_LOCAL
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender, person_id = _due_employee(bot, org, platform="console")  # numbered lines, no buttons
    assert _nudges(bot) == 1
    said = bot.say(sender, "2", platform="console")  # "I followed the training"
    assert "De NIS2-coördinator bevestigt het" in said.text
    with unit_of_work(engine) as session:
        pending = training.pending_declaration_of(
            session=session, organisation_id=org, person_id=person_id
        )
        assert pending is not None and pending.method == TrainingMethod.SELF_DECLARED.value
    clock.advance(days=7)
    assert _nudges(bot) == 0  # waiting for the coordinator: no more reminders


def test_later_moves_the_next_reminder_and_is_limited(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10_LOCAL
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender, _ = _due_employee(bot, org)
    assert _nudges(bot) == 1
    said = bot.say(sender, choice="/later")
    assert "Goed. Ik herinner je er weer aan op woensdag 25 november, 10:00" in said.text
    said = bot.say(sender, "/later")
    assert "Goed. Ik herinner je er weer aan op woensdag 25 november, 10:00" in said.text
    said = bot.say(sender, "/later")  # the policy allows two snoozes per cycle
    assert "al zo vaak uitgesteld als mag" in said.text
    clock.now = datetime(2026, 11, 25, 8, 59, tzinfo=UTC)  # 09:59 local: not yet
    assert _nudges(bot) == 0
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert _nudges(bot) == 1
    assert [r.chat_id for r in _training_rows(bot)] == [sender, sender]
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # planned day of step 1: already sent
    assert _nudges(bot) == 0


def test_nothing_outside_office_hours_or_on_weekends_unless_the_operator_says_so(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    _due_employee(bot, org)
    clock.now = datetime(2026, 11, 23, 7, 59, tzinfo=UTC)  # 08:59 local
    assert _nudges(bot) == 0
    clock.now = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 17:00 local: closed
    assert _nudges(bot) == 0
    clock.now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # Saturday
    assert _nudges(bot) == 0
    assert _nudges(bot, ignore_office_hours=True, organisation_slug="other") == 0
    assert _nudges(bot, ignore_office_hours=True, organisation_slug="demo") == 1
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday 10:00: that slot is done
    assert _nudges(bot) == 1  # the next cadence step only
    assert len(_training_rows(bot)) == 2


def test_christmas_moves_the_slot_to_the_next_working_day(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    # due 8 Jan 2027 -> first reminder on Friday 25 Dec (Christmas) -> Monday 28 Dec 09:00.
    _due_employee(bot, org, enrolled=datetime(2026, 12, 9, 10, 0, tzinfo=UTC))
    clock.now = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
    assert _nudges(bot) == 0
    assert _nudges(bot, ignore_office_hours=True) == 0  # the slot itself has not come yet
    clock.now = datetime(2026, 12, 28, 7, 59, tzinfo=UTC)
    assert _nudges(bot) == 0
    clock.now = datetime(2026, 12, 28, 8, 0, tzinfo=UTC)  # 09:00 local
    assert _nudges(bot) == 1


def test_office_opening_follows_daylight_saving_time(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    # due 13 Apr 2026 -> first reminder Monday 30 March, the day after the clocks went forward:
    # 09:00 CEST is 07:00 UTC (in winter it is 08:00 UTC).
    _due_employee(bot, org, enrolled=datetime(2026, 3, 14, 10, 0, tzinfo=UTC))
    clock.now = datetime(2026, 3, 30, 6, 59, tzinfo=UTC)
    assert _nudges(bot) == 0
    clock.now = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert _nudges(bot) == 1


def test_after_the_reminders_the_escalation_is_recorded_not_sent_to_the_person(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender, person_id = _due_employee(bot, org)
    sent = 0
    for day in (23, 30):
        clock.now = datetime(2026, 11, day, 9, 0, tzinfo=UTC)
        sent += _nudges(bot)
    clock.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    sent += _nudges(bot)
    clock.now = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
    sent += _nudges(bot)
    assert sent == 4
    assert len(bot.outbox_for(sender)) == 3  # three reminders, the last one says so
    assert "laatste herinnering" in bot.outbox_for(sender)[-1]
    with unit_of_work(engine) as session:
        kinds = [
            n.kind
            for n in training.nudges_of(session=session, organisation_id=org, person_id=person_id)
        ]
    assert kinds == ["reminder", "reminder", "reminder", "escalation"]
    # The coordinator reads it as one line of the weekly digest, not as a message per person.
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    assert run_job("training-digest", engine, clock(), features, JobOptions()) == 1
    digest = bot.outbox_for(coordinator)[0]
    assert "Niet getraind ondanks 3 herinneringen\n• Test employee" in digest
    clock.advance(days=7)
    assert _nudges(bot) == 0


def test_many_people_are_nudged_exactly_once_across_runs(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10_LOCAL
    bot = Harness(engine, features, clock)
    org = bot.org()
    senders = [_due_employee(bot, org)[0] for _ in range(25)]
    assert _nudges(bot) == 25
    clock.advance(minutes=1)
    assert _nudges(bot) == 0
    rows = _training_rows(bot)
    assert sorted(r.chat_id for r in rows) == sorted(senders)
    assert len({r.idempotency_key for r in rows}) == 25
    assert timedelta(0) <= clock.now - MONDAY_10_LOCAL


def test_a_matrix_user_is_nudged_in_their_direct_room_not_at_their_user_id(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    """On Matrix a private message goes to the direct room the person talks to the bot in; the
    user id is no room. Someone without a direct room yet is not reachable (and not nudged)."""
    from storage import people
    from storage.models import Identity

    clock.now = MONDAY_10_LOCAL
    bot = Harness(engine, features, clock)
    org = bot.org()
    with_room, with_room_id = _due_employee(bot, org, platform="matrix")
    without_room, _ = _due_employee(bot, org, platform="matrix")
    with unit_of_work(engine) as session:
        identity = session.exec(select(Identity).where(Identity.external_id == with_room)).one()
        people.note_private_chat(
            session=session, identity=identity, chat_id="!dm:gemeente.nl", now=clock()
        )
    assert _nudges(bot) == 1
    assert [(r.platform, r.chat_id) for r in _training_rows(bot)] == [("matrix", "!dm:gemeente.nl")]
    assert bot.outbox_for(without_room) == [] and bot.outbox_for(with_room) == []
    assert with_room_id > 0


def test_a_reminder_sent_late_on_the_due_day_counts_the_days_from_the_day_it_is_sent(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    """The bot was not running for two weeks: on the due day (7 Dec, before office opening, the
    operator's "send now") the reminder due is the 30 Nov slot, planned "7 days" ahead. The person
    reads it on the due day, so it must say "today", not "nog 7 dagen"."""
    clock.now = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # 07:00 in Amsterdam, Monday 7 Dec
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender, _ = _due_employee(bot, org, name="Bas Bakker")
    assert _nudges(bot, ignore_office_hours=True) == 1
    text = bot.outbox_for(sender)[-1]
    assert "moet vandaag af zijn" in text
    assert "nog 7 dagen" not in text
