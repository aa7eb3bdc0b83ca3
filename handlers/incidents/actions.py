"""The ISMT's changes to an incident: ``/incident INC-… significant|status|behandelaar|notitie|
bewust|avg-geen-risico|verzoek-tussentijds|concept|crisis|vastleggen`` (the last in
``recording``). Each is recorded by ``support.changed``."""

from __future__ import annotations

from datetime import datetime

from handlers.context import Context
from handlers.incidents import college, service, visibility
from handlers.incidents.contacts import organisation_in_scope
from handlers.incidents.drafts_data import draft_for
from handlers.incidents.model import Status
from handlers.incidents.recording import record_fact
from handlers.incidents.support import (
    MAX_NOTE,
    NO,
    REPORT_WORDS,
    STATUS_WORDS,
    YES,
    changed,
    with_deadlines,
)
from handlers.incidents.when import ParseError, parse_when
from handlers.reply import Reply, markup, plain
from storage import incidents as store
from storage import people
from storage.enums import Role
from storage.incident_models import Incident


def _significant(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    word = args[0].lower() if args else ""
    if word not in YES | NO:
        return Reply(
            plain(
                ctx.t("Say: /incident {reference} significant ja|nee", reference=incident.reference)
            )
        )
    incident.significant = word in YES
    incident.decided_by_person_id, incident.decided_at = ctx.me.id, ctx.now
    if incident.status == Status.NEW.value:
        incident.status = Status.TRIAGE.value
    kind = "significant" if incident.significant else "not_significant"
    changed(ctx, incident, kind, significant=incident.significant)
    told: college.Told | None = None
    if incident.significant:
        told = college.notify_college(ctx, incident, college.SIGNIFICANT)
    if incident.significant and not organisation_in_scope(ctx.org):
        text = ctx.t(
            "{reference} is significant, decided by {name}. This organisation is outside the "
            "national NIS2 law: reporting it to the CSIRT is voluntary (Art. 30 NIS2), nothing is "
            "overdue if you do not.",
            reference=incident.reference,
            name=ctx.me.name,
        )
    elif incident.significant:
        text = ctx.t(
            "{reference} is significant, decided by {name}. The reporting deadlines:",
            reference=incident.reference,
            name=ctx.me.name,
        )
    else:
        text = ctx.t(
            "{reference} is not significant, decided by {name}. No NIS2 reports are due.",
            reference=incident.reference,
            name=ctx.me.name,
        )
    if told is not None and told.reached:
        listed = ", ".join(told.reached)
        text += "\n" + ctx.t("Told in a short notice: {names}.", names=listed)
    if told is not None and told.waiting:
        text += "\n" + college.waiting_sentence(ctx, told)
    elif told is not None and not told.reached:
        text += "\n" + ctx.t(
            "The mayor and the secretary could not be told through the bot (not enrolled, or "
            "not reachable yet): please tell them yourself."
        )
    return with_deadlines(ctx, incident, plain(text))


def _status(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    status = STATUS_WORDS.get(args[0].lower()) if args else None
    if status is None:
        return Reply(plain(ctx.t("Choose a status: nieuw, triage, behandeling, gemeld, gesloten.")))
    incident.status = status.value
    if status == Status.CLOSED:
        incident.handled_at = incident.handled_at or ctx.now
    else:
        incident.handled_at = None
    changed(ctx, incident, "status", text=status.label(ctx.language), status=status.value)
    return with_deadlines(
        ctx,
        incident,
        markup(
            ctx.t("Status of {reference}: {status}."),
            reference=incident.reference,
            status=status.label(ctx.language),
        ),
    )


def _handler(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    name = " ".join(args).strip()
    if name.lower() in {"ik", "me", "mij"}:
        found = [ctx.me]
    else:
        found = people.people_by_name(session=ctx.session, organisation_id=ctx.org.id, name=name)
        found = [p for p in found if p.role in {r.value for r in visibility.HANDLES}]
    if len(found) != 1:
        return Reply(
            markup(
                ctx.t(
                    "I found no single ISMT, IT or coordinator person called “{name}”. "
                    "Use the full name as in /mensen, or “ik”."
                ),
                name=name[:100],
            )
        )
    person = found[0]
    incident.handler_person_id = person.id
    changed(ctx, incident, "handler", text=person.name, handler=person.id)
    return Reply(
        markup(ctx.t("{name} handles {reference}."), name=person.name, reference=incident.reference)
    )


def _note(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    text = " ".join(args).strip()
    if not text:
        return Reply(plain(ctx.t("Add the text of the note after the command.")))
    if len(text) > MAX_NOTE:
        return Reply(plain(ctx.t("Please keep it under {limit} characters.", limit=MAX_NOTE)))
    changed(ctx, incident, "note", text=text)
    return Reply(markup(ctx.t("Note added to {reference}."), reference=incident.reference))


def _split_when(ctx: Context, words: list[str]) -> tuple[datetime | ParseError, str]:
    """'WHEN; REASON', or the longest leading words (at most 3) that read as a time."""
    text = " ".join(words)
    if ";" in text:
        when, reason = text.split(";", 1)
        return parse_when(when, now=ctx.now, timezone=ctx.org.timezone), reason.strip()
    last: datetime | ParseError = parse_when("", now=ctx.now, timezone=ctx.org.timezone)
    for size in range(min(3, len(words)), 0, -1):
        parsed = parse_when(" ".join(words[:size]), now=ctx.now, timezone=ctx.org.timezone)
        if not isinstance(parsed, ParseError):
            return parsed, " ".join(words[size:]).strip()
        last = parsed
    return last, ""


def _aware(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    parsed, reason = _split_when(ctx, args)
    if isinstance(parsed, ParseError):
        return Reply(plain(parsed.text(ctx.language)))
    if not reason:
        return Reply(
            plain(
                ctx.t(
                    "Give a reason too: /incident {reference} bewust WHEN; REASON",
                    reference=incident.reference,
                )
            )
        )
    before = incident.aware_at
    incident.aware_at = parsed
    changed(
        ctx,
        incident,
        "aware",
        text=reason,
        before=service.when_local(ctx.org, before),
        after=service.when_local(ctx.org, parsed),
    )
    return with_deadlines(
        ctx,
        incident,
        markup(
            ctx.t("Aware since {when} for {reference}; the deadlines moved with it."),
            when=service.when_local(ctx.org, parsed),
            reference=incident.reference,
        ),
    )


def _gdpr_no_risk(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    reason = " ".join(args).strip()
    if len(reason) < 5:
        return Reply(
            plain(ctx.t("Say why there is no risk to the people concerned (the reason is kept)."))
        )
    store.record_gdpr_no_risk(
        session=ctx.session, incident=incident, reason=reason, person_id=ctx.me.id, now=ctx.now
    )
    changed(ctx, incident, "gdpr_no_risk", text=reason)
    return with_deadlines(
        ctx,
        incident,
        markup(
            ctx.t(
                "Recorded for {reference}: no risk to the people concerned, so no GDPR report is due."
            ),
            reference=incident.reference,
        ),
    )


def _intermediate_request(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    from handlers.incidents.timeutil import localize, zone

    try:
        naive = datetime.strptime(" ".join(args[:2]), "%d-%m-%Y %H:%M")
    except ValueError:
        return Reply(plain(ctx.t("Give the due date the CSIRT set as DD-MM-YYYY HH:MM.")))
    incident.intermediate_due_at = localize(naive, zone(ctx.org.timezone))
    changed(
        ctx,
        incident,
        "note",
        text=ctx.t("Intermediate report requested by the CSIRT"),
        intermediate_due=service.when_local(ctx.org, incident.intermediate_due_at),
    )
    return with_deadlines(
        ctx,
        incident,
        markup(ctx.t("Intermediate report added for {reference}."), reference=incident.reference),
    )


def _draft(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    kind = REPORT_WORDS.get(args[0].lower()) if args else None
    if kind is None:
        return Reply(
            plain(
                ctx.t(
                    "Which draft? vroegtijdige-waarschuwing, melding, tussentijds, voortgang, eindverslag or avg."
                )
            )
        )
    return Reply(draft_for(ctx, incident, kind))


def _crisis(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    if incident.crisis_at is not None:
        return Reply(
            markup(
                ctx.t("The crisis organisation for {reference} was already activated {when}."),
                reference=incident.reference,
                when=service.when_local(ctx.org, incident.crisis_at),
            )
        )
    incident.crisis_at, incident.crisis_by_person_id = ctx.now, ctx.me.id
    changed(ctx, incident, "crisis")
    told = college.notify_college(ctx, incident, college.CRISIS, name=ctx.me.name)
    text = ctx.t(
        "Recorded: the crisis organisation is activated for {reference}. The mayor and the "
        "secretary are told of each legal step sent.",
        reference=incident.reference,
    )
    if told.reached:
        listed = ", ".join(told.reached)
        text += " " + ctx.t("Told now: {names}.", names=listed)
    if told.waiting:
        text += " " + college.waiting_sentence(ctx, told)
    return Reply(plain(text))


ACTIONS = {
    "significant": _significant,
    "status": _status,
    "handler": _handler,
    "note": _note,
    "aware": _aware,
    "gdpr_no_risk": _gdpr_no_risk,
    "intermediate_request": _intermediate_request,
    "draft": _draft,
    "crisis": _crisis,
    "record": record_fact,
}
ALLOWED: dict[str, frozenset[Role]] = {
    "significant": visibility.DECIDES,
    "status": visibility.HANDLES,
    "handler": visibility.HANDLES,
    "note": visibility.HANDLES,
    "aware": visibility.HANDLES,
    "gdpr_no_risk": visibility.RECORDS_GDPR,
    "intermediate_request": visibility.RECORDS_SENT,
    "draft": visibility.HANDLES,
    "crisis": visibility.FLAGS_CRISIS,
    "record": visibility.HANDLES,
}
