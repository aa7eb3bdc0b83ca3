"""/audit: the annual audit programme (own policy, facts.md §11) and its findings.

    /audit                                   the programme: planned and done, open findings
    /audit plan pentest 2027-03-15 SecureCo; external systems
    /audit bevinding 3 2027-01-31 hoog MFA missing on the VPN; Jan de Vries
    /audit klaar 3 [2027-03-20]              done; the results go to the ISMT room and privately
                                             to the people of the departments concerned
    /audit delen 3 Burgerzaken, ICT          (again) to the departments named (audit_sharing.py)
    /audit opgelost 7                        a finding is resolved

Dates are plain dates (2027-03-15 or 15-03-2027) or short phrases ("1 maart"); they are stored as
09:00 local on that day.
"""

from __future__ import annotations

from datetime import date, datetime, time

from handlers.command import COORDINATOR, command
from handlers.context import Context
from handlers.coordination.audit_sharing import SEVERITY_LABELS, on_done, share_command
from handlers.coordination.periods import local_date, local_moment
from handlers.coordination.recurrence import parse_day, parse_future
from handlers.coordination.summary import AUDIT_KINDS, fmt_date
from handlers.i18n import N_
from handlers.reply import Reply, markup, plain
from handlers.text import one_line
from storage import coordination, people
from storage.coordination_models import PlannedAudit

KIND_WORDS = {
    "audit": "audit",
    "pentest": "pentest",
    "pentesten": "pentest",
    "penetratietest": "pentest",
    "review": "review",
    "veiligheidsreview": "review",
    "beveiligingsreview": "review",
}
SEVERITY_WORDS = {
    "hoog": "high",
    "high": "high",
    "middel": "medium",
    "medium": "medium",
    "laag": "low",
    "low": "low",
}
PLAN, FINDING, DONE, RESOLVED, SHARE = (
    {"plan", "plannen"},
    {"bevinding", "finding"},
    {"klaar", "done", "gedaan"},
    {"opgelost", "resolved", "afgerond"},
    {"delen", "share", "deel"},
)

USAGE = N_(
    "Usage:\n/audit — the programme\n/audit plan KIND DATE AUDITOR; SCOPE (kind: audit, pentest, review)\n"
    "/audit bevinding AUDIT-NUMBER DUE-DATE [hoog|middel|laag] TITLE; OWNER\n"
    "/audit klaar AUDIT-NUMBER [DATE]\n/audit opgelost FINDING-NUMBER\n"
    "/audit delen AUDIT-NUMBER DEPARTMENT[, DEPARTMENT…]"
)


def _day(ctx: Context, word: str) -> date | None:
    day = parse_day(word)
    if day is not None:
        return day
    moment = parse_future(word, now=ctx.now, timezone=ctx.org.timezone)
    return local_date(moment, ctx.org.timezone) if moment else None


def _at_nine(ctx: Context, day: date) -> datetime:
    return local_moment(day, time(9, 0), ctx.org.timezone)


@command(
    "audit",
    roles=COORDINATOR,
    summary=N_("the audit programme: plan audits and pen tests, record findings"),
    usage=N_("[plan|bevinding|klaar|delen|opgelost] …"),
    audited=True,
)
def audit_command(ctx: Context, args: list[str]) -> Reply:
    sub = args[0].lower() if args else ""
    if not args:
        return programme(ctx)
    if sub in PLAN:
        return _plan(ctx, args[1:])
    if sub in FINDING:
        return _finding(ctx, args[1:])
    if sub in DONE:
        return _done(ctx, args[1:])
    if sub in RESOLVED:
        return _resolved(ctx, args[1:])
    if sub in SHARE:
        return share_command(ctx, args[1:])
    return Reply(plain(ctx.t(USAGE)))


def programme(ctx: Context) -> Reply:
    audits = coordination.list_audits(session=ctx.session, organisation_id=ctx.org.id)
    if not audits:
        return Reply(plain(ctx.t("The audit programme is empty.") + "\n\n" + ctx.t(USAGE)))
    findings = coordination.list_findings(session=ctx.session, organisation_id=ctx.org.id)
    lines = [markup("<b>{title}</b>", title=ctx.t("Audit programme of {org}", org=ctx.org.name))]
    tz, lang = ctx.org.timezone, ctx.language
    today = local_date(ctx.now, tz)
    for audit in audits:
        state = (
            ctx.t("done {day}", day=fmt_date(local_date(audit.done_at, tz), lang))
            if audit.done_at
            else ctx.t("planned {day}", day=fmt_date(local_date(audit.planned_at, tz), lang))
        )
        lines.append(
            markup(
                "#{id} {kind} · {auditor} · {scope} · {state}",
                id=audit.id,
                kind=ctx.t(AUDIT_KINDS.get(audit.kind, audit.kind)),
                auditor=audit.auditor,
                scope=one_line(audit.scope, 80),
                state=state,
            )
        )
        for finding in (f for f in findings if f.audit_id == audit.id and f.status == "open"):
            due = local_date(finding.due_at, tz) if finding.due_at else None
            late = due is not None and due < today
            lines.append(
                markup(
                    "   {mark} F{id} {title} · {due}",
                    mark="⚠" if late else "•",
                    id=finding.id,
                    title=one_line(finding.title, 80),
                    due=fmt_date(due, lang),
                )
            )
    return Reply("\n".join(lines))


def _plan(ctx: Context, args: list[str]) -> Reply:
    if len(args) < 3 or args[0].lower() not in KIND_WORDS:
        return Reply(plain(ctx.t(USAGE)))
    day = _day(ctx, args[1])
    if day is None:
        return Reply(markup(ctx.t("I could not read the date “{word}”."), word=args[1][:30]))
    auditor, _sep, scope = " ".join(args[2:]).replace("|", ";").partition(";")
    auditor, scope = one_line(auditor, 200), one_line(scope, 500)
    if not auditor:
        return Reply(plain(ctx.t(USAGE)))
    audit = coordination.create_audit(
        session=ctx.session,
        organisation_id=ctx.org.id,
        kind=KIND_WORDS[args[0].lower()],
        planned_at=_at_nine(ctx, day),
        auditor=auditor,
        scope=scope or "—",
        now=ctx.now,
        created_by_person_id=ctx.me.id,
    )
    ctx.audit("audit.planned", audit_id=audit.id, kind=audit.kind, planned_on=day.isoformat())
    return Reply(
        markup(
            ctx.t("Planned: #{id} {kind} by {auditor} on {day}. I will remind you beforehand."),
            id=audit.id,
            kind=ctx.t(AUDIT_KINDS[audit.kind]),
            auditor=auditor,
            day=fmt_date(day, ctx.language),
        )
    )


def _audit_of(ctx: Context, word: str) -> PlannedAudit | None:
    word = word.lstrip("#")
    if not word.isdigit():
        return None
    return coordination.audit_by_id(
        session=ctx.session, organisation_id=ctx.org.id, audit_id=int(word)
    )


def _finding(ctx: Context, args: list[str]) -> Reply:
    if len(args) < 3:
        return Reply(plain(ctx.t(USAGE)))
    audit = _audit_of(ctx, args[0])
    if audit is None:
        return Reply(markup(ctx.t("There is no audit #{id}."), id=args[0][:12]))
    day = _day(ctx, args[1])
    if day is None:
        return Reply(markup(ctx.t("I could not read the date “{word}”."), word=args[1][:30]))
    rest = args[2:]
    severity = SEVERITY_WORDS.get(rest[0].lower()) if rest else None
    if severity:
        rest = rest[1:]
    title, _sep, owner_name = " ".join(rest).replace("|", ";").partition(";")
    title = one_line(title, 300)
    if len(title) < 3:
        return Reply(plain(ctx.t(USAGE)))
    owner = None
    if owner_name.strip():
        found = people.people_by_name(
            session=ctx.session, organisation_id=ctx.org.id, name=one_line(owner_name, 200)
        )
        if len(found) != 1:
            return Reply(
                markup(
                    ctx.t(
                        "I found {count} people named “{name}”; type the name exactly as in /mensen."
                    ),
                    count=len(found),
                    name=one_line(owner_name, 60),
                )
            )
        owner = found[0]
    finding = coordination.create_finding(
        session=ctx.session,
        audit=audit,
        title=title,
        now=ctx.now,
        owner_person_id=owner.id if owner else None,
        due_at=_at_nine(ctx, day),
        severity=severity or "medium",
    )
    ctx.audit("audit.finding", audit_id=audit.id, finding_id=finding.id, severity=finding.severity)
    return Reply(
        markup(
            ctx.t("Finding F{id} recorded ({severity}), due {day}, owner: {owner}."),
            id=finding.id,
            severity=ctx.t(SEVERITY_LABELS[finding.severity]),
            day=fmt_date(day, ctx.language),
            owner=owner.name if owner else ctx.t("nobody yet"),
        )
    )


def _done(ctx: Context, args: list[str]) -> Reply:
    audit = _audit_of(ctx, args[0]) if args else None
    if audit is None:
        return Reply(plain(ctx.t(USAGE)))
    day = _day(ctx, args[1]) if len(args) > 1 else local_date(ctx.now, ctx.org.timezone)
    if day is None:
        return Reply(markup(ctx.t("I could not read the date “{word}”."), word=args[1][:30]))
    coordination.mark_audit_done(session=ctx.session, audit=audit, done_at=_at_nine(ctx, day))
    ctx.audit("audit.done", audit_id=audit.id, done_on=day.isoformat())
    done = markup(
        ctx.t("#{id} is recorded as done on {day}."),
        id=audit.id,
        day=fmt_date(day, ctx.language),
    )
    ismt, *departments = on_done(ctx, audit)
    return Reply("\n".join([f"{done} {ismt}", *departments]))


def _resolved(ctx: Context, args: list[str]) -> Reply:
    word = args[0].lstrip("#").lstrip("Ff") if args else ""
    finding = (
        coordination.finding_by_id(
            session=ctx.session, organisation_id=ctx.org.id, finding_id=int(word)
        )
        if word.isdigit()
        else None
    )
    if finding is None:
        return Reply(plain(ctx.t(USAGE)))
    coordination.close_finding(session=ctx.session, finding=finding, now=ctx.now)
    ctx.audit("audit.finding_resolved", finding_id=finding.id)
    return Reply(markup(ctx.t("Finding F{id} is resolved."), id=finding.id))
