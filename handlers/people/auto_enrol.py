"""Who may bring the bot into a Matrix room, and enrolment by homeserver domain.

The Matrix transport asks ``judge_invite`` before it joins or declines a room, and calls
``greet_after_join`` once it has joined. The policy (written down in the transports report):

- an enrolled person may invite the bot into a direct chat or a group room;
- anyone whose homeserver is an organisation's ``matrix_domain`` may too, and becomes an employee
  of that organisation on the spot (in a direct chat: with the welcome and the profile questions);
- anyone else may open a *direct* chat (unless ``open_direct_chats`` is off), where the bot only
  explains how to enrol with ``/start CODE``, like a Telegram bot anyone can open; a group room
  from them is declined, so the bot cannot be dragged into strangers' rooms.

Handlers never import nio: everything here works on user ids and neutral replies.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from handlers.context import Context
from handlers.dialog import start_dialog
from handlers.messages import Inbound
from handlers.people.profile import profile
from handlers.people.roles import role_label
from handlers.reply import Reply, markup, plain
from handlers.router import UNENROLLED
from handlers.settings import FeatureSettings
from handlers.text import one_line
from storage import organisations, people
from storage.enums import Platform, Role
from storage.models import Organisation

PLATFORM = Platform.MATRIX.value


class InviteVerdict(StrEnum):
    ENROLLED = "enrolled"  # accept: the inviter is one of ours
    DOMAIN = "domain"  # accept and enrol the inviter: their homeserver is an organisation's domain
    STRANGER = "stranger"  # accept a direct chat, answer only how to enrol
    DECLINE = "decline"  # leave without a word


def server_name(user_id: str) -> str:
    """``@anna:gemeente.nl`` -> ``gemeente.nl`` (lower case; empty when malformed)."""
    return user_id.split(":", 1)[1].strip().lower() if ":" in user_id else ""


def organisation_for_domain(*, session: Session, user_id: str) -> Organisation | None:
    """The active organisation whose ``matrix_domain`` is this user's homeserver, if any."""
    domain = server_name(user_id)
    if not domain:
        return None
    for org in organisations.list_organisations(session=session):
        if org.matrix_domain and org.matrix_domain.strip().lower() == domain and not org.suspended:
            return org
    return None


def judge_invite(
    *, session: Session, inviter: str, direct: bool, open_direct_chats: bool = True
) -> InviteVerdict:
    found = people.identity_lookup(session=session, platform=PLATFORM, external_id=inviter)
    if found is not None:
        _identity, person, org = found
        if person.active and not org.suspended:
            return InviteVerdict.ENROLLED
        return InviteVerdict.STRANGER if direct and open_direct_chats else InviteVerdict.DECLINE
    if organisation_for_domain(session=session, user_id=inviter) is not None:
        return InviteVerdict.DOMAIN
    if direct and open_direct_chats:
        return InviteVerdict.STRANGER
    return InviteVerdict.DECLINE


def greet_after_join(
    *, session: Session, event: Inbound, now: datetime, settings: FeatureSettings
) -> list[Reply]:
    """What the bot says right after joining a room the inviter (``event.sender_id``) brought it
    into; ``event.chat_id`` is the room. Enrols a domain member first. Idempotency is the caller's:
    it keys the replies on the room."""
    direct = not event.chat_is_group
    found = people.identity_lookup(session=session, platform=PLATFORM, external_id=event.sender_id)
    if found is None:
        org = organisation_for_domain(session=session, user_id=event.sender_id)
        if org is None:
            if not direct:
                return []
            ctx = Context(session, now, settings, event=event, language_hint=event.sender_language)
            return UNENROLLED[0](ctx, "") if UNENROLLED else []
        replies = enrol_domain_member(
            session=session, org=org, event=event, now=now, settings=settings
        )
        if not direct:
            ctx = Context(session, now, settings, organisation=org, event=event)
            return [group_hint(ctx)]
        return replies
    identity, person, org = found
    if not direct:
        return [group_hint(Context(session, now, settings, organisation=org, person=person))]
    people.note_private_chat(session=session, identity=identity, chat_id=event.chat_id, now=now)
    ctx = Context(session, now, settings, organisation=org, person=person, event=event)
    return [
        Reply(markup(ctx.t("Hello {name}. Type /help to see what I can do."), name=person.name))
    ]


def group_hint(ctx: Context) -> Reply:
    """Said once when someone brings the bot into a group room: what the room can be used for."""
    return Reply(
        plain(
            ctx.t(
                "Hello, I am the NIS2 assistant. The NIS2 coordinator can link this room: "
                "/koppel ismt for incident alerts, /koppel raad or /koppel college for the "
                "summaries. Until then I only answer commands here."
            )
        )
    )


def enrol_domain_member(
    *,
    session: Session,
    org: Organisation,
    event: Inbound,
    now: datetime,
    settings: FeatureSettings,
) -> list[Reply]:
    """Enrol ``event.sender_id`` as an employee of ``org``; in a direct chat, welcome them and ask
    the profile questions (as /start CODE does), in a group room say nothing."""
    direct = not event.chat_is_group
    name = one_line(event.sender_name, 100) or event.sender_id.split(":", 1)[0].lstrip("@")
    ctx = Context(session, now, settings, organisation=org, event=event)
    person = people.create_person(
        session=session,
        organisation_id=org.id,  # type: ignore[arg-type]
        name=name,
        role=Role.EMPLOYEE.value,
        language=ctx.language,
        now=now,
    )
    people.link_identity(
        session=session,
        person=person,
        platform=PLATFORM,
        external_id=event.sender_id,
        now=now,
        private_chat_id=event.chat_id if direct else None,
    )
    ctx.person = person
    ctx.audit("person.enrolled", person_id=person.id, role=person.role, via="matrix_domain")
    if not direct:
        return []
    welcome = Reply(
        markup(
            ctx.t(
                "Welcome to the NIS2 assistant of {org}. Your account on {domain} makes you "
                "enrolled as {role}. First, three short questions for your profile."
            ),
            org=org.name,
            domain=server_name(event.sender_id),
            role=role_label(Role.EMPLOYEE, ctx.language, ctx.country),
        )
    )
    return [welcome, *start_dialog(ctx, profile)]


def auto_enrol_on_message(
    *, session: Session, event: Inbound, now: datetime, settings: FeatureSettings
) -> list[Reply] | None:
    """A domain member who writes in a direct chat before being enrolled (say the organisation set
    its ``matrix_domain`` after they had opened the chat) is enrolled and welcomed; their message
    only opened the conversation. None when this does not apply, and the message goes on as usual."""
    if event.chat_is_group or event.platform != PLATFORM:
        return None
    words = event.text.split()
    if words and words[0].lower() in ("/start", "!start") and len(words) > 1:
        return None  # an invite code may carry another role than employee: let it decide
    if people.identity_lookup(session=session, platform=PLATFORM, external_id=event.sender_id):
        return None
    org = organisation_for_domain(session=session, user_id=event.sender_id)
    if org is None:
        return None
    return enrol_domain_member(session=session, org=org, event=event, now=now, settings=settings)
