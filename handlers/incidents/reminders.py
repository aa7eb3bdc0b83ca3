"""Reminder moments for deadlines, with keys the scheduler records so each is sent once.

Per deadline: 12 h and 2 h before the due time, at the due time, then every 12 h while it is overdue
and not sent. Overdue reminders escalate: the scheduler adds the NIS2 coordinator and the secretary.

Keys are ``"{kind}@{due}:{offset}"``, e.g. ``"notification@20260331T2230Z:-12h"``. The due time is
in the key on purpose: when a fact changes and the deadline moves (the notification is sent, so the
final report's provisional date becomes the real one; the awareness time is corrected) the reminders
of the new date are new reminders, and a reminder already sent for the old date does not silence
them.

Catch-up after downtime: only the most recent slot whose moment has come counts. If it was already
sent, nothing is due (the older slots are superseded, not owed); otherwise it is sent once. So a bot
that was down for two days sends one reminder per deadline, not four.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.incidents.clocks import Deadline
from handlers.incidents.model import ReportKind
from handlers.incidents.timeutil import to_utc
from storage.enums import Role

#: Who is added to an escalated (overdue) reminder, besides the ISMT room.
ESCALATE_TO: tuple[Role, ...] = (Role.COORDINATOR, Role.SECRETARY)
DEFAULT_BEFORE: tuple[timedelta, ...] = (timedelta(hours=12), timedelta(hours=2))
OVERDUE_EVERY = timedelta(hours=12)


@dataclass(frozen=True)
class ReminderSlot:
    key: str
    kind: ReportKind
    at: datetime  # UTC
    offset: timedelta  # relative to the due time: negative before, positive overdue
    due_at: datetime  # UTC
    escalate: bool  # overdue: add the coordinator and the secretary
    provisional: bool  # the deadline may still change or fall away; say so in the message


def _offset_label(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+" if minutes > 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}h" if rest == 0 else f"{sign}{hours}h{rest:02d}"


def slot_key(kind: ReportKind, due_at: datetime, offset: timedelta) -> str:
    return f"{kind}@{to_utc(due_at):%Y%m%dT%H%MZ}:{_offset_label(offset)}"


def _slot(deadline: Deadline, offset: timedelta) -> ReminderSlot:
    due = to_utc(deadline.due_at)
    return ReminderSlot(
        key=slot_key(deadline.kind, due, offset),
        kind=deadline.kind,
        at=due + offset,
        offset=offset,
        due_at=due,
        escalate=offset > timedelta(0),
        provisional=deadline.provisional,
    )


def reminder_slots(
    deadline: Deadline,
    *,
    until: datetime | None = None,
    before: Sequence[timedelta] = DEFAULT_BEFORE,
    overdue_every: timedelta = OVERDUE_EVERY,
) -> list[ReminderSlot]:
    """The slots of one deadline in time order: before, at due, and overdue ones up to ``until``.

    The overdue series is endless while nothing is sent, so it is cut at ``until`` (none if None).
    """
    if overdue_every <= timedelta(0):
        raise ValueError("overdue_every must be positive")
    offsets = sorted({-abs(b) for b in before} | {timedelta(0)})
    slots = [_slot(deadline, o) for o in offsets]
    if until is not None:
        step = overdue_every
        while to_utc(deadline.due_at) + step <= to_utc(until):
            slots.append(_slot(deadline, step))
            step += overdue_every
    return slots


def _latest_slot(
    deadline: Deadline, now: datetime, before: Sequence[timedelta], overdue_every: timedelta
) -> ReminderSlot | None:
    """The most recent slot whose moment has come (computed, no loop over the overdue series)."""
    due = to_utc(deadline.due_at)
    if now >= due:
        n = (now - due) // overdue_every  # floor: how many whole overdue periods have passed
        return _slot(deadline, n * overdue_every)
    passed = [-abs(b) for b in before if due - abs(b) <= now]
    return _slot(deadline, max(passed)) if passed else None


def due_reminder(
    deadline: Deadline,
    now: datetime,
    sent_keys: Collection[str],
    *,
    before: Sequence[timedelta] = DEFAULT_BEFORE,
    overdue_every: timedelta = OVERDUE_EVERY,
) -> ReminderSlot | None:
    """The one reminder to send now for ``deadline``, or None (sent, not yet, already done)."""
    if overdue_every <= timedelta(0):
        raise ValueError("overdue_every must be positive")
    if deadline.sent_at is not None:
        return None
    now = to_utc(now)
    slot = _latest_slot(deadline, now, before, overdue_every)
    if slot is None or slot.key in sent_keys:
        return None
    if now > slot.due_at and not slot.escalate:
        # Caught up late (e.g. the at-due slot delivered after the due time): it is overdue now.
        slot = dataclasses.replace(slot, escalate=True)
    return slot


def due_reminders(
    deadlines: Iterable[Deadline],
    now: datetime,
    sent_keys: Collection[str],
    *,
    before: Sequence[timedelta] = DEFAULT_BEFORE,
    overdue_every: timedelta = OVERDUE_EVERY,
) -> list[ReminderSlot]:
    """At most one reminder per deadline: the ones the scheduler should send at ``now``."""
    found = (
        due_reminder(d, now, sent_keys, before=before, overdue_every=overdue_every)
        for d in deadlines
    )
    return [slot for slot in found if slot is not None]


def first_slot_at(due_at: datetime, before: Sequence[timedelta] = DEFAULT_BEFORE) -> datetime:
    """The moment of a deadline's first reminder (the earliest 'before' slot, or the due time).

    Stored on the deadline row as ``next_reminder_at``, so the scheduler's scan only reads the rows
    with something to send (an index does the work, not a loop over every open deadline).
    """
    return to_utc(due_at) - max((abs(b) for b in before), default=timedelta(0))


def next_slot_at(
    due_at: datetime,
    now: datetime,
    *,
    before: Sequence[timedelta] = DEFAULT_BEFORE,
    overdue_every: timedelta = OVERDUE_EVERY,
) -> datetime:
    """The moment of the first slot strictly after ``now`` (the overdue series never ends)."""
    if overdue_every <= timedelta(0):
        raise ValueError("overdue_every must be positive")
    due, now = to_utc(due_at), to_utc(now)
    if now < due:
        ahead = [due - abs(b) for b in before if due - abs(b) > now]
        return min([*ahead, due])
    return due + ((now - due) // overdue_every + 1) * overdue_every
