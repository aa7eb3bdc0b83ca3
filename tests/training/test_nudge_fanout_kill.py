"""A nudge fan-out interrupted halfway (an exception, and a real SIGKILL of the process) and run
again nudges every person exactly once: claims and outbox rows are committed together per batch."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from handlers.training import nudges
from schedules import training as training_jobs
from storage import organisations
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import OutboxMessage
from storage.training_models import TrainingNudge
from tests.harness import Harness
from tests.training.chat_helpers import enrolled_long_ago, person_of

ENROLLED = datetime(2026, 11, 7, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PEOPLE = 35
ROOT = Path(__file__).resolve().parents[2]


def _population(bot: Harness) -> list[str]:
    org = bot.org()
    senders = []
    for _ in range(PEOPLE):
        sender = bot.person(Role.EMPLOYEE, org_id=org)
        enrolled_long_ago(bot.engine, person_of(bot.engine, sender).id, ENROLLED)
        senders.append(sender)
    return senders


def _state(bot: Harness) -> tuple[list[str], int]:
    with unit_of_work(bot.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith("training:"))  # type: ignore[attr-defined]
        ).all()
        claims = len(session.exec(select(TrainingNudge)).all())
        return sorted(r.chat_id for r in rows), claims


def _org(bot: Harness):  # type: ignore[no-untyped-def]
    with unit_of_work(bot.engine) as session:
        return organisations.organisation_by_slug(session=session, slug="demo")


def test_an_exception_halfway_then_a_rerun_nudges_everyone_exactly_once(
    engine, features, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    clock.now = NOW
    bot = Harness(engine, features, clock)
    senders = _population(bot)
    real_deliver = nudges.deliver
    calls = {"n": 0}

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 25:  # in the third batch of ten
            raise RuntimeError("power cut")
        return real_deliver(*args, **kwargs)

    monkeypatch.setattr(nudges, "deliver", failing)
    with pytest.raises(RuntimeError):
        training_jobs.sweep_organisation(engine, _org(bot), clock(), features, batch_size=10)
    chats, claims = _state(bot)
    assert len(chats) == claims == 20  # two committed batches; the third rolled back whole
    monkeypatch.setattr(nudges, "deliver", real_deliver)
    assert (
        training_jobs.sweep_organisation(engine, _org(bot), clock(), features, batch_size=10) == 15
    )
    assert (
        training_jobs.sweep_organisation(engine, _org(bot), clock(), features, batch_size=10) == 0
    )
    chats, claims = _state(bot)
    assert chats == sorted(senders) and claims == PEOPLE


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime
    import handlers.registry, schedules.registry
    from handlers.settings import FeatureSettings
    from handlers.training import nudges
    from schedules import training as jobs
    from storage import organisations
    from storage.db import make_engine, unit_of_work

    engine = make_engine(sys.argv[1])
    now = datetime.fromisoformat(sys.argv[2])
    kill_at = int(sys.argv[3])
    real = nudges.deliver
    calls = 0

    def deliver(*args, **kwargs):
        global calls
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no rollback handler, no flush
        return real(*args, **kwargs)

    nudges.deliver = deliver
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="demo")
    print(jobs.sweep_organisation(engine, org, now, FeatureSettings(), batch_size=10))
    """
)


@pytest.mark.slow
def test_a_sigkilled_fanout_then_a_rerun_nudges_everyone_exactly_once(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = NOW
    bot = Harness(engine, features, clock)
    senders = _population(bot)
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(kill_at: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", KILLER, url, NOW.isoformat(), str(kill_at)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )

    killed = run(17)  # in the second batch of ten
    assert killed.returncode == -9, killed.stderr
    chats, claims = _state(bot)
    assert len(chats) == claims == 10
    finished = run(10_000)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == str(PEOPLE - 10)
    chats, claims = _state(bot)
    assert chats == sorted(senders) and claims == PEOPLE
