"""The pipeline end to end on a real database: enrolment, routing, de-duplication, bad input."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from handlers.command import command
from handlers.reply import Reply
from storage import audit, people
from storage.db import unit_of_work
from storage.enums import Role
from tests.harness import Harness


@pytest.fixture
def bot(engine, features, clock) -> Harness:  # type: ignore[no-untyped-def]
    return Harness(engine, features, clock)


def test_someone_not_enrolled_gets_an_explanation_and_nothing_is_created(bot: Harness) -> None:
    bot.org()
    said = bot.say("stranger", "hallo, wat is NIS2?")
    assert "niet aangemeld" in said.text and "/start" in said.text
    said = bot.say("stranger", "hello", language="en-GB")
    assert "not enrolled" in said.text
    with unit_of_work(bot.engine) as s:
        assert (
            people.identity_lookup(session=s, platform="telegram", external_id="stranger") is None
        )


def test_enrol_with_invite_code_then_profile_dialog(bot: Harness) -> None:
    org = bot.org()
    code = bot.invite(org, Role.ISMT)
    said = bot.say("newbie", f"/start {code.lower()}", name="Nina Nieuw")
    assert "ISMT-lid" in said.text and "Wat is je naam?" in said.text
    assert ("keep", "Nina Nieuw") in said.choices
    assert "afdeling" in bot.say("newbie", "1").text  # picked by number
    assert "welke taal" in bot.say("newbie", "Informatievoorziening").text.lower()
    done = bot.say("newbie", "english")  # picked by label text, case-insensitive
    assert "profile is saved" in done.text
    with unit_of_work(bot.engine) as s:
        _i, person, _o = people.identity_lookup(
            session=s, platform="telegram", external_id="newbie"
        )  # type: ignore[misc]
        assert (person.name, person.role, person.department, person.language) == (
            "Nina Nieuw",
            "ismt",
            "Informatievoorziening",
            "en",
        )
        assert [e.action for e in audit.audit_entries(session=s, organisation_id=org)] == [
            "invite.created",
            "person.enrolled",
        ]
    # the invite had one use
    assert "opgebruikt" in bot.say("second", f"/start {code}").text


def test_wrong_and_expired_invite_codes(bot: Harness, clock) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    assert "ken ik niet" in bot.say("x", "/start NOPE123").text
    code = bot.invite(org, Role.EMPLOYEE, days=1)
    clock.advance(days=2)
    assert "verlopen" in bot.say("x", f"/start {code}").text


def test_help_is_generated_for_the_role_and_language(bot: Harness) -> None:
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    coordinator = bot.person(Role.COORDINATOR, org_id=org, language="en")
    employee_help = bot.say(employee, "/help").text
    assert "/taal" in employee_help and "/uitnodiging" not in employee_help
    assert "Wat je kunt doen als medewerker" in employee_help
    coordinator_help = bot.say(coordinator, "/help").text
    assert (
        "/uitnodiging" in coordinator_help
        and "What you can do as NIS2 coordinator" in coordinator_help
    )


def test_language_switch(bot: Harness) -> None:
    org = bot.org()
    me = bot.person(Role.EMPLOYEE, org_id=org)
    said = bot.say(me, "/taal")
    assert said.choices == [("/taal nl", "Nederlands"), ("/taal en", "English")]
    assert "English" in bot.say(me, "2").text  # a standalone choice answered by number
    assert "I did not understand" in bot.say(me, "blabla").text
    assert "Nederlands" in bot.say(me, "", choice="/taal nl").text  # a button outside a dialog


def test_a_replayed_event_is_handled_once(bot: Harness) -> None:
    org = bot.org()
    me = bot.person(Role.EMPLOYEE, org_id=org)
    first = bot.say(me, "/profiel", event_id="evt-1")
    again = bot.say(me, "Someone Else", event_id="evt-1")
    assert not first.result.duplicate and again.result.duplicate and again.replies == []
    assert len(bot.outbox_for(me)) == 1


def test_dialog_commands_stop_back_and_other_commands(bot: Harness) -> None:
    org = bot.org()
    me = bot.person(Role.EMPLOYEE, org_id=org)
    bot.say(me, "/profiel")
    bot.say(me, "Piet Puk")
    blocked = bot.say(me, "/wie")
    assert "bezig met: je profiel" in blocked.text and "afdeling" in blocked.text
    assert "/help" in bot.say(me, "/help").text  # help works inside a dialog and re-asks
    assert "Wat is je naam?" in bot.say(me, "/terug").text
    assert "Gestopt" in bot.say(me, "!stop").text  # Element users type ! instead of /
    assert "Piet Puk" in bot.say(me, "/wie").text  # the answered step was kept


def test_bad_input_gets_a_clear_answer_and_changes_nothing(bot: Harness) -> None:
    org = bot.org()
    me = bot.person(Role.EMPLOYEE, org_id=org, name="Original")
    assert "leeg bericht" in bot.say(me, "").text
    assert "leeg bericht" in bot.say(me, "\u200b\u0000\u202e").text
    bot.say(me, "/profiel")
    assert "te lang (20000 tekens)" in bot.say(me, "x" * 20_000).text
    said = bot.say(me, "<script>alert(1)</script> & Co")
    assert said.replies[0].text.count("<script>") == 0
    with unit_of_work(bot.engine) as s:
        person = people.identity_lookup(session=s, platform="telegram", external_id=me)[1]  # type: ignore[index]
        assert (
            person.name == "<script>alert(1)</script> & Co"
        )  # stored as typed, escaped when shown
    assert "Gestopt" in bot.say(me, "/stop").text
    whoami = bot.say(me, "/wie").replies[0].text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in whoami
    assert "ken ik niet" in bot.say(me, "/doesnotexist").text
    assert "geen gesprek om te stoppen" in bot.say(me, "/stop").text  # nothing open: no riddle
    assert "ken ik niet" in bot.say(me, "/" + "a" * 500).text


def test_groups_get_commands_only(bot: Harness) -> None:
    org = bot.org()
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    assert bot.say(coordinator, "gewoon gepraat", group="-100").replies == []
    hint = bot.say(coordinator, "/profiel", group="-100").replies[0].text
    assert "privégesprek" in hint and 'href="https://t.me/nis2demo_bot"' in hint
    on_matrix = bot.say("@c:x", "/profiel", group="!room", platform="matrix")  # not enrolled there
    assert "t.me" not in on_matrix.text
    assert "gekoppeld als ISMT-groep" in bot.say(coordinator, "/koppel ismt", group="-100").text
    assert "al gekoppeld" in bot.say(coordinator, "/koppel@nis2demo_bot ismt", group="-100").text


def test_error_boundary_answers_with_a_reference_and_rolls_back(bot: Harness) -> None:
    @command("kapot", roles=[Role.EMPLOYEE], summary="test only", hidden=True)
    def broken(ctx, args):  # type: ignore[no-untyped-def]
        ctx.me.name = "half written"
        ctx.session.add(ctx.me)
        ctx.session.flush()
        raise ZeroDivisionError

    try:
        org = bot.org()
        me = bot.person(Role.EMPLOYEE, org_id=org, name="Intact")
        said = bot.say(me, "/kapot", event_id="boom")
        assert said.result.error_reference and said.result.error_reference in said.text
        assert "Traceback" not in said.text
        # Its effects were rolled back and it will not be handled again: never "nothing is lost".
        assert "niet verwerkt" in said.text and "verloren" not in said.text
        assert "Intact" in bot.say(me, "/wie").text
        assert bot.say(me, "/kapot", event_id="boom").result.duplicate  # not retried forever
    finally:
        from handlers.command import COMMANDS

        COMMANDS.pop("kapot")


def test_events_of_one_person_are_handled_in_order(bot: Harness) -> None:
    org = bot.org()
    me = bot.person(Role.EMPLOYEE, org_id=org)
    from handlers.messages import Inbound

    texts = ["/profiel", "Eerste Naam", "Afdeling A", "2"]

    async def burst() -> None:
        events = [
            Inbound(
                platform="telegram",
                chat_id=me,
                sender_id=me,
                event_id=uuid.uuid4().hex,
                received_at=bot.clock(),
                text=t,
            )
            for t in texts
        ]
        await asyncio.gather(*(bot.pipeline.handle(e) for e in events))

    asyncio.run(burst())
    assert "Eerste Naam" in bot.say(me, "/wie").text and "Afdeling A" in bot.say(me, "/wie").text


def test_reply_payload_round_trip() -> None:
    reply = Reply("<b>x</b>", ())
    assert Reply.from_payload(reply.to_payload()) == reply
