"""The coordinator's people tools: invite codes, the list of people, linking a room."""

from __future__ import annotations

from datetime import timedelta

from handlers.command import COORDINATOR, EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_
from handlers.incidents.pending import flush_pending_alerts, flushed_note
from handlers.people.invites import deep_link, make_invite
from handlers.people.link import offer_link_code
from handlers.people.roles import ROLE_WORDS, parse_role, role_label
from handlers.reply import Reply, markup, plain
from storage import people, rooms
from storage.enums import Role, RoomPurpose

ROOM_WORDS = {
    "raad": RoomPurpose.COUNCIL,
    "council": RoomPurpose.COUNCIL,
    "ismt": RoomPurpose.ISMT,
    "college": RoomPurpose.COLLEGE,
    "coordinatie": RoomPurpose.COORDINATION,
    "coordination": RoomPurpose.COORDINATION,
}
MAX_USES, MAX_DAYS = 500, 90


@command(
    "uitnodiging",
    roles=COORDINATOR,
    summary=N_("make an invite code for a role"),
    usage=N_("ROLE [uses] [days]"),
    aliases=("invite",),
    audited=True,
)
def invite_command(ctx: Context, args: list[str]) -> Reply:
    role = parse_role(args[0]) if args else None
    if role is None:
        words = ", ".join(sorted({w for w in ROLE_WORDS if w.isascii() and "_" not in w}))
        return Reply(
            markup(ctx.t("Usage: /uitnodiging ROLE [uses] [days]. Roles: {roles}"), roles=words)
        )
    try:
        uses = int(args[1]) if len(args) > 1 else 1
        days = int(args[2]) if len(args) > 2 else ctx.settings.invite_default_days
    except ValueError:
        return Reply(
            plain(
                ctx.t(
                    "Uses and days must be whole numbers, for example: /uitnodiging medewerker 25 14"
                )
            )
        )
    if not (1 <= uses <= MAX_USES and 1 <= days <= MAX_DAYS):
        return Reply(
            markup(
                ctx.t("Uses must be 1 to {max_uses} and days 1 to {max_days}."),
                max_uses=MAX_USES,
                max_days=MAX_DAYS,
            )
        )
    invite = make_invite(
        session=ctx.session,
        organisation_id=ctx.org.id,
        role=role,
        uses=uses,
        valid_for=timedelta(days=days),
        now=ctx.now,
        actor=f"person:{ctx.me.id}",
        created_by_person_id=ctx.me.id,
    )
    text = markup(
        ctx.t(
            "Invite code for {role}: <code>{code}</code> ({uses} uses, valid {days} days). "
            "The new person sends: /start {code}"
        ),
        role=role_label(role, ctx.language, ctx.country),
        code=invite.code,
        uses=uses,
        days=days,
    )
    link = deep_link(ctx.settings.telegram_bot_username, invite.code)
    if link:
        text += "\n" + markup(ctx.t("Telegram link: {link}"), link=link)
    return Reply(text)


@command("mensen", roles=COORDINATOR, summary=N_("who is enrolled, by role"), aliases=("people",))
def people_command(ctx: Context, args: list[str]) -> Reply:
    everyone = people.list_people(session=ctx.session, organisation_id=ctx.org.id)
    lines = [
        markup(
            "<b>{title}</b>",
            title=ctx.t("Enrolled at {org}: {count}", org=ctx.org.name, count=len(everyone)),
        )
    ]
    for person in everyone[:200]:
        lines.append(
            markup(
                "• {name} — {role}{dept}",
                name=person.name,
                role=role_label(person.role, ctx.language, ctx.country),
                dept=f", {person.department}" if person.department else "",
            )
        )
    if len(everyone) > 200:
        lines.append(
            plain(ctx.t("… and {more} more (see: nis2bot person list).", more=len(everyone) - 200))
        )
    return Reply("\n".join(lines))


@command(
    "koppel",
    roles=EVERYONE,
    summary=N_(
        "link your account on another platform; in a group room (coordinator): link the room"
    ),
    usage="[raad|ismt|college]",
    aliases=("link",),
    audited=True,
    in_groups=True,
)
def link_command(ctx: Context, args: list[str]) -> Reply:
    event = ctx.event
    in_group = event is not None and event.chat_is_group
    purpose = ROOM_WORDS.get(args[0].lower()) if args else None
    if in_group:
        if ctx.role != Role.COORDINATOR:
            # Deny by default: only the coordinator changes where alerts and summaries go.
            return Reply(
                plain(
                    ctx.t(
                        "Only the NIS2 coordinator can link a room. Type /help to see what you can do."
                    )
                )
            )
        if purpose is None:
            return Reply(plain(ctx.t("Usage: /koppel raad|ismt|college (inside the group room).")))
        return _link_room(ctx, purpose)
    if purpose is not None:
        return Reply(
            plain(
                ctx.t("Send /koppel raad or /koppel ismt inside the group room you want to link.")
            )
        )
    if args:
        return Reply(
            plain(
                ctx.t(
                    "You are already known to me here. Type the link code on the other platform, "
                    "where I don't know you yet."
                )
            )
        )
    return offer_link_code(ctx)


def _link_room(ctx: Context, purpose: RoomPurpose) -> Reply:
    event = ctx.event
    assert event is not None
    try:
        _room, created = rooms.link_room(
            session=ctx.session,
            organisation_id=ctx.org.id,
            purpose=purpose.value,
            platform=event.platform,
            chat_id=event.chat_id,
            now=ctx.now,
        )
    except rooms.RoomTaken:
        # Which organisation is not said: that a group exists elsewhere is all B needs to know.
        ctx.audit("room.link_refused", purpose=purpose.value, chat_id=event.chat_id)
        return Reply(
            plain(
                ctx.t(
                    "This group is already a room of another organisation, and a room belongs to "
                    "one organisation only: nothing was linked. Create a new group for {org}, or "
                    "ask the operator if this group should be yours.",
                    org=ctx.org.name,
                )
            ),
            refused=True,
        )
    if not created:
        return Reply(plain(ctx.t("This room was already linked for that purpose.")))
    text = ctx.t(
        "This room is now linked as the {purpose} room of {org}.",
        purpose=ctx.t(PURPOSE_LABELS[purpose]),
        org=ctx.org.name,
    )
    # Incident alerts that reached nobody go out now, here (handlers.incidents.pending).
    waiting = flush_pending_alerts(ctx) if purpose == RoomPurpose.ISMT else []
    if waiting:
        text += "\n" + flushed_note(ctx, waiting)
    return Reply(plain(text))


PURPOSE_LABELS = {
    RoomPurpose.COUNCIL: N_("council"),
    RoomPurpose.ISMT: N_("ISMT"),
    RoomPurpose.COLLEGE: N_("college"),
    RoomPurpose.COORDINATION: N_("coordination"),
}
