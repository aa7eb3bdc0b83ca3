"""The ISMT's commands: drafts, intermediate-report requests, status, usage and mistakes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, deadlines, incidents, report_phishing, town


@pytest.mark.parametrize(
    "word",
    ["vroegtijdige-waarschuwing", "melding", "tussentijds", "voortgang", "eindverslag", "avg"],
)
def test_every_draft_is_marked_as_a_draft(engine, features, clock, word) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    said = bot.say(t.ismt, f"/incident INC-2026-0001 concept {word}")
    assert "CONCEPT – NIET VERZONDEN" in said.text, said.text[:300]
    assert "INC-2026-0001" in said.text


def test_the_early_warning_draft_names_the_responsible_official(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    bot.say(t.ismt, "/incident INC-2026-0001 behandelaar Cor Coordinator")
    said = bot.say(t.ismt, "/incident INC-2026-0001 concept vroegtijdige-waarschuwing")
    assert "Cor Coordinator" in said.text  # Cbw art. 26: contact of the responsible official
    assert "MijnNCSC" in said.text


def test_an_intermediate_report_on_request_gets_its_own_deadline(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    bot.say(t.ismt, "/incident INC-2026-0001 significant ja", group=ISMT_ROOM)
    said = bot.say(t.ismt, "/incident INC-2026-0001 verzoek-tussentijds 01-12-2026 12:00")
    assert "Tussentijds verslag toegevoegd" in said.text
    rows = deadlines(bot, incidents(bot)[0].id)
    assert rows["intermediate"].due_at == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    said = bot.say(t.ismt, "/incident INC-2026-0001 verzoek-tussentijds morgen")
    assert "DD-MM-YYYY" in said.text or "DD-MM-JJJJ" in said.text


def test_sent_with_an_earlier_time(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    bot.say(t.ismt, "/incident INC-2026-0001 significant ja")
    said = bot.say(t.ismt, "/verzonden INC-2026-0001 vroegtijdige-waarschuwing 10 minuten geleden")
    assert "Vastgelegd" in said.text
    row = deadlines(bot, incidents(bot)[0].id)["early_warning"]
    assert row.sent_at == datetime(2026, 11, 23, 8, 50, tzinfo=UTC)
    said = bot.say(t.ismt, "/verzonden INC-2026-0001 vroegtijdige-waarschuwing morgen")
    assert "in de toekomst" in said.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/incident", "Gebruik:"),
        ("/incident INC-2026-0001 onzin", "Gebruik:"),
        ("/incident INC-2026-0099", "geen incident INC-2026-0099"),
        ("/incident blabla", "geen incident blabla"),
        ("/incident INC-2026-0001 status misschien", "Kies een status"),
        ("/incident INC-2026-0001 significant misschien", "significant ja|nee"),
        ("/incident INC-2026-0001 notitie", "Zet de tekst van de notitie"),
        ("/incident INC-2026-0001 behandelaar Niemand", "niet precies één"),
        ("/incident INC-2026-0001 avg-geen-risico", "waarom er geen risico"),
        ("/incident INC-2026-0001 concept", "Welk concept"),
        ("/verzonden INC-2026-0001", "Gebruik: /verzonden"),
        ("/verzonden INC-2026-0001 brief", "Welke melding"),
    ],
)
def test_mistakes_get_a_helpful_answer(engine, features, clock, text, expected) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    said = bot.say(t.ismt, text)
    assert expected in said.text, said.text
    assert said.result.error_reference is None


def test_status_walk_and_reopen(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    for word, label in [("behandeling", "Wordt afgehandeld"), ("gesloten", "Gesloten")]:
        assert label in bot.say(t.ismt, f"/incident INC-2026-0001 status {word}").text
    assert incidents(bot)[0].handled_at == clock.now
    assert "INC-2026-0001" not in bot.say(t.ismt, "/incidenten").text  # closed: not open
    bot.say(t.ismt, "/incident INC-2026-0001 status behandeling")
    assert incidents(bot)[0].handled_at is None
    assert "Wordt afgehandeld" in bot.say(t.employee, "/incident INC-2026-0001").text
