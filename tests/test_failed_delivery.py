"""A message the platform refuses for good is reported to the coordinator, once, with who missed it."""

from __future__ import annotations

import asyncio

from bot.app import build_runtime
from bot.config import Settings
from bot.messages import DeliveryResult, Outbound
from bot.outbox import DeliveryError
from bot.pacing import unlimited
from storage import audit, outbox
from storage.db import unit_of_work
from storage.enums import Role
from tests.harness import Harness


class RefusingTransport:
    """Delivers everywhere except to the chats in ``blocked`` (403: the person blocked the bot)."""

    platform = "telegram"

    def __init__(self, blocked: set[str]) -> None:
        self.pacer = unlimited()
        self.blocked = blocked
        self.delivered: list[Outbound] = []

    async def deliver(self, message: Outbound) -> DeliveryResult:
        if message.chat_id in self.blocked:
            raise DeliveryError("Forbidden: bot was blocked by the user", retryable=False)
        self.delivered.append(message)
        return DeliveryResult(external_id=str(message.outbox_id))


async def _deliver_until_quiet(runtime) -> None:  # type: ignore[no-untyped-def]
    for _ in range(10):
        await runtime.worker.deliver_due()
        await runtime.worker.drain()


def test_a_refused_message_is_reported_to_the_coordinator_once(
    engine, features, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Cor")
    employee = bot.person(Role.EMPLOYEE, org_id=org, name="Eva <Blocked>")
    bot.say(employee, "/wie")
    transport = RefusingTransport(blocked={employee})
    runtime = build_runtime(
        Settings(data_dir=tmp_path), {"telegram": transport}, engine=engine, clock=clock
    )
    asyncio.run(_deliver_until_quiet(runtime))

    reports = [m for m in transport.delivered if m.chat_id == coordinator]
    assert len(reports) == 1
    assert "kon niet worden bezorgd" in reports[0].text
    assert "Eva &lt;Blocked&gt;" in reports[0].text  # the name is escaped, not markup
    assert "blocked by the user" in reports[0].text
    with unit_of_work(engine) as s:
        assert outbox.backlog(session=s) == {"failed": 1, "sent": 1}
        actions = [e.action for e in audit.audit_entries(session=s, organisation_id=org)]
        assert actions.count("delivery.failed") == 1


def test_a_report_that_cannot_be_delivered_is_not_reported_again(
    engine, features, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    bot.say(employee, "/wie")
    transport = RefusingTransport(blocked={employee, coordinator})
    runtime = build_runtime(
        Settings(data_dir=tmp_path), {"telegram": transport}, engine=engine, clock=clock
    )
    asyncio.run(_deliver_until_quiet(runtime))
    assert transport.delivered == []
    with unit_of_work(engine) as s:
        assert outbox.backlog(session=s) == {"failed": 2}  # the reply and its one report
        actions = [e.action for e in audit.audit_entries(session=s, organisation_id=org)]
        assert actions.count("delivery.failed") == 1
