"""Shared fixtures: every storage-touching test runs on SQLite and on PostgreSQL.

PostgreSQL: the server at ``NIS2BOT_TEST_POSTGRES`` (default the machine's 127.0.0.1:5432, user
postgres, trust auth). Once per run a throwaway template database is migrated; each test gets a fresh
copy (``CREATE DATABASE ... TEMPLATE``), and everything is dropped at the end. Without a reachable
server the PostgreSQL variants are skipped, except under CI (``CI=true``) where that is an error.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy.engine import Engine

import handlers.registry  # noqa: F401 - commands and dialogs registered once for all tests
import schedules.registry  # noqa: F401
from handlers.settings import FeatureSettings
from storage.db import make_engine, migrate

# The Telegram Bot API fake and the real Synapse (started lazily, only for tests that ask).
pytest_plugins = ["tests.fakes.fixtures"]

PG_ADMIN_URL = os.environ.get("NIS2BOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
RUN_ID = secrets.token_hex(4)


def _pg_connect(dbname: str | None = None) -> psycopg.Connection:
    url = PG_ADMIN_URL if dbname is None else PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{dbname}"
    return psycopg.connect(url, autocommit=True, connect_timeout=3)


def _pg_url(dbname: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{dbname}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    try:
        admin = _pg_connect()
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI and is not reachable: {error}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    template = f"nis2bot_tpl_{RUN_ID}"
    admin.execute(f'CREATE DATABASE "{template}"')
    engine = make_engine(_pg_url(template))
    migrate(engine)
    engine.dispose()
    try:
        yield template
    finally:
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"nis2bot_%{RUN_ID}%",)
        ).fetchall()
        for (name,) in rows:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _sqlite_engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    migrate(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A freshly migrated database URL, once per backend."""
    if request.param == "sqlite":
        _sqlite_engine(tmp_path).dispose()
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"nis2bot_t{secrets.token_hex(3)}_{RUN_ID}"
    with _pg_connect() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _pg_url(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    engine = _sqlite_engine(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def features() -> FeatureSettings:
    return FeatureSettings(telegram_bot_username="nis2demo_bot")


class Clock:
    """A controllable clock: tests move time, nothing sleeps."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch, clock):  # type: ignore[no-untyped-def]
    """The operator's ``nis2bot`` command on a fresh database; ``cli(*args, ok=False)`` expects a
    failure. Both outcomes are asserted, with the output in the message. The command reads "now"
    from the test's ``clock``, never from the calendar."""
    from click.testing import CliRunner

    from bot.cli import Obj, main

    monkeypatch.setenv("NIS2BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("NIS2BOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NIS2BOT_CONFIG", raising=False)
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, list(args), obj=Obj(None, clock=clock), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return invoke
