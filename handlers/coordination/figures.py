"""The figures of one period, computed exactly from ``OrgFacts`` (pure: no database, no clock).

Definitions, stated here because every summary relies on them:

- An incident belongs to the period in which the organisation became aware of it (local time).
- *Deadlines* are the legal reporting deadlines of the incidents of the period, as they stand at
  ``as_of``: **met** = sent no later than due; **missed** = sent late, or not sent and past due;
  **open** = not sent and not yet due. So the council and the ISMT see the same numbers, and a
  final report due after the quarter shows as open rather than vanishing.
- *GDPR reports made* = GDPR notifications sent within the period.
- *Training compliance* follows ``handlers.training.compliance``: a person is up to date on a day
  when they completed a training and the next one is not past due (the due day itself still
  counts). Someone who never trained is **not** up to date, even within the
  ``first_due_grace_days`` after enrolment (they are counted as *new*, not yet overdue). Only
  people enrolled on that day count. Own policy, not law.
- Percentages have one decimal and are None (shown as "n/a") when nothing is counted.
"""

from __future__ import annotations

import bisect
import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from handlers.coordination.facts import (
    AuditFact,
    CollegeFact,
    DeadlineFact,
    FindingFact,
    IncidentFact,
    OrgFacts,
    TrainingFact,
    TrainingRule,
)
from handlers.coordination.periods import Period, local_date

MET, MISSED, OPEN = "met", "missed", "open"
DUE_SOON_DAYS = 183  # a college member without a certificate this close to the deadline: due soon


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def deadline_state(deadline: DeadlineFact, as_of: datetime) -> str:
    sent = deadline.sent_at if deadline.sent_at is not None and deadline.sent_at <= as_of else None
    if sent is not None:
        return MET if sent <= deadline.due_at else MISSED
    return MISSED if deadline.due_at < as_of else OPEN


@dataclass(frozen=True, slots=True)
class IncidentCounts:
    total: int
    significant: int
    by_category: dict[str, int]


@dataclass(frozen=True, slots=True)
class DeadlineCounts:
    met: int
    missed: int
    open: int

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def met_percent(self) -> float | None:
        return percent(self.met, self.decided)


@dataclass(frozen=True, slots=True)
class DeadlineLine:
    kind: str
    due_at: datetime
    sent_at: datetime | None
    state: str


@dataclass(frozen=True, slots=True)
class IncidentLine:
    incident: IncidentFact
    deadlines: tuple[DeadlineLine, ...]


@dataclass(frozen=True, slots=True)
class DepartmentLine:
    department: str | None
    total: int
    overdue: int
    trained: int = 0

    @property
    def percent(self) -> float | None:
        """The share up to date: trained and not overdue (never trained is not up to date)."""
        return percent(self.trained, self.total)


@dataclass(frozen=True, slots=True)
class TrainingFigures:
    total: int
    trained: int  # completed a training, next one not past due
    new: int  # never trained, still within the first-due grace period (not up to date)
    overdue: int  # past due, whether they ever trained or not
    departments: tuple[DepartmentLine, ...]  # most overdue first
    due_next_period: int
    never_trained: int = 0  # of total: no counting completion at all (new + part of overdue)

    @property
    def compliant(self) -> int:
        """Up to date: only people who actually trained (the same rule as /training)."""
        return self.trained

    @property
    def percent(self) -> float | None:
        return percent(self.compliant, self.total)


@dataclass(frozen=True, slots=True)
class CollegeFigures:
    members: int
    certified: int
    pending: int
    due_soon: int
    overdue: int
    next_deadline: date | None  # earliest deadline of a member without a certificate


@dataclass(frozen=True, slots=True)
class AuditFigures:
    done: tuple[AuditFact, ...]  # done within the period
    planned: tuple[AuditFact, ...]  # not done, planned on or after the cut-off day
    late: tuple[AuditFact, ...]  # not done, planned before the cut-off day
    open_findings: tuple[tuple[AuditFact, FindingFact], ...]
    overdue_findings: tuple[tuple[AuditFact, FindingFact], ...]


@dataclass(frozen=True, slots=True)
class Action:
    """One open action worth the council's attention (the template words it per ``kind``)."""

    kind: str  # finding | incident | college | department | audit
    subject: str
    due: date | None
    overdue_days: int  # 0 when not overdue
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class NextItem:
    kind: str  # audit | finding | college | training
    subject: str
    due: date | None
    count: int = 1


@dataclass(frozen=True)
class Figures:
    organisation: str
    country: str
    timezone: str
    period: Period
    as_of: datetime
    cutoff_day: date  # the last day the figures describe
    incidents: IncidentCounts | None
    previous_incidents: IncidentCounts | None
    incident_lines: tuple[IncidentLine, ...]
    deadlines: DeadlineCounts | None
    gdpr_reports: int | None
    training: TrainingFigures | None
    college: CollegeFigures | None
    audits: AuditFigures
    actions: tuple[Action, ...]
    next_period: tuple[NextItem, ...]
    unanswered: tuple[tuple[str, int], ...] | None
    months: tuple[tuple[int, int], ...]  # the 12 months of the incidents chart
    monthly: dict[str, tuple[int, ...]]  # category -> count per month, same order as months
    compliance_series: tuple[tuple[Period, float | None], ...]  # the last 8 quarters
    deadline_series: tuple[tuple[Period, int, int], ...]  # (quarter, met, missed), last 4


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def training_due(fact: TrainingFact, on: date, rule: TrainingRule) -> date:
    """The person's due day as known on ``on`` (completions after ``on`` do not count yet)."""
    done = sorted(fact.completions)
    last = bisect.bisect_right(done, on)
    if last:
        return add_months(done[last - 1], rule.interval_months)
    return fact.enrolled_on + timedelta(days=rule.first_due_grace_days)


def compute(facts: OrgFacts, period: Period, as_of: datetime) -> Figures:
    tz = facts.timezone
    cutoff = min(as_of, period.end_utc(tz))
    cutoff_day = local_date(cutoff - timedelta(microseconds=1), tz)
    incidents = list(facts.incidents) if facts.incidents is not None else None
    lines = tuple(_incident_lines(incidents, period, tz, as_of)) if incidents is not None else ()
    college = _college(facts.college, cutoff_day) if facts.college is not None else None
    training = (
        _training(facts.training, cutoff_day, period.next(), facts.training_rule)
        if facts.training is not None
        else None
    )
    audits = _audits(facts.audits, period, cutoff_day)
    months = tuple(_last_twelve_months(period))
    return Figures(
        organisation=facts.organisation,
        country=facts.country,
        timezone=tz,
        period=period,
        as_of=as_of,
        cutoff_day=cutoff_day,
        incidents=_counts(incidents, period, tz) if incidents is not None else None,
        previous_incidents=(
            _counts(incidents, period.previous(), tz) if incidents is not None else None
        ),
        incident_lines=lines,
        deadlines=_deadline_counts(lines) if incidents is not None else None,
        gdpr_reports=_gdpr_reports(incidents, period, tz) if incidents is not None else None,
        training=training,
        college=college,
        audits=audits,
        actions=tuple(_actions(lines, training, facts.college, audits, cutoff_day, as_of, tz)),
        next_period=tuple(_next_items(facts, period.next(), cutoff_day)),
        unanswered=(
            tuple(sorted(((u.question, u.count) for u in facts.unanswered), key=lambda x: -x[1]))
            if facts.unanswered is not None
            else None
        ),
        months=months,
        monthly=_monthly(incidents or [], months, tz),
        compliance_series=tuple(_compliance_series(facts, period, cutoff_day)),
        deadline_series=tuple(_deadline_series(incidents or [], period, tz, as_of)),
    )


def _in_period(incidents: list[IncidentFact], period: Period, tz: str) -> list[IncidentFact]:
    start, end = period.start_utc(tz), period.end_utc(tz)
    return [i for i in incidents if start <= i.created_at < end]


def _counts(incidents: list[IncidentFact], period: Period, tz: str) -> IncidentCounts:
    chosen = _in_period(incidents, period, tz)
    by_category = Counter(i.category for i in chosen)
    return IncidentCounts(
        total=len(chosen),
        significant=sum(1 for i in chosen if i.significant),
        by_category=dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _incident_lines(
    incidents: list[IncidentFact], period: Period, tz: str, as_of: datetime
) -> list[IncidentLine]:
    chosen = sorted(_in_period(incidents, period, tz), key=lambda i: (i.created_at, i.reference))
    return [
        IncidentLine(
            incident,
            tuple(
                DeadlineLine(d.kind, d.due_at, d.sent_at, deadline_state(d, as_of))
                for d in sorted(incident.deadlines, key=lambda d: (d.due_at, d.kind))
            ),
        )
        for incident in chosen
    ]


def _deadline_counts(lines: tuple[IncidentLine, ...]) -> DeadlineCounts:
    states = Counter(d.state for line in lines for d in line.deadlines)
    return DeadlineCounts(met=states[MET], missed=states[MISSED], open=states[OPEN])


def _gdpr_reports(incidents: list[IncidentFact], period: Period, tz: str) -> int:
    start, end = period.start_utc(tz), period.end_utc(tz)
    return sum(
        1
        for i in incidents
        for d in i.deadlines
        if d.kind == "gdpr" and d.sent_at is not None and start <= d.sent_at < end
    )


def _training(
    facts: list[TrainingFact] | tuple[TrainingFact, ...],
    day: date,
    next_period: Period,
    rule: TrainingRule,
) -> TrainingFigures:
    trained = new = overdue = due_next = never = 0
    per_department: dict[str | None, list[int]] = {}  # department -> [total, overdue, trained]
    for fact in facts:
        if fact.enrolled_on > day:
            continue
        due = training_due(fact, day, rule)
        department = (fact.department or "").strip() or None
        row = per_department.setdefault(department, [0, 0, 0])
        row[0] += 1
        ever = any(c <= day for c in fact.completions)
        never += not ever
        if due < day:
            overdue += 1
            row[1] += 1
        else:
            if ever:
                trained += 1
                row[2] += 1
            else:
                new += 1
            if next_period.contains_day(due):
                due_next += 1
    departments = tuple(
        DepartmentLine(name, total, late, done)
        for name, (total, late, done) in sorted(
            per_department.items(),
            key=lambda kv: (-kv[1][1], kv[0] is None, (kv[0] or "").casefold()),
        )
    )
    return TrainingFigures(
        trained + new + overdue, trained, new, overdue, departments, due_next, never
    )


def _college(facts: list[CollegeFact] | tuple[CollegeFact, ...], day: date) -> CollegeFigures:
    certified = pending = due_soon = overdue = 0
    open_deadlines = []
    # Only members enrolled on that day, like the staff figures: a past quarter's report does not
    # count an alderman who came into the bot after it.
    facts = [m for m in facts if m.enrolled_on is None or m.enrolled_on <= day]
    for member in facts:
        if member.certified_on is not None and member.certified_on <= day:
            certified += 1
            continue
        open_deadlines.append(member.deadline)
        if member.deadline < day:
            overdue += 1
        elif (member.deadline - day).days <= DUE_SOON_DAYS:
            due_soon += 1
        else:
            pending += 1
    return CollegeFigures(
        len(facts), certified, pending, due_soon, overdue, min(open_deadlines, default=None)
    )


def _audits(
    audits: list[AuditFact] | tuple[AuditFact, ...], period: Period, day: date
) -> AuditFigures:
    done = tuple(a for a in audits if a.done_on is not None and period.contains_day(a.done_on))
    waiting = [a for a in audits if a.done_on is None or a.done_on > day]
    planned = tuple(sorted((a for a in waiting if a.planned_on >= day), key=lambda a: a.planned_on))
    late = tuple(sorted((a for a in waiting if a.planned_on < day), key=lambda a: a.planned_on))
    open_findings = [
        (a, f)
        for a in audits
        for f in a.findings
        if f.is_open or (f.closed_on is not None and f.closed_on > day)
    ]
    open_findings.sort(key=lambda af: (af[1].due_on or date.max, af[1].id))
    overdue = tuple(af for af in open_findings if af[1].due_on is not None and af[1].due_on < day)
    return AuditFigures(done, planned, late, tuple(open_findings), overdue)


_SEVERITY = {"high": 0, "medium": 1, "low": 2}


def _actions(
    lines: tuple[IncidentLine, ...],
    training: TrainingFigures | None,
    college: list[CollegeFact] | tuple[CollegeFact, ...] | None,
    audits: AuditFigures,
    day: date,
    as_of: datetime,
    tz: str,
    limit: int = 5,
) -> list[Action]:
    """The biggest open actions: overdue ones first (longest overdue first), then the nearest."""
    found: list[tuple[tuple[int, int, str], Action]] = []
    for _audit, finding in audits.open_findings:
        late = (day - finding.due_on).days if finding.due_on and finding.due_on < day else 0
        action = Action("finding", finding.title, finding.due_on, late, finding.owner)
        found.append(((-late, _SEVERITY.get(finding.severity, 1), finding.title), action))
    for line in lines:
        if not line.incident.is_open:
            continue
        waiting = [d for d in line.deadlines if d.sent_at is None or d.sent_at > as_of]
        if not waiting:
            continue
        first = min(waiting, key=lambda d: d.due_at)
        due = local_date(first.due_at, tz)
        late = max((as_of - first.due_at).days, 0) if first.due_at < as_of else 0
        action = Action("incident", line.incident.reference, due, late)
        found.append(((-late, 0, line.incident.reference), action))
    for member in college or ():
        if member.enrolled_on is not None and member.enrolled_on > day:
            continue
        if (member.certified_on is None or member.certified_on > day) and member.deadline < day:
            late = (day - member.deadline).days
            found.append(
                ((-late, 0, member.name), Action("college", member.name, member.deadline, late))
            )
    for audit in audits.late:
        late = (day - audit.planned_on).days
        found.append(
            ((-late, 1, audit.auditor), Action("audit", audit.scope, audit.planned_on, late))
        )
    if training is not None:
        for dept in training.departments[:2]:
            if dept.overdue:
                subject = dept.department or ""
                found.append(((0, 2, subject), Action("department", subject, None, 0)))
    found.sort(key=lambda item: (item[0][0], item[1].due or date.max, item[0][1], item[0][2]))
    return [action for _key, action in found[:limit]]


def _next_items(facts: OrgFacts, nxt: Period, day: date) -> list[NextItem]:
    items: list[NextItem] = []
    for audit in facts.audits:
        if audit.done_on is None and nxt.contains_day(audit.planned_on):
            items.append(NextItem("audit", f"{audit.auditor}: {audit.scope}", audit.planned_on))
        for finding in audit.findings:
            if finding.is_open and finding.due_on and nxt.contains_day(finding.due_on):
                items.append(NextItem("finding", finding.title, finding.due_on))
    for member in facts.college or ():
        if member.certified_on is None and nxt.contains_day(member.deadline):
            items.append(NextItem("college", member.name, member.deadline))
    if facts.training is not None:
        due = sum(
            1
            for f in facts.training
            if f.enrolled_on <= day
            and training_due(f, day, facts.training_rule) >= day
            and nxt.contains_day(training_due(f, day, facts.training_rule))
        )
        if due:
            items.append(NextItem("training", "", None, due))
    items.sort(key=lambda i: (i.due or date.max, i.kind, i.subject))
    return items


def _last_twelve_months(period: Period) -> list[tuple[int, int]]:
    last_year, last_month = period.months()[-1]
    out = []
    for back in range(11, -1, -1):
        index = last_year * 12 + last_month - 1 - back
        out.append((index // 12, index % 12 + 1))
    return out


def _monthly(
    incidents: list[IncidentFact], months: tuple[tuple[int, int], ...], tz: str
) -> dict[str, tuple[int, ...]]:
    position = {month: i for i, month in enumerate(months)}
    counts: dict[str, list[int]] = {}
    first = Period(months[0][0], (months[0][1] - 1) // 3 + 1).start_utc(tz)
    for incident in incidents:
        if incident.created_at < first:
            continue
        day = local_date(incident.created_at, tz)
        slot = position.get((day.year, day.month))
        if slot is not None:
            counts.setdefault(incident.category, [0] * len(months))[slot] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    return {category: tuple(values) for category, values in ordered}


def _compliance_series(
    facts: OrgFacts, period: Period, cutoff_day: date
) -> list[tuple[Period, float | None]]:
    if facts.training is None:
        return []
    quarters = period.quarters_back(8)
    days = [min(q.end_day - timedelta(days=1), cutoff_day) for q in quarters]
    compliant = [0] * len(days)
    totals = [0] * len(days)
    rule = facts.training_rule
    for fact in facts.training:
        done = sorted(fact.completions)
        for index, day in enumerate(days):
            if fact.enrolled_on > day:
                continue
            totals[index] += 1
            last = bisect.bisect_right(done, day)
            # Up to date: trained, and the next one not past due (never trained is not).
            if last and add_months(done[last - 1], rule.interval_months) >= day:
                compliant[index] += 1
    return [(q, percent(c, t)) for q, c, t in zip(quarters, compliant, totals, strict=True)]


def _deadline_series(
    incidents: list[IncidentFact], period: Period, tz: str, as_of: datetime
) -> list[tuple[Period, int, int]]:
    out = []
    for quarter in period.quarters_back(4):
        states = Counter(
            deadline_state(d, as_of)
            for i in _in_period(incidents, quarter, tz)
            for d in i.deadlines
        )
        out.append((quarter, states[MET], states[MISSED]))
    return out
