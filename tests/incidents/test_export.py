"""``nis2bot export incidents``: timeline, decisions and every deadline with due and sent time."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from bot.cli import Obj, main
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, report_phishing, town


def _export(db_url: str, tmp_path, monkeypatch, clock, *args: str) -> str:  # type: ignore[no-untyped-def]
    """Runs the export with the scenario's clock: whether a deadline is open or missed is judged
    against the test's "now", never against the day the test runs."""
    monkeypatch.setenv("NIS2BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("NIS2BOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NIS2BOT_CONFIG", raising=False)
    result = CliRunner().invoke(
        main, ["export", "incidents", *args], obj=Obj(None, clock=clock), catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def _scenario(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee, anonymous=True)
    clock.advance(minutes=30)
    bot.say(t.ismt, choice="/incident INC-2026-0001 significant ja", group=ISMT_ROOM)
    clock.advance(hours=3)
    bot.say(t.ismt, "/verzonden INC-2026-0001 vroegtijdige-waarschuwing")
    bot.say(t.ismt, "/incident INC-2026-0001 notitie CSIRT belde terug")
    bot.say(t.ismt, "/incident INC-2026-0001 vastleggen kwaadwillig ja", group=ISMT_ROOM)
    bot.say(
        t.ismt, "/incident INC-2026-0001 vastleggen ioc =HYPERLINK(evil.example)", group=ISMT_ROOM
    )
    bot.say(
        t.ismt, "/incident INC-2026-0001 vastleggen avg-betrokkenen ongeveer 40", group=ISMT_ROOM
    )


def test_json_export_has_timeline_decisions_and_deadlines(
    engine, db_url, features, clock, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _scenario(engine, features, clock)
    rows = json.loads(
        _export(db_url, tmp_path, monkeypatch, clock, "--org", "demo", "--format", "json")
    )
    (row,) = rows
    assert row["reference"] == "INC-2026-0001"
    assert row["significant"] is True and row["decided_by"] == "Isa Ismt"
    assert row["decided_at"] == "2026-11-23T09:30:00+00:00"
    assert row["reporter"] == "Eva Employee" and row["anonymous"] is True
    deadlines = {d["kind"]: d for d in row["deadlines"]}
    assert deadlines["early_warning"]["due_at"] == "2026-11-24T08:15:00+00:00"
    assert deadlines["early_warning"]["sent_at"] == "2026-11-23T12:30:00+00:00"
    assert deadlines["early_warning"]["sent_by"] == "Isa Ismt"
    assert deadlines["early_warning"]["state"] in ("met",)
    assert deadlines["notification"]["due_at"] == "2026-11-26T08:15:00+00:00"
    assert deadlines["notification"]["sent_at"] is None
    assert deadlines["final"]["provisional"] is True
    kinds = [e["kind"] for e in row["timeline"]]
    assert kinds == [
        "created", "reported", "alerted", "significant", "sent", "note",
        "recorded", "recorded", "recorded",
    ]  # fmt: skip
    assert "CSIRT belde terug" in [e["text"] for e in row["timeline"]]
    # What the ISMT recorded for the reports is part of the record
    assert row["suspected_malicious"] == "yes"
    assert row["indicators"] == "=HYPERLINK(evil.example)"
    assert row["gdpr_details"] == {"subjects_approx": "ongeveer 40"}
    assert row["started_at"] is None and row["cross_border"] is None  # not recorded: not known


def test_csv_export_to_a_file(engine, db_url, features, clock, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _scenario(engine, features, clock)
    out = tmp_path / "incidents.csv"
    said = _export(
        db_url, tmp_path, monkeypatch, clock, "--org", "demo", "--format", "csv", "--out", str(out)
    )
    assert "1 incidents written" in said
    (row,) = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert row["reference"] == "INC-2026-0001"
    assert row["early_warning_due"] == "2026-11-24T08:15:00+00:00"
    assert row["early_warning_sent"] == "2026-11-23T12:30:00+00:00"
    assert row["early_warning_state"] == "met"
    assert row["notification_state"] == "open"
    assert "significant" in row["timeline"] and "CSIRT belde terug" in row["timeline"]
    assert row["suspected_malicious"] == "yes"
    assert row["indicators"] == "'=HYPERLINK(evil.example)"  # text, never a formula
    assert row["gdpr_details"] == "subjects_approx: ongeveer 40"

    # The same record exported after the 72 h deadline passed unsent: judged against the clock given.
    clock.advance(days=4)
    _export(
        db_url, tmp_path, monkeypatch, clock, "--org", "demo", "--format", "csv", "--out", str(out)
    )
    (row,) = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert row["notification_state"] == "missed"
    assert row["early_warning_state"] == "met"


def test_export_of_an_unknown_organisation_fails_cleanly(db_url, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NIS2BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("NIS2BOT_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["export", "incidents", "--org", "nergens"])
    assert result.exit_code != 0 and "no organisation" in result.output
