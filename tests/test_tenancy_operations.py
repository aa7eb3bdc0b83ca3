"""Operating many municipalities: suspend, remove an organisation, forget a person, export the audit log."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import SQLModel

import storage.tables  # noqa: F401 - every table
from bot.cli import main
from storage import people
from storage.db import make_engine, unit_of_work
from storage.enums import Role
from tests.harness import Harness

# Tables that hold no organisation's data: delivery de-duplication ids, runtime values (offsets,
# sync tokens, one-time codes that expire), and job run claims (kind, period, target).
# Deployment-wide, not any municipality's: the bot's own Matrix device keys and cross-signing
# identity serve every organisation on the homeserver, like the sync token in kv.
UNSCOPED = {
    "organisation", "inbox", "kv", "scheduled_run", "matrix_crypto_store", "matrix_cross_signing"
}  # fmt: skip


@pytest.fixture
def setup(db_url, tmp_path, monkeypatch, features, clock):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NIS2BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("NIS2BOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NIS2BOT_CONFIG", raising=False)
    engine = make_engine(db_url)
    runner = CliRunner()

    def cli(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    yield Harness(engine, features, clock), cli, engine
    engine.dispose()


def _fill(bot: Harness, slug: str) -> tuple[int, str, str]:
    org = bot.org(slug)
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name=f"Coördinator {slug}")
    employee = bot.person(Role.EMPLOYEE, org_id=org, name=f"Medewerker {slug}")
    bot.say(coordinator, "/koppel ismt", group=f"room-{slug}")
    bot.say(coordinator, "/uitnodiging ismt 3 7")
    bot.say(employee, "/profiel")  # an open dialog
    bot.say(employee, "/koppel")  # a link code
    return org, coordinator, employee


def _rows_per_table(engine, org_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    with unit_of_work(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            if "organisation_id" in table.c:
                counts[table.name] = session.execute(
                    select(func.count()).select_from(table).where(table.c.organisation_id == org_id)
                ).scalar_one()
    return counts


def test_every_table_is_reachable_from_its_organisation() -> None:
    """A new table without organisation_id (or a foreign key to a table that has it) fails here:
    it would leak across municipalities and survive `org remove`."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name in UNSCOPED or "organisation_id" in table.c:
            continue
        parents = [fk.column.table for fk in table.foreign_keys]
        assert any("organisation_id" in p.c for p in parents), table.name


def test_removing_one_organisation_leaves_the_other_intact(setup) -> None:  # type: ignore[no-untyped-def]
    bot, cli, engine = setup
    a, _ca, _ea = _fill(bot, "aaa")
    b, _cb, _eb = _fill(bot, "bbb")
    before_b = _rows_per_table(engine, b)
    assert "--yes" in cli("org", "remove", "aaa", ok=False).output
    assert _rows_per_table(engine, a)["person"] == 2  # refused: nothing deleted

    removed = json.loads(cli("org", "remove", "aaa", "--yes", "--json").output)
    assert removed["rows"]["person"] == 2 and removed["rows"]["identity"] == 2
    assert all(count == 0 for count in _rows_per_table(engine, a).values())
    assert _rows_per_table(engine, b) == before_b
    assert [o["slug"] for o in json.loads(cli("org", "list", "--json").output)] == ["bbb"]


def test_forgetting_a_person_keeps_the_counts_and_drops_the_identity(setup) -> None:  # type: ignore[no-untyped-def]
    bot, cli, engine = setup
    org, _coordinator, employee = _fill(bot, "aaa")
    with unit_of_work(engine) as session:
        _identity, person, _org = people.identity_lookup(
            session=session, platform="telegram", external_id=employee
        )  # type: ignore[misc]
    assert (
        "--yes" in cli("person", "forget", "--org", "aaa", "--id", str(person.id), ok=False).output
    )
    cli("person", "forget", "--org", "aaa", "--id", str(person.id), "--yes")
    with unit_of_work(engine) as session:
        forgotten = people.person_by_id(session=session, organisation_id=org, person_id=person.id)
        assert forgotten is not None and forgotten.name == "—" and not forgotten.active
        assert forgotten.role == Role.EMPLOYEE.value  # what the summaries count stays
        assert people.identities_of(session=session, organisation_id=org, person_id=person.id) == []
    assert "niet aangemeld" in bot.say(employee, "/wie").text  # the account is a stranger now
    assert (
        "no person"
        in cli("person", "forget", "--org", "aaa", "--id", "99999", "--yes", ok=False).output
    )


def test_suspend_and_resume_and_the_audit_export(setup) -> None:  # type: ignore[no-untyped-def]
    bot, cli, _engine = setup
    _org, _coordinator, employee = _fill(bot, "aaa")
    cli("org", "suspend", "aaa")
    assert "staat stil" in bot.say(employee, "/wie").text
    cli("org", "resume", "aaa")
    assert "staat stil" not in bot.say(employee, "/wie").text

    entries = json.loads(cli("audit", "export", "--org", "aaa").output)
    actions = [e["action"] for e in entries]
    assert actions.index("organisation.suspended") < actions.index("organisation.resumed")
    assert "command.koppel" in actions and "invite.created" in actions
    rows = list(
        csv.DictReader(
            io.StringIO(cli("audit", "export", "--org", "aaa", "--format", "csv").output)
        )
    )
    assert [r["action"] for r in rows] == actions


def test_org_set_changes_fields_and_settings_and_is_audited(setup) -> None:  # type: ignore[no-untyped-def]
    _bot, cli, _engine = setup
    cli("org", "add", "gent", "--name", "Stad Gent", "--country", "be")
    shown = json.loads(
        cli(
            "org", "set", "gent", "--matrix-domain", "Matrix.Gent.be",
            "--setting", "summary_time=08:30", "--setting", "retention_incident_days=400",
            "--json",
        ).output
    )  # fmt: skip
    assert shown["matrix_domain"] == "matrix.gent.be"
    assert shown["settings"] == {"summary_time": "08:30", "retention_incident_days": 400}
    shown = json.loads(
        cli("org", "set", "gent", "--unset", "summary_time", "--matrix-domain", "", "--json").output
    )
    assert shown["settings"] == {"retention_incident_days": 400} and shown["matrix_domain"] is None
    # A key no feature reads is refused, not stored and silently ignored (#15 item 10).
    typo = cli("org", "set", "gent", "--setting", "csirt_phone=+32 2 501 05 60", ok=False)
    assert "unknown setting 'csirt_phone'" in typo.output
    assert (
        "unknown time zone" in cli("org", "set", "gent", "--timezone", "Mars/Base", ok=False).output
    )
    assert "KEY=VALUE" in cli("org", "set", "gent", "--setting", "oops", ok=False).output
    refused = cli(
        "org", "set", "gent", "--setting", 'authorities={"csirt": {"name": "X"}}', ok=False
    )
    assert "unknown authorities" in refused.output  # Belgium reports to the CCB
    cli("org", "set", "gent", "--setting", 'authorities={"ccb": {"phone": "+32 2 501 05 60"}}')
    actions = [e["action"] for e in json.loads(cli("audit", "export", "--org", "gent").output)]
    assert actions.count("organisation.changed") == 3
