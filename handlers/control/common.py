"""What the commands of "in control" share: roles, dates, people by name, the country's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from handlers.context import Context
from handlers.coordination.periods import local_date, local_moment
from handlers.coordination.recurrence import parse_day, parse_future
from handlers.coordination.summary import fmt_date
from handlers.i18n import N_, t
from handlers.text import one_line
from storage import people
from storage.enums import Role
from storage.models import Person

#: Who runs exercises, records decisions and manages action points.
EXERCISE_LEADS = frozenset({Role.COORDINATOR, Role.ISMT})
EXERCISE_PLAYERS = frozenset(
    {Role.COORDINATOR, Role.ISMT, Role.IT, Role.MAYOR, Role.ALDERMAN, Role.SECRETARY}
)
DECISION_KEEPERS = frozenset({Role.COORDINATOR, Role.SECRETARY})
COUNCIL_PACK = frozenset(
    {Role.COORDINATOR, Role.SECRETARY, Role.MAYOR, Role.ALDERMAN, Role.COUNCIL_MEMBER}
)
#: These roles see every action point; everyone else sees the ones they own.
SEE_ALL_ACTIONS = frozenset(
    {
        Role.COORDINATOR,
        Role.SECRETARY,
        Role.MAYOR,
        Role.ALDERMAN,
        Role.COUNCIL_MEMBER,
        Role.ISMT,
        Role.AUDITOR,
    }
)
EVIDENCE_READERS = frozenset({Role.AUDITOR, Role.COORDINATOR})

#: Without a date, an action point is due this many days after it was made (own policy).
DEFAULT_DUE_DAYS = 30
NINE = time(9, 0)


def parse_date(ctx: Context, word: str) -> date | None:
    """2027-03-15, 15-03-2027 or a short phrase ("1 maart", "vrijdag") in the organisation's zone."""
    day = parse_day(word)
    if day is not None:
        return day
    moment = parse_future(word, now=ctx.now, timezone=ctx.org.timezone)
    return local_date(moment, ctx.org.timezone) if moment else None


def at_nine(ctx: Context, day: date) -> datetime:
    return local_moment(day, NINE, ctx.org.timezone)


def today(ctx: Context) -> date:
    return local_date(ctx.now, ctx.org.timezone)


def default_due(ctx: Context) -> datetime:
    return at_nine(ctx, today(ctx) + timedelta(days=DEFAULT_DUE_DAYS))


def day_text(ctx: Context, moment: datetime | None) -> str:
    return fmt_date(local_date(moment, ctx.org.timezone) if moment else None, ctx.language)


@dataclass(frozen=True)
class Found:
    person: Person | None
    problem: str | None  # translated, plain text


def person_named(ctx: Context, name: str) -> Found:
    """Exactly one active person of this organisation with that name, or why not."""
    wanted = one_line(name, 200)
    found = people.people_by_name(session=ctx.session, organisation_id=ctx.org.id, name=wanted)
    if len(found) == 1:
        return Found(found[0], None)
    return Found(
        None,
        ctx.t(
            "I found {count} people named “{name}”; type the name exactly as in /mensen.",
            count=len(found),
            name=one_line(wanted, 60),
        ),
    )


def name_of(ctx: Context, person_id: int | None) -> str:
    if person_id is None:
        return ctx.t("nobody yet")
    person = people.person_by_id(
        session=ctx.session, organisation_id=ctx.org.id, person_id=person_id
    )
    return person.name if person else "—"


def split_fields(args: list[str]) -> list[str]:
    """``TITLE; OWNER; DATE`` (``|`` works as well) into trimmed parts."""
    return [part.strip() for part in " ".join(args).replace("|", ";").split(";")]


def number_of(word: str, prefixes: str) -> int | None:
    """ "A12", "#12", "12" -> 12 (prefix letters case-insensitive); None when it is no number."""
    word = word.strip().lstrip("#")
    if word[:1].upper() in prefixes.upper():
        word = word[1:]
    return int(word) if word.isdigit() and len(word) < 9 else None


# -- the country's words -------------------------------------------------------------------------

_WORDS = {
    ("nl", "college"): N_("the college of mayor and aldermen"),
    ("be", "college"): N_("the college of mayor and aldermen (schepenen)"),
    ("nl", "secretary"): N_("the municipal secretary"),
    ("be", "secretary"): N_("the general director"),
    ("nl", "alderman"): N_("alderman"),
    ("be", "alderman"): N_("alderman (schepen)"),
}


def word(country: str, key: str, language: str) -> str:
    """A role's name as people say it in that country (schepen in Flanders, wethouder in NL)."""
    country = country if country in ("nl", "be") else "nl"
    return t(language, _WORDS[(country, key)])
