"""Small things a person noticed (#15 item 12): the words must say what really happened."""

from __future__ import annotations

from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, town


def test_stop_during_a_report_tells_the_ismt_the_reporter_stopped_not_went_silent(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    bot.say(t.employee, "Ransomware-melding op mijn scherm, alles is versleuteld")
    bot.say(t.employee, "/stop")
    (alert,) = bot.outbox_for(ISMT_ROOM)
    assert "Onvolledige incidentmelding INC-2026-0001: de melder heeft de melding gestopt" in alert
    assert "antwoordt niet meer" not in alert
