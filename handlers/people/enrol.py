"""Enrolment: someone not yet known sends /start CODE and becomes a person of an organisation."""

from __future__ import annotations

from handlers.context import Context
from handlers.dialog import start_dialog
from handlers.i18n import t
from handlers.people.invites import bound_person_id, check_invite, normalise_code
from handlers.people.link import is_pending_link_code, redeem_link_code
from handlers.people.profile import profile
from handlers.people.roles import role_label
from handlers.reply import Reply, markup, plain
from handlers.router import UNENROLLED
from handlers.text import one_line
from storage import invites, organisations, people


def _explain(ctx: Context) -> Reply:
    return Reply(
        plain(
            ctx.t(
                "Hello! I am the NIS2 assistant of your municipality. You are not enrolled yet. "
                "Ask your NIS2 coordinator for an invite code and send it to me like this: "
                "/start CODE"
            )
        )
    )


def handle_unenrolled(ctx: Context, text: str) -> list[Reply]:
    group = ctx.event is not None and ctx.event.chat_is_group
    words = text.split()
    command = words[0].lower().split("@", 1)[0] if words else ""
    if group:  # codes are personal: never spend one typed in a group room
        return [_explain(ctx)] if text.startswith(("/", "!")) else []
    if command in ("/koppel", "!koppel", "/link", "!link") and len(words) >= 2:
        return redeem_link_code(ctx, words[1])
    if command in ("/start", "!start") and len(words) >= 2:
        if is_pending_link_code(ctx, words[1]):
            return redeem_link_code(ctx, words[1])
        return enrol(ctx, words[1])
    return [_explain(ctx)]


def enrol(ctx: Context, raw_code: str) -> list[Reply]:
    event = ctx.event
    assert event is not None
    invite = invites.invite_by_code(session=ctx.session, code=normalise_code(raw_code)[:32])
    problem = check_invite(invite, ctx.now)
    if problem is not None or invite is None:
        return [Reply(plain(ctx.t(problem.message if problem else "")))]
    org = organisations.organisation_by_id(
        session=ctx.session, organisation_id=invite.organisation_id
    )
    if org is None or org.suspended:
        return [
            Reply(
                plain(
                    ctx.t(
                        "This municipality's access is paused. Please contact your NIS2 coordinator."
                    )
                )
            )
        ]
    bound = bound_person_id(session=ctx.session, invite=invite)
    if bound is not None:
        # Made for someone already known (imported): this chat account becomes theirs.
        person = people.person_by_id(session=ctx.session, organisation_id=org.id, person_id=bound)
        if person is None or not person.active:
            return [
                Reply(
                    plain(
                        ctx.t(
                            "That invite code was made for someone who is no longer enrolled. "
                            "Ask your NIS2 coordinator for a new one."
                        )
                    )
                )
            ]
        person.language = ctx.language
        ctx.session.add(person)
    else:
        person = people.create_person(
            session=ctx.session,
            organisation_id=org.id,
            name=one_line(event.sender_name, 100),
            role=invite.role,
            language=ctx.language,
            now=ctx.now,
        )
    people.link_identity(
        session=ctx.session,
        person=person,
        platform=event.platform,
        external_id=event.sender_id,
        now=ctx.now,
        private_chat_id=event.chat_id,
    )
    invites.spend_invite(session=ctx.session, invite=invite)
    ctx.person, ctx.organisation = person, org
    ctx.audit(
        "person.enrolled",
        person_id=person.id,
        role=person.role,
        invite_id=invite.id,
        **({"linked_to_known_person": True} if bound is not None else {}),
    )
    welcome = Reply(
        markup(
            t(
                ctx.language,
                "Welcome to the NIS2 assistant of {org}. You are enrolled as {role}. "
                "First, three short questions for your profile.",
            ),
            org=org.name,
            role=role_label(person.role, ctx.language, ctx.country),
        )
    )
    return [welcome, *start_dialog(ctx, profile)]


UNENROLLED.append(handle_unenrolled)
