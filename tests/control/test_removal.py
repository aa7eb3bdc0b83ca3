"""Removing an organisation removes everything of 'in control' too, on both databases (the tables
refer to each other: events to exercises, amendments to proposals, decisions to sessions)."""

from __future__ import annotations

from storage import control_models, tenancy
from storage.db import unit_of_work
from tests.control.helpers import count_rows, town


def test_remove_organisation_removes_control_rows(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    other = town(engine, features, slug="ander")
    for place in (t, other):
        bot = place.bot
        bot.say(place.coordinator, "/oefening start phishing snel")
        bot.say(place.coordinator, "/oefening significant ja")
        bot.say(place.coordinator, "/oefening stop")
        bot.say(place.coordinator, "/oefening les Iets leren")
        bot.say(place.coordinator, "/oefening afsluiten")
        bot.say(place.council, "/bob")
        bot.say(place.secretary, "/besluit voorstel Meer oefenen")
        # Proposal numbers run across organisations: the other one's proposal is P3.
        number = 3 if place is other else 1
        bot.say(place.secretary, f"/besluit amendement P{number} ook met de raad")
        bot.say(place.coordinator, "/jaarreview 2026")
    tables = [
        control_models.ControlAction,
        control_models.ControlExercise,
        control_models.ControlExerciseEvent,
        control_models.ControlBobSession,
        control_models.ControlDecision,
        control_models.ControlReview,
    ]
    before = {table.__tablename__: count_rows(engine, table) for table in tables}
    assert all(before.values()), before
    with unit_of_work(engine) as session:
        counts = tenancy.remove_organisation(session=session, organisation_id=t.org)
    for table in tables:
        name = table.__tablename__
        assert counts.get(name) == before[name] // 2, (name, counts, before)
        assert count_rows(engine, table) == before[name] // 2  # the other one's rows stay
