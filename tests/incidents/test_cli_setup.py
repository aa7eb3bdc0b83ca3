"""The operator is told what a new organisation needs before anyone reports an incident, sees
incidents whose alert reached nobody, and the incident settings are checked before they are stored
(issue 13, item 1)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from handlers.incidents.contacts import CONTACT_KEYS
from storage.enums import Role
from tests.harness import Harness
from tests.incidents.test_alert_truth import _report_usb

SETTINGS_DOC = Path(__file__).resolve().parents[2] / "docs" / "SETTINGS.md"


def test_org_add_prints_the_next_steps_and_org_status_follows_them(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("org", "add", "nieuwdorp", "--name", "Gemeente Nieuwdorp", "--country", "nl").output
    assert "An incident report would reach nobody now" in out
    assert "nis2bot invite create --org nieuwdorp --role coordinator" in out
    assert "/koppel ismt" in out
    assert "--setting 'contacts=" in out
    assert "nis2_in_scope" not in out  # Dutch municipalities are in scope by law
    cli(
        "org",
        "set",
        "nieuwdorp",
        "--setting",
        'contacts={"servicedesk": "Servicedesk 1234", "emergency": "Piket 06 1", '
        '"privacy_officer": "FG"}',
    )
    cli("room", "link", "--org", "nieuwdorp", "--purpose", "ismt", "--platform", "telegram",
        "--id", "-100777")  # fmt: skip
    out = cli("org", "status", "nieuwdorp").output
    assert "Incident alerts can be delivered" in out
    assert "contacts" not in out
    assert "invite create" in out  # still no coordinator: said, though alerts now arrive


def test_a_flemish_organisation_is_told_about_the_voluntary_regime(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("org", "add", "zoersel", "--name", "Gemeente Zoersel", "--country", "be").output
    assert "nis2_in_scope=true" in out and "voluntary (Art. 30)" in out
    # The contacts example is in Belgian number format, not a Dutch 020 / 06 number
    assert "0470 12 34 56" in out and "020 " not in out and " 06 " not in out


def test_bad_incident_settings_are_refused_before_they_are_stored(cli) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "proef", "--name", "Proef", "--country", "nl")
    for bad in (
        'contacts={"telefoon": "1234"}',
        'contacts={"emergency": 112}',
        "contacts=not-a-mapping",
        "nis2_in_scope=misschien",
        "incident_notice_council=ja",
        'contacts={"servicedesk": "' + "x" * 300 + '"}',
    ):
        result = cli("org", "set", "proef", "--setting", bad, ok=False)
        assert "Invalid value" in result.output, bad
    shown = json.loads(
        cli("org", "set", "proef", "--json", "--setting", "nis2_in_scope=true").output
    )
    assert shown["settings"]["nis2_in_scope"] is True


def test_org_list_shows_incidents_whose_alert_reached_nobody(cli, engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org("stil")
    _report_usb(bot, bot.person(Role.EMPLOYEE, org_id=org, name="Eva"))
    rows = json.loads(cli("org", "list", "--json").output)
    assert [r["unalerted_incidents"] for r in rows if r["slug"] == "stil"] == [1]
    out = cli("org", "status", "stil").output
    assert "WARNING: incident alerts that reached nobody yet: INC-2026-0001" in out


def test_the_incident_settings_are_documented() -> None:
    text = SETTINGS_DOC.read_text()
    keys = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.MULTILINE))
    assert {"contacts", "nis2_in_scope", "incident_notice_council"} <= keys
    for key in CONTACT_KEYS:
        assert key in text


def test_linking_the_ismt_room_with_the_cli_sends_the_waiting_alert_at_once(
    cli, engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org("wachtend")
    _report_usb(bot, bot.person(Role.EMPLOYEE, org_id=org, name="Eva"))
    out = cli("room", "link", "--org", "wachtend", "--purpose", "ismt", "--platform", "matrix",
              "--id", "!ismt:example.org").output  # fmt: skip
    assert "1 incident alert(s) that had reached nobody are queued now" in out
    (alert,) = bot.outbox_for("!ismt:example.org")
    assert "Nieuwe incidentmelding INC-2026-0001" in alert
    out = cli("room", "link", "--org", "wachtend", "--purpose", "ismt", "--platform", "matrix",
              "--id", "!ismt:example.org").output  # fmt: skip
    assert "queued now" not in out and len(bot.outbox_for("!ismt:example.org")) == 1
