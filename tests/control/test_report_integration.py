"""Done when (issue #16): a coordinator runs a ransomware exercise in which the ISMT, the secretary
and the mayor act, and the next quarterly report (in the council room, and on /rapport) shows it
with its lessons learned; the annual report in January shows it too."""

from __future__ import annotations

from handlers.reply import to_plain_text
from schedules.jobs import run_job
from storage import rooms
from storage.db import unit_of_work
from tests.control.helpers import town, utc


def test_the_next_quarterly_report_shows_the_exercise_and_its_lessons(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    bot = t.bot
    with unit_of_work(engine) as session:
        rooms.link_room(
            session=session,
            organisation_id=t.org,
            purpose="council",
            platform="telegram",
            chat_id="g-raad-demo",
            now=t.clock(),
        )
    bot.say(t.coordinator, "/oefening start ransomware snel")
    bot.say(t.ismt, "/oefening significant ja", group="g-ismt-demo")
    bot.say(t.secretary, "/oefening notitie Crisisteam bijeengeroepen")
    bot.say(t.mayor, "/oefening antwoord We bevestigen een storing")
    bot.say(t.coordinator, "/oefening stop")
    bot.say(t.ismt, "/oefening les Back-up offline bewaren; Ivo Ismt; 2027-02-15")
    bot.say(t.mayor, "/oefening les Woordvoering vooraf afspreken")
    bot.say(t.coordinator, "/oefening afsluiten")

    t.clock.now = utc(2027, 1, 4, 8, 0)  # Monday 4 January, 09:00: the Q4 summary and annual report
    run_job("quarterly-summaries", engine, t.clock(), features)
    council = bot.outbox_for("g-raad-demo")
    quarterly = next(x for x in council if "Kwartaalrapportage NIS2 · Gemeente Demo · K4 2026" in x)
    annual = next(x for x in council if "Jaarrapportage NIS2 · Gemeente Demo · 2026" in x)
    for text in (quarterly, annual):
        assert "Ransomware op een fileserver (23 nov 2026), geleerde lessen:" in text
        assert "○ A1 Back-up offline bewaren · Ivo Ismt · uiterlijk 15 feb 2027" in text
        assert "○ A2 Woordvoering vooraf aanwijzen" not in text
        assert "A2 Woordvoering vooraf afspreken · Carla Coördinator" in text
    ismt_room = [x for x in bot.outbox_for("g-ismt-demo") if "Kwartaalrapportage" in x]
    assert not ismt_room  # the ISMT's summary is its own (and has no council section)

    said = bot.say(t.mayor, "/rapport")
    assert "Ransomware op een fileserver (23 nov 2026), geleerde lessen:" in said.text
    bot.say(t.ismt, "/actie A1 klaar")
    said = bot.say(t.mayor, "/rapport 2026Q4")
    assert "✓ A1 Back-up offline bewaren · Ivo Ismt · afgerond" in said.text
    assert to_plain_text(said.replies[0].text).count("Oefeningen") == 1
