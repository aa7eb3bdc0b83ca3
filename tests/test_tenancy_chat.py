"""Nothing of one municipality leaks to another: every command, as every role of organisation B,
aimed at organisation A's records (its incident reference, its people's names, its numbers), and
every export of B. A's data is marked with words that must never show up on B's side."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from handlers.command import COMMANDS
from storage.db import make_engine, unit_of_work
from storage.enums import Role
from storage.models import OutboxMessage
from tests.harness import Harness
from tests.incidents.chat_helpers import report_phishing, town

SECRET = "Geheimzinnig"  # in A's incident, question, names and reminders
A_NAME = f"Anna {SECRET}"
# Only A has these: its reporter, its alderman, its incident's text and its ISMT note.
MARKERS = [A_NAME, f"Wethouder {SECRET}", "pakketje", f"{SECRET} gebeld"]
ARGUMENTS = ["", "INC-2026-0001", A_NAME, "alles 1", "ismt 2026Q4"]


@pytest.fixture
def world(db_url, tmp_path, monkeypatch, features, clock):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NIS2BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("NIS2BOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NIS2BOT_CONFIG", raising=False)
    engine = make_engine(db_url)
    bot = Harness(engine, features, clock)
    a = town(bot, slug="aaa")
    anna = bot.person(Role.EMPLOYEE, org_id=a.org, name=A_NAME)
    bot.person(Role.ALDERMAN, org_id=a.org, name=f"Wethouder {SECRET}")
    report_phishing(bot, anna)
    bot.say(a.ismt, "/incident INC-2026-0001 significant ja")
    bot.say(a.ismt, f"/incident INC-2026-0001 notitie {SECRET} gebeld")
    bot.say(anna, f"wat moet ik doen als {SECRET} mijn wachtwoord vraagt?")
    bot.say(a.coordinator, f"/getraind {A_NAME}")
    b_org = bot.org("bbb")
    b_people = {role: bot.person(role, org_id=b_org, name=f"B {role.value}") for role in Role}
    yield bot, a.ismt, b_people, engine
    engine.dispose()


def _b_outbox(engine, a_chats: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        rows = s.exec(select(OutboxMessage)).all()
        return [json.dumps(r.payload, ensure_ascii=False) for r in rows if r.chat_id not in a_chats]


def test_no_command_of_organisation_b_shows_anything_of_a(world) -> None:  # type: ignore[no-untyped-def]
    bot, a_ismt, b_people, engine = world
    with unit_of_work(engine) as s:
        a_chats = {r.chat_id for r in s.exec(select(OutboxMessage)).all()}
    names = sorted({spec.name for spec in COMMANDS.values()})
    assert len(names) >= 30
    tried = 0
    for role, sender in b_people.items():
        for name in names:
            for argument in ARGUMENTS:
                said = bot.say(sender, f"/{name} {argument}".strip())
                tried += 1
                for marker in MARKERS:  # an echo of what B typed itself is no leak
                    if marker not in argument:
                        assert marker not in said.text, (role, name, argument, said.text[:300])
                bot.say(sender, "/stop")  # leave any dialog the command opened
    assert tried == len(b_people) * len(names) * len(ARGUMENTS)
    # The same question inside A does show A's record: the markers can be found when present.
    assert "pakketje" in bot.say(a_ismt, "/incident INC-2026-0001").text
    leaked = [p for p in _b_outbox(engine, a_chats) for m in MARKERS[1:] if m in p]
    assert leaked == []


def test_no_export_or_report_of_b_contains_anything_of_a(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def cli(*args: str) -> str:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    outputs = [
        cli("export", "incidents", "--org", "bbb", "--format", "json"),
        cli("export", "incidents", "--org", "bbb", "--format", "csv"),
        cli("audit", "export", "--org", "bbb"),
        cli("person", "list", "--org", "bbb", "--json"),
        cli("training", "compliance", "--org", "bbb", "--json"),
        cli("kb", "override", "list", "--org", "bbb", "--json"),
    ]
    cli(
        "report",
        "--org",
        "bbb",
        "--period",
        "2026Q4",
        "--audience",
        "ismt",
        "--format",
        "md",
        "--out",
        str(tmp_path / "r"),
    )
    outputs += [p.read_text() for p in (tmp_path / "r").glob("*.md")]
    assert len(outputs) >= 7
    for text in outputs:
        assert SECRET not in text and "INC-2026-0001" not in text and "pakketje" not in text
    # ... while A's own export does hold them (the check above can fail).
    assert SECRET in cli("export", "incidents", "--org", "aaa", "--format", "json")
