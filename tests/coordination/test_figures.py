"""The figures of a summary, computed exactly from seeded facts (numbers counted by hand in seed.py)."""

from __future__ import annotations

from datetime import date, time

from handlers.coordination.figures import MET, MISSED, OPEN, compute, deadline_state
from handlers.coordination.periods import Period, parse_period, summary_due
from handlers.coordination.questions import council_questions
from tests.coordination.seed import AS_OF, org_facts, utc

Q3 = Period(2026, 3)


def test_incidents_this_quarter_against_the_previous_one() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    assert figures.incidents is not None and figures.previous_incidents is not None
    assert figures.incidents.total == 4  # A, B, C (23:30 local on 30 Sep), G; not D (00:30 1 Oct)
    assert figures.incidents.significant == 2
    assert figures.incidents.by_category == {"phishing": 2, "data_leak": 1, "malware_ransomware": 1}
    assert list(figures.incidents.by_category) == ["phishing", "data_leak", "malware_ransomware"]
    assert (figures.previous_incidents.total, figures.previous_incidents.significant) == (2, 1)
    assert [line.incident.reference for line in figures.incident_lines] == [
        "INC-A",
        "INC-G",
        "INC-B",
        "INC-C",
    ]


def test_deadlines_met_missed_open_and_gdpr_reports() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    assert figures.deadlines is not None
    assert (figures.deadlines.met, figures.deadlines.missed, figures.deadlines.open) == (3, 2, 2)
    assert figures.deadlines.met_percent == 60.0
    assert figures.gdpr_reports == 1
    by_ref = {
        line.incident.reference: [d.state for d in line.deadlines]
        for line in figures.incident_lines
    }
    assert by_ref == {
        "INC-A": [MET, MISSED, MET],
        "INC-B": [MET],
        "INC-C": [OPEN, OPEN],
        "INC-G": [MISSED],
    }
    # Rendered later, the open deadlines of INC-C have become missed.
    later = compute(org_facts(), Q3, utc(2026, 10, 5))
    assert later.deadlines is not None and (later.deadlines.missed, later.deadlines.open) == (4, 0)


def test_a_report_sent_exactly_at_the_deadline_is_met_and_one_second_later_missed() -> None:
    from handlers.coordination.facts import DeadlineFact

    due = utc(2026, 7, 1, 12)
    assert deadline_state(DeadlineFact("early_warning", due, due), due) == MET
    late = DeadlineFact("early_warning", due, due.replace(second=1))
    assert deadline_state(late, utc(2026, 8, 1)) == MISSED
    # Sent after the moment the summary describes: not yet sent at that moment.
    assert deadline_state(late, due.replace(second=0, microsecond=1)) == MISSED
    assert deadline_state(DeadlineFact("final", due), utc(2026, 6, 1)) == OPEN


def test_training_compliance_per_department_and_due_next_quarter() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    training = figures.training
    assert training is not None
    # P5 enrolled after the quarter; P6's completion of 2 October does not count yet.
    assert (training.total, training.trained, training.new, training.overdue) == (5, 2, 1, 2)
    # Up to date = trained and not overdue: P3 never trained, so 2 of 5, not 3 of 5.
    assert training.percent == 40.0 and training.compliant == 2 and training.never_trained == 1
    assert [(d.department, d.total, d.overdue, d.trained) for d in training.departments] == [
        ("Burgerzaken", 2, 1, 1),
        ("ICT", 3, 1, 1),
    ]
    assert training.departments[0].percent == 50.0
    assert training.departments[1].percent == 33.3
    assert training.due_next_period == 2  # P1 (1 Nov) and P3 (15 Oct)


def test_training_compliance_per_quarter_over_two_years() -> None:
    series = dict(compute(org_facts(), Q3, AS_OF).compliance_series)
    assert list(series) == Period(2026, 3).quarters_back(8)
    assert series[Period(2024, 4)] is None  # nobody enrolled yet: no made-up 0 or 100
    assert series[Period(2025, 1)] == 0.0  # four people, all past their 30-day grace
    assert series[Period(2026, 2)] == 75.0  # P1, P2, P4 up to date; P6 overdue
    assert series[Period(2026, 3)] == 40.0  # P1, P4 trained; P3 new (never trained) is not


def test_college_duty() -> None:
    college = compute(org_facts(), Q3, AS_OF).college
    assert college is not None
    assert (college.members, college.certified, college.pending) == (4, 1, 1)
    assert (college.due_soon, college.overdue) == (1, 1)
    assert college.next_deadline == date(2026, 9, 1)
    assert compute(org_facts(college=None, country="be"), Q3, AS_OF).college is None


def test_audit_programme_findings_actions_and_next_quarter() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    audits = figures.audits
    assert [a.id for a in audits.done] == [1]
    assert [a.id for a in audits.planned] == [2]
    assert [a.id for a in audits.late] == [3]
    assert [f.id for _a, f in audits.open_findings] == [1, 2]
    assert [f.id for _a, f in audits.overdue_findings] == [1]
    assert [(a.kind, a.subject, a.overdue_days) for a in figures.actions] == [
        ("incident", "INC-G", 71),
        ("finding", "MFA ontbreekt op VPN", 29),
        ("college", "Wethouder Bakker", 29),
        ("audit", "jaarlijkse review", 20),
        ("incident", "INC-C", 0),
    ]
    assert [(i.kind, i.due, i.count) for i in figures.next_period] == [
        ("audit", date(2026, 11, 15), 1),
        ("college", date(2026, 12, 1), 1),
        ("finding", date(2026, 12, 1), 1),
        ("training", None, 2),
    ]
    assert figures.unanswered == (("Wat is BIO2?", 5), ("Mag ik USB-sticks gebruiken?", 2))


def test_chart_series() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    assert figures.months[0] == (2025, 10) and figures.months[-1] == (2026, 9)
    assert figures.monthly == {
        "phishing": (0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0),
        "data_leak": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
        "malware_ransomware": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        "outage": (0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    }
    assert figures.deadline_series == (
        (Period(2025, 4), 0, 0),
        (Period(2026, 1), 0, 0),
        (Period(2026, 2), 0, 0),
        (Period(2026, 3), 3, 2),
    )


def test_three_council_questions_follow_the_figures() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    questions = council_questions(figures)
    assert len(questions) == 3
    assert questions[0].params == {"missed": 2}
    assert questions[1].params == {"open": 2}
    assert questions[2].params == {"count": 1}
    quiet = compute(org_facts(incidents=(), college=None, audits=(), training=None), Q3, AS_OF)
    asked = council_questions(quiet)
    assert len(asked) == 3 and "audit" in asked[0].msgid  # no audit done or planned


def test_missing_feature_data_is_none_not_zero() -> None:
    figures = compute(
        org_facts(incidents=None, training=None, college=None, unanswered=None), Q3, AS_OF
    )
    assert figures.incidents is None and figures.deadlines is None and figures.gdpr_reports is None
    assert figures.training is None and figures.compliance_series == ()
    assert figures.unanswered is None


def test_a_year_is_a_period_too() -> None:
    figures = compute(org_facts(), Period(2026), utc(2027, 1, 4, 8))
    assert figures.incidents is not None and figures.incidents.total == 7
    assert figures.previous_incidents is not None and figures.previous_incidents.total == 0


def test_periods_parse_and_the_summary_is_due_on_the_first_working_day() -> None:
    assert parse_period("2026Q3") == Period(2026, 3)
    assert parse_period("2026-k4") == Period(2026, 4)
    assert parse_period("2026") == Period(2026)
    assert parse_period("2026Q5") is None and parse_period("Q3") is None
    nine = time(9, 0)
    # 1 October 2026 is a Thursday: 09:00 CEST = 07:00 UTC.
    assert summary_due(Q3, country="nl", timezone="Europe/Amsterdam", wall=nine) == utc(
        2026, 10, 1, 7
    )
    # 1 January 2027 is a holiday (Friday): Monday 4 January, 09:00 CET = 08:00 UTC.
    assert summary_due(
        Period(2026, 4), country="nl", timezone="Europe/Amsterdam", wall=nine
    ) == utc(2027, 1, 4, 8)
    # Belgium, 2027Q2 ends on Thursday 1 July 2027; Q1 2027 ends 1 April (Thursday, working day).
    assert summary_due(Period(2027, 1), country="be", timezone="Europe/Brussels", wall=nine) == utc(
        2027, 4, 1, 7
    )


def test_a_past_quarter_counts_only_college_members_enrolled_by_its_end() -> None:
    from dataclasses import replace

    facts = org_facts()
    late = replace(facts.college[0], person_id=99, name="Nieuw", enrolled_on=date(2026, 11, 1))
    with_newcomer = replace(facts, college=(*facts.college, late))
    q3 = compute(with_newcomer, Q3, AS_OF).college
    assert q3 is not None and q3.members == 4  # enrolled after 30 Sep: not in Q3's figures
    q4 = compute(with_newcomer, Period(2026, 4), utc(2026, 12, 7)).college
    assert q4 is not None and q4.members == 5
