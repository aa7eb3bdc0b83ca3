"""A real process killed with SIGKILL in the middle of every reminder: none lost, none sent twice.

The child runs the ``incident-reminders`` job on a SQLite file; it is stopped dead after it queued
the reminder (claim row and outbox row written) but before the commit. The next run sends the slot
exactly once; a run after that sends nothing.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from storage.db import make_engine, migrate, unit_of_work
from storage.incident_models import IncidentReminderSent
from tests.conftest import Clock
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, incidents, town

pytestmark = pytest.mark.slow

CHILD = """
import sys, time
from datetime import datetime
import handlers.registry, schedules.registry
from handlers.context import Context
from handlers.settings import FeatureSettings
from schedules.jobs import run_job
from storage.db import make_engine

url, now, stall = sys.argv[1], datetime.fromisoformat(sys.argv[2]), sys.argv[3] == "stall"
if stall:
    real = Context.send_to_rooms
    def send_and_stall(self, purpose, reply, key, *priority):
        count = real(self, purpose, reply, key, *priority)
        self.session.flush()
        print("QUEUED", flush=True)
        time.sleep(300)  # killed here: inside the unit of work, before its commit
        return count
    Context.send_to_rooms = send_and_stall
print("DONE", run_job("incident-reminders", make_engine(url), now, FeatureSettings()), flush=True)
"""


def _child(url: str, now: datetime, mode: str) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, now.isoformat(), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return proc, lines


def _wait_for(lines: queue.Queue[str], needle: str) -> str:
    seen = []
    while True:
        try:
            line = lines.get(timeout=120)  # waiting for the process, not asserting on time
        except queue.Empty:
            raise AssertionError(f"never printed {needle!r}: {''.join(seen)}") from None
        seen.append(line)
        if needle in line:
            return line


def _reminders(bot: Harness) -> list[str]:
    return [m for m in bot.outbox_for(ISMT_ROOM) if "⏰" in m or "❗" in m]


def test_sigkill_during_every_reminder_loses_none_and_doubles_none(
    tmp_path: Path, features
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    engine = make_engine(url)
    migrate(engine)
    clock = Clock()
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden Ransomware: alles is versleuteld")
    for answer in ("nu", "fileserver", "3", "Nee", "Ja"):
        bot.say(t.employee, answer)
    bot.say(t.employee, choice="nothing")
    bot.say(t.employee, choice="send")
    bot.say(t.ismt, f"/incident {incidents(bot)[0].reference} significant ja")
    moments = [
        datetime(2026, 11, 23, 21, 0, tzinfo=UTC),  # early warning -12 h
        datetime(2026, 11, 24, 7, 0, tzinfo=UTC),  # -2 h
        datetime(2026, 11, 24, 9, 0, tzinfo=UTC),  # due
        datetime(2026, 11, 24, 21, 0, tzinfo=UTC),  # overdue
    ]
    for number, moment in enumerate(moments, start=1):
        proc, lines = _child(url, moment, "stall")
        _wait_for(lines, "QUEUED")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert len(_reminders(bot)) == number - 1  # the killed transaction left nothing
        with unit_of_work(engine) as session:
            assert len(session.exec(select(IncidentReminderSent)).all()) == number - 1
        for expected in ("DONE 1", "DONE 0"):  # after the restart: once, then never again
            proc, lines = _child(url, moment, "run")
            _wait_for(lines, expected)
            assert proc.wait(timeout=60) == 0
        assert len(_reminders(bot)) == number
    engine.dispose()
