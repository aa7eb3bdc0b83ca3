"""``nis2bot training import`` (errors per line, nothing half-imported, a second import adds
nothing) and ``nis2bot jobs run training-nudges --org --ignore-office-hours``, through click."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from storage import training
from storage.db import make_engine, unit_of_work
from storage.organisations import organisation_by_slug


def _records(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with unit_of_work(engine) as session:
            org = organisation_by_slug(session=session, slug="utrecht")
            assert org is not None
            return len(training.last_completions(session=session, organisation_id=org.id))
    finally:
        engine.dispose()


def _setup(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "utrecht", "--name", "Gemeente Utrecht", "--country", "nl")
    people = tmp_path / "people.csv"
    people.write_text(
        "name;role;department;e-mail;telegram\n"
        "Anna Jansen;medewerker;Burgerzaken;anna@utrecht.nl;1001\n"
        "Bram de Boer;medewerker;ICT;bram@utrecht.nl;1002\n"
        "Jan Smit;medewerker;ICT;;\n"
        "Jan Smit;medewerker;Financiën;;\n",
        "utf-8",
    )
    cli("person", "import", str(people), "--org", "utrecht")


def test_import_reports_every_bad_line_and_imports_nothing(cli, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _setup(cli, tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "naam;e-mail;datum;methode\n"
        "Anna Jansen;;01-10-2026;aanwezig\n"  # good
        ";onbekend@utrecht.nl;02-10-2026;\n"  # nobody with that address
        "Jan Smit;;03-10-2026;\n"  # two people called Jan Smit
        "Bram de Boer;;31-02-2026;\n",  # no such date
        "utf-8",
    )
    result = cli("training", "import", str(bad), "--org", "utrecht", "--json", ok=False)
    errors = json.loads(result.output.split("\nError:")[0])["errors"]
    assert errors == ["Line 5: The date 31-02-2026 does not exist."]
    assert _records(db_url) == 0
    # The date error is found when parsing; fix it and the person errors show, still nothing in.
    bad.write_text(
        "naam;e-mail;datum;methode\n"
        "Anna Jansen;;01-10-2026;aanwezig\n"
        ";onbekend@utrecht.nl;02-10-2026;\n"
        "Jan Smit;;03-10-2026;\n"
        "Bram de Boer;;28-02-2026;\n",
        "utf-8",
    )
    result = cli("training", "import", str(bad), "--org", "utrecht", "--json", ok=False)
    errors = json.loads(result.output.split("\nError:")[0])["errors"]
    assert errors == [
        "Line 3: Nobody called onbekend@utrecht.nl is enrolled.",
        "Line 4: Jan Smit matches several people; use the e-mail address.",
    ]
    assert _records(db_url) == 0


def test_a_good_file_is_imported_once(cli, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _setup(cli, tmp_path)
    good = tmp_path / "good.csv"
    good.write_text(
        "name,email,date\nAnna Jansen,,2026-10-01\n,BRAM@utrecht.nl,2-10-2026\n", "utf-8"
    )
    assert (
        "imported 2 training record(s)"
        in cli("training", "import", str(good), "--org", "utrecht").output
    )
    again = cli("training", "import", str(good), "--org", "utrecht").output
    assert "imported 0 training record(s) into utrecht; 2 already known" in again
    assert _records(db_url) == 2


def test_jobs_run_training_nudges_for_one_org_ignoring_office_hours(
    cli, clock, db_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _setup(cli, tmp_path)
    # Counted back from the CLI's clock, not the calendar: a real "today" would drift past it.
    long_ago = (clock.now.date() - timedelta(days=200)).strftime("%d-%m-%Y")
    old = tmp_path / "old.csv"
    old.write_text(f"e-mail;datum\nanna@utrecht.nl;{long_ago}\n", "utf-8")
    cli("training", "import", str(old), "--org", "utrecht")
    cli("org", "add", "gent", "--name", "Stad Gent", "--country", "be")
    run = cli("jobs", "run", "training-nudges", "--org", "gent", "--ignore-office-hours").output
    assert "training-nudges: 0 item(s)" in run
    run = cli("jobs", "run", "training-nudges", "--org", "utrecht", "--ignore-office-hours").output
    # Anna (overdue, on Telegram) is nudged; Bram is new and Jan Smit has no chat.
    assert "training-nudges: 1 item(s)" in run
    run = cli("jobs", "run", "training-nudges", "--org", "utrecht", "--ignore-office-hours").output
    assert "training-nudges: 0 item(s)" in run


def test_policy_is_shown_changed_validated_and_used(cli, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _setup(cli, tmp_path)
    shown = json.loads(cli("training", "policy", "--org", "utrecht", "--json").output)
    assert shown["interval_months"] == 6 and shown["office_weekdays"] == [0, 1, 2, 3, 4]
    bad = cli("training", "policy", "--org", "utrecht", "--set", "interval_months=0", ok=False)
    assert "interval_months must be at least 1" in bad.output
    typo = cli("training", "policy", "--org", "utrecht", "--set", "intervall=3", ok=False)
    assert "unknown training settings" in typo.output
    cli(
        "training",
        "policy",
        "--org",
        "utrecht",
        "--set",
        "interval_months=12",
        "--set",
        "office_start=08:30",
    )
    shown = json.loads(cli("training", "policy", "--org", "utrecht", "--json").output)
    assert shown["interval_months"] == 12 and shown["office_start"] == "08:30:00"
    figures = json.loads(cli("training", "compliance", "--org", "utrecht", "--json").output)
    assert figures[-1] == {
        "department": "(all)",
        "total": 4,
        "trained": 0,
        "new": 4,
        "overdue": 0,
        "percent": 0.0,  # nobody has trained yet: not up to date, even within the grace period
    }
