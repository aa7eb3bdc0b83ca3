"""Action points: the backbone of "in control". Exercises, BOB decisions, the yearly review and audits
all end in action points with an owner and a due date, which the bot follows up until done.

    /acties                      open action points (all of them, or your own: see SEE_ALL_ACTIONS)
    /acties alle                 including the ones done
    /actie 12                    one action point
    /actie 12 klaar [NOTE]       done (its owner, the coordinator or the secretary)
    /actie 12 eigenaar NAME      another owner (coordinator, secretary)
    /actie 12 datum DATE         another due date (coordinator, secretary)
    /actie nieuw TITLE; OWNER; DATE   a new one (coordinator, secretary)
"""

from __future__ import annotations

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.control.common import (
    DECISION_KEEPERS,
    SEE_ALL_ACTIONS,
    at_nine,
    day_text,
    default_due,
    name_of,
    number_of,
    parse_date,
    person_named,
    split_fields,
    today,
)
from handlers.coordination.periods import local_date
from handlers.i18n import N_
from handlers.reply import Reply, markup, plain
from handlers.text import one_line
from storage import control
from storage.control_models import ControlAction
from storage.models import Person

SOURCE_LABELS = {
    "exercise": N_("exercise"),
    "decision": N_("council decision"),
    "review": N_("yearly review"),
    "audit": N_("audit"),
    "other": N_("other"),
}

USAGE = N_(
    "Usage:\n/acties — the open action points (/acties alle: with the ones done)\n"
    "/actie NUMBER — one action point\n/actie NUMBER klaar [NOTE] — done\n"
    "/actie NUMBER eigenaar NAME — another owner\n/actie NUMBER datum DATE — another due date\n"
    "/actie nieuw TITLE; OWNER; DATE — a new action point"
)
DONE, OWNER, DUE, NEW = (
    {"klaar", "done", "gedaan", "afgerond"},
    {"eigenaar", "owner"},
    {"datum", "due", "deadline"},
    {"nieuw", "new"},
)


def label(action: ControlAction) -> str:
    return f"A{action.id}"


def make_action(
    ctx: Context,
    *,
    title: str,
    source: str,
    source_id: int | None,
    owner: Person | None,
    due_day_text: str = "",
) -> tuple[ControlAction | None, str | None]:
    """A new action point from a command: (action, None) or (None, why not, translated)."""
    due = default_due(ctx)
    if due_day_text:
        day = parse_date(ctx, due_day_text)
        if day is None:
            return None, ctx.t("I could not read the date “{word}”.", word=due_day_text[:30])
        due = at_nine(ctx, day)
    action = control.create_action(
        session=ctx.session,
        organisation_id=ctx.org.id,
        title=one_line(title, 300),
        due_at=due,
        source=source,
        source_id=source_id,
        owner_person_id=(owner.id if owner else ctx.me.id),
        now=ctx.now,
        created_by_person_id=ctx.me.id,
    )
    ctx.audit("action.created", action_id=action.id, source=source, source_id=source_id)
    return action, None


def created_line(ctx: Context, action: ControlAction) -> str:
    return markup(
        ctx.t("Action point {label} “{title}”: owner {owner}, due {day}."),
        label=label(action),
        title=action.title,
        owner=name_of(ctx, action.owner_person_id),
        day=day_text(ctx, action.due_at),
    )


def action_line(ctx: Context, action: ControlAction) -> str:
    late = action.status == "open" and local_date(action.due_at, ctx.org.timezone) < today(ctx)
    mark = "✓" if action.status == "done" else ("⚠" if late else "•")
    return markup(
        "{mark} {label} {title} · {owner} · {due} · {source}",
        mark=mark,
        label=label(action),
        title=one_line(action.title, 90),
        owner=name_of(ctx, action.owner_person_id),
        due=day_text(ctx, action.due_at),
        source=source_text(ctx, action),
    )


def source_text(ctx: Context, action: ControlAction) -> str:
    """Where an action point came from: "oefening #3", "raadsbesluit P7", "audit", …"""
    text = ctx.t(SOURCE_LABELS.get(action.source, action.source))
    if action.source_id is not None and action.source in ("exercise", "decision"):
        text += (" #" if action.source == "exercise" else " P") + str(action.source_id)
    return text


@command(
    "acties",
    roles=EVERYONE,
    summary=N_("the action points and who follows them up"),
    usage=N_("[alle]"),
    aliases=("actions",),
)
def actions_command(ctx: Context, args: list[str]) -> Reply:
    everything = bool(args) and args[0].lower() in {"alle", "all"}
    sees_all = ctx.role in SEE_ALL_ACTIONS
    found = control.list_actions(
        session=ctx.session,
        organisation_id=ctx.org.id,
        open_only=not everything,
        owner_person_id=None if sees_all else ctx.me.id,
    )
    if not found:
        return Reply(
            plain(
                ctx.t("There are no open action points.")
                if sees_all
                else ctx.t("You have no open action points.")
            )
        )
    title = ctx.t("Action points of {org}", org=ctx.org.name)
    lines = [markup("<b>{title}</b>", title=title)]
    lines += [action_line(ctx, a) for a in found[:40]]
    if len(found) > 40:
        lines.append(plain(ctx.t("… and {count} more.", count=len(found) - 40)))
    lines.append(plain(ctx.t("Done? /actie NUMBER klaar")))
    return Reply("\n".join(lines))


@command(
    "actie",
    roles=EVERYONE,
    summary=N_("one action point: mark it done, change its owner or date"),
    usage=N_("NUMBER [klaar|eigenaar NAME|datum DATE] | nieuw TITLE; OWNER; DATE"),
    aliases=("action",),
)
def action_command(ctx: Context, args: list[str]) -> Reply:
    if not args:
        return Reply(plain(ctx.t(USAGE)))
    if args[0].lower() in NEW:
        return _new(ctx, args[1:])
    number = number_of(args[0], "A")
    action = (
        control.action_by_id(session=ctx.session, organisation_id=ctx.org.id, action_id=number)
        if number is not None
        else None
    )
    if action is None:
        return Reply(markup(ctx.t("There is no action point {word}."), word=args[0][:12]))
    keeper = ctx.role in DECISION_KEEPERS
    owner = action.owner_person_id == ctx.me.id
    if not (keeper or owner or ctx.role in SEE_ALL_ACTIONS):
        return Reply(markup(ctx.t("There is no action point {word}."), word=args[0][:12]))
    if len(args) == 1:
        return _show(ctx, action)
    sub = args[1].lower()
    if sub in DONE:
        if not (keeper or owner):
            return _refused(ctx)
        return _done(ctx, action, " ".join(args[2:]))
    if sub in OWNER | DUE:
        if not keeper:
            return _refused(ctx)
        return _owner(ctx, action, args[2:]) if sub in OWNER else _due(ctx, action, args[2:])
    return Reply(plain(ctx.t(USAGE)))


def _refused(ctx: Context) -> Reply:
    return Reply(
        plain(
            ctx.t("Only the owner, the coordinator or the secretary may change this action point.")
        ),
        refused=True,
    )


def _show(ctx: Context, action: ControlAction) -> Reply:
    lines = [action_line(ctx, action)]
    if action.status == "done":
        lines.append(
            markup(
                ctx.t("Done on {day} by {name}."),
                day=day_text(ctx, action.closed_at),
                name=name_of(ctx, action.closed_by_person_id),
            )
        )
    if action.note:
        lines.append(markup("{note}", note=action.note))
    return Reply("\n".join(lines))


def _done(ctx: Context, action: ControlAction, note: str) -> Reply:
    if action.status == "done":
        return Reply(markup(ctx.t("{label} was already done."), label=label(action)))
    control.close_action(
        session=ctx.session,
        action=action,
        now=ctx.now,
        by_person_id=ctx.me.id,
        note=one_line(note, 1000) or None,
    )
    ctx.audit("action.done", action_id=action.id)
    return Reply(
        markup(
            ctx.t("{label} “{title}” is done. Thank you."), label=label(action), title=action.title
        )
    )


def _owner(ctx: Context, action: ControlAction, args: list[str]) -> Reply:
    found = person_named(ctx, " ".join(args))
    if found.person is None:
        return Reply(plain(found.problem or ""))
    action.owner_person_id = found.person.id
    control.save_action(session=ctx.session, action=action)
    ctx.audit("action.owner", action_id=action.id, owner_person_id=found.person.id)
    return Reply(created_line(ctx, action))


def _due(ctx: Context, action: ControlAction, args: list[str]) -> Reply:
    text = " ".join(args)
    day = parse_date(ctx, text) if text else None
    if day is None:
        return Reply(markup(ctx.t("I could not read the date “{word}”."), word=text[:30]))
    action.due_at = at_nine(ctx, day)
    control.save_action(session=ctx.session, action=action)
    ctx.audit("action.due", action_id=action.id, due_on=day.isoformat())
    return Reply(created_line(ctx, action))


def _new(ctx: Context, args: list[str]) -> Reply:
    if ctx.role not in DECISION_KEEPERS:
        return Reply(
            plain(ctx.t("Only the coordinator or the secretary may add action points.")),
            refused=True,
        )
    parts = split_fields(args)
    title = parts[0] if parts else ""
    if len(title) < 3:
        return Reply(plain(ctx.t(USAGE)))
    owner = None
    if len(parts) > 1 and parts[1]:
        found = person_named(ctx, parts[1])
        if found.person is None:
            return Reply(plain(found.problem or ""))
        owner = found.person
    action, problem = make_action(
        ctx,
        title=title,
        source="other",
        source_id=None,
        owner=owner,
        due_day_text=parts[2] if len(parts) > 2 else "",
    )
    if action is None:
        return Reply(plain(problem or ""))
    return Reply(created_line(ctx, action))
