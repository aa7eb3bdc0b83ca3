"""Training nudges: who is due now (read), one nudge claimed and queued (write), and the person's
answers to a nudge: ``/later`` (snooze) and ``/gevolgd`` (I followed the training elsewhere).

The job (``schedules.training``) calls ``plan`` once, then ``deliver`` per nudge inside batches it
commits; the claim of (person, slot key) and the outbox row share a transaction, so a fan-out killed
halfway and run again sends every nudge exactly once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_, t
from handlers.reply import Choice, Reply, markup, plain
from handlers.settings import FeatureSettings
from handlers.training import service
from handlers.training.attendance import parse_day
from handlers.training.schedule import Nudge, NudgeKind, due_nudges, snooze
from handlers.training.texts import format_day, nudge_message, snooze_reply
from handlers.training.workdays import work_calendar
from storage import kv, people, training
from storage.enums import OutboxPriority, Platform
from storage.models import Organisation
from storage.training_models import TrainingMethod


@dataclass(frozen=True)
class PlannedNudge:
    nudge: Nudge
    person_id: int
    platform: str
    chat_id: str
    name: str
    language: str


def plan(
    session: Session, org: Organisation, now: datetime, *, ignore_office_hours: bool = False
) -> list[PlannedNudge]:
    """The nudges of one organisation that are due at ``now``, at most one per person.

    Not nudged: people without a chat (imported, not enrolled yet) and people whose self-declaration
    waits for the coordinator. ``ignore_office_hours`` is the operator's "send now": slots that have
    come are sent even in the evening or on a holiday.
    """
    assert org.id is not None
    policy, tz, country = service.policy_of(org), service.tz_of(org), service.country_of(org)
    calendar = work_calendar(country, tz, policy)
    if not ignore_office_hours and not calendar.is_office_moment(now):
        return []  # the cheap exit for the ticks outside office hours: no query at all
    chats = people.private_chat_map(session=session, organisation_id=org.id)
    pending = {
        record.person_id
        for record, _ in training.pending_declarations(session=session, organisation_id=org.id)
    }
    persons = [
        p
        for p in people.list_people(session=session, organisation_id=org.id)
        if p.id in chats and p.id not in pending
    ]
    views = service.views_for(session, org, persons)
    found = due_nudges(views, now, policy, tz, country, ignore_office_hours=ignore_office_hours)
    by_id = {p.id: p for p in persons}
    result = []
    for nudge in found:
        person = by_id[int(nudge.person_id)]
        platform, chat_id = chats[int(nudge.person_id)]
        result.append(
            PlannedNudge(
                nudge, int(nudge.person_id), platform, chat_id, person.name, person.language
            )
        )
    return result


def nudge_choices(language: str) -> tuple[Choice, ...]:
    return (
        Choice("/toets", t(language, "Start the quiz")),
        Choice("/gevolgd", t(language, "I followed the training")),
        Choice("/later", t(language, "Later")),
    )


def deliver(
    session: Session,
    org: Organisation,
    planned: PlannedNudge,
    now: datetime,
    settings: FeatureSettings,
) -> bool:
    """Claim the slot and queue the message in the caller's transaction; False if claimed before.

    An escalation is only recorded: the coordinator reads it in the weekly digest (one line per
    person, not a message per person).
    """
    assert org.id is not None
    nudge = planned.nudge
    claimed = training.claim_nudge(
        session=session,
        organisation_id=org.id,
        person_id=planned.person_id,
        slot_key=nudge.key,
        kind=nudge.kind.value,
        now=now,
    )
    if claimed is None:
        return False
    if nudge.kind is NudgeKind.ESCALATION:
        return True
    ctx = Context(session, now, settings, organisation=org)
    reply = reminder_reply(
        nudge,
        planned.name,
        planned.language,
        service.policy_of(org).max_nudges,
        service.local_day(now, org),
    )
    outbox_id = ctx.send(
        platform=planned.platform,
        chat_id=planned.chat_id,
        reply=reply,
        key=nudge.idempotency_key,
        priority=OutboxPriority.BULK,
    )
    training.set_nudge_outbox(session=session, nudge_id=claimed, outbox_id=outbox_id)
    if planned.platform != Platform.TELEGRAM.value:
        # Telegram shows the choices as buttons that carry their command; on the other chats
        # they are numbered lines, and a typed "1" needs the remembered list.
        remember_choices(session, planned.person_id, reply.choices, now)
    return True


def reminder_reply(nudge: Nudge, name: str, language: str, max_nudges: int, today: date) -> Reply:
    """The nudge as sent on the local day ``today`` (the days left are counted from it)."""
    text = nudge_message(nudge, language, name=name, max_nudges=max_nudges, today=today)
    return Reply(text, nudge_choices(language))


def remember_choices(
    session: Session, person_id: int, choices: tuple[Choice, ...], now: datetime
) -> None:
    """Let "1" or "Later" answer the nudge on text-only chats, as the router does for a command's
    own choices (same key)."""
    kv.set_value(
        session=session,
        key=f"choices:{person_id}",
        value=json.dumps([[c.value, c.label] for c in choices]),
        now=now,
    )


@command(
    "later",
    roles=EVERYONE,
    summary=N_("postpone the training reminder a little"),
    aliases=("snooze",),
)
def later_command(ctx: Context, args: list[str]) -> Reply:
    org, me = ctx.org, ctx.me
    view = service.view_of(ctx.session, org, me)
    outcome = snooze(
        view, ctx.now, service.policy_of(org), service.tz_of(org), service.country_of(org)
    )
    if outcome.state is not None:
        state = outcome.state  # ``until`` is in the organisation's local time already
        training.save_snooze(
            session=ctx.session,
            organisation_id=org.id,
            person_id=me.id,
            cycle_due=state.cycle_due,
            step=state.step,
            count=state.count,
            until=state.until,
            now=ctx.now,
        )
    return Reply(snooze_reply(outcome, ctx.language))


@command(
    "gevolgd",
    roles=EVERYONE,
    summary=N_("tell the coordinator you followed the training elsewhere"),
    usage=N_("[DATE COURSE AND PROVIDER]"),
    aliases=("followed",),
)
def followed_command(ctx: Context, args: list[str]) -> Reply:
    org, me = ctx.org, ctx.me
    day, proof = service.local_day(ctx.now, org), None
    if args:
        given = parse_day(args[0])
        proof = " ".join(" ".join(args[1:]).split())[:PROOF_MAX] or None
        if given is None or proof is None:
            return Reply(plain(ctx.t(_FOLLOWED_USAGE)))
        if given > day:
            return Reply(plain(ctx.t("That date is in the future; nothing was recorded.")))
        day = given
    pending = training.pending_declaration_of(
        session=ctx.session, organisation_id=org.id, person_id=me.id
    )
    if pending is not None:
        return Reply(
            markup(
                ctx.t(
                    "You already told me on {day}; the NIS2 coordinator has not confirmed it yet."
                ),
                day=format_day(service.local_day(pending.created_at, org), ctx.language),
            )
        )
    training.add_record(
        session=ctx.session,
        organisation_id=org.id,
        person_id=me.id,
        completed_at=ctx.now if proof is None else service.noon(day, org),
        method=TrainingMethod.SELF_DECLARED,
        now=ctx.now,
        note=proof,
    )
    ctx.audit("training.self_declared", day=day.isoformat(), with_proof=proof is not None)
    text = plain(
        ctx.t(
            "Thank you. The NIS2 coordinator will confirm it; until then I won't remind you. "
            "If you'd rather have a certificate straight away, take the quiz: /toets"
        )
    )
    if proof is None:
        text += "\n" + plain(ctx.t(_FOLLOWED_USAGE))
    else:
        text += "\n" + markup(
            ctx.t("Recorded: followed on {day}, proof: {proof}"),
            day=format_day(day, ctx.language),
            proof=proof,
        )
    return Reply(text)


PROOF_MAX = 200  # training_record.note
_FOLLOWED_USAGE = N_(
    "Tell the coordinator when and what you followed: /gevolgd DATE COURSE AND PROVIDER, "
    "for example /gevolgd 20-11-2026 e-learning phishing, Academie XYZ"
)
