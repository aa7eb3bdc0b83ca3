"""The college's personal certificate duty: Cbw art. 24 (the Netherlands only).

The law (facts.md §9d, tags as there):

- For a municipality the "bestuur" is the college van burgemeester en wethouders, not the raad and
  not the secretaris (Cbw art. 24(12)(d) [V]). So the duty is on the mayor and the aldermen.
- Each member needs the knowledge and skills of art. 24(2) and holds a **certificate** of a training
  covering them, kept demonstrably up to date (art. 24(4)-(6) [V]).
- Deadline: within two years after art. 24(2) entered into force, or, for a member appointed
  later, within two years of their appointment (art. 24(3),(5) [V]). The entry-into-force date,
  15 Aug 2026, is [U] (facts §9.2, §12.1), so it is a parameter.

Decisions, and why:

- **The certificate is personal** (facts 9.20): only certificates of the member themself count; a
  predecessor's certificate never counts, and new aldermen after elections start their own two
  years.
- **A certificate the same person obtained before this appointment counts** (a re-elected alderman,
  one who comes from another municipality): the law asks that the member *holds* a certificate and
  ties it to the person, not to the term or the municipality.
- **Only an art. 24 training counts** (``covers_art24``): the staff awareness quiz is own policy and
  is not the bestuur training the law describes (types of risk, risk management, risk assessment).
- **No expiry by default**: "up to date" has no term in the Cbw; the Cbb may set duration and
  level (not read, [U]). ``CollegeRules.certificate_max_age_months`` switches an expiry on when it
  is known.
- **Belgium: not applicable.** Cbw art. 24 is Dutch law. The Belgian NIS2 law covers local
  governments only in exceptional cases (facts §10.8), so the bot tracks no legal college duty for a
  Belgian organisation: ``college_duty`` returns None there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum

from handlers.i18n import N_
from handlers.training.policy import PersonId, TrainingPolicy, add_months
from handlers.training.workdays import work_calendar
from storage.enums import COLLEGE_ROLES, Country, Role

#: Cbw art. 24(2) in force (facts §9.2 [S][U]; verify on wetten.overheid.nl, facts §12.1).
CBW_ART24_IN_FORCE = date(2026, 8, 15)

NOT_APPLICABLE_BE = N_(
    "The certificate duty of the college (Dutch Cyberbeveiligingswet, art. 24) is Dutch law and "
    "does not apply in Belgium. The Belgian NIS2 law covers local governments only in exceptional "
    "cases."
)
NOT_APPLICABLE_ROLE = N_(
    "The legal certificate duty (Cbw art. 24) is on the members of the college: the mayor and the "
    "aldermen."
)


class CollegeState(StrEnum):
    OK = "ok"  # holds a certificate that counts
    PENDING = "pending"  # no certificate yet, deadline still far
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


class Audience(StrEnum):
    MEMBER = "member"
    SECRETARY = "secretary"


@dataclass(frozen=True, slots=True)
class CollegeRules:
    art24_in_force: date = CBW_ART24_IN_FORCE
    period_months: int = 24
    reminder_months: tuple[int, ...] = (12, 6, 3, 1)
    #: From this many months before the deadline an uncertified member is "due soon".
    due_soon_months: int = 6
    certificate_max_age_months: int | None = None


@dataclass(frozen=True, slots=True)
class CollegeMember:
    person_id: PersonId
    role: Role
    appointed_on: date


@dataclass(frozen=True, slots=True)
class CollegeCertificate:
    person_id: PersonId
    obtained_on: date
    number: str = ""
    #: True for a training on the art. 24(2) topics; False for e.g. the staff awareness quiz.
    covers_art24: bool = True


@dataclass(frozen=True, slots=True)
class CollegeReminder:
    person_id: PersonId
    deadline: date
    on: date
    #: 12, 6, 3, 1 months before the deadline; 0 for the notice the day after a missed deadline.
    months_before: int
    audience: Audience

    @property
    def key(self) -> str:
        moment = "overdue" if self.months_before == 0 else f"{self.months_before}m"
        return f"college:{self.person_id}:{self.deadline.isoformat()}:{moment}:{self.audience}"


@dataclass(frozen=True, slots=True)
class CollegeDuty:
    member: CollegeMember
    deadline: date
    state: CollegeState
    certificate: CollegeCertificate | None
    reminders: tuple[CollegeReminder, ...] = field(default=())


def college_duty_applies(country: Country, role: Role) -> bool:
    return Country(country) is Country.NL and Role(role) in COLLEGE_ROLES


def not_applicable_reason(country: Country, role: Role) -> str | None:
    """The msgid explaining why there is no legal duty, or None if there is one."""
    if Country(country) is not Country.NL:
        return NOT_APPLICABLE_BE
    if Role(role) not in COLLEGE_ROLES:
        return NOT_APPLICABLE_ROLE
    return None


def deadline_for(member: CollegeMember, rules: CollegeRules = CollegeRules()) -> date:
    """Two years from the later of appointment and art. 24(2) entering into force."""
    start = max(member.appointed_on, rules.art24_in_force)
    return add_months(start, rules.period_months)


def counting_certificate(
    member: CollegeMember,
    certificates: Iterable[CollegeCertificate],
    today: date,
    rules: CollegeRules = CollegeRules(),
) -> CollegeCertificate | None:
    """The member's most recent certificate that counts today, if any (see the module docstring)."""
    best: CollegeCertificate | None = None
    for cert in certificates:
        if cert.person_id != member.person_id or not cert.covers_art24 or cert.obtained_on > today:
            continue
        max_age = rules.certificate_max_age_months
        if max_age is not None and add_months(cert.obtained_on, max_age) < today:
            continue
        if best is None or cert.obtained_on > best.obtained_on:
            best = cert
    return best


def college_duty(
    member: CollegeMember,
    certificates: Iterable[CollegeCertificate],
    today: date,
    country: Country,
    rules: CollegeRules = CollegeRules(),
) -> CollegeDuty | None:
    """The member's duty today; None where Cbw art. 24 does not apply (Belgium, other roles)."""
    if not college_duty_applies(country, member.role):
        return None
    deadline = deadline_for(member, rules)
    certificate = counting_certificate(member, certificates, today, rules)
    if certificate is not None:
        return CollegeDuty(member, deadline, CollegeState.OK, certificate)
    if today > deadline:
        state = CollegeState.OVERDUE
    elif today >= add_months(deadline, -rules.due_soon_months):
        state = CollegeState.DUE_SOON
    else:
        state = CollegeState.PENDING
    return CollegeDuty(member, deadline, state, None, _reminders(member, deadline, rules))


def due_college_reminders(
    duties: Iterable[CollegeDuty | None],
    now: datetime,
    policy: TrainingPolicy,
    tz: tzinfo,
    *,
    ignore_office_hours: bool = False,
) -> list[CollegeReminder]:
    """For each uncertified member, the latest reminder moment that has come (member and secretary).

    Stateless: it keeps returning the latest one until the next moment comes, and the scheduler
    records each key once (unique constraint), so nothing goes out twice and a missed moment is
    caught up once rather than as a backlog. Only in office hours, like the staff nudges (Dutch
    holidays, since the duty is NL only).
    """
    calendar = work_calendar(Country.NL, tz, policy)
    if not ignore_office_hours and not calendar.is_office_moment(now):
        return []
    result: list[CollegeReminder] = []
    for duty in duties:
        if duty is None or duty.state is CollegeState.OK:
            continue
        passed = [
            r for r in duty.reminders if calendar.first_office_moment_on_or_after(r.on) <= now
        ]
        if passed:
            latest = max(r.on for r in passed)
            result.extend(r for r in passed if r.on == latest)
    return result


def _reminders(
    member: CollegeMember, deadline: date, rules: CollegeRules
) -> tuple[CollegeReminder, ...]:
    moments = [(add_months(deadline, -m), m) for m in sorted(rules.reminder_months, reverse=True)]
    # The day after the deadline: tell both that it was missed (no longer "due soon" but overdue).
    moments.append((date.fromordinal(deadline.toordinal() + 1), 0))
    return tuple(
        CollegeReminder(member.person_id, deadline, on, months, audience)
        for on, months in moments
        for audience in Audience
        # No reminder dated before the appointment (only possible with custom rules).
        if on >= member.appointed_on
    )
