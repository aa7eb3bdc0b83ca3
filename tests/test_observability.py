"""/healthz and /metrics: the leader state and the counters, and never what anyone wrote."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.request

from bot.app import build_runtime
from bot.config import Settings
from bot.runner import serve
from storage.enums import Role
from tests.fakes.aio import run
from tests.harness import Harness
from tests.test_runner import ScriptedTransport


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_health_and_metrics_while_running(engine, features, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    me = bot.person(Role.EMPLOYEE, org_id=bot.org())
    secret_words = "mijn wachtwoord is Geheim123"
    port = _free_port()
    settings = Settings(data_dir=tmp_path, metrics_port=port)
    runtime = build_runtime(settings, {}, engine=engine, clock=clock)
    made: list[ScriptedTransport] = []

    def factory(s, rt):  # type: ignore[no-untyped-def]
        made.append(ScriptedTransport(s, rt, says=[(me, "/help"), (me, secret_words)]))
        return made[0]

    async def scenario() -> tuple[dict[str, object], str, int]:
        stop = asyncio.Event()
        service = asyncio.create_task(
            serve(settings, [factory], stop=stop, runtime=runtime, with_alarm_clock=False)
        )
        while not made or len(made[0].delivered) < 2:
            await asyncio.sleep(0.02)
        _code, health = await asyncio.to_thread(_get, port, "/healthz")
        _code, metrics = await asyncio.to_thread(_get, port, "/metrics")
        missing, _body = await asyncio.to_thread(_get, port, "/elders")
        stop.set()
        await asyncio.wait_for(service, timeout=20)
        return json.loads(health), metrics, missing

    health, metrics, missing = run(scenario())
    assert health == {"status": "ok", "role": "leader", "platforms": ["telegram"]}
    assert 'nis2bot_updates_total{outcome="handled",platform="telegram"}' in metrics
    assert "nis2bot_handle_seconds_bucket" in metrics
    assert 'nis2bot_outbox_messages{status="sent"}' in metrics
    assert "nis2bot_leader 1.0" in metrics
    assert 'nis2bot_delivery_delay_seconds_count{platform="telegram"}' in metrics
    assert "nis2bot_deadlines_overdue 0.0" in metrics and "nis2bot_deadlines_sent_late" in metrics
    assert "Geheim123" not in metrics and me not in metrics  # counts only, no content, no ids
    assert missing == 404


def test_deadline_figures_count_due_overdue_and_late(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from storage import incidents
    from storage.db import unit_of_work
    from tests.incidents.chat_helpers import report_phishing, town

    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    bot.say(t.ismt, "/incident INC-2026-0001 significant ja")
    with unit_of_work(engine) as s:
        now = incidents.deadline_figures(session=s, now=clock())
        later = incidents.deadline_figures(session=s, now=clock() + timedelta(days=2))
    # Right after the decision the early warning (24 h) is due within a day, nothing is overdue.
    assert now["deadlines_due_within_a_day"] == 1 and now["deadlines_overdue"] == 0
    assert later["deadlines_overdue"] == 1 and later["deadlines_sent_late"] == 0
    clock.advance(days=2)
    bot.say(t.ismt, "/verzonden INC-2026-0001 vroegtijdige-waarschuwing")
    with unit_of_work(engine) as s:
        assert incidents.deadline_figures(session=s, now=clock())["deadlines_sent_late"] == 1
