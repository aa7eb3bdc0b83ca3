"""The yearly security review: prepared from the year's audits, incidents, exercises, training and
open action points; conclusions recorded; decisions followed up as action points."""

from __future__ import annotations

from sqlmodel import select

from schedules.jobs import run_job
from storage.db import unit_of_work
from storage.models import OutboxAttachment
from tests.control.helpers import audit_actions, town, utc


def _document(engine, outbox_id: int) -> str:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        (row,) = session.exec(
            select(OutboxAttachment).where(OutboxAttachment.outbox_id == outbox_id)
        ).all()
        return row.data.decode("utf-8")


def test_yearly_review_prepared_concluded_and_followed_up(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    bot = t.bot
    bot.say(t.coordinator, "/audit plan pentest 2026-12-10 SecureCo; externe systemen")
    bot.say(t.coordinator, "/audit bevinding 1 2027-01-31 hoog MFA ontbreekt op VPN; Ivo Ismt")
    bot.say(t.coordinator, "/audit klaar 1 2026-12-10")
    bot.say(t.coordinator, "/oefening start ddos snel")
    bot.say(t.coordinator, "/oefening stop")
    bot.say(t.ismt, "/oefening les Noodnummer op de website zetten; Ivo Ismt; 2027-01-15")
    bot.say(t.coordinator, "/oefening afsluiten")

    t.clock.now = utc(2027, 1, 12, 9, 0)  # January: the review is about 2026
    assert bot.say(t.ismt, "/jaarreview").result.refused
    said = bot.say(t.mayor, "/jaarreview")
    assert "De jaarlijkse beveiligingsreview 2026 zit erbij (jaarreview-demo-2026.md)" in said.text
    document = _document(engine, said.result.outbox_ids[0])
    assert document.startswith("# Jaarlijkse beveiligingsreview 2026 · Gemeente Demo")
    assert "penetratietest door SecureCo (externe systemen): uitgevoerd 10 dec 2026" in document
    assert "F1 MFA ontbreekt op VPN (hoog) · Ivo Ismt" in document
    assert "DDoS-aanval op het e-loket (23 nov 2026): 1 geleerde les, 1 actiepunt" in document
    assert (
        "A1 Noodnummer op de website zetten · Ivo Ismt · uiterlijk 15 jan 2027 · oefening"
        in document
    )
    assert "Jaarrapportage NIS2" in document  # coordination's annual summary, reused
    assert "Nog niet vastgelegd." in document

    assert bot.say(t.mayor, "/jaarreview conclusie Alles goed").result.refused
    said = bot.say(
        t.secretary, "/jaarreview conclusie Audits op tijd; oefenen moet vaker, twee keer per jaar."
    )
    assert "De conclusies van de jaarlijkse review 2026 zijn vastgelegd." in said.text
    said = bot.say(
        t.secretary,
        "/jaarreview besluit Tweede oefening in het voorjaar; Carla Coördinator; 2027-05-31",
    )
    assert "Besluit van de jaarlijkse review 2026:" in said.text
    assert (
        "Actiepunt A2 “Tweede oefening in het voorjaar”: eigenaar Carla Coördinator, uiterlijk 31 mei 2027."
        in said.text
    )
    document = _document(engine, bot.say(t.coordinator, "/jaarreview 2026").result.outbox_ids[0])
    assert "Audits op tijd; oefenen moet vaker, twee keer per jaar. (12 jan 2027)" in document
    assert (
        "- A2 Tweede oefening in het voorjaar · Carla Coördinator · uiterlijk 31 mei 2027"
        in document
    )
    assert "2028 is nog niet begonnen." in bot.say(t.coordinator, "/jaarreview 2028").text

    t.clock.now = utc(2027, 6, 1, 8, 0)  # overdue: the owner (the coordinator) hears of it
    assert run_job("action-follow-up", engine, t.clock(), features) >= 1
    assert any("A2" in x and "staat nog open" in x for x in bot.outbox_for(t.coordinator))
    bot.say(t.coordinator, "/actie A2 klaar")
    document = _document(engine, bot.say(t.coordinator, "/jaarreview 2026").result.outbox_ids[0])
    assert "✓ A2 Tweede oefening in het voorjaar" in document
    for expected in ("review.prepared", "review.concluded", "action.created"):
        assert expected in audit_actions(engine, t.org)
