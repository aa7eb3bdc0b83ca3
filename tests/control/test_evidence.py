"""Evidence for auditors: read-only files in the chat, every access audit-logged, formulas
neutralised, and everything that changes data refused to the auditor."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlmodel import SQLModel, func, select

import storage.tables  # noqa: F401 - every table, for the "nothing changed" proof
from handlers.control.evidence import neutralised_csv
from handlers.spreadsheet import safe_cell
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import OutboxAttachment
from tests.control.helpers import audit_actions
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, report_phishing, town


def _file(engine, outbox_id: int) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        (row,) = session.exec(
            select(OutboxAttachment).where(OutboxAttachment.outbox_id == outbox_id)
        ).all()
        return row.filename, row.data


#: What the bot writes on every message, whatever it is (the event itself, the reply, the log).
BOOKKEEPING = {
    "inbox",
    "outbox",
    "outbox_attachment",
    "auditlog",
    "kv",
    "identity",
    "scheduled_run",
}


def _counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name not in BOOKKEEPING
        }


def test_auditor_exports_evidence_and_every_access_is_logged(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    auditor = bot.person(Role.AUDITOR, org_id=t.org, name="Ada Auditor")
    report_phishing(bot, t.employee)
    clock.advance(minutes=30)
    bot.say(t.ismt, choice="/incident INC-2026-0001 significant ja", group=ISMT_ROOM)
    bot.say(t.coordinator, "/audit plan pentest 2026-12-10 SecureCo; externe systemen")
    bot.say(t.coordinator, '/audit bevinding 1 2027-01-31 hoog =HYPERLINK("http://x") MFA')
    bot.say(t.coordinator, "/actie nieuw @SUM(A1) wachtwoordkluis invoeren")

    listing = bot.say(auditor, "/bewijs").text
    assert "Bewijs voor auditors (alleen lezen)" in listing and "/bewijs auditlog" in listing

    said = bot.say(auditor, "/bewijs incidenten")
    assert "Bewijs, incidenten met hun tijdlijn en meldtermijnen: 1 registratie(s)" in said.text
    assert "Deze export staat in het auditlog." in said.text
    # Significant, nothing sent yet: early warning, notification, final report (provisional) and
    # possibly the GDPR clock are open; none met or missed yet.
    assert "Meldtermijnen: 0 gehaald, 0 gemist," in said.text and "lopen nog." in said.text
    name, data = _file(engine, said.result.outbox_ids[0])
    assert name == "incidents-demo-2026-11-23.csv"
    (row,) = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert row["reference"] == "INC-2026-0001" and row["significant"] == "True"
    assert row["early_warning_due"] and row["early_warning_state"] == "open"

    said = bot.say(auditor, "/bewijs incidenten json")
    name, data = _file(engine, said.result.outbox_ids[0])
    assert name.endswith(".json") and json.loads(data)[0]["reference"] == "INC-2026-0001"

    said = bot.say(auditor, "/bewijs audits")
    _name, data = _file(engine, said.result.outbox_ids[0])
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert rows[0]["finding"] == "F1" and rows[0]["title"].startswith("'=HYPERLINK")

    said = bot.say(auditor, "/bewijs acties")
    _name, data = _file(engine, said.result.outbox_ids[0])
    (action,) = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert action["title"] == "'@SUM(A1) wachtwoordkluis invoeren" and action["status"] == "open"

    for kind in ("training", "oefeningen"):
        said = bot.say(auditor, f"/bewijs {kind}")
        assert "0 registratie(s)" in said.text

    said = bot.say(auditor, "/bewijs auditlog")
    _name, data = _file(engine, said.result.outbox_ids[0])
    logged = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert any(r["action"] == "evidence.export" and r["actor"] == "Ada Auditor" for r in logged)

    exports = [a for a in audit_actions(engine, t.org) if a == "evidence.export"]
    assert len(exports) == 7  # every access, the audit log's own export included
    assert bot.say(t.employee, "/bewijs incidenten").result.refused
    clock.advance(hours=25)  # the early warning's 24 hours passed without it being sent
    assert "Meldtermijnen: 0 gehaald, 1 gemist," in bot.say(auditor, "/bewijs incidenten").text


CHANGES = [
    "/actie nieuw Iets doen; Ada Auditor",
    "/actie A1 klaar",
    "/actie A1 eigenaar Ada Auditor",
    "/actie A1 datum 2027-01-01",
    "/besluit voorstel Alles anders",
    "/besluit aangenomen P1",
    "/bob",
    "/oefening start ransomware",
    "/oefening les Iets",
    "/audit plan audit 2027-01-10 Ik; alles",
    "/audit opgelost F1",
    "/incident INC-2026-0001 significant nee",
    "/incident INC-2026-0001 notitie weg ermee",
    "/verzonden INC-2026-0001 melding",
    "/jaarreview conclusie Alles is goed",
    "/jaarreview besluit Niets doen",
    "/status",
    "/mensen",
    "/uitnodiging ismt",
    "/koppel ismt",
]


@pytest.mark.parametrize("group", [None, ISMT_ROOM])
def test_auditor_is_refused_anything_that_changes_data(engine, features, clock, group) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    auditor = bot.person(Role.AUDITOR, org_id=t.org, name="Ada Auditor")
    report_phishing(bot, t.employee)
    bot.say(t.coordinator, "/actie nieuw Back-up testen")
    bot.say(t.coordinator, "/audit plan pentest 2026-12-10 SecureCo; externe systemen")
    bot.say(t.coordinator, "/audit bevinding 1 2027-01-31 hoog MFA ontbreekt")
    before = _counts(engine)
    with unit_of_work(engine) as session:
        from storage.control_models import ControlAction
        from storage.incident_models import Incident

        action = session.exec(select(ControlAction)).one()
        incident = session.exec(select(Incident)).one()
        snapshot = (
            action.status,
            action.owner_person_id,
            action.due_at,
            incident.significant,
            incident.status,
        )
    for text in CHANGES:
        said = bot.say(auditor, text, group=group)
        assert said.texts, text  # always an answer
    assert _counts(engine) == before
    with unit_of_work(engine) as session:
        action = session.exec(select(ControlAction)).one()
        incident = session.exec(select(Incident)).one()
        assert (
            action.status,
            action.owner_person_id,
            action.due_at,
            incident.significant,
            incident.status,
        ) == snapshot


def test_safe_cell_neutralises_formulas_only() -> None:
    # one rule for every export (handlers/spreadsheet.py): a plain negative number stays a number
    assert [safe_cell(v) for v in ("=1+1", "+31 6", "-2+3", "@x", "\tx", "plain", None, 3)] == [
        "'=1+1",
        "'+31 6",
        "'-2+3",
        "'@x",
        "'\tx",
        "plain",
        "",
        "3",
    ]
    assert neutralised_csv([["a", "=b"]]) == "a,'=b\r\n"
