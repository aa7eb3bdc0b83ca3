"""``nis2bot run``'s service loop with a scripted transport: start order, delivery, crash, shutdown.

The real transports are tested end to end against the Bot API fake and Synapse in
tests/transports_*; here the loop itself is under test, so the transport is a small double that
keeps the same contract (start, run until stop, deliver, close).
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.app import build_runtime
from bot.config import Settings
from bot.messages import DeliveryResult, Inbound, Outbound
from bot.pacing import unlimited
from bot.runner import serve
from bot.transports import TransportStartError
from storage.enums import Role
from tests.fakes.aio import run
from tests.harness import Harness


class ScriptedTransport:
    platform = "telegram"

    def __init__(
        self, settings: Settings, runtime, *, says=(), fail_start=False, crash=False
    ) -> None:  # type: ignore[no-untyped-def]
        self.runtime, self.says, self.fail_start, self.crash = runtime, says, fail_start, crash
        self.pacer = unlimited()
        self.delivered: list[Outbound] = []
        self.events: list[str] = []
        self.got_reply = asyncio.Event()

    async def start(self) -> None:
        self.events.append("start")
        if self.fail_start:
            raise TransportStartError(
                "telegram: the token was refused (check NIS2BOT_TELEGRAM_TOKEN)"
            )

    async def run(self, stop: asyncio.Event) -> None:
        self.events.append("run")
        for sender, text in self.says:
            await self.runtime.pipeline.handle(
                Inbound("telegram", sender, sender, uuid.uuid4().hex, self.runtime.clock(), text)
            )
        if self.crash:
            raise ConnectionError("lost the platform for good")
        await stop.wait()

    async def deliver(self, message: Outbound) -> DeliveryResult:
        self.delivered.append(message)
        self.got_reply.set()
        return DeliveryResult(external_id="1")

    async def close(self) -> None:
        self.events.append("close")


def _runtime(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    return build_runtime(Settings(data_dir=tmp_path), {}, engine=engine, clock=clock)


def test_the_service_answers_then_stops_cleanly(engine, features, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    me = bot.person(Role.EMPLOYEE, org_id=bot.org())
    runtime = _runtime(engine, clock, tmp_path)
    made: list[ScriptedTransport] = []

    def factory(settings, rt):  # type: ignore[no-untyped-def]
        made.append(ScriptedTransport(settings, rt, says=[(me, "/help")]))
        return made[0]

    async def main() -> int:
        stop = asyncio.Event()
        service = asyncio.create_task(
            serve(
                Settings(data_dir=tmp_path),
                [factory],
                stop=stop,
                runtime=runtime,
                with_alarm_clock=False,
            )
        )
        await asyncio.wait_for(_first_reply(made), timeout=20)
        stop.set()
        return await service

    assert run(main()) == 0
    transport = made[0]
    assert transport.events == ["start", "run", "close"]
    assert len(transport.delivered) == 1 and "/wie" in transport.delivered[0].text


async def _first_reply(made: list[ScriptedTransport]) -> None:
    while not made:
        await asyncio.sleep(0.01)
    await made[0].got_reply.wait()


def test_a_transport_that_cannot_start_stops_everything_with_its_message(
    engine, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    runtime = _runtime(engine, clock, tmp_path)
    made: list[ScriptedTransport] = []

    def good(settings, rt):  # type: ignore[no-untyped-def]
        made.append(ScriptedTransport(settings, rt))
        return made[-1]

    def bad(settings, rt):  # type: ignore[no-untyped-def]
        made.append(ScriptedTransport(settings, rt, fail_start=True))
        return made[-1]

    with pytest.raises(TransportStartError, match="NIS2BOT_TELEGRAM_TOKEN"):
        run(
            serve(Settings(data_dir=tmp_path), [good, bad], runtime=runtime, with_alarm_clock=False)
        )
    assert made[0].events == ["start", "close"]  # the one that started is closed again
    assert made[1].events == ["start"]


def test_a_crashed_receive_loop_exits_non_zero_after_closing(engine, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runtime = _runtime(engine, clock, tmp_path)
    made: list[ScriptedTransport] = []

    def crashing(settings, rt):  # type: ignore[no-untyped-def]
        made.append(ScriptedTransport(settings, rt, crash=True))
        return made[-1]

    code = run(
        serve(Settings(data_dir=tmp_path), [crashing], runtime=runtime, with_alarm_clock=False)
    )
    assert code == 1
    assert made[0].events == ["start", "run", "close"]
