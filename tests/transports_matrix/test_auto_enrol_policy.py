"""The invite policy and enrolment by domain on the handlers floor (no homeserver needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from handlers.messages import Inbound
from handlers.people.auto_enrol import (
    InviteVerdict,
    auto_enrol_on_message,
    greet_after_join,
    judge_invite,
    server_name,
)
from handlers.platform_notices import EncryptedRoom, encrypted_room_notice
from handlers.reply import to_plain_text
from handlers.settings import FeatureSettings
from storage import audit, dialogs, organisations, people
from storage.db import unit_of_work
from storage.enums import Role
from tests.transports_matrix.helpers import enrol, make_org

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SETTINGS = FeatureSettings()


def _event(sender: str, room: str = "!dm:gemeente.nl", *, group: bool = False, text: str = ""):  # type: ignore[no-untyped-def]
    return Inbound(
        platform="matrix",
        chat_id=room,
        sender_id=sender,
        event_id=f"$e-{sender}-{room}",
        received_at=NOW,
        text=text,
        chat_is_group=group,
        sender_name="Piet Jansen",
    )


def test_who_may_invite_the_bot(engine: Engine) -> None:
    org_id = make_org(engine, "ede", matrix_domain="Ede.NL")
    enrol(engine, org_id, "@anna:elders.nl", Role.EMPLOYEE)
    with unit_of_work(engine) as session:

        def verdict(inviter: str, direct: bool, open_direct_chats: bool = True) -> InviteVerdict:
            return judge_invite(
                session=session,
                inviter=inviter,
                direct=direct,
                open_direct_chats=open_direct_chats,
            )

        assert verdict("@anna:elders.nl", direct=False) is InviteVerdict.ENROLLED
        assert verdict("@piet:ede.nl", direct=False) is InviteVerdict.DOMAIN
        assert verdict("@piet:ede.nl", direct=True) is InviteVerdict.DOMAIN
        assert verdict("@x:matrix.org", direct=True) is InviteVerdict.STRANGER
        assert verdict("@x:matrix.org", direct=False) is InviteVerdict.DECLINE
        assert verdict("@x:matrix.org", True, open_direct_chats=False) is InviteVerdict.DECLINE
        assert verdict("@x:sub.ede.nl", direct=False) is InviteVerdict.DECLINE  # exact domain
        org = organisations.organisation_by_id(session=session, organisation_id=org_id)
        assert org is not None
        org.suspended = True
        session.add(org)
        session.flush()
        assert verdict("@piet:ede.nl", direct=False) is InviteVerdict.DECLINE
        assert verdict("@anna:elders.nl", direct=False) is InviteVerdict.DECLINE
    assert server_name("@a:Gemeente.NL") == "gemeente.nl" and server_name("bad") == ""


def test_domain_member_is_enrolled_once_with_welcome_and_profile(engine: Engine) -> None:
    org_id = make_org(engine, "ede", matrix_domain="ede.nl")
    with unit_of_work(engine) as session:
        replies = greet_after_join(
            session=session, event=_event("@piet:ede.nl"), now=NOW, settings=SETTINGS
        )
        texts = [to_plain_text(r.text) for r in replies]
        assert "Met je account op ede.nl ben je aangemeld als medewerker" in texts[0]
        assert "Wat is je naam?" in texts[1]
        found = people.identity_lookup(
            session=session, platform="matrix", external_id="@piet:ede.nl"
        )
        assert found is not None
        identity, person, org = found
        assert (person.name, person.role, org.id) == ("Piet Jansen", "employee", org_id)
        assert identity.private_chat_id == "!dm:gemeente.nl"
        row = dialogs.open_dialog(session=session, organisation_id=org_id, person_id=person.id)
        assert row is not None and row.chat_id == "!dm:gemeente.nl"
        entries = audit.audit_entries(session=session, organisation_id=org_id)
        assert [(e.action, e.detail["via"]) for e in entries] == [
            ("person.enrolled", "matrix_domain")
        ]
    with unit_of_work(engine) as session:  # a second message: already enrolled, nothing happens
        again = auto_enrol_on_message(
            session=session, event=_event("@piet:ede.nl", text="hoi"), now=NOW, settings=SETTINGS
        )
        assert again is None
        # An invite code decides the role itself.
        coded = auto_enrol_on_message(
            session=session,
            event=_event("@kees:ede.nl", text="!start ABC123"),
            now=NOW,
            settings=SETTINGS,
        )
        assert coded is None
        # In a group room a domain member is enrolled without a welcome or questions; the bot
        # only says what the room can be linked as.
        [hint] = greet_after_join(
            session=session,
            event=_event("@els:ede.nl", "!g:ede.nl", group=True),
            now=NOW,
            settings=SETTINGS,
        )
        assert "/koppel ismt" in hint.text and "Welkom" not in hint.text
        assert people.identity_lookup(session=session, platform="matrix", external_id="@els:ede.nl")
        assert len(audit.audit_entries(session=session, organisation_id=org_id)) == 2


def test_strangers_get_enrolment_instructions_and_the_encrypted_notice_is_bilingual(
    engine: Engine,
) -> None:
    make_org(engine, "ede")
    with unit_of_work(engine) as session:
        [explain] = greet_after_join(
            session=session, event=_event("@x:matrix.org"), now=NOW, settings=SETTINGS
        )
        assert "/start CODE" in explain.text
        group = greet_after_join(
            session=session, event=_event("@x:matrix.org", group=True), now=NOW, settings=SETTINGS
        )
        assert group == []  # a stranger's group room: nothing (the transport declines it)
    for kind in EncryptedRoom:
        notice = to_plain_text(encrypted_room_notice(kind).text)
        dutch, english = notice.split("\n\n")
        assert "end-to-end versleuteld" in dutch and "Ik verlaat deze ruimte." in dutch
        assert "end-to-end encrypted" in english and "I am leaving this room." in english
    moved = to_plain_text(encrypted_room_notice(EncryptedRoom.MOVED).text)
    assert "nieuw privégesprek zonder versleuteling" in moved
    # The old advice that fails in Element (it reopens the same encrypted room) is gone.
    assert "start a new chat with me" not in moved


def test_enrolled_people_who_bring_the_bot_into_a_group_get_the_koppel_hint(
    engine: Engine,
) -> None:
    org_id = make_org(engine, "ede")
    enrol(engine, org_id, "@cor:ede.nl", Role.COORDINATOR, name="Cor")
    with unit_of_work(engine) as session:
        [hint] = greet_after_join(
            session=session, event=_event("@cor:ede.nl", group=True), now=NOW, settings=SETTINGS
        )
    text = to_plain_text(hint.text)
    assert "/koppel ismt" in text and "/koppel raad" in text and "coördinator" in text
