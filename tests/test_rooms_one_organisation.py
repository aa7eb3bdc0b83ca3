"""A group chat is the room of one organisation at most (issue #15, item 5): in the chat (/koppel),
in the operator's CLI (room link), and in the database itself; the migration settles chats that
were already linked twice. On SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage import audit, rooms
from storage.db import alembic_config, make_engine, migrate, unit_of_work
from storage.enums import Role
from storage.models import Room
from tests.conftest import RUN_ID, _pg_connect, _pg_url
from tests.harness import Harness


def test_the_database_refuses_a_chat_in_two_organisations(engine, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, None, clock)  # type: ignore[arg-type]
    a, b = bot.org("a"), bot.org("b")
    with unit_of_work(engine) as session:
        rooms.link_room(
            session=session, organisation_id=a, purpose="ismt", platform="telegram",
            chat_id="-100", now=clock(),
        )  # fmt: skip
        # the same organisation may use its group for another purpose too
        _room, created = rooms.link_room(
            session=session, organisation_id=a, purpose="council", platform="telegram",
            chat_id="-100", now=clock(),
        )  # fmt: skip
        assert created
    with unit_of_work(engine) as session, pytest.raises(rooms.RoomTaken) as taken:
        rooms.link_room(
            session=session, organisation_id=b, purpose="ismt", platform="telegram",
            chat_id="-100", now=clock(),
        )  # fmt: skip
    assert taken.value.owner_id == a
    # written past the query functions, the row is still refused by the database
    with pytest.raises(IntegrityError), unit_of_work(engine) as session:
        session.add(
            Room(organisation_id=b, purpose="ismt", platform="telegram", chat_id="-100",
                 created_at=clock())
        )  # fmt: skip
        session.flush()
    with unit_of_work(engine) as session:
        assert rooms.rooms_for(session=session, organisation_id=b) == []
        assert rooms.room_owner(session=session, platform="telegram", chat_id="-100") == a


def test_koppel_in_another_organisations_room_is_refused(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    a, b = bot.org("a"), bot.org("b")
    cora_a = bot.person(Role.COORDINATOR, org_id=a)
    cora_b = bot.person(Role.COORDINATOR, org_id=b)
    assert "gekoppeld" in bot.say(cora_a, "/koppel ismt", group="-100777").text
    said = bot.say(cora_b, "/koppel ismt", group="-100777")
    assert "al een ruimte van een andere organisatie" in said.text
    assert "Gemeente A" not in said.text  # whose room it is stays A's business
    assert said.result.refused
    said = bot.say(cora_b, "/koppel raad", group="-100777")
    assert "al een ruimte van een andere organisatie" in said.text
    with unit_of_work(engine) as session:
        assert rooms.rooms_for(session=session, organisation_id=b) == []
        assert [r.purpose for r in rooms.rooms_for(session=session, organisation_id=a)] == ["ismt"]
        actions = [e.action for e in audit.audit_entries(session=session, organisation_id=b)]
    assert "room.link_refused" in actions


def test_room_link_in_the_cli_refuses_another_organisations_room(cli) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "aa", "--name", "Gemeente A", "--country", "nl")
    cli("org", "add", "bb", "--name", "Gemeente B", "--country", "nl")
    args = ("room", "link", "--purpose", "ismt", "--platform", "matrix", "--id", "!r:x.nl")
    cli(*args, "--org", "aa")
    refused = cli(*args, "--org", "bb", ok=False)
    assert "already a room of 'aa'" in refused.output
    assert "nothing was linked" in refused.output
    cli(*args, "--org", "aa")  # linking it again for its own organisation changes nothing


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_url(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty database (no schema yet), to migrate step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    request.getfixturevalue("pg_template")  # skips without a server; drops our database at the end
    name = f"nis2bot_m{secrets.token_hex(3)}_{RUN_ID}"
    with _pg_connect() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)


def test_the_migration_keeps_the_first_link_and_audits_the_removed_one(blank_url) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(blank_url)
    command.upgrade(alembic_config(engine), "0007")
    with engine.begin() as connection:
        for slug in ("a", "b"):
            connection.execute(
                text(
                    "INSERT INTO organisation (slug, name, country, timezone, suspended, settings, "
                    "created_at) VALUES (:slug, :slug, 'nl', 'Europe/Amsterdam', false, '{}', "
                    "'2026-01-01 00:00:00')"
                ),
                {"slug": slug},
            )
        ids = dict(connection.execute(text("SELECT slug, id FROM organisation")).fetchall())
        for org, purpose, chat in (
            ("a", "ismt", "-1"),
            ("b", "ismt", "-1"),  # the hijack: B's alerts would go to A's room
            ("a", "council", "-1"),
            ("b", "council", "-2"),
        ):
            connection.execute(
                text(
                    "INSERT INTO room (organisation_id, purpose, platform, chat_id, created_at) "
                    "VALUES (:org, :purpose, 'telegram', :chat, '2026-01-01 00:00:00')"
                ),
                {"org": ids[org], "purpose": purpose, "chat": chat},
            )
    migrate(engine)
    with unit_of_work(engine) as session:
        kept_a = rooms.rooms_for(session=session, organisation_id=ids["a"])
        kept_b = rooms.rooms_for(session=session, organisation_id=ids["b"])
        assert sorted((r.purpose, r.chat_id) for r in kept_a) == [("council", "-1"), ("ismt", "-1")]
        assert [(r.purpose, r.chat_id) for r in kept_b] == [("council", "-2")]
        [entry] = [
            e
            for e in audit.audit_entries(session=session, organisation_id=ids["b"])
            if e.action == "room.unlinked"
        ]
        assert entry.detail["chat_id"] == "-1" and entry.detail["purpose"] == "ismt"
    engine.dispose()
