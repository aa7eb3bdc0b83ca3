"""Storage on SQLite and PostgreSQL: uniqueness, idempotent claims, organisation scoping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage import dialogs, inbox, invites, kv, organisations, outbox, people, rooms, runs
from storage.db import current_revision, head_revision, migrate, unit_of_work
from storage.models import DialogState

NOW = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)


def _org(session, slug="a"):  # type: ignore[no-untyped-def]
    return organisations.create_organisation(
        session=session,
        slug=slug,
        name=slug.upper(),
        country="nl",
        timezone="Europe/Amsterdam",
        now=NOW,
    )


def test_migrations_are_at_head_and_idempotent(engine) -> None:  # type: ignore[no-untyped-def]
    assert current_revision(engine) == head_revision()
    assert migrate(engine) is False


def test_migrations_create_exactly_the_tables_the_models_declare(engine) -> None:  # type: ignore[no-untyped-def]
    """A model changed without a migration (or the other way round) fails here, on both databases."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import storage.tables  # noqa: F401 - every table module

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        drift = compare_metadata(context, SQLModel.metadata)
    assert drift == []


def test_inbox_claims_an_event_once(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        assert inbox.claim_event(session=s, platform="telegram", event_id="1", now=NOW)
        assert not inbox.claim_event(session=s, platform="telegram", event_id="1", now=NOW)
        assert inbox.claim_event(session=s, platform="matrix", event_id="1", now=NOW)
    with unit_of_work(engine) as s:
        assert not inbox.claim_event(session=s, platform="telegram", event_id="1", now=NOW)
        assert inbox.forget_events_before(session=s, before=NOW + timedelta(seconds=1)) == 2


def test_a_rolled_back_claim_can_be_claimed_again(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), unit_of_work(engine) as s:
        inbox.claim_event(session=s, platform="telegram", event_id="9", now=NOW)
        raise RuntimeError("crash before commit")
    with unit_of_work(engine) as s:
        assert inbox.claim_event(session=s, platform="telegram", event_id="9", now=NOW)


def test_outbox_idempotency_key_queues_once_and_keeps_attachments(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        first = outbox.enqueue(
            session=s,
            platform="console",
            chat_id="c",
            payload={"text": "x"},
            idempotency_key="k",
            now=NOW,
            attachments=[("image", "a.png", "image/png", b"\x89PNG")],
        )
        again = outbox.enqueue(
            session=s,
            platform="console",
            chat_id="c",
            payload={"text": "y"},
            idempotency_key="k",
            now=NOW,
        )
        assert first is not None and again is None
        due = outbox.due_messages(session=s, platforms=["console"], now=NOW)
        assert [m.payload["text"] for m in due] == ["x"]
        assert outbox.attachments_of(session=s, message_id=first)[0].data == b"\x89PNG"
        outbox.mark_retry(
            session=s, message=due[0], next_attempt_at=NOW + timedelta(minutes=1), error="429"
        )
        assert outbox.due_messages(session=s, platforms=["console"], now=NOW) == []
        assert (
            len(
                outbox.due_messages(
                    session=s, platforms=["console"], now=NOW + timedelta(minutes=1)
                )
            )
            == 1
        )
        outbox.mark_sent(session=s, message=due[0], now=NOW, external_id="42")
        assert outbox.backlog(session=s) == {"sent": 1}


def test_scheduled_run_is_claimed_once(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        assert runs.claim_run(session=s, kind="summary", period="2026Q4", target="room:1", now=NOW)
        assert not runs.claim_run(
            session=s, kind="summary", period="2026Q4", target="room:1", now=NOW
        )
        assert runs.has_run(session=s, kind="summary", period="2026Q4", target="room:1")
        assert not runs.has_run(session=s, kind="summary", period="2026Q4", target="room:2")


def test_identity_is_unique_per_platform_and_lookup_gives_org(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        org = _org(s)
        person = people.create_person(
            session=s, organisation_id=org.id, name="Ann", role="ismt", now=NOW
        )
        people.link_identity(
            session=s, person=person, platform="telegram", external_id="7", now=NOW
        )
        found = people.identity_lookup(session=s, platform="telegram", external_id="7")
        assert found is not None and found[1].name == "Ann" and found[2].slug == "a"
        assert people.identity_lookup(session=s, platform="matrix", external_id="7") is None
    with pytest.raises(IntegrityError), unit_of_work(engine) as s:
        other = people.create_person(
            session=s, organisation_id=org.id, name="Bob", role="it", now=NOW
        )
        people.link_identity(session=s, person=other, platform="telegram", external_id="7", now=NOW)


def test_queries_never_cross_organisations(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        a, b = _org(s, "aa"), _org(s, "bb")
        ann = people.create_person(
            session=s, organisation_id=a.id, name="Ann", role="ismt", now=NOW
        )
        people.create_person(session=s, organisation_id=b.id, name="Ann", role="ismt", now=NOW)
        assert people.person_by_id(session=s, organisation_id=b.id, person_id=ann.id) is None
        assert [
            p.organisation_id
            for p in people.people_by_name(session=s, organisation_id=a.id, name="ann")
        ] == [a.id]
        rooms.link_room(
            session=s,
            organisation_id=a.id,
            purpose="ismt",
            platform="matrix",
            chat_id="!r",
            now=NOW,
        )
        assert rooms.rooms_for(session=s, organisation_id=b.id) == []
        assert (
            rooms.link_room(
                session=s,
                organisation_id=a.id,
                purpose="ismt",
                platform="matrix",
                chat_id="!r",
                now=NOW,
            )[1]
            is False
        )


def test_dialog_state_round_trips_json_and_aware_times(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        org = _org(s)
        person = people.create_person(
            session=s, organisation_id=org.id, name="Ann", role="employee", now=NOW
        )
        dialogs.save_dialog(
            session=s,
            state=DialogState(
                organisation_id=org.id,
                person_id=person.id,
                dialog="profile",
                state="name",
                data={"a": ["é", 1]},
                history=["x"],
                choices=[["nl", "Nederlands"]],
                platform="telegram",
                chat_id="7",
                started_at=NOW,
                updated_at=NOW,
            ),
        )
    with unit_of_work(engine) as s:
        row = dialogs.open_dialog(session=s, organisation_id=org.id, person_id=person.id)
        assert (
            row is not None
            and row.data == {"a": ["é", 1]}
            and row.choices == [["nl", "Nederlands"]]
        )
        assert row.updated_at == NOW and row.updated_at.tzinfo is not None
        assert [r.id for r in dialogs.idle_dialogs(session=s, idle_since=NOW)] == [row.id]
        assert dialogs.idle_dialogs(session=s, idle_since=NOW - timedelta(seconds=1)) == []


def test_kv_and_invites(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        kv.set_value(session=s, key="telegram:offset", value="10", now=NOW)
        kv.set_value(session=s, key="telegram:offset", value="11", now=NOW)
        assert kv.get_value(session=s, key="telegram:offset") == "11"
        org = _org(s)
        made = invites.create_invite(
            session=s,
            organisation_id=org.id,
            code="ABCDEFGHJK",
            role="it",
            uses=2,
            expires_at=NOW + timedelta(days=1),
            now=NOW,
        )
        invites.spend_invite(session=s, invite=made)
        assert invites.invite_by_code(session=s, code="ABCDEFGHJK").uses_left == 1  # type: ignore[union-attr]
