"""One person on two platforms: /koppel gives a one-time code, typed on the other platform."""

from __future__ import annotations

import re

import pytest

from handlers.context import Context
from handlers.messages import Inbound
from handlers.reply import Reply
from storage import audit, organisations, people
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import OutboxMessage
from tests.harness import Harness


@pytest.fixture
def bot(engine, features, clock) -> Harness:  # type: ignore[no-untyped-def]
    return Harness(engine, features, clock)


def _code(text: str) -> str:
    found = re.search(r"/koppel ([A-Z0-9]{10})", text)
    assert found, text
    return found.group(1)


def test_a_link_code_links_the_matrix_account_to_the_same_person(bot: Harness) -> None:
    org = bot.org()
    anna = bot.person(Role.ISMT, org_id=org, name="Anna")
    code = _code(bot.say(anna, "/koppel").text)

    said = bot.say("@anna:gemeente.nl", f"!koppel {code}", platform="matrix")
    assert "Gekoppeld" in said.text and "Anna" in said.text
    with unit_of_work(bot.engine) as s:
        tg = people.identity_lookup(session=s, platform="telegram", external_id=anna)
        mx = people.identity_lookup(session=s, platform="matrix", external_id="@anna:gemeente.nl")
        assert tg and mx and tg[1].id == mx[1].id and mx[1].role == Role.ISMT.value
        actions = [e.action for e in audit.audit_entries(session=s, organisation_id=org)]
        assert "identity.link_code_created" in actions and "identity.linked" in actions
    # The Matrix account is now the same person: the ISMT member's commands work there.
    assert "ISMT-lid" in bot.say("@anna:gemeente.nl", "/wie", platform="matrix").text


def test_a_link_code_works_once_and_also_through_start(bot: Harness) -> None:
    org = bot.org()
    anna = bot.person(Role.EMPLOYEE, org_id=org, name="Anna")
    code = _code(bot.say(anna, "/koppel").text)
    assert "Gekoppeld" in bot.say("mx-1", f"/start {code.lower()}", platform="matrix").text
    again = bot.say("mx-2", f"/koppel {code}", platform="matrix")
    assert "ken ik niet" in again.text
    with unit_of_work(bot.engine) as s:
        assert people.identity_lookup(session=s, platform="matrix", external_id="mx-2") is None


def test_a_link_code_expires_after_fifteen_minutes(bot: Harness) -> None:
    org = bot.org()
    anna = bot.person(Role.EMPLOYEE, org_id=org)
    code = _code(bot.say(anna, "/koppel").text)
    bot.clock.advance(minutes=16)
    assert "verlopen" in bot.say("mx-late", f"/koppel {code}", platform="matrix").text
    with unit_of_work(bot.engine) as s:
        assert people.identity_lookup(session=s, platform="matrix", external_id="mx-late") is None


def test_a_code_typed_in_a_group_is_never_spent(bot: Harness) -> None:
    org = bot.org()
    anna = bot.person(Role.EMPLOYEE, org_id=org)
    code = _code(bot.say(anna, "/koppel").text)
    said = bot.say("mx-group", f"/koppel {code}", platform="matrix", group="!room")
    assert "niet aangemeld" in said.text
    assert "Gekoppeld" in bot.say("mx-private", f"/koppel {code}", platform="matrix").text


def test_an_enrolled_account_typing_a_code_is_told_where_to_type_it(bot: Harness) -> None:
    org = bot.org()
    anna = bot.person(Role.EMPLOYEE, org_id=org)
    bert = bot.person(Role.EMPLOYEE, org_id=org)
    code = _code(bot.say(anna, "/koppel").text)
    assert "Ik ken je hier al" in bot.say(bert, f"/koppel {code}").text
    # ...and the code was not spent on the wrong account.
    assert "Gekoppeld" in bot.say("mx-anna", f"/koppel {code}", platform="matrix").text


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR], ids=lambda r: r.value)
def test_only_the_coordinator_links_a_room(bot: Harness, role: Role) -> None:
    org = bot.org()
    someone = bot.person(role, org_id=org)
    said = bot.say(someone, "/koppel ismt", group="-100")
    assert "Alleen de NIS2-coördinator" in said.text
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    assert "gekoppeld als ISMT-groep" in bot.say(coordinator, "/koppel ismt", group="-100").text


def _reach(bot: Harness, org_id: int, sender: str, platform: str = "telegram") -> str | None:
    """Where ctx.send_to_person puts a private message for the person behind ``sender``."""
    with unit_of_work(bot.engine) as s:
        _identity, person, _org = people.identity_lookup(
            session=s, platform=platform, external_id=sender
        )  # type: ignore[misc]
        org = organisations.organisation_by_id(session=s, organisation_id=org_id)
        ctx = Context(s, bot.clock(), bot.features, organisation=org)
        key = f"test:{bot.clock().isoformat()}"
        if not ctx.send_to_person(person.id, Reply("hallo"), key):
            return None
        assert ctx.send_to_person(person.id, Reply("hallo"), key)  # same key: once
        rows = s.exec(
            __import__("sqlmodel")
            .select(OutboxMessage)
            .where(
                OutboxMessage.idempotency_key.startswith(key)  # type: ignore[attr-defined]
            )
        ).all()
        assert len(rows) == 1
        return f"{rows[0].platform}:{rows[0].chat_id}"


def test_private_messages_reach_the_account_the_person_used_last(bot: Harness) -> None:
    org = bot.org()
    anna = bot.person(Role.ISMT, org_id=org)
    # Telegram's private chat id is the user id: reachable before any message.
    assert _reach(bot, org, anna) == f"telegram:{anna}"
    code = _code(bot.say(anna, "/koppel").text)
    bot.clock.advance(minutes=1)
    mx = "@anna:gemeente.nl"
    # On Matrix the direct room differs from the user id; the bot learns it from the message.
    bot.pipeline.handle_sync(
        Inbound(
            platform="matrix",
            chat_id="!dm-anna:gemeente.nl",
            sender_id=mx,
            event_id="$link",
            received_at=bot.clock(),
            text=f"!koppel {code}",
        )
    )
    assert _reach(bot, org, anna) == "matrix:!dm-anna:gemeente.nl"
    bot.clock.advance(minutes=11)
    bot.say(anna, "/wie")  # back on Telegram
    assert _reach(bot, org, anna) == f"telegram:{anna}"
    # A message in a group room says nothing about the private chat.
    bot.clock.advance(minutes=11)
    bot.say(mx, "/wie", platform="matrix", group="!group:gemeente.nl")
    assert _reach(bot, org, anna) == f"telegram:{anna}"


def test_a_matrix_only_person_without_a_direct_room_is_unreachable(bot: Harness) -> None:
    org = bot.org()
    mx = bot.person(Role.EMPLOYEE, org_id=org, platform="matrix")
    assert _reach(bot, org, mx, platform="matrix") is None
