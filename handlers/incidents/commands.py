"""/incident: look at an incident (everyone sees what their role allows) and change it (the ISMT).

In a group these commands only work in the organisation's ISMT room: anywhere else an incident's
details would reach people who may not see them. The changes themselves live in ``actions``.
"""

from __future__ import annotations

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_
from handlers.incidents import college, service, visibility
from handlers.incidents.actions import ACTIONS, ALLOWED
from handlers.incidents.model import Status
from handlers.incidents.support import (
    TIMELINE_SHOWN,
    deadline_section_lines,
    group_refused,
    in_ismt_room,
    lookup,
    name_of,
    not_found,
)
from handlers.incidents.views import (
    category_label,
    fact_lines,
    status_lines,
    timeline_lines,
)
from handlers.reply import Reply, markup, plain
from storage import incidents as store
from storage.incident_models import Incident

SUBCOMMANDS = {
    "significant": "significant",
    "status": "status",
    "behandelaar": "handler",
    "handler": "handler",
    "notitie": "note",
    "note": "note",
    "bewust": "aware",
    "aware": "aware",
    "avg-geen-risico": "gdpr_no_risk",
    "gdpr-no-risk": "gdpr_no_risk",
    "concept": "draft",
    "draft": "draft",
    "verzoek-tussentijds": "intermediate_request",
    "intermediate-request": "intermediate_request",
    "crisis": "crisis",
    "vastleggen": "record",
    "record": "record",
}


# --- /incident ----------------------------------------------------------------------------------


@command(
    "incident",
    roles=EVERYONE,
    summary=N_("show an incident; the ISMT decides and handles it here"),
    usage=N_("INC-… [significant ja|nee | status … | behandelaar NAME | notitie TEXT | …]"),
    audited=True,
    in_groups=True,
)
def incident_command(ctx: Context, args: list[str]) -> Reply:
    refused = group_refused(ctx)
    if refused is not None:
        return refused
    if not args:
        return _usage(ctx)
    incident = lookup(ctx, args[0])
    if incident is None:
        return not_found(ctx, args[0][:40])
    if len(args) == 1:
        return show_incident(ctx, incident)
    action = SUBCOMMANDS.get(args[1].lower())
    if action is None:
        return _usage(ctx)
    rest = args[2:]
    handler = ACTIONS[action]
    allowed = ALLOWED[action]
    if ctx.role not in allowed:
        return Reply(
            plain(ctx.t("Your role may look at this incident but not change it.")), refused=True
        )
    return handler(ctx, incident, rest)


def _usage(ctx: Context) -> Reply:
    lines = [
        plain(ctx.t("Usage:")),
        "/incident INC-2026-0001",
    ]
    if visibility.sees_all(ctx.role):
        lines += [
            "/incident INC-… significant ja|nee",
            "/incident INC-… status nieuw|triage|behandeling|gemeld|gesloten",
            "/incident INC-… behandelaar NAAM",
            "/incident INC-… notitie TEKST",
            "/incident INC-… bewust WANNEER; REDEN",
            "/incident INC-… avg-geen-risico REDEN",
            "/incident INC-… verzoek-tussentijds DD-MM-JJJJ UU:MM",
            "/incident INC-… crisis",
            "/incident INC-… vastleggen [begin|kwaadwillig|grensoverschrijdend|ernst|ioc|oorzaak|"
            "maatregelen|lopend|avg-… WAARDE]",
            "/incident INC-… crisis",
            "/incident INC-… vastleggen [begin|kwaadwillig|grensoverschrijdend|ernst|ioc|oorzaak|"
            "maatregelen|lopend|avg-… WAARDE]",
            "/incident INC-… concept vroegtijdige-waarschuwing|melding|tussentijds|voortgang|"
            "eindverslag|avg",
            "/verzonden INC-… vroegtijdige-waarschuwing|melding|tussentijds|voortgang|eindverslag|avg",
        ]
    return Reply("\n".join(plain(line) if i else line for i, line in enumerate(lines)))


def show_incident(ctx: Context, incident: Incident) -> Reply:
    org, language = ctx.org, ctx.language
    title = markup("<b>{reference}</b>", reference=incident.reference)
    if visibility.college_view(ctx.role) and not visibility.is_reporter(ctx.me.id, incident):
        # The mayor's and the secretary's view: what it means, not who reported it or how.
        lines = [title, *status_lines(language, org, incident, handler=None)]
        lines += college.college_lines(language, ctx, incident)
        return Reply("\n".join(lines))
    if not visibility.full_view(ctx.role):
        # The reporter's own view: what they reported and where it stands.
        lines = [
            title,
            markup(
                "{label}: {value}",
                label=ctx.t("Category"),
                value=category_label(incident.category, language),
            ),
            markup(
                "{label}: {value}",
                label=ctx.t("Status"),
                value=Status(incident.status).label(language),
            ),
            markup(
                "{label}: {value}",
                label=ctx.t("Reported"),
                value=service.when_local(org, incident.created_at),
            ),
        ]
        return Reply("\n".join(lines))
    in_room = in_ismt_room(ctx)
    shows_name = visibility.shows_reporter_name(ctx.role, ctx.me.id, incident, in_ismt_room=in_room)
    reporter = name_of(ctx, incident.reporter_person_id) if shows_name else None
    if shows_name and reporter is None:
        reporter = ctx.t("unknown")
    events = store.events_of(
        session=ctx.session,
        organisation_id=org.id,
        incident_id=incident.id,  # type: ignore[arg-type]
    )[-TIMELINE_SHOWN:]
    names = {
        pid: name
        for pid in {e.actor_person_id for e in events if e.actor_person_id}
        if (name := name_of(ctx, pid))
    }
    hidden = (
        frozenset({incident.reporter_person_id})
        if incident.reporter_person_id and not shows_name
        else frozenset()
    )
    lines = [title]
    lines += status_lines(language, org, incident, handler=name_of(ctx, incident.handler_person_id))
    lines += fact_lines(language, org, incident, reporter=reporter)
    lines += ["", *deadline_section_lines(ctx, incident)]
    lines += ["", markup("<b>{t}</b>", t=ctx.t("Timeline"))]
    lines += timeline_lines(language, org, events, names, hide_person_ids=hidden)
    return Reply("\n".join(lines))
