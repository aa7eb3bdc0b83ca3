"""Shared by the incident commands: finding an incident the asker may see, where incidents may
be discussed, and recording a change (timeline, audit log, deadlines) in one place."""

from __future__ import annotations

from handlers.context import Context
from handlers.incidents import service, visibility
from handlers.incidents.contacts import organisation_in_scope
from handlers.incidents.model import ReportKind, Status
from handlers.incidents.views import deadline_sections
from handlers.reply import Reply, markup, plain
from storage import incidents as store
from storage import people, rooms
from storage.enums import RoomPurpose
from storage.incident_models import Incident

MAX_NOTE = 2000
TIMELINE_SHOWN = 20
LISTED = 30

REPORT_WORDS: dict[str, ReportKind] = {
    "vroegtijdige-waarschuwing": ReportKind.EARLY_WARNING,
    "waarschuwing": ReportKind.EARLY_WARNING,
    "early-warning": ReportKind.EARLY_WARNING,
    "melding": ReportKind.NOTIFICATION,
    "notification": ReportKind.NOTIFICATION,
    "tussentijds": ReportKind.INTERMEDIATE,
    "intermediate": ReportKind.INTERMEDIATE,
    "voortgang": ReportKind.PROGRESS,
    "progress": ReportKind.PROGRESS,
    "eindverslag": ReportKind.FINAL,
    "final": ReportKind.FINAL,
    "avg": ReportKind.GDPR,
    "gdpr": ReportKind.GDPR,
}
STATUS_WORDS: dict[str, Status] = {
    "nieuw": Status.NEW,
    "new": Status.NEW,
    "triage": Status.TRIAGE,
    "beoordeling": Status.TRIAGE,
    "behandeling": Status.HANDLING,
    "handling": Status.HANDLING,
    "gemeld": Status.REPORTED,
    "reported": Status.REPORTED,
    "gesloten": Status.CLOSED,
    "closed": Status.CLOSED,
}
YES, NO = {"ja", "yes", "j", "y"}, {"nee", "no", "n"}


def in_group(ctx: Context) -> bool:
    return ctx.event is not None and ctx.event.chat_is_group


def in_ismt_room(ctx: Context) -> bool:
    if not in_group(ctx):
        return False
    assert ctx.event is not None
    found = rooms.rooms_by_chat(
        session=ctx.session, platform=ctx.event.platform, chat_id=ctx.event.chat_id
    )
    return any(r.organisation_id == ctx.org.id and r.purpose == RoomPurpose.ISMT for r in found)


def group_refused(ctx: Context) -> Reply | None:
    if in_group(ctx) and not in_ismt_room(ctx):
        return Reply(
            plain(ctx.t("Incidents are only discussed in the ISMT room or in a private chat.")),
            refused=True,
        )
    return None


def not_found(ctx: Context, text: str) -> Reply:
    # The same answer for "does not exist" and "not yours to see": existence is information too.
    return Reply(
        markup(ctx.t("There is no incident {reference} that you may see."), reference=text),
        refused=True,
    )


def name_of(ctx: Context, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    person = people.person_by_id(
        session=ctx.session, organisation_id=ctx.org.id, person_id=person_id
    )
    return person.name if person else None


def lookup(ctx: Context, text: str) -> Incident | None:
    incident = service.find_incident(ctx.session, ctx.org, text)
    if incident is None or not (incident.complete or incident.alerted_at is not None):
        # An intake still being typed belongs to its reporter until sent or passed on.
        return None
    if not visibility.can_view(ctx.role, ctx.me.id, incident):
        return None
    return incident


def changed(
    ctx: Context, incident: Incident, event_kind: str, /, text: str = "", **detail: object
) -> None:
    """Timeline + audit + deadlines, for every change (one place, so none is forgotten)."""
    store.save_incident(session=ctx.session, incident=incident, now=ctx.now)
    store.add_event(
        session=ctx.session,
        incident=incident,
        kind=event_kind,
        at=ctx.now,
        actor_person_id=ctx.me.id,
        text=text,
        detail={k: str(v) for k, v in detail.items()},
    )
    ctx.audit(f"incident.{event_kind}", incident=incident.reference, **detail)
    service.refresh_deadlines(ctx.session, ctx.org, incident, ctx.now, ctx.settings)


def with_deadlines(ctx: Context, incident: Incident, text: str) -> Reply:
    lines = [text, "", *deadline_section_lines(ctx, incident)]
    return Reply("\n".join(lines))


def deadline_section_lines(ctx: Context, incident: Incident) -> list[str]:
    """The incident's deadlines, NIS2 and GDPR apart (voluntary guidance when out of scope)."""
    deadlines = store.deadlines_of(
        session=ctx.session,
        organisation_id=ctx.org.id,
        incident_id=incident.id,  # type: ignore[arg-type]
    )
    return deadline_sections(
        ctx.language,
        ctx.org,
        deadlines,
        service.voluntary_guidance(ctx.session, ctx.org, incident, ctx.now),
        incident,
        in_scope=organisation_in_scope(ctx.org),
    )
