"""/verzonden (a report went to an authority) and /incidenten (the incidents one may see)."""

from __future__ import annotations

import re
from datetime import datetime

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_
from handlers.incidents import college, service, visibility
from handlers.incidents.model import ReportKind, Status
from handlers.incidents.support import (
    LISTED,
    REPORT_WORDS,
    group_refused,
    lookup,
    not_found,
    with_deadlines,
)
from handlers.incidents.views import (
    category_label,
)
from handlers.incidents.when import ParseError, ParseErrorReason, parse_when
from handlers.reply import Reply, markup, plain
from storage import incidents as store
from storage.incident_models import Incident

# --- /verzonden ---------------------------------------------------------------------------------


@command(
    "verzonden",
    roles=visibility.RECORDS_SENT,
    summary=N_("record that a report went to the CSIRT, the authority or the AP/GBA"),
    usage=N_(
        "INC-… vroegtijdige-waarschuwing|melding|tussentijds|voortgang|eindverslag|avg [WHEN]"
    ),
    aliases=("sent",),
    audited=True,
    in_groups=True,
)
def sent_command(ctx: Context, args: list[str]) -> Reply:
    refused = group_refused(ctx)
    if refused is not None:
        return refused
    if len(args) < 2:
        return Reply(
            plain(
                ctx.t(
                    "Usage: /verzonden INC-… vroegtijdige-waarschuwing|melding|tussentijds|voortgang|eindverslag|avg [when]"
                )
            )
        )
    incident = lookup(ctx, args[0])
    if incident is None:
        return not_found(ctx, args[0][:40])
    kind = REPORT_WORDS.get(args[1].lower())
    if kind is None:
        return Reply(
            plain(
                ctx.t(
                    "Which report? vroegtijdige-waarschuwing, melding, tussentijds, voortgang, eindverslag or avg."
                )
            )
        )
    sent_at: datetime = ctx.now
    if len(args) > 2:
        checked = parse_sent_time(ctx, incident, " ".join(args[2:]))
        if isinstance(checked, str):
            return Reply(plain(checked))
        sent_at = checked
    store.record_report(
        session=ctx.session,
        incident=incident,
        kind=kind.value,
        sent_at=sent_at,
        sent_by_person_id=ctx.me.id,
        recorded_at=ctx.now,
    )
    store.save_incident(session=ctx.session, incident=incident, now=ctx.now)
    # On the timeline at the moment it was *sent*; when it was recorded is said in the text.
    store.add_event(
        session=ctx.session,
        incident=incident,
        kind="sent",
        at=sent_at,
        actor_person_id=ctx.me.id,
        text=ctx.t(
            "{report} (recorded {when})",
            report=kind.label(ctx.language),
            when=service.when_local(ctx.org, ctx.now),
        ),
        detail={"report": kind.value, "recorded_at": ctx.now.isoformat()},
    )
    ctx.audit(
        "incident.sent",
        incident=incident.reference,
        report=kind.value,
        sent_at=sent_at.isoformat(),
    )
    service.refresh_deadlines(ctx.session, ctx.org, incident, ctx.now, ctx.settings)
    college.step_sent(ctx, incident, kind, sent_at)
    return with_deadlines(
        ctx,
        incident,
        markup(
            ctx.t("Recorded: {report} for {reference} sent {when} by {name}."),
            report=kind.label(ctx.language),
            reference=incident.reference,
            when=service.when_local(ctx.org, sent_at),
            name=ctx.me.name,
        ),
    )


_CLOCK = re.compile(r"(?<![\d-])(\d{1,2})\s*[:.u]\s*(\d{2})(?!\d)")


def parse_sent_time(ctx: Context, incident: Incident, text: str) -> datetime | str:
    """When a report was sent, or a clear message why that time cannot be right: an impossible
    clock time, a moment in the future, or one before the organisation became aware."""
    for hours, minutes in _CLOCK.findall(text):
        if int(hours) > 23 or int(minutes) > 59:
            return ctx.t(
                "“{text}” is not a valid time: hours go from 0 to 23 and minutes from 0 to 59.",
                text=text[:40],
            )
    parsed = parse_when(text, now=ctx.now, timezone=ctx.org.timezone)
    if isinstance(parsed, ParseError):
        if parsed.reason == ParseErrorReason.FUTURE:
            return ctx.t(
                "That moment is in the future. Record a report once it has been sent, with the "
                "time it was sent (or without a time: now)."
            )
        if parsed.reason == ParseErrorReason.TOO_OLD:
            return parsed.text(ctx.language)
        return ctx.t(
            "I could not read a time in that. For example: “14:30”, “today 14:30” or "
            "“07-12-2026 14:30”."
        )
    if incident.aware_at is not None and parsed < incident.aware_at:
        return ctx.t(
            "That is before the organisation became aware of {reference} ({when}). Check the time "
            "it was sent; if the awareness time is wrong, correct it first with /incident "
            "{reference} bewust.",
            reference=incident.reference,
            when=service.when_local(ctx.org, incident.aware_at),
        )
    return parsed


# --- /incidenten --------------------------------------------------------------------------------


@command(
    "incidenten",
    roles=EVERYONE,
    summary=N_("the incidents you may see (the ISMT: every open one, with its next deadline)"),
    aliases=("incidents",),
    in_groups=True,
)
def list_command(ctx: Context, args: list[str]) -> Reply:
    refused = group_refused(ctx)
    if refused is not None:
        return refused
    org = ctx.org
    lines: list[str] = []
    if visibility.sees_all(ctx.role):
        found = store.list_incidents(session=ctx.session, organisation_id=org.id, limit=LISTED)  # type: ignore[arg-type]
        lines.append(markup("<b>{t}</b>", t=ctx.t("Open incidents")))
        lines += _listing(ctx, found, with_deadline=True)
    elif visibility.counts_only(ctx.role):
        counts = store.count_by_status(session=ctx.session, organisation_id=org.id)  # type: ignore[arg-type]
        lines.append(
            markup("<b>{t}</b>", t=ctx.t("Incidents of {org} (numbers only)", org=org.name))
        )
        for status in Status:
            lines.append(
                markup(
                    "• {label}: {n}",
                    label=status.label(ctx.language),
                    n=counts.get(status.value, 0),
                )
            )
        significant = store.count_significant(session=ctx.session, organisation_id=org.id)  # type: ignore[arg-type]
        lines.append(markup("• {label}: {n}", label=ctx.t("Significant (NIS2)"), n=significant))
    own = store.list_incidents(
        session=ctx.session,
        organisation_id=org.id,  # type: ignore[arg-type]
        reporter_person_id=ctx.me.id,
        open_only=False,
        limit=LISTED,
    )
    if not visibility.sees_all(ctx.role):
        if lines:
            lines.append("")
        lines.append(markup("<b>{t}</b>", t=ctx.t("Your reports")))
        lines += _listing(ctx, own, with_deadline=False)
    return Reply("\n".join(lines))


def _listing(ctx: Context, found: list[Incident], *, with_deadline: bool) -> list[str]:
    if not found:
        return [plain(ctx.t("None."))]
    nexts = (
        store.next_open_deadlines(
            session=ctx.session,
            organisation_id=ctx.org.id,
            incident_ids=[i.id for i in found],  # type: ignore[misc]
        )
        if with_deadline
        else {}
    )
    lines = []
    for incident in found:
        line = markup(
            "• {reference} — {category} — {status}",
            reference=incident.reference,
            category=category_label(incident.category, ctx.language),
            status=Status(incident.status).label(ctx.language),
        )
        deadline = nexts.get(incident.id)  # type: ignore[arg-type]
        if deadline is not None:
            line += markup(
                " — {label} {when}{extra}",
                label=ReportKind(deadline.kind).label(ctx.language),
                when=service.when_local(ctx.org, deadline.due_at),
                extra=ctx.t(" (provisional)") if deadline.provisional else "",
            )
        lines.append(line)
    return lines
