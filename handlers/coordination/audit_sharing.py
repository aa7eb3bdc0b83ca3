"""Audit results to the people of the departments concerned (the handbook: "De resultaten van de
audits worden gedeeld met alle relevante afdelingen en besproken in een jaarlijkse
veiligheidsreview"; the yearly review itself is /jaarreview in handlers/control/review.py).

    /audit klaar 3                       the ISMT room(s), and the departments concerned
    /audit delen 3 Burgerzaken, ICT      (again) to the departments named; alias: share

The departments concerned are those the audit's scope names (the organisation's known department
names, case-insensitive, as whole words) and those of the findings' owners; an owner without a
department gets the results too. Known departments are the departments of the organisation's
active people. Each person gets the results privately, in their own language, once per audit and
person (the outbox key): a repeated command sends nothing twice and says so. Whoever cannot be
reached (never enrolled, or no private chat with the bot) is named in the coordinator's reply.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from handlers.context import Context
from handlers.coordination.periods import local_date
from handlers.coordination.summary import AUDIT_KINDS, fmt_date
from handlers.i18n import N_, ngettext, normalise_language, t
from handlers.people.roles import role_label
from handlers.reply import Reply, markup
from handlers.text import one_line
from storage import coordination, people, rooms
from storage.coordination_models import AuditFinding, PlannedAudit
from storage.enums import OutboxPriority, Role, RoomPurpose
from storage.models import Person

SEVERITY_LABELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
RESULTS_KEY = "audit-results"
MAX_NAMED = 15  # unreachable people named in the reply; the rest as a number

SHARE_USAGE = N_(
    "Usage: /audit delen AUDIT-NUMBER DEPARTMENT[, DEPARTMENT…] (departments as people gave them "
    "in /profiel)"
)
# What a person of a department concerned reads.
HEAD = N_("Audit results: {kind} by {auditor}, done {day}")
WHY_DEPARTMENT = N_("You get them because they concern your department, {department}.")
WHY_OWNER = N_("You get them because you own one of the findings.")
NO_FINDINGS = N_("The audit recorded no findings.")
ASKED = N_("What is asked of you:")
ASK_READ = N_("• Read them, and check what they mean for your work.")
ASK_OWN = N_(
    "• The findings marked “yours” are yours to act on before their date; tell the {coordinator} "
    "when one is resolved."
)
ASK_QUESTIONS = N_(
    "• Questions, or a finding that touches your work but has no owner: ask the {coordinator}, "
    "{name}."
)
REVIEWED = N_("The results are discussed in the yearly security review.")
# What the coordinator is told.
NO_ISMT_ROOM = N_(
    "No ISMT room is linked, so no ISMT room got the results (/koppel ismt in the ISMT's group "
    "links one)."
)
ISMT_SENT = N_("Shared with {rooms} ISMT room(s).")
ISMT_HAD_IT = N_("The ISMT room(s) had the results already; not sent twice.")
NONE_CONCERNED = N_(
    "No department is concerned: the scope names none of the known departments and no finding has "
    "an owner to send them to besides you. Name them with /audit delen {id} DEPARTMENT[, "
    "DEPARTMENT…]."
)
CONCERNED = N_("Departments concerned: {departments}.")
SENT = N_("Sent privately, each in their own language: {parts} (total {count}).")
ALREADY = N_("Had them already, so not sent twice: {count}.")
NEVER_ENROLLED = N_("{name} ({department}, never enrolled)")
NO_CHAT = N_("{name} ({department}, no private chat with me yet)")
NOT_REACHED = N_(
    "Not reached ({count}): {names}. Invite them with /uitnodiging, or ask them to send me a "
    "private message, then share again with /audit delen {id} DEPARTMENT."
)
NOBODY_THERE = N_("Nobody else is in {departments}, so nobody got them privately.")
NO_DEPARTMENTS = N_(
    "Nobody has a department yet: people set theirs with /profiel, and the people import sets it "
    "too."
)
KNOWN = N_("Known departments: {known}.")
NOT_DONE = N_("#{id} is not done yet: record it with /audit klaar {id} first.")
UNKNOWN = N_("Unknown department(s): {unknown}. Nothing was sent.")
SHARED_NAMED = N_("Results of #{id} shared with the departments you named.")


def _norm(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def known_departments(staff: list[Person]) -> dict[str, str]:
    """Normalised name -> how it is written (the most used spelling) for the given people."""
    spellings: dict[str, Counter[str]] = {}
    for person in staff:
        written = " ".join((person.department or "").split())
        if written:
            spellings.setdefault(written.casefold(), Counter())[written] += 1
    return {
        key: min(counts, key=lambda s: (-counts[s], s)) for key, counts in sorted(spellings.items())
    }


def departments_in(text: str, known: dict[str, str]) -> list[str]:
    """The known departments ``text`` names as whole words, case-insensitively (normalised)."""
    flat = " ".join(text.split())
    return [
        key
        for key in known
        if re.search(rf"(?<!\w){re.escape(key)}(?!\w)", flat, flags=re.IGNORECASE)
    ]


@dataclass
class Outcome:
    departments: list[str]  # as written
    sent: Counter[str] = field(default_factory=Counter)  # department (or "") -> newly sent
    already: int = 0  # had it before under the same key: not sent twice
    unreached: list[tuple[str, str, bool]] = field(default_factory=list)  # name, dept, enrolled

    @property
    def reached(self) -> int:
        return sum(self.sent.values()) + self.already


def _findings(ctx: Context, audit: PlannedAudit) -> list[AuditFinding]:
    return coordination.list_findings(
        session=ctx.session,
        organisation_id=ctx.org.id,
        audit_ids=[audit.id],  # type: ignore[list-item]
    )


def _finding_line(
    ctx: Context, language: str, finding: AuditFinding, owners: dict[int, Person], me: int | None
) -> str:
    owner = owners.get(finding.owner_person_id or -1)
    due = local_date(finding.due_at, ctx.org.timezone) if finding.due_at else None
    state = (
        t(language, "resolved")
        if finding.status != "open"
        else t(language, "due {day}", day=fmt_date(due, language))
    )
    return markup(
        "• F{id} {title} ({severity}) · {owner} · {state}{mine}",
        id=finding.id,
        title=finding.title,
        severity=t(language, SEVERITY_LABELS.get(finding.severity, finding.severity)),
        owner=t(language, "owner: {name}", name=owner.name) if owner else t(language, "no owner"),
        state=state,
        mine=" ← " + t(language, "yours")
        if me is not None and finding.owner_person_id == me
        else "",
    )


def ismt_reply(ctx: Context, audit: PlannedAudit, findings: list[AuditFinding]) -> Reply:
    title = ngettext(
        ctx.language,
        "{kind} by {auditor} done: {count} finding",
        "{kind} by {auditor} done: {count} findings",
        len(findings),
    ).format(
        kind=ctx.t(AUDIT_KINDS.get(audit.kind, audit.kind)),
        auditor=audit.auditor,
        count=len(findings),
    )
    lines = [markup("<b>{title}</b>", title=title)]
    for finding in findings:
        due = local_date(finding.due_at, ctx.org.timezone) if finding.due_at else None
        lines.append(
            markup(
                "• F{id} {title} ({severity}) · {due}",
                id=finding.id,
                title=finding.title,
                severity=ctx.t(SEVERITY_LABELS.get(finding.severity, finding.severity)),
                due=fmt_date(due, ctx.language),
            )
        )
    return Reply("\n".join(lines))


def person_reply(
    ctx: Context,
    audit: PlannedAudit,
    findings: list[AuditFinding],
    owners: dict[int, Person],
    person: Person,
    department: str,
) -> Reply:
    """The results as ``person`` reads them: their language, why they get them, what is asked."""
    lang = normalise_language(person.language)
    done = local_date(audit.done_at, ctx.org.timezone) if audit.done_at else None
    head = t(
        lang,
        HEAD,
        kind=t(lang, AUDIT_KINDS.get(audit.kind, audit.kind)),
        auditor=audit.auditor,
        day=fmt_date(done, lang),
    )
    lines = [markup("📋 <b>{head}</b>", head=head)]
    if department:
        lines.append(markup(t(lang, WHY_DEPARTMENT), department=department))
    else:
        lines.append(markup(t(lang, WHY_OWNER)))
    lines.append(markup("{label}: {scope}", label=t(lang, "Scope"), scope=audit.scope))
    if findings:
        count = t(lang, "Findings ({count}):", count=len(findings))
        lines.append(markup("<b>{count}</b>", count=count))
        lines += [_finding_line(ctx, lang, f, owners, person.id) for f in findings]
    else:
        lines.append(markup(t(lang, NO_FINDINGS)))
    coordinator = role_label(Role.COORDINATOR, lang, ctx.country)
    lines += ["", markup("<b>{asked}</b>", asked=t(lang, ASKED)), markup(t(lang, ASK_READ))]
    if any(f.owner_person_id == person.id and f.status == "open" for f in findings):
        lines.append(markup(t(lang, ASK_OWN), coordinator=coordinator))
    lines.append(markup(t(lang, ASK_QUESTIONS), coordinator=coordinator, name=ctx.me.name))
    lines.append(markup(t(lang, REVIEWED)))
    return Reply("\n".join(lines))


def share(
    ctx: Context, audit: PlannedAudit, departments: list[str], *, with_owners: bool
) -> Outcome:
    """Send the results privately to the active people of ``departments`` (normalised names)
    and, ``with_owners``, to the findings' owners. The person running the command is skipped."""
    everyone = people.list_people(
        session=ctx.session, organisation_id=ctx.org.id, active_only=False
    )
    staff = [p for p in everyone if p.active]
    known = known_departments(staff)
    findings = _findings(ctx, audit)
    owned = {f.owner_person_id for f in findings}
    owners = {p.id: p for p in everyone if p.id in owned}
    wanted = set(departments)
    if with_owners:
        wanted |= {_norm(p.department) for p in owners.values() if p.active} - {""}
    outcome = Outcome([known.get(d, d) for d in sorted(wanted)])
    chats = people.private_chat_map(session=ctx.session, organisation_id=ctx.org.id)
    for person in staff:
        dept = _norm(person.department)
        concerned = dept in wanted or (with_owners and person.id in owners)  # staff: active
        if person.id == ctx.me.id or not concerned:
            continue
        written = known.get(dept, "") if dept in wanted else ""
        chat = chats.get(person.id)  # type: ignore[arg-type]
        if chat is None:
            identities = people.identities_of(
                session=ctx.session,
                organisation_id=ctx.org.id,
                person_id=person.id,  # type: ignore[arg-type]
            )
            outcome.unreached.append((person.name, known.get(dept, ""), bool(identities)))
            continue
        if ctx.send(
            platform=chat[0],
            chat_id=chat[1],
            reply=person_reply(ctx, audit, findings, owners, person, written),  # type: ignore[arg-type]
            key=f"{RESULTS_KEY}:{audit.id}:person:{person.id}",
            priority=OutboxPriority.BULK,
        ):
            outcome.sent[written] += 1
        else:
            outcome.already += 1
    ctx.audit(
        "audit.shared",
        audit_id=audit.id,
        departments=outcome.departments,
        sent=sum(outcome.sent.values()),
        already=outcome.already,
        unreached=len(outcome.unreached),
    )
    return outcome


def share_with_ismt(ctx: Context, audit: PlannedAudit) -> str:
    """The results to the ISMT room(s), once per room; the sentence that says what happened."""
    linked = rooms.rooms_for(
        session=ctx.session, organisation_id=ctx.org.id, purpose=RoomPurpose.ISMT.value
    )
    if not linked:
        return ctx.t(NO_ISMT_ROOM)
    reply = ismt_reply(ctx, audit, _findings(ctx, audit))
    sent = ctx.send_to_rooms(RoomPurpose.ISMT.value, reply, f"{RESULTS_KEY}:{audit.id}")
    return ctx.t(ISMT_SENT, rooms=sent) if sent else ctx.t(ISMT_HAD_IT)


def known_line(ctx: Context, known: list[str]) -> str:
    if not known:
        return markup(ctx.t(NO_DEPARTMENTS))
    return markup(ctx.t(KNOWN), known=", ".join(known))


def outcome_lines(
    ctx: Context, audit: PlannedAudit, outcome: Outcome, known: list[str]
) -> list[str]:
    """What the coordinator is told: who got it where, who had it already, who was not reached."""
    if not outcome.departments and not outcome.reached and not outcome.unreached:
        return [markup(ctx.t(NONE_CONCERNED), id=audit.id), known_line(ctx, known)]
    lines = []
    if outcome.departments:
        lines.append(markup(ctx.t(CONCERNED), departments=", ".join(outcome.departments)))
    sent = sum(outcome.sent.values())
    if sent:
        parts = ", ".join(
            f"{dept or ctx.t('finding owners')}: {count}"
            for dept, count in sorted(outcome.sent.items())
        )
        lines.append(markup(ctx.t(SENT), count=sent, parts=parts))
    if outcome.already:
        lines.append(markup(ctx.t(ALREADY), count=outcome.already))
    if outcome.unreached:
        names = [
            ctx.t(NO_CHAT if enrolled else NEVER_ENROLLED, name=name, department=dept or "—")
            for name, dept, enrolled in sorted(outcome.unreached)[:MAX_NAMED]
        ]
        if len(outcome.unreached) > MAX_NAMED:
            names.append(ctx.t("and {count} more", count=len(outcome.unreached) - MAX_NAMED))
        count = len(outcome.unreached)
        lines.append(markup(ctx.t(NOT_REACHED), count=count, names="; ".join(names), id=audit.id))
    if not outcome.reached and not outcome.unreached:
        departments = ", ".join(outcome.departments)
        lines.append(markup(ctx.t(NOBODY_THERE), departments=departments))
    return lines


def on_done(ctx: Context, audit: PlannedAudit) -> list[str]:
    """/audit klaar: the ISMT room(s), then the departments the scope and the owners point to."""
    ismt = markup("{text}", text=share_with_ismt(ctx, audit))
    staff = people.list_people(session=ctx.session, organisation_id=ctx.org.id)
    known = known_departments(staff)
    outcome = share(ctx, audit, departments_in(audit.scope, known), with_owners=True)
    return [ismt, *outcome_lines(ctx, audit, outcome, list(known.values()))]


def share_command(ctx: Context, args: list[str]) -> Reply:
    """/audit delen ID DEPARTMENT[, DEPARTMENT…]: (again) to the departments named."""
    word = args[0].lstrip("#") if args else ""
    audit = None
    if word.isdigit():
        audit = coordination.audit_by_id(
            session=ctx.session, organisation_id=ctx.org.id, audit_id=int(word)
        )
        if audit is None:
            return Reply(markup(ctx.t("There is no audit #{id}."), id=word[:12]))
    staff = people.list_people(session=ctx.session, organisation_id=ctx.org.id)
    known = known_departments(staff)
    named = [one_line(n, 200) for n in re.split(r"[,;]", " ".join(args[1:]))]
    named = [n for n in named if n]
    if audit is None or not named:
        return Reply("\n".join([markup(ctx.t(SHARE_USAGE)), known_line(ctx, list(known.values()))]))
    if audit.done_at is None:
        return Reply(markup(ctx.t(NOT_DONE), id=audit.id))
    unknown = [n for n in named if _norm(n) not in known]
    if unknown:
        refused = markup(ctx.t(UNKNOWN), unknown=", ".join(unknown))
        return Reply("\n".join([refused, known_line(ctx, list(known.values()))]))
    outcome = share(ctx, audit, sorted({_norm(n) for n in named}), with_owners=False)
    head = markup(ctx.t(SHARED_NAMED), id=audit.id)
    return Reply("\n".join([head, *outcome_lines(ctx, audit, outcome, list(known.values()))]))
