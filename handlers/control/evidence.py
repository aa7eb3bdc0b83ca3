"""/bewijs: evidence for auditors, as files in the chat. Read-only; every export is audit-logged.

    /bewijs                          what there is
    /bewijs incidenten [csv|json]    every incident with its timeline and deadline compliance
    /bewijs training                 training records with their proof (method, certificate, who)
    /bewijs audits                   the audit programme, its findings and their follow-up
    /bewijs acties                   action points (from exercises, decisions, reviews, audits)
    /bewijs oefeningen               exercises and who did what when
    /bewijs auditlog                 the audit log of privileged actions

The incident export is the one of ``handlers.incidents.export`` (the same as ``nis2bot export
incidents``). Every CSV cell that a spreadsheet would read as a formula is neutralised, by the one
rule of every export (``handlers.spreadsheet``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from handlers.command import command
from handlers.context import Context
from handlers.control.common import EVIDENCE_READERS, name_of
from handlers.i18n import N_
from handlers.incidents.export import export_incidents, to_csv, to_json
from handlers.reply import Attachment, Reply, markup, plain
from handlers.spreadsheet import rows_to_csv as neutralised_csv
from storage import audit, control, coordination, people


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _incidents(ctx: Context, fmt: str) -> tuple[str, str, int]:
    rows = export_incidents(ctx.session, ctx.org, ctx.now)
    if fmt == "json":
        return to_json(rows), "application/json", len(rows)
    # The incident feature's own CSV layout, every cell already neutralised (handlers/spreadsheet).
    return to_csv(rows), "text/csv", len(rows)


def _compliance(ctx: Context) -> str:
    """The legal deadlines of every incident at a glance: met, missed (late or not sent), open."""
    states: dict[str, int] = {"met": 0, "missed": 0, "open": 0}
    for row in export_incidents(ctx.session, ctx.org, ctx.now):
        for deadline in row["deadlines"]:
            states[deadline["state"]] = states.get(deadline["state"], 0) + 1
    return markup(
        ctx.t("Reporting deadlines: {met} met, {missed} missed, {open} still open."),
        met=states["met"],
        missed=states["missed"],
        open=states["open"],
    )


def _training(ctx: Context, fmt: str) -> tuple[str, str, int]:
    records = control.training_records(session=ctx.session, organisation_id=ctx.org.id)
    header = [
        "person",
        "role",
        "department",
        "completed_at",
        "method",
        "covers_art24",
        "certificate_number",
        "valid_until",
        "recorded_by",
        "confirmed_by",
        "confirmed_at",
    ]
    out: list[list[object]] = [header]
    for r in records:
        person = people.person_by_id(
            session=ctx.session, organisation_id=ctx.org.id, person_id=r.person_id
        )
        out.append(
            [
                person.name if person else "—",
                person.role if person else "",
                (person.department or "") if person else "",
                _iso(r.completed_at),
                r.method,
                r.covers_art24,
                r.certificate_number or "",
                r.valid_until.isoformat() if r.valid_until else "",
                name_of(ctx, r.recorded_by_person_id) if r.recorded_by_person_id else "",
                name_of(ctx, r.confirmed_by_person_id) if r.confirmed_by_person_id else "",
                _iso(r.confirmed_at),
            ]
        )
    return _as(out, fmt), _type(fmt), len(records)


def _audits(ctx: Context, fmt: str) -> tuple[str, str, int]:
    audits = {
        a.id: a for a in coordination.list_audits(session=ctx.session, organisation_id=ctx.org.id)
    }
    findings = coordination.list_findings(session=ctx.session, organisation_id=ctx.org.id)
    header = [
        "audit",
        "kind",
        "auditor",
        "scope",
        "planned_at",
        "done_at",
        "finding",
        "title",
        "severity",
        "owner",
        "due_at",
        "status",
        "closed_at",
    ]
    out: list[list[object]] = [header]
    covered = set()
    for f in findings:
        a = audits.get(f.audit_id)
        covered.add(f.audit_id)
        out.append(
            [
                f.audit_id,
                a.kind if a else "",
                a.auditor if a else "",
                a.scope if a else "",
                _iso(a.planned_at) if a else "",
                _iso(a.done_at) if a else "",
                f"F{f.id}",
                f.title,
                f.severity,
                name_of(ctx, f.owner_person_id) if f.owner_person_id else "",
                _iso(f.due_at),
                f.status,
                _iso(f.closed_at),
            ]
        )
    for a in audits.values():
        if a.id not in covered:
            out.append(
                [a.id, a.kind, a.auditor, a.scope, _iso(a.planned_at), _iso(a.done_at)] + [""] * 7
            )
    return _as(out, fmt), _type(fmt), len(out) - 1


def _actions(ctx: Context, fmt: str) -> tuple[str, str, int]:
    actions = control.list_actions(session=ctx.session, organisation_id=ctx.org.id)
    out: list[list[object]] = [
        [
            "action",
            "title",
            "owner",
            "due_at",
            "status",
            "source",
            "source_id",
            "created_at",
            "closed_at",
            "closed_by",
            "note",
        ]
    ]
    for a in actions:
        out.append(
            [
                f"A{a.id}",
                a.title,
                name_of(ctx, a.owner_person_id),
                _iso(a.due_at),
                a.status,
                a.source,
                a.source_id or "",
                _iso(a.created_at),
                _iso(a.closed_at),
                name_of(ctx, a.closed_by_person_id) if a.closed_by_person_id else "",
                a.note or "",
            ]
        )
    return _as(out, fmt), _type(fmt), len(actions)


def _exercises(ctx: Context, fmt: str) -> tuple[str, str, int]:
    out: list[list[object]] = [
        ["exercise", "scenario", "started_at", "status", "at", "simulated", "kind", "by", "text"]
    ]
    exercises = control.list_exercises(session=ctx.session, organisation_id=ctx.org.id)
    for e in exercises:
        for event in control.exercise_events(
            session=ctx.session,
            organisation_id=ctx.org.id,
            exercise_id=e.id,  # type: ignore[arg-type]
        ):
            out.append(
                [
                    e.id,
                    e.scenario,
                    _iso(e.started_at),
                    e.status,
                    _iso(event.at),
                    f"T+{event.sim_minutes // 60}:{event.sim_minutes % 60:02d}",
                    event.kind,
                    name_of(ctx, event.actor_person_id) if event.actor_person_id else "",
                    event.text,
                ]
            )
    return _as(out, fmt), _type(fmt), len(exercises)


def _audit_log(ctx: Context, fmt: str) -> tuple[str, str, int]:
    entries = audit.audit_entries(session=ctx.session, organisation_id=ctx.org.id)
    out: list[list[object]] = [["at", "actor", "action", "detail"]]
    for e in entries:
        who = name_of(ctx, e.actor_person_id) if e.actor_person_id else e.actor
        out.append([_iso(e.created_at), who, e.action, json.dumps(e.detail, ensure_ascii=False)])
    return _as(out, fmt), _type(fmt), len(entries)


def _as(rows: list[list[object]], fmt: str) -> str:
    if fmt == "json":
        header, *body = rows
        return (
            json.dumps(
                [dict(zip(header, row, strict=False)) for row in body],  # type: ignore[arg-type]
                ensure_ascii=False,
                indent=2,
                default=str,
            )
            + "\n"
        )
    return neutralised_csv(rows)


def _type(fmt: str) -> str:
    return "application/json" if fmt == "json" else "text/csv"


Exporter = Callable[[Context, str], tuple[str, str, int]]
KINDS: dict[str, tuple[str, Exporter, str]] = {
    "incidenten": ("incidents", _incidents, N_("incidents with their timelines and deadlines")),
    "training": ("training", _training, N_("training records with their proof")),
    "audits": ("audits", _audits, N_("audits, findings and their follow-up")),
    "acties": ("actions", _actions, N_("action points and their follow-up")),
    "oefeningen": ("exercises", _exercises, N_("exercises: who did what when")),
    "auditlog": ("auditlog", _audit_log, N_("the audit log of privileged actions")),
}
ALIASES = {
    "incidents": "incidenten",
    "actions": "acties",
    "exercises": "oefeningen",
    "audit-log": "auditlog",
    "log": "auditlog",
}


@command(
    "bewijs",
    roles=EVIDENCE_READERS,
    summary=N_("evidence for auditors as files: incidents, training, audits, the audit log"),
    usage=N_("[incidenten|training|audits|acties|oefeningen|auditlog] [csv|json]"),
    aliases=("evidence",),
    audited=True,
)
def evidence_command(ctx: Context, args: list[str]) -> Reply:
    wanted = args[0].lower() if args else ""
    wanted = ALIASES.get(wanted, wanted)
    fmt = args[1].lower() if len(args) > 1 else "csv"
    if wanted not in KINDS or fmt not in ("csv", "json"):
        lines = [markup("<b>{title}</b>", title=ctx.t("Evidence for auditors (read-only)"))]
        lines += [
            markup("• /bewijs {word} — {what}", word=key, what=ctx.t(what))
            for key, (_name, _fn, what) in KINDS.items()
        ]
        lines.append(
            plain(
                ctx.t(
                    "Add json for JSON instead of CSV. Every export is recorded in the audit log."
                )
            )
        )
        return Reply("\n".join(lines))
    name, exporter, what = KINDS[wanted]
    text, content_type, count = exporter(ctx, fmt)
    ctx.audit("evidence.export", kind=name, format=fmt, rows=count)
    filename = f"{name}-{ctx.org.slug}-{ctx.now.date().isoformat()}.{fmt}"
    summary = markup(
        ctx.t(
            "Evidence, {what}: {count} record(s) in {name}. This export is recorded in the audit log."
        ),
        what=ctx.t(what),
        count=count,
        name=filename,
    )
    if name == "incidents":
        summary += "\n" + _compliance(ctx)
    return Reply(
        summary,
        attachments=(Attachment("document", filename, content_type, text.encode("utf-8")),),
    )
