"""One summary for one organisation: gather the facts, compute the figures, render them."""

from __future__ import annotations

from datetime import datetime, time

from sqlmodel import Session

from handlers.coordination.figures import Figures, compute
from handlers.coordination.first_page import render_first_page
from handlers.coordination.gather import gather_facts
from handlers.coordination.periods import Period, last_complete_quarter, local_date, parse_wall_time
from handlers.coordination.summary import CHAT_INCIDENT_LIMIT, Audience, Rendered, render_summary
from handlers.settings import FeatureSettings
from storage.models import Organisation


def figures_for(
    *, session: Session, organisation: Organisation, period: Period, as_of: datetime
) -> Figures:
    facts = gather_facts(session=session, organisation=organisation, as_of=as_of, period=period)
    return compute(facts, period, as_of)


def summary_for(
    *,
    session: Session,
    organisation: Organisation,
    period: Period,
    audience: Audience,
    language: str,
    as_of: datetime,
    limit: int | None = CHAT_INCIDENT_LIMIT,
) -> Rendered:
    figures = figures_for(session=session, organisation=organisation, period=period, as_of=as_of)
    rendered = render_summary(
        figures, audience, language, limit=limit, with_questions=audience is not Audience.COUNCIL
    )
    if audience is Audience.COUNCIL:  # the first page opens with the questions
        section = control_section(
            session=session,
            organisation=organisation,
            period=period,
            as_of=as_of,
            language=language,
        )
        page = first_page(
            session=session, organisation=organisation, figures=figures, language=language
        )
        rendered = Rendered(page + "\n\n" + rendered.text + "\n\n" + section, rendered.charts)
    return rendered


def first_page(
    *, session: Session, organisation: Organisation, figures: Figures, language: str
) -> str:
    """The council report's one-screen first page (#16 item 3), with this and the previous
    period's exercises and action points from "in control"."""
    from handlers.control.figures import control_figures  # lazy: control builds on coordination

    period, as_of = figures.period, figures.as_of
    now = control_figures(session=session, organisation=organisation, period=period, as_of=as_of)
    before = control_figures(
        session=session, organisation=organisation, period=period.previous(), as_of=as_of
    )
    return render_first_page(figures, now, before, language)


def control_section(
    *, session: Session, organisation: Organisation, period: Period, as_of: datetime, language: str
) -> str:
    """The exercises and action points of "in control" (#16) for the council's summary."""
    from handlers.control.report import council_section  # lazy: control builds on coordination

    return council_section(
        session=session, organisation=organisation, period=period, as_of=as_of, language=language
    )


def default_period(organisation: Organisation, now: datetime) -> Period:
    """The last complete quarter on the organisation's calendar."""
    return last_complete_quarter(local_date(now, organisation.timezone))


def room_language(organisation: Organisation) -> str:
    """The language of the organisation's rooms: its setting, else Dutch (NL and Flanders)."""
    value = (organisation.settings or {}).get("language")
    return value if value in ("nl", "en") else "nl"


def summary_wall_time(organisation: Organisation, settings: FeatureSettings) -> time:
    """When on the first working day the summaries go out: the organisation's own
    ``settings["summary_time"]``, else the runtime's ``summary_local_time`` (default 09:00)."""
    own = (organisation.settings or {}).get("summary_time")
    return parse_wall_time(own or settings.summary_local_time, time(9, 0))
