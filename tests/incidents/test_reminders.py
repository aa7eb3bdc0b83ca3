from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.incidents.clocks import ClockInput, Deadline, DeadlineState, compute_deadlines
from handlers.incidents.model import Recipient, ReportKind, TriState
from handlers.incidents.reminders import (
    due_reminder,
    due_reminders,
    reminder_slots,
    slot_key,
)
from storage.enums import Country

from .helpers import AMS, local, utc

DUE = utc(2026, 11, 3, 8, 0)
H = timedelta(hours=1)


def deadline(kind: ReportKind = ReportKind.EARLY_WARNING, sent_at=None, due=DUE) -> Deadline:
    return Deadline(
        kind=kind,
        due_at=due,
        provisional=False,
        recipients=(Recipient.CSIRT,),
        sent_at=sent_at,
        state=DeadlineState.OPEN,
        basis="test",
    )


def test_default_slots_and_keys() -> None:
    slots = reminder_slots(deadline(), until=DUE + 25 * H)
    assert [s.offset for s in slots] == [-12 * H, -2 * H, 0 * H, 12 * H, 24 * H]
    assert [s.at for s in slots] == [DUE - 12 * H, DUE - 2 * H, DUE, DUE + 12 * H, DUE + 24 * H]
    assert [s.key for s in slots] == [
        "early_warning@20261103T0800Z:-12h",
        "early_warning@20261103T0800Z:-2h",
        "early_warning@20261103T0800Z:0h",
        "early_warning@20261103T0800Z:+12h",
        "early_warning@20261103T0800Z:+24h",
    ]
    assert [s.escalate for s in slots] == [False, False, False, True, True]
    assert len({s.key for s in slots}) == len(slots)


def test_without_until_no_overdue_slots() -> None:
    assert [s.offset for s in reminder_slots(deadline())] == [-12 * H, -2 * H, 0 * H]


def test_custom_offsets() -> None:
    slots = reminder_slots(deadline(), before=(timedelta(hours=1), timedelta(minutes=30)))
    assert [s.key.rsplit(":", 1)[1] for s in slots] == ["-1h", "-0h30", "0h"]


def test_nothing_before_the_first_slot() -> None:
    assert due_reminder(deadline(), DUE - 12 * H - timedelta(seconds=1), set()) is None


def test_each_slot_in_turn() -> None:
    d, sent = deadline(), set()
    expected = [
        (DUE - 12 * H, "-12h", False),
        (DUE - 2 * H, "-2h", False),
        (DUE, "0h", False),
        (DUE + 12 * H, "+12h", True),
        (DUE + 24 * H, "+24h", True),
    ]
    for now, label, escalate in expected:
        slot = due_reminder(d, now, sent)
        assert slot is not None and slot.key.endswith(":" + label), (now, slot)
        assert slot.escalate is escalate
        sent.add(slot.key)
        assert due_reminder(d, now + timedelta(minutes=30), sent) is None  # recorded once


def test_downtime_collapses_to_the_latest_slot() -> None:
    d = deadline()
    sent = {slot_key(d.kind, DUE, -12 * H)}  # then the bot was down for 42 hours
    now = DUE + 30 * H
    slot = due_reminder(d, now, sent)
    assert slot is not None
    assert slot.key == "early_warning@20261103T0800Z:+24h"
    assert slot.escalate
    sent.add(slot.key)
    # The superseded -2h, 0h and +12h slots are not owed afterwards.
    assert due_reminder(d, now, sent) is None
    assert due_reminder(d, DUE + 35 * H, sent) is None
    nxt = due_reminder(d, DUE + 36 * H, sent)
    assert nxt is not None and nxt.key.endswith(":+36h")


def test_late_catch_up_of_the_due_slot_escalates() -> None:
    d = deadline()
    slot = due_reminder(d, DUE + 3 * H, {slot_key(d.kind, DUE, -2 * H)})
    assert slot is not None and slot.key.endswith(":0h")
    assert slot.escalate  # delivered while overdue


def test_sent_deadline_has_no_reminders() -> None:
    d = deadline(sent_at=DUE - 5 * H)
    assert due_reminder(d, DUE + 100 * H, set()) is None


def test_key_changes_when_the_due_time_moves() -> None:
    old, new = deadline(), deadline(due=DUE + 29 * H)
    sent = {due_reminder(old, DUE - 11 * H, set()).key}  # type: ignore[union-attr]
    slot = due_reminder(new, new.due_at - 11 * H, sent)
    assert slot is not None and slot.key not in sent


def test_due_reminders_one_per_deadline_for_a_real_incident() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    data = ClockInput(Country.NL, AMS, aware, significant=True, personal_data=TriState.YES)
    deadlines = compute_deadlines(data, now=aware)
    # Down from before the first slot until 80 hours later: every open clock reminds once.
    now = aware + timedelta(hours=80)
    slots = due_reminders(deadlines, now, set())
    by_kind = {s.kind: s for s in slots}
    assert set(by_kind) == {ReportKind.EARLY_WARNING, ReportKind.NOTIFICATION, ReportKind.GDPR}
    assert by_kind[ReportKind.EARLY_WARNING].key.endswith(":+48h")
    assert by_kind[ReportKind.NOTIFICATION].key.endswith(":0h")
    assert all(s.escalate for s in slots)
    again = due_reminders(deadlines, now, {s.key for s in slots})
    assert again == []


def test_provisional_flag_is_carried() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    data = ClockInput(Country.NL, AMS, aware, significant=None, personal_data=TriState.NO)
    slots = due_reminders(compute_deadlines(data, now=aware), aware + 13 * H, set())
    assert [s.kind for s in slots] == [ReportKind.EARLY_WARNING]
    assert slots[0].provisional


def test_bad_interval_is_refused() -> None:
    with pytest.raises(ValueError):
        reminder_slots(deadline(), overdue_every=timedelta(0))
    with pytest.raises(ValueError):
        due_reminder(deadline(), DUE, set(), overdue_every=timedelta(0))
