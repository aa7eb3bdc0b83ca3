"""The reporting deadlines of one incident, recomputed from its data every time they are needed.

Nothing here is stored: the tables keep the *facts* (when the organisation became aware, what was
decided, what was sent when) and this module derives the deadlines, so a correction of a fact moves
every deadline with it and a restart loses nothing.

The law (shared/nis2/facts.md §5, §8, §9e, §10):

- Early warning: within 24 h of becoming aware (Art. 23(4)(a) NIS2; Cbw art. 26).
- Incident notification: within 72 h of becoming aware (Art. 23(4)(b); Cbw art. 27(1)), not 72 h
  after the early warning.
- Intermediate report: only on request of the CSIRT or authority, by the date it sets (Art.
  23(4)(c); Cbw art. 28).
- Final report: one month after the notification was *submitted* (Art. 23(4)(d); Cbw art. 29). Until
  the notification is actually sent we compute it from the notification's due time and mark it
  provisional: that is the earliest it can be, so the ISMT never sees a date later than the law's.
- Still ongoing at that moment: a progress report at that time, and the final report one month after
  the incident was handled (Art. 23(4)(e)). While it is ongoing and not handled, no final-report
  deadline exists yet (the law ties it to the handling), so none is listed.
- GDPR art. 33(1): the personal data breach notification within 72 h of becoming aware, unless the
  breach is unlikely to result in a risk (here: the privacy officer recorded "no risk").

Decisions (documented here because they are choices, not text of the law):

1. NIS2 deadlines exist only when the incident is significant. While significance is *undecided*
   (``significant is None``) they are listed as provisional, because the 24 h clock runs from
   becoming aware of a significant incident and a late decision does not stop it: the ISMT must see
   it running. ``significant is False`` removes them.
2. GDPR with ``personal_data == UNKNOWN`` counts (provisional): the 72 h run from awareness of the
   breach while it is being investigated, and treating "don't know" as "no" would let the clock
   expire silently. Only ``NO``, or a recorded no-risk assessment, removes the GDPR deadline.
3. The 24 h / 72 h clocks are elapsed hours in UTC: no exception for nights, weekends or holidays
   (facts 5.8, 9.44), and 24 h stays 24 real hours across a DST change.
4. "One month" is a calendar month on the organisation's wall clock, same time of day, clamped to
   the month's end (31 Jan + 1 month = 28/29 Feb). Reg. 1182/71 or the Algemene termijnenwet might
   end such a period later (end of the day, next working day); we deliberately do not rely on that,
   so the date shown is never later than any reading of the law allows.
5. A report sent after its due time counts as ``missed`` (with its ``sent_at``), not ``met``.
6. A combined report (one submission that is both early warning and notification) is recorded as
   both kinds with the same time; this module infers nothing from one kind about another.
7. Sending the final report closes the reporting: no progress report stays open after it.
8. Outside the national NIS2 law (``nis2_mandatory`` False) the NIS2 clocks are computed the same
   way but marked ``voluntary``: reporting is voluntary (Art. 30), so they are guidance, never a
   legal deadline (the service layer does not store them as deadline rows: no reminders, nothing
   "missed"). The GDPR deadline does not depend on NIS2 and stays mandatory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from handlers.i18n import N_
from handlers.incidents.authorities import gdpr_recipient, nis2_recipients
from handlers.incidents.model import NIS2_KINDS, Recipient, ReportKind, TriState
from handlers.incidents.timeutil import add_hours, add_months, require_aware, to_utc, zone
from storage.enums import Country

EARLY_WARNING_HOURS = 24
NOTIFICATION_HOURS = 72
GDPR_HOURS = 72

_BASIS: dict[tuple[Country, ReportKind], str] = {
    (Country.NL, ReportKind.EARLY_WARNING): "Art. 23(4)(a) NIS2; Cbw art. 26",
    (Country.NL, ReportKind.NOTIFICATION): "Art. 23(4)(b) NIS2; Cbw art. 27",
    (Country.NL, ReportKind.INTERMEDIATE): "Art. 23(4)(c) NIS2; Cbw art. 28",
    (Country.NL, ReportKind.PROGRESS): "Art. 23(4)(e) NIS2; Cbw art. 29",
    (Country.NL, ReportKind.FINAL): "Art. 23(4)(d)-(e) NIS2; Cbw art. 29",
    (Country.NL, ReportKind.GDPR): "Art. 33 AVG (GDPR)",
    (Country.BE, ReportKind.EARLY_WARNING): "Art. 23(4)(a) NIS2; NIS2-wet 26 april 2024",
    (Country.BE, ReportKind.NOTIFICATION): "Art. 23(4)(b) NIS2; NIS2-wet 26 april 2024",
    (Country.BE, ReportKind.INTERMEDIATE): "Art. 23(4)(c) NIS2; NIS2-wet 26 april 2024",
    (Country.BE, ReportKind.PROGRESS): "Art. 23(4)(e) NIS2; NIS2-wet 26 april 2024",
    (Country.BE, ReportKind.FINAL): "Art. 23(4)(d)-(e) NIS2; NIS2-wet 26 april 2024",
    (Country.BE, ReportKind.GDPR): "Art. 33 AVG/GDPR",
}

VOLUNTARY_BASIS = "Art. 30 NIS2"

# Why a deadline is provisional (msgids, shown to the ISMT).
WHY_UNDECIDED = N_(
    "Significance not decided yet: this clock applies if the incident is significant."
)
WHY_FROM_NOTIFICATION_DUE = N_(
    "Counted from the notification's due time until the notification is actually sent."
)
WHY_PERSONAL_DATA_UNKNOWN = N_(
    "Not yet known whether personal data is involved: this clock applies if it is."
)


class DeadlineState(StrEnum):
    OPEN = "open"  # not sent, not yet due
    MET = "met"  # sent at or before the due time
    MISSED = "missed"  # not sent and past due, or sent after the due time


@dataclass(frozen=True)
class ClockInput:
    """The facts of one incident that the deadlines depend on."""

    country: Country
    timezone: str  # IANA name of the organisation's zone, e.g. "Europe/Amsterdam"
    aware_at: datetime  # when the organisation became aware (aware datetime)
    significant: bool | None = None  # None: the ISMT has not decided yet
    personal_data: TriState = TriState.UNKNOWN
    gdpr_no_risk_recorded: bool = False  # privacy officer: breach unlikely to result in a risk
    sent: Mapping[ReportKind, datetime] = field(default_factory=dict)
    intermediate_requested_due: datetime | None = None  # due date set by the CSIRT/authority
    # Whether the incident is still ongoing when the final report falls due. None: not said; then it
    # is inferred from handled_at (handled after that moment means it was ongoing).
    ongoing_at_final: bool | None = None
    handled_at: datetime | None = None
    # False: the organisation is outside its country's NIS2 law (BE local governments by default):
    # the NIS2 clocks are voluntary guidance (Art. 30), the GDPR one stays mandatory.
    nis2_mandatory: bool = True


@dataclass(frozen=True)
class Deadline:
    kind: ReportKind
    due_at: datetime  # UTC
    provisional: bool
    recipients: tuple[Recipient, ...]
    sent_at: datetime | None
    state: DeadlineState
    basis: str  # legal basis, article references (not translated)
    provisional_reasons: tuple[str, ...] = ()  # msgids
    voluntary: bool = False  # guidance only (Art. 30 NIS2): never reminded, never "missed"

    def due_local(self, timezone: str) -> datetime:
        return self.due_at.astimezone(zone(timezone))


def _state(due_at: datetime, sent_at: datetime | None, now: datetime) -> DeadlineState:
    if sent_at is not None:
        return DeadlineState.MET if sent_at <= due_at else DeadlineState.MISSED
    return DeadlineState.MISSED if now > due_at else DeadlineState.OPEN


def _validate(data: ClockInput, now: datetime) -> None:
    require_aware(now, "now")
    require_aware(data.aware_at, "aware_at")
    for kind, sent_at in data.sent.items():
        require_aware(sent_at, f"sent[{kind}]")
    if data.intermediate_requested_due is not None:
        require_aware(data.intermediate_requested_due, "intermediate_requested_due")
    if data.handled_at is not None:
        require_aware(data.handled_at, "handled_at")


def compute_deadlines(data: ClockInput, now: datetime) -> list[Deadline]:
    """All deadlines of the incident, sorted by due time, with their state at ``now``."""
    _validate(data, now)
    country = Country(data.country)
    tz = zone(data.timezone)
    sent = {ReportKind(k): to_utc(v) for k, v in data.sent.items()}
    now = to_utc(now)
    aware = to_utc(data.aware_at)
    out: list[Deadline] = []

    def add(
        kind: ReportKind, due: datetime, recipients: tuple[Recipient, ...], why: list[str]
    ) -> None:
        sent_at = sent.get(kind)
        voluntary = kind in NIS2_KINDS and not data.nis2_mandatory
        out.append(
            Deadline(
                kind=kind,
                due_at=to_utc(due),
                provisional=bool(why),
                recipients=recipients,
                sent_at=sent_at,
                state=_state(to_utc(due), sent_at, now),
                basis=VOLUNTARY_BASIS if voluntary else _BASIS[(country, kind)],
                provisional_reasons=tuple(why),
                voluntary=voluntary,
            )
        )

    if data.significant is not False:
        nis2 = nis2_recipients(country)
        undecided = [WHY_UNDECIDED] if data.significant is None else []
        add(ReportKind.EARLY_WARNING, add_hours(aware, EARLY_WARNING_HOURS), nis2, undecided)
        notification_due = add_hours(aware, NOTIFICATION_HOURS)
        add(ReportKind.NOTIFICATION, notification_due, nis2, undecided)
        if data.intermediate_requested_due is not None:
            add(ReportKind.INTERMEDIATE, data.intermediate_requested_due, nis2, undecided)

        notified_at = sent.get(ReportKind.NOTIFICATION)
        anchor = notified_at or notification_due
        anchor_why = [] if notified_at else [WHY_FROM_NOTIFICATION_DUE]
        month_due = add_months(anchor, 1, tz)
        handled = to_utc(data.handled_at) if data.handled_at is not None else None
        ongoing = data.ongoing_at_final
        if ongoing is None:
            ongoing = handled is not None and handled > month_due
        final_sent = ReportKind.FINAL in sent
        if final_sent and ReportKind.PROGRESS not in sent:
            # The final report was sent: it closes the incident's reporting, so no progress report
            # is owed any more (and none stays open or overdue). Its due time is the month after
            # handling when the incident outlasted the first month, else the month after the
            # notification.
            late_handled = handled is not None and handled > month_due
            due = add_months(handled, 1, tz) if late_handled and handled else month_due
            add(ReportKind.FINAL, due, nis2, undecided + ([] if late_handled else anchor_why))
        elif not ongoing:
            add(ReportKind.FINAL, month_due, nis2, undecided + anchor_why)
        else:
            add(ReportKind.PROGRESS, month_due, nis2, undecided + anchor_why)
            if handled is not None:
                add(ReportKind.FINAL, add_months(handled, 1, tz), nis2, undecided)
            elif final_sent:
                # Sent without a recorded handling time: it was handled after the first month
                # (it was ongoing then), so the earliest the law allows is a month after that.
                add(ReportKind.FINAL, add_months(month_due, 1, tz), nis2, undecided)

    gdpr_applies = data.personal_data in (TriState.YES, TriState.UNKNOWN)
    if gdpr_applies and not data.gdpr_no_risk_recorded:
        why = [WHY_PERSONAL_DATA_UNKNOWN] if data.personal_data == TriState.UNKNOWN else []
        add(ReportKind.GDPR, add_hours(aware, GDPR_HOURS), (gdpr_recipient(country),), why)

    out.sort(key=lambda d: (d.due_at, list(ReportKind).index(d.kind)))
    return out
