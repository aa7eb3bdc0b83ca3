"""A Matrix ISMT member who never wrote to the bot first is reached (real Synapse): the report finds
nobody, the reporter is told so; the bot opens a direct chat with the member, and the pending alert
goes there once (issue 13, item 1)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from handlers.settings import FeatureSettings
from schedules.jobs import run_job
from storage import people
from storage.clock import utc_now
from storage.db import unit_of_work
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.synapse import SynapseServer
from tests.harness import Harness
from tests.transports_matrix.helpers import Bot, Person, bot_settings, enrol, make_org

pytestmark = pytest.mark.slow


def _private_chat(engine: Engine, user_id: str) -> str | None:
    with unit_of_work(engine) as session:
        found = people.identity_lookup(session=session, platform="matrix", external_id=user_id)
        assert found is not None
        return found[0].private_chat_id


def test_a_matrix_member_who_never_wrote_gets_the_waiting_alert(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, iris_user = synapse.make_user("bot"), synapse.make_user("iris")
    org_id = make_org(engine, "matrixstad")
    enrol(engine, org_id, iris_user.user_id, Role.ISMT, name="Iris")
    features = FeatureSettings()
    harness = Harness(engine, features, utc_now)
    employee = harness.person(Role.EMPLOYEE, org_id=org_id, name="Eva", platform="console")
    harness.say(employee, "/melden Ik heb op een link in een mail geklikt", platform="console")
    for answer in ("nu", "e-mail", "1", "nee", "nee", "niets"):
        harness.say(employee, answer, platform="console")
    reply = harness.say(employee, "verstuur", platform="console").text
    assert "maar er kon nog niemand gewaarschuwd worden" in reply  # Iris has no direct room yet
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(iris_user) as iris, Bot(settings, engine) as bot:
            room = await iris.wait_for_invite(bot_user.user_id)
            await bot.wait_for(lambda: _private_chat(engine, iris_user.user_id) == room)
            # The job (every minute in the running bot) sends what waited, once.
            assert run_job("incident-pending-alerts", engine, utc_now(), features) == 1
            assert run_job("incident-pending-alerts", engine, utc_now(), features) == 0
            found = await iris.wait_for_messages(room, bot_user.user_id, 2)
            bodies = [e.source["content"]["body"] for e in found]
            assert any("Nieuwe incidentmelding INC-" in b for b in bodies)
            await iris.quiet_for(1.0)
            alerts = [
                e
                for e in iris.from_sender(room, bot_user.user_id)
                if "Nieuwe incidentmelding" in e.source["content"]["body"]
            ]
            assert len(alerts) == 1

    run(main())
