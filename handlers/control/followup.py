"""Following action points up: a reminder to the owner a week before the due date, and once a week
while one is overdue to the owner and the coordinators. Each message is claimed once
(``scheduled_run``), so a restart or a second instance never sends it twice.

An owner the bot cannot reach privately is not silently skipped: the coordinators get the message
with a line saying the owner could not be reached.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context
from handlers.control.actions import label
from handlers.control.common import NINE
from handlers.coordination.periods import local_date, local_moment
from handlers.coordination.summary import fmt_date
from handlers.i18n import N_, t
from handlers.reply import Reply, markup
from storage import people, runs
from storage.control_models import ControlAction
from storage.enums import OutboxPriority, Role

#: The owner is reminded this many days before the due date (own policy).
REMIND_DAYS_BEFORE = 7

DUE_SOON = N_(
    "Action point {label} “{title}” is due on {day}. Done? Send /actie {id} klaar (with a note if you like)."
)
OVERDUE = N_(
    "Action point {label} “{title}” was due on {day} and is still open (owner: {owner}). Done? /actie {id} klaar; a new date: /actie {id} datum DATE (coordinator or secretary)."
)
UNREACHABLE = N_("(The owner has no private chat with me yet, so you get this instead.)")


def _coordinators(ctx: Context) -> list[int]:
    return [
        p.id  # type: ignore[misc]
        for p in people.list_people(
            session=ctx.session, organisation_id=ctx.org.id, role=Role.COORDINATOR.value
        )
    ]


def _owner_name(ctx: Context, action: ControlAction) -> str:
    if action.owner_person_id is None:
        return "—"
    owner = people.person_by_id(
        session=ctx.session, organisation_id=ctx.org.id, person_id=action.owner_person_id
    )
    return owner.name if owner else "—"


def _send(
    ctx: Context, person_id: int, msgid: str, action: ControlAction, key: str, **extra: str
) -> bool:
    person = people.person_by_id(
        session=ctx.session, organisation_id=ctx.org.id, person_id=person_id
    )
    if person is None or not person.active:
        return False
    lang = person.language
    text = markup(
        t(lang, msgid),
        label=label(action),
        title=action.title,
        id=action.id,
        day=fmt_date(local_date(action.due_at, ctx.org.timezone), lang),
        owner=_owner_name(ctx, action),
    )
    if extra.get("note"):
        text += "\n" + markup("{note}", note=t(lang, extra["note"]))
    return ctx.send_to_person(
        person_id, Reply("⏰ " + text), key=key, priority=OutboxPriority.REMINDER
    )


def follow_up(ctx: Context, action: ControlAction) -> int:
    """Queue what is due for one open action point at ``ctx.now``; returns messages queued."""
    tz = ctx.org.timezone
    due_day = local_date(action.due_at, tz)
    today = local_date(ctx.now, tz)
    sent = 0
    if today <= due_day:
        remind_at = local_moment(due_day - timedelta(days=REMIND_DAYS_BEFORE), NINE, tz)
        if remind_at <= ctx.now and runs.claim_run(
            session=ctx.session,
            kind="action-due-soon",
            period=f"action:{action.id}",
            target=f"{REMIND_DAYS_BEFORE}d",
            now=ctx.now,
            organisation_id=ctx.org.id,
        ):
            sent += _to_owner_or_coordinators(ctx, action, DUE_SOON, f"action-due:{action.id}")
        return sent
    week = (today - due_day - timedelta(days=1)).days // 7
    if local_moment(due_day + timedelta(days=1 + 7 * week), NINE, tz) > ctx.now:
        week -= 1
        if week < 0:
            return 0
    if not runs.claim_run(
        session=ctx.session,
        kind="action-overdue",
        period=f"action:{action.id}",
        target=f"week:{week}",
        now=ctx.now,
        organisation_id=ctx.org.id,
    ):
        return 0
    key = f"action-overdue:{action.id}:{week}"
    targets = set(_coordinators(ctx))
    reached_owner = False
    if action.owner_person_id is not None and action.owner_person_id not in targets:
        reached_owner = _send(ctx, action.owner_person_id, OVERDUE, action, key)
        sent += int(reached_owner)
    elif action.owner_person_id in targets:
        reached_owner = True
    for person_id in sorted(targets):
        note = "" if reached_owner else UNREACHABLE
        sent += int(_send(ctx, person_id, OVERDUE, action, key, note=note))
    return sent


def _to_owner_or_coordinators(ctx: Context, action: ControlAction, msgid: str, key: str) -> int:
    if action.owner_person_id is not None and _send(
        ctx, action.owner_person_id, msgid, action, key
    ):
        return 1
    return sum(
        int(_send(ctx, person_id, msgid, action, key, note=UNREACHABLE))
        for person_id in _coordinators(ctx)
    )
