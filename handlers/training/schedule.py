"""Due dates, nudge slots with stable keys, the sweep and snoozing.

The shape of one cycle (defaults of ``TrainingPolicy``)::

    due-14      due-7       due         due+7
    reminder 0  reminder 1  reminder 2  escalation to the coordinator

Each slot is the office opening (09:00 local) of that day, or of the next working day when the day
is a weekend day or a holiday. A slot's key, ``"<due date>:<step>"`` or ``"<due date>:escalation"``,
depends only on the cycle and the step, so recomputing it after a restart gives the same key; the
scheduler stores it under a unique constraint (person, key) and so records each nudge exactly once.

The sweep returns at most one nudge per person: the *latest* slot that has come and was not sent
yet. After downtime a person therefore gets one message, not a backlog. It returns nothing outside
office hours; what was missed goes out at the next opening.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from handlers.training.policy import PersonId, TrainingPolicy, add_months
from handlers.training.workdays import WorkCalendar, work_calendar
from storage.enums import Country

ESCALATION = "escalation"
#: Sorts after every reminder step: "the escalation was sent, nothing is left in this cycle".
_ESCALATED = 1 << 30


class NudgeKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"


@dataclass(frozen=True, slots=True)
class SnoozeState:
    """What a snooze leaves behind: reminder ``step`` of the cycle ``cycle_due`` comes at ``until``.

    ``count`` is the number of snoozes used in that cycle. A state of an older cycle is ignored, so
    the lead never has to clear it when someone completes the training.
    """

    cycle_due: date
    step: int
    count: int
    until: datetime


@dataclass(frozen=True, slots=True)
class PersonTrainingView:
    """What the sweep needs to know about one person, read from the tables by the lead."""

    person_id: PersonId
    enrolled_at: datetime
    last_completed_at: datetime | None = None
    #: Key of the last nudge recorded for this person (any cycle) and when it was recorded.
    last_nudge_key: str | None = None
    last_nudge_at: datetime | None = None
    snooze: SnoozeState | None = None


@dataclass(frozen=True, slots=True)
class Nudge:
    """A slot of one person that is due now. ``at`` is the slot's planned moment (local time)."""

    person_id: PersonId
    kind: NudgeKind
    due: date
    step: int
    at: datetime

    @property
    def key(self) -> str:
        return slot_key(self.due, None if self.kind is NudgeKind.ESCALATION else self.step)

    @property
    def idempotency_key(self) -> str:
        """For the outbox row: unique per person, cycle and step."""
        return f"training:{self.person_id}:{self.key}"


@dataclass(frozen=True, slots=True)
class Slot:
    kind: NudgeKind
    due: date
    step: int
    at: datetime

    @property
    def key(self) -> str:
        return slot_key(self.due, None if self.kind is NudgeKind.ESCALATION else self.step)


class SnoozeRefusal(StrEnum):
    NOTHING_TO_SNOOZE = "nothing_to_snooze"  # no reminder of this cycle was sent yet
    LAST_REMINDER = "last_reminder"  # no reminder step is left before the escalation
    LIMIT_REACHED = "limit_reached"
    TOO_CLOSE_TO_ESCALATION = "too_close_to_escalation"


@dataclass(frozen=True, slots=True)
class SnoozeOutcome:
    state: SnoozeState | None
    refusal: SnoozeRefusal | None = None

    @property
    def granted(self) -> bool:
        return self.state is not None


def slot_key(due: date, step: int | None) -> str:
    """``"2026-11-30:0"`` for a reminder, ``"2026-11-30:escalation"`` (step None) for escalation.

    The escalation has a word, not a number, so that changing ``max_nudges`` mid-cycle can never
    make an escalation key look like a reminder key or the other way round.
    """
    return f"{due.isoformat()}:{ESCALATION if step is None else step}"


def parse_slot_key(key: str) -> tuple[date, int | None] | None:
    """The (due, step) of a key, step None for the escalation; None if it is not a slot key."""
    day, sep, step = key.partition(":")
    if not sep:
        return None
    try:
        due = date.fromisoformat(day)
    except ValueError:
        return None
    if step == ESCALATION:
        return due, None
    return (due, int(step)) if step.isdigit() else None


def next_due(
    last_completed_at: datetime | None,
    enrolled_at: datetime,
    policy: TrainingPolicy,
    tz: tzinfo,
) -> date:
    """The local date by which the next training is due.

    Counted from the actual completion, not from the previous due date: the certificate says "valid
    for six months from completion", and a late completion must not leave a shorter next cycle.
    Someone never trained is due ``first_due_grace_days`` after enrolment. ``tz`` is needed because
    the same instant is a different calendar day in Amsterdam and in UTC around midnight.
    """
    if last_completed_at is not None:
        return add_months(_local_date(last_completed_at, tz), policy.interval_months)
    return _local_date(enrolled_at, tz) + timedelta(days=policy.first_due_grace_days)


def planned_slots(due: date, policy: TrainingPolicy, calendar: WorkCalendar) -> tuple[Slot, ...]:
    """The regular slots of the cycle ending at ``due`` (reminders, then the escalation)."""
    first = due - timedelta(days=policy.nudge_lead_days)
    slots = []
    for step in range(policy.max_nudges + 1):
        day = first + timedelta(days=step * policy.cadence_days)
        kind = NudgeKind.ESCALATION if step == policy.max_nudges else NudgeKind.REMINDER
        slots.append(Slot(kind, due, step, calendar.first_office_moment_on_or_after(day)))
    return tuple(slots)


def nudge_slots(
    view: PersonTrainingView, policy: TrainingPolicy, tz: tzinfo, country: Country
) -> tuple[Slot, ...]:
    """The person's current cycle with a snooze applied: when each reminder and the escalation come.

    The escalation's time here assumes the reminders went out on time (see ``_escalation_at``).
    """
    calendar = work_calendar(Country(country), tz, policy)
    due = next_due(view.last_completed_at, view.enrolled_at, policy, tz)
    snooze = _current_snooze(view, due)
    slots = []
    for slot in planned_slots(due, policy, calendar):
        at = slot.at
        if snooze is not None and slot.kind is NudgeKind.REMINDER:
            at = _snoozed_time(slot.step, at, snooze)
        slots.append(Slot(slot.kind, due, slot.step, at))
    return tuple(slots)


def due_nudges(
    people: Iterable[PersonTrainingView],
    now: datetime,
    policy: TrainingPolicy,
    tz: tzinfo,
    country: Country,
    *,
    ignore_office_hours: bool = False,
) -> list[Nudge]:
    """The nudges to send now: at most one per person, the latest slot due and not yet sent.

    ``ignore_office_hours`` is the operator's "send now" (``nis2bot jobs run training-nudges
    --ignore-office-hours``): the slots that have come are returned even outside office hours; the
    slots themselves stay at office openings, so nothing *new* becomes due early.

    Fast by construction: holidays and slot times are computed once per distinct date (memoised),
    instants are compared as POSIX timestamps, and most people are dismissed by one date comparison
    because their next window has not opened yet.
    """
    calendar = work_calendar(Country(country), tz, policy)
    if not ignore_office_hours and not calendar.is_office_moment(now):
        return []
    now_ts = now.timestamp()
    steps = policy.max_nudges
    slot_cache: dict[date, tuple[tuple[datetime, float], ...]] = {}
    due_cache: dict[date, date] = {}
    result: list[Nudge] = []
    for person in people:
        due = _due_cached(person, policy, tz, due_cache)
        slots = slot_cache.get(due)
        if slots is None:
            slots = slot_cache[due] = tuple(
                (s.at, s.at.timestamp()) for s in planned_slots(due, policy, calendar)
            )
        # Most people are here: their first reminder lies in the future.
        if now_ts < slots[0][1]:
            continue
        last = _last_sent_step(person.last_nudge_key, due)
        if last == _ESCALATED:
            continue
        # A policy lowered to fewer nudges mid-cycle: what was sent counts as the last reminder.
        last = min(last, steps - 1)
        nudge = _latest_due(person, due, slots, last, now_ts, policy, calendar)
        if nudge is not None:
            result.append(nudge)
    return result


def snooze(
    view: PersonTrainingView,
    now: datetime,
    policy: TrainingPolicy,
    tz: tzinfo,
    country: Country,
) -> SnoozeOutcome:
    """'Remind me later': the next reminder moves to ``now + snooze_length`` (next office moment).

    It moves the *next* reminder step, earlier or later than planned, so the promise "I'll remind
    you on Wednesday" holds; it adds no message (the person still gets at most ``max_nudges``). The
    escalation never moves: a person may postpone their reminders, not their coordinator's view.
    """
    calendar = work_calendar(Country(country), tz, policy)
    due = next_due(view.last_completed_at, view.enrolled_at, policy, tz)
    last = _last_sent_step(view.last_nudge_key, due)
    if last < 0:
        return SnoozeOutcome(None, SnoozeRefusal.NOTHING_TO_SNOOZE)
    if last >= policy.max_nudges - 1:
        return SnoozeOutcome(None, SnoozeRefusal.LAST_REMINDER)
    current = _current_snooze(view, due)
    used = current.count if current is not None else 0
    if used >= policy.max_snoozes:
        return SnoozeOutcome(None, SnoozeRefusal.LIMIT_REACHED)
    until = calendar.next_office_moment(now + policy.snooze_length)
    if until >= planned_slots(due, policy, calendar)[-1].at:
        return SnoozeOutcome(None, SnoozeRefusal.TOO_CLOSE_TO_ESCALATION)
    return SnoozeOutcome(SnoozeState(cycle_due=due, step=last + 1, count=used + 1, until=until))


# --- internals ---------------------------------------------------------------------------------


def _latest_due(
    person: PersonTrainingView,
    due: date,
    slots: tuple[tuple[datetime, float], ...],
    last: int,
    now_ts: float,
    policy: TrainingPolicy,
    calendar: WorkCalendar,
) -> Nudge | None:
    steps = policy.max_nudges
    snooze = _current_snooze(person, due)
    for step in range(steps, last, -1):
        at, at_ts = slots[step]
        if step == steps:
            # Never escalate someone who was not reminded in this cycle: after downtime or an
            # import they get their last reminder first, and a cadence step to act on it.
            if last < 0:
                continue
            at = _escalation_at(person, at, policy, calendar)
            at_ts = at.timestamp()
        elif snooze is not None:
            at = _snoozed_time(step, at, snooze)
            at_ts = at.timestamp()
        if at_ts <= now_ts:
            kind = NudgeKind.ESCALATION if step == steps else NudgeKind.REMINDER
            return Nudge(person.person_id, kind, due, step, at)
    return None


def _escalation_at(
    person: PersonTrainingView, planned: datetime, policy: TrainingPolicy, calendar: WorkCalendar
) -> datetime:
    """The planned escalation, but not before a full cadence step after the last reminder."""
    if person.last_nudge_at is None:
        return planned
    last_day = person.last_nudge_at.astimezone(calendar.tz).date()
    earliest = calendar.first_office_moment_on_or_after(
        last_day + timedelta(days=policy.cadence_days)
    )
    return max(planned, earliest)


def _snoozed_time(step: int, planned: datetime, snooze: SnoozeState) -> datetime:
    if step == snooze.step:
        return snooze.until
    if step > snooze.step:
        # Later reminders never overtake the snoozed one.
        return max(planned, snooze.until)
    return planned


def _current_snooze(view: PersonTrainingView, due: date) -> SnoozeState | None:
    snooze = view.snooze
    return snooze if snooze is not None and snooze.cycle_due == due else None


def _last_sent_step(key: str | None, due: date) -> int:
    """-1 if nothing of this cycle was sent, the step number, or ``_ESCALATED``."""
    if key is None:
        return -1
    parsed = parse_slot_key(key)
    if parsed is None or parsed[0] != due:
        return -1
    return _ESCALATED if parsed[1] is None else parsed[1]


def _due_cached(
    person: PersonTrainingView, policy: TrainingPolicy, tz: tzinfo, cache: dict[date, date]
) -> date:
    if person.last_completed_at is None:
        return _local_date(person.enrolled_at, tz) + timedelta(days=policy.first_due_grace_days)
    completed = _local_date(person.last_completed_at, tz)
    due = cache.get(completed)
    if due is None:
        due = cache[completed] = add_months(completed, policy.interval_months)
    return due


def _local_date(moment: datetime, tz: tzinfo) -> date:
    if moment.tzinfo is None:
        raise ValueError(f"aware datetime required, got naive {moment!r}")
    return moment.astimezone(tz).date()
