"""/verzonden (a report went to an authority) and /incidenten (the incidents one may see)."""

from __future__ import annotations

from datetime import datetime

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_
from handlers.incidents import service, visibility
from handlers.incidents.model import ReportKind, Status
from handlers.incidents.support import (
    LISTED,
    REPORT_WORDS,
    changed,
    group_refused,
    lookup,
    not_found,
    with_deadlines,
)
from handlers.incidents.views import (
    category_label,
)
from handlers.incidents.when import ParseError, parse_when
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
        parsed = parse_when(" ".join(args[2:]), now=ctx.now, timezone=ctx.org.timezone)
        if isinstance(parsed, ParseError):
            return Reply(plain(parsed.text(ctx.language)))
        sent_at = parsed
    store.record_report(
        session=ctx.session,
        incident=incident,
        kind=kind.value,
        sent_at=sent_at,
        sent_by_person_id=ctx.me.id,
    )
    changed(
        ctx,
        incident,
        "sent",
        text=kind.label(ctx.language),
        report=kind.value,
        sent_at=service.when_local(ctx.org, sent_at),
    )
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
