"""/herinnering (a dialog: to whom, when, what, confirm) and /herinneringen (list and cancel).

Audiences: one or more roles, a linked room (by purpose), or one person. When: now, a date and time
("vrijdag 14:00", "1 december 9u"), or repeating weekly, monthly or quarterly from a first moment.
Delivery happens in the ``coordinator-reminders`` job (``schedules.coordination``), which claims
each occurrence once; a reminder "now" is due at once and goes out with the job's next tick.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from handlers.command import COORDINATOR, command
from handlers.context import Context
from handlers.coordination.recurrence import Repeat, next_after, parse_future
from handlers.coordination.summary import fmt_moment
from handlers.dialog import (
    Answer,
    Dialog,
    Draft,
    Finish,
    Goto,
    Retry,
    Step,
    register_dialog,
    start_dialog,
)
from handlers.i18n import N_, t
from handlers.people.coordinator import PURPOSE_LABELS
from handlers.people.roles import parse_role, role_label
from handlers.reply import Choice, Reply, markup, plain
from handlers.text import one_line
from storage import coordination, people, rooms
from storage.enums import RoomPurpose

MAX_TEXT = 1000
REPEAT_LABELS = {
    Repeat.NONE: N_("once"),
    Repeat.WEEKLY: N_("every week"),
    Repeat.MONTHLY: N_("every month"),
    Repeat.QUARTERLY: N_("every quarter"),
}


class ReminderState(Enum):
    AUDIENCE = "audience"
    ROLES = "roles"
    ROOM = "room"
    PERSON = "person"
    WHEN = "when"
    FIRST = "first"
    TEXT = "text"
    CONFIRM = "confirm"


dialog = Dialog("reminder", ReminderState, first=ReminderState.AUDIENCE, title=N_("a reminder"))


def audience_text(ctx: Context, audience: dict[str, Any], language: str | None = None) -> str:
    lang = language or ctx.language
    if "roles" in audience:
        return ", ".join(role_label(r, lang, ctx.country) for r in audience["roles"])
    if "room" in audience:
        label = PURPOSE_LABELS.get(RoomPurpose(audience["room"]), audience["room"])
        return t(lang, N_("the {purpose} room"), purpose=t(lang, label))
    person = people.person_by_id(
        session=ctx.session, organisation_id=ctx.org.id, person_id=int(audience.get("person_id", 0))
    )
    return person.name if person else "?"


@dialog.ask(ReminderState.AUDIENCE)
def ask_audience(ctx: Context, draft: Draft) -> Reply:
    return Reply(
        plain(ctx.t("Who should get the reminder?")),
        (
            Choice("roles", ctx.t("People with a role")),
            Choice("room", ctx.t("A linked room")),
            Choice("person", ctx.t("One person")),
        ),
    )


@dialog.step(ReminderState.AUDIENCE)
def on_audience(ctx: Context, draft: Draft, answer: Answer) -> Step:
    targets = {
        "roles": ReminderState.ROLES,
        "room": ReminderState.ROOM,
        "person": ReminderState.PERSON,
    }
    if answer.choice not in targets:
        return Retry(ctx.t("Please choose one of the options."))
    return Goto(targets[answer.choice])


@dialog.ask(ReminderState.ROLES)
def ask_roles(ctx: Context, draft: Draft) -> Reply:
    return Reply(
        plain(
            ctx.t(
                "Which roles? Type one or more, separated by commas, for example: ismt, it, secretaris"
            )
        )
    )


@dialog.step(ReminderState.ROLES)
def on_roles(ctx: Context, draft: Draft, answer: Answer) -> Step:
    words = [w for w in answer.text.replace(";", ",").replace(" ", ",").split(",") if w.strip()]
    roles = [parse_role(w) for w in words]
    if not words or any(r is None for r in roles):
        unknown = ", ".join(w for w, r in zip(words, roles, strict=True) if r is None)
        return Retry(ctx.t("I do not know these roles: {unknown}", unknown=unknown or "—"))
    draft["audience"] = {"roles": sorted({r.value for r in roles if r is not None})}
    return Goto(ReminderState.WHEN)


@dialog.ask(ReminderState.ROOM)
def ask_room(ctx: Context, draft: Draft) -> Reply:
    linked = rooms.rooms_for(session=ctx.session, organisation_id=ctx.org.id)
    purposes = sorted({r.purpose for r in linked})
    if not purposes:
        return Reply(
            plain(
                ctx.t("No room is linked yet (use /koppel in a group room). Type /terug or /stop.")
            )
        )
    return Reply(
        plain(ctx.t("Which room?")),
        tuple(Choice(p, ctx.t(PURPOSE_LABELS[RoomPurpose(p)])) for p in purposes),
    )


@dialog.step(ReminderState.ROOM)
def on_room(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice is None:
        return Retry(ctx.t("Please choose one of the rooms."))
    draft["audience"] = {"room": answer.choice}
    return Goto(ReminderState.WHEN)


@dialog.ask(ReminderState.PERSON)
def ask_person(ctx: Context, draft: Draft) -> Reply:
    matches = draft.get("matches") or []
    if matches:
        return Reply(
            plain(ctx.t("Several people have that name. Which one?")),
            tuple(Choice(str(pid), label) for pid, label in matches),
        )
    return Reply(plain(ctx.t("Type the person's name (as in /mensen).")))


@dialog.step(ReminderState.PERSON)
def on_person(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice is not None:
        draft.pop("matches", None)
        draft["audience"] = {"person_id": int(answer.choice)}
        return Goto(ReminderState.WHEN)
    found = people.people_by_name(
        session=ctx.session, organisation_id=ctx.org.id, name=one_line(answer.text, 200)
    )
    if not found:
        return Retry(ctx.t("I found nobody with that name. Check the spelling in /mensen."))
    if len(found) > 1:
        draft["matches"] = [
            [p.id, f"{p.name} ({p.department or role_label(p.role, ctx.language, ctx.country)})"]
            for p in found[:10]
        ]
        return Retry(ctx.t("Several people have that name."))
    draft["audience"] = {"person_id": found[0].id}
    return Goto(ReminderState.WHEN)


@dialog.ask(ReminderState.WHEN)
def ask_when(ctx: Context, draft: Draft) -> Reply:
    return Reply(
        plain(
            ctx.t(
                "When? Choose now or a repeat, or type a date and time (for example: vrijdag 14:00, 1 december 9u)."
            )
        ),
        (
            Choice("now", ctx.t("Now")),
            Choice(Repeat.WEEKLY.value, ctx.t(REPEAT_LABELS[Repeat.WEEKLY])),
            Choice(Repeat.MONTHLY.value, ctx.t(REPEAT_LABELS[Repeat.MONTHLY])),
            Choice(Repeat.QUARTERLY.value, ctx.t(REPEAT_LABELS[Repeat.QUARTERLY])),
        ),
    )


@dialog.step(ReminderState.WHEN)
def on_when(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice == "now":
        draft.update(first_at=ctx.now.isoformat(), repeat=Repeat.NONE.value)
        return Goto(ReminderState.TEXT)
    if answer.choice in {r.value for r in Repeat}:
        draft["repeat"] = answer.choice
        return Goto(ReminderState.FIRST)
    moment = parse_future(answer.text, now=ctx.now, timezone=ctx.org.timezone)
    if moment is None:
        return Retry(ctx.t("I could not read a future date and time in that."))
    draft.update(first_at=moment.isoformat(), repeat=Repeat.NONE.value)
    return Goto(ReminderState.TEXT)


@dialog.ask(ReminderState.FIRST)
def ask_first(ctx: Context, draft: Draft) -> Reply:
    return Reply(
        plain(ctx.t("When is the first one? Type a date and time, for example: maandag 9:00."))
    )


@dialog.step(ReminderState.FIRST)
def on_first(ctx: Context, draft: Draft, answer: Answer) -> Step:
    moment = parse_future(answer.text, now=ctx.now, timezone=ctx.org.timezone)
    if moment is None:
        return Retry(ctx.t("I could not read a future date and time in that."))
    draft["first_at"] = moment.isoformat()
    return Goto(ReminderState.TEXT)


@dialog.ask(ReminderState.TEXT)
def ask_text(ctx: Context, draft: Draft) -> Reply:
    return Reply(plain(ctx.t("What should the reminder say?")))


@dialog.step(ReminderState.TEXT)
def on_text(ctx: Context, draft: Draft, answer: Answer) -> Step:
    text = answer.text.strip()
    if len(text) < 3:
        return Retry(ctx.t("Please type the text of the reminder."))
    if len(text) > MAX_TEXT:
        return Retry(ctx.t("Please keep it under {limit} characters.", limit=MAX_TEXT))
    draft["text"] = text
    return Goto(ReminderState.CONFIRM)


def _when_text(ctx: Context, first_at: str, repeat: str) -> str:
    moment = fmt_moment(datetime.fromisoformat(first_at), ctx.org.timezone, ctx.language)
    if repeat == Repeat.NONE:
        return moment
    return ctx.t(
        "{repeat}, first on {moment}", repeat=ctx.t(REPEAT_LABELS[Repeat(repeat)]), moment=moment
    )


@dialog.ask(ReminderState.CONFIRM)
def ask_confirm(ctx: Context, draft: Draft) -> Reply:
    text = markup(
        ctx.t("To: {audience}\nWhen: {when}\nText: {text}\n\nShall I set this reminder?"),
        audience=audience_text(ctx, draft["audience"]),
        when=_when_text(ctx, draft["first_at"], draft["repeat"]),
        text=draft["text"],
    )
    return Reply(text, (Choice("yes", ctx.t("Yes, set it")), Choice("no", ctx.t("No"))))


@dialog.step(ReminderState.CONFIRM)
def on_confirm(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice == "no":
        return Finish(Reply(plain(ctx.t("Nothing was set."))))
    if answer.choice != "yes":
        return Retry(ctx.t("Please choose yes or no."))
    first_at = max(datetime.fromisoformat(draft["first_at"]), ctx.now)
    reminder = coordination.create_reminder(
        session=ctx.session,
        organisation_id=ctx.org.id,
        audience=draft["audience"],
        text=draft["text"],
        first_at=first_at,
        repeat=draft["repeat"],
        timezone=ctx.org.timezone,
        now=ctx.now,
        created_by_person_id=ctx.me.id,
    )
    ctx.audit(
        "reminder.created",
        reminder_id=reminder.id,
        audience=draft["audience"],
        repeat=draft["repeat"],
        first_at=first_at.isoformat(),
    )
    return Finish(
        Reply(
            markup(
                ctx.t("Reminder #{id} is set. /herinneringen lists and cancels reminders."),
                id=reminder.id,
            )
        )
    )


register_dialog(dialog)


@command(
    "herinnering",
    roles=COORDINATOR,
    summary=N_("set a reminder for roles, a room or a person"),
    aliases=("remind",),
    audited=True,
)
def reminder_command(ctx: Context, args: list[str]) -> list[Reply]:
    return start_dialog(ctx, dialog)


@command(
    "herinneringen",
    roles=COORDINATOR,
    summary=N_("your reminders: list and cancel"),
    usage=N_("[stop NUMBER]"),
    aliases=("reminders",),
    audited=True,
)
def reminders_command(ctx: Context, args: list[str]) -> Reply:
    if len(args) >= 2 and args[0].lower() in {"stop", "annuleer", "cancel"}:
        return _cancel(ctx, args[1].lstrip("#"))
    active = coordination.active_reminders(session=ctx.session, organisation_id=ctx.org.id)
    if not active:
        return Reply(plain(ctx.t("There are no active reminders. /herinnering sets one.")))
    lines = [markup("<b>{title}</b>", title=ctx.t("Active reminders"))]
    choices = []
    for reminder in active[:30]:
        upcoming = next_after(reminder.first_at, reminder.repeat, ctx.now, reminder.timezone)
        when = fmt_moment(upcoming, ctx.org.timezone, ctx.language) if upcoming else ctx.t("now")
        lines.append(
            markup(
                "#{id} · {audience} · {repeat} · {when}\n   {text}",
                id=reminder.id,
                audience=audience_text(ctx, reminder.audience),
                repeat=ctx.t(REPEAT_LABELS[Repeat(reminder.repeat)]),
                when=when,
                text=one_line(reminder.text, 120),
            )
        )
        choices.append(
            Choice(f"/herinneringen stop {reminder.id}", ctx.t("Cancel #{id}", id=reminder.id))
        )
    return Reply("\n".join(lines), tuple(choices[:10]))


def _cancel(ctx: Context, raw_id: str) -> Reply:
    reminder = (
        coordination.reminder_by_id(
            session=ctx.session, organisation_id=ctx.org.id, reminder_id=int(raw_id)
        )
        if raw_id.isdigit()
        else None
    )
    if reminder is None or not reminder.active:
        return Reply(markup(ctx.t("There is no active reminder #{id}."), id=raw_id[:12]))
    coordination.cancel_reminder(session=ctx.session, reminder=reminder, now=ctx.now)
    ctx.audit("reminder.cancelled", reminder_id=reminder.id)
    return Reply(markup(ctx.t("Reminder #{id} is cancelled."), id=reminder.id))
