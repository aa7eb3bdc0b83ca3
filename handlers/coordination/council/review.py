"""The council's quarterly report as a draft, its review, and what is published (#16 item 3).

A few days before the report is due (``council_report_review_days``, default 5) the report is
drafted and sent to the coordinator(s), who approve it (``/rapport goedkeuren``) or write a note
that goes with it (``/rapport notitie TEXT``). At the due moment it is published once: to the
council room, and from then on ``/rapport`` gives council members, the mayor, the aldermen and the
secretary that published report.

The figures are frozen at the draft: what is published is exactly what the coordinator reviewed
(text and charts in Dutch and English are stored with the draft). A report recomputed at
publication could show numbers the coordinator never saw under "Reviewed by the coordinator".
The price is that incidents of the last days before publication are not in it; the report says
the moment its figures were taken ("Stand op ..."), and the coordinator can take new figures with
``/rapport vernieuwen``, which asks for a new review. Without a draft (review switched off, the bot
down in the review window) the report is drafted at publication, saying it was not reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.coordination.charts import quarter_label
from handlers.coordination.figures import Figures
from handlers.coordination.periods import (
    Period,
    local_date,
    local_moment,
    parse_period,
    quarter_of,
    summary_due,
)
from handlers.coordination.service import (
    control_section,
    figures_for,
    first_page,
    summary_wall_time,
)
from handlers.coordination.summary import Audience, fmt_moment, render_summary
from handlers.i18n import LANGUAGES, N_, normalise_language, t
from handlers.reply import Attachment, Reply, markup
from handlers.settings import FeatureSettings
from storage import council_reports, people, rooms
from storage.coordination_models import CouncilReport
from storage.enums import Role, RoomPurpose
from storage.models import Organisation

DEFAULT_REVIEW_DAYS = 5
REVIEWED, DEADLINE, NO_COORDINATOR = "reviewed", "deadline", "no_coordinator"
# Drafted only at publication: the review is switched off, or the draft could not be put to the
# coordinator in time (the bot was not running in the review period, a new organisation): the
# council must not read that the coordinator let the deadline pass.
REVIEW_OFF, NOT_OFFERED = "review_off", "not_offered"
NOTE_LIMIT = 1500


def review_days(organisation: Organisation) -> int:
    """Days before the due moment that the draft goes to the coordinator (0: no review)."""
    value = (organisation.settings or {}).get("council_report_review_days")
    return value if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_REVIEW_DAYS


def due_of(organisation: Organisation, period: Period, settings: FeatureSettings) -> datetime:
    return summary_due(
        period,
        country=organisation.country,
        timezone=organisation.timezone,
        wall=summary_wall_time(organisation, settings),
    )


def draft_opens(organisation: Organisation, due: datetime) -> datetime:
    """``review_days`` calendar days before ``due``, at the same wall-clock time."""
    local = due.astimezone(ZoneInfo(organisation.timezone))
    day = local.date() - timedelta(days=review_days(organisation))
    return local_moment(day, local.time().replace(tzinfo=None), organisation.timezone)


def next_due(
    organisation: Organisation, now: datetime, settings: FeatureSettings
) -> tuple[Period, datetime]:
    """The next council report still to come: its period and due moment."""
    period = quarter_of(local_date(now, organisation.timezone)).previous()
    while due_of(organisation, period, settings) <= now:
        period = period.next()
    return period, due_of(organisation, period, settings)


@dataclass(frozen=True)
class Prepared:
    """The facts of one report, read in a short unit of work; ``render`` draws it outside."""

    figures: Figures
    extras: dict[str, tuple[str, str]]  # language -> (first page, exercises and action points)

    def render(self) -> tuple[dict[str, dict[str, str]], dict[str, list[tuple[str, bytes]]]]:
        """Per language: {"page": the first page, "body": the rest}, and the charts."""
        texts, charts = {}, {}
        for language in LANGUAGES:
            rendered = render_summary(  # the first page holds the questions
                self.figures, Audience.COUNCIL, language, with_questions=False
            )
            page, section = self.extras[language]
            body = rendered.text + ("\n\n" + section if section else "")
            texts[language] = {"page": page, "body": body}
            charts[language] = rendered.charts
        return texts, charts


def prepare(
    *, session: Session, organisation: Organisation, period: Period, as_of: datetime
) -> Prepared:
    figures = figures_for(session=session, organisation=organisation, period=period, as_of=as_of)
    extras = {
        language: (
            first_page(
                session=session, organisation=organisation, figures=figures, language=language
            ),
            control_section(
                session=session,
                organisation=organisation,
                period=period,
                as_of=as_of,
                language=language,
            ),
        )
        for language in LANGUAGES
    }
    return Prepared(figures, extras)


def coordinators(session: Session, organisation: Organisation) -> list[int]:
    return [
        p.id  # type: ignore[misc]
        for p in people.list_people(
            session=session,
            organisation_id=organisation.id,  # type: ignore[arg-type]
            role=Role.COORDINATOR.value,
        )
        if p.active
    ]


def outcome_at_publication(
    session: Session, organisation: Organisation, report: CouncilReport
) -> str:
    if report.state == council_reports.APPROVED:
        return REVIEWED
    if not coordinators(session, organisation):
        return NO_COORDINATOR
    if report.drafted_at >= report.due_at:  # drafted at publication: nobody was asked
        return NOT_OFFERED if review_days(organisation) else REVIEW_OFF
    return DEADLINE


def period_words(report: CouncilReport, language: str) -> str:
    period = parse_period(report.period)
    return quarter_label(period, language) if period else report.period


#: What the council reads for each way a report went out unreviewed.
NOT_REVIEWED = {
    DEADLINE: N_("Not reviewed: the deadline passed without a review by the coordinator."),
    REVIEW_OFF: N_(
        "Not reviewed: this organisation does not have the coordinator review the council's "
        "report beforehand."
    ),
    NOT_OFFERED: N_(
        "Not reviewed: the draft could not be put to the coordinator in time for a review."
    ),
    NO_COORDINATOR: N_("Not reviewed: this organisation has no NIS2 coordinator in the bot."),
}


def status_block(
    session: Session, organisation: Organisation, report: CouncilReport, language: str
) -> str:
    """Whether the report was reviewed, and the coordinator's note, as neutral markup."""
    lang = normalise_language(language)
    lines = []
    if report.approved_at is not None and report.outcome in (None, REVIEWED):
        approver = (
            people.person_by_id(
                session=session,
                organisation_id=organisation.id,  # type: ignore[arg-type]
                person_id=report.approved_by_person_id,
            )
            if report.approved_by_person_id
            else None
        )
        name = approver.name if approver is not None and approver.active else ""
        when = fmt_moment(report.approved_at, organisation.timezone, lang)
        lines.append(
            markup(
                "✓ " + t(lang, N_("Reviewed by the coordinator on {when} ({name}).")),
                when=when,
                name=name,
            )
            if name
            else markup("✓ " + t(lang, N_("Reviewed by the coordinator on {when}.")), when=when)
        )
    elif report.outcome in NOT_REVIEWED:
        lines.append(markup("⚠ " + t(lang, NOT_REVIEWED[report.outcome])))
    else:
        lines.append(markup(t(lang, N_("Not reviewed yet."))))
    if report.note:
        lines.append(
            markup(
                "<b>{title}</b>\n{note}",
                title=t(lang, N_("Explanation from the coordinator")),
                note=report.note,
            )
        )
    return "\n".join(lines)


def report_reply(
    session: Session,
    organisation: Organisation,
    report: CouncilReport,
    language: str,
    *,
    header: str = "",
) -> Reply:
    """The stored report (status, note, text and charts) in ``language``, or the one there is."""
    lang = normalise_language(language)
    content = report.content or {}
    if lang not in content and content:
        lang = next(iter(content))
    charts = council_reports.charts_of(
        session=session,
        organisation_id=organisation.id,  # type: ignore[arg-type]
        report_id=report.id,  # type: ignore[arg-type]
        language=lang,
    )
    text = content.get(lang, {})
    # The first page opens the report; whether it was reviewed (and the note) comes right after.
    parts = [header, text.get("page", ""), status_block(session, organisation, report, lang)]
    parts = [p for p in (*parts, text.get("body", "")) if p]
    return Reply(
        "\n\n".join(parts),
        attachments=tuple(Attachment("image", name, "image/png", data) for name, data in charts),
    )


#: who fetches the report when no council room is linked, in the country's words
_FETCHERS = {
    "nl": N_(
        "No council room is linked (/koppel raad in the council's group): council members, the mayor, the aldermen and the municipal secretary fetch it with /rapport."
    ),
    "be": N_(
        "No council room is linked (/koppel raad in the council's group): council members, the mayor, the aldermen (schepenen) and the general director fetch it with /rapport."
    ),
}


def draft_header(
    session: Session, organisation: Organisation, report: CouncilReport, language: str
) -> str:
    lang = normalise_language(language)
    header = markup(
        "<b>{title}</b>\n{how}",
        title=t(lang, N_("DRAFT: the council's report on {period}, for your review")).format(
            period=period_words(report, lang)
        ),
        how=t(
            lang,
            N_(
                "It goes to the municipal council on {due}. Approve it with /rapport goedkeuren, or write an explanation that is published with it: /rapport notitie TEXT. See it again with /rapport concept; take new figures with /rapport vernieuwen (then review it again). Without a review it goes out on {due} as it is, saying it was not reviewed."
            ),
            due=fmt_moment(report.due_at, organisation.timezone, lang),
        ),
    )
    linked = rooms.rooms_for(
        session=session,
        organisation_id=organisation.id,  # type: ignore[arg-type]
        purpose=RoomPurpose.COUNCIL.value,
    )
    if not linked:
        country = organisation.country if organisation.country in _FETCHERS else "nl"
        header += "\n" + markup(t(lang, _FETCHERS[country]))
    return header
