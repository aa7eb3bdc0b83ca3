"""Engines, units of work and migrations.

SQLite (the embedded default) gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` so that concurrent
writers queue instead of failing half-way; PostgreSQL goes through psycopg 3. People write database
URLs as ``postgresql://user@host/db`` or ``sqlite:///path``; ``normalise_url`` picks the driver.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
READ_ONLY = "nis2bot_read_only"  # execution option: begin without taking SQLite's write lock


def normalise_url(url: str) -> str:
    """Accept the URLs people write and pick our drivers (psycopg 3, pysqlite)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Take transaction control from pysqlite so that we can say BEGIN IMMEDIATE ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # The commit that fills the WAL copies it into the database and syncs it (a checkpoint,
        # some milliseconds). At SQLite's default of 1,000 pages that was every ~70 dialog steps
        # (over 1 % of them: the steps' p99); at 4,000 pages (a 16 MB WAL) every ~280.
        cursor.execute("PRAGMA wal_autocheckpoint=4000")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # Every unit of work writes (the inbox row at least): take the write lock up front so two
        # writers never deadlock upgrading a read lock. A read-only one (``unit_of_work(engine,
        # read_only=True)``) reads a snapshot and leaves the lock to the writers.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN DEFERRED")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class FairLock:
    """A lock granted first come, first served across threads, re-entrant for its holder.

    SQLite has one writer at a time, and a writer waiting for the lock polls with growing sleeps
    (the busy timeout) while the holder can take it again the instant it commits: a job writing
    5,000 nudges in batches kept a person's reply waiting for the whole job. In-process writers
    therefore queue here in arrival order; other processes still meet the busy timeout.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._owner: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._condition:
            if self._owner == me:
                self._depth += 1
                return
            ticket = self._next_ticket
            self._next_ticket += 1
            self._condition.wait_for(lambda: self._serving == ticket)
            self._owner, self._depth = me, 1

    def release(self) -> None:
        with self._condition:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._serving += 1
                self._condition.notify_all()

    @property
    def waiting(self) -> int:
        """Threads queued behind the holder (for tests and metrics)."""
        with self._condition:
            return self._next_ticket - self._serving - (1 if self._owner is not None else 0)


_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, FairLock] = weakref.WeakKeyDictionary()
_WRITE_LOCKS_GUARD = threading.Lock()


def write_lock(engine: Engine) -> FairLock | None:
    """The in-process queue for SQLite's single writer; None for PostgreSQL (row locks)."""
    if not is_sqlite(engine):
        return None
    with _WRITE_LOCKS_GUARD:
        lock = _WRITE_LOCKS.get(engine)
        if lock is None:
            lock = _WRITE_LOCKS[engine] = FairLock()
        return lock


@contextmanager
def unit_of_work(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error. The only place that commits.

    On SQLite every unit of work writes (BEGIN IMMEDIATE), so units of one process take turns in
    arrival order (``FairLock``). ``read_only``: a snapshot for reading, which neither waits for
    the writers nor holds them up; it is rolled back, so nothing written in it is kept."""
    lock = None if read_only else write_lock(engine)
    if lock is not None:
        lock.acquire()
    try:
        session = Session(engine, expire_on_commit=False)
        try:
            if read_only:
                session.connection(execution_options={READ_ONLY: True})
            yield session
            if read_only:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
    finally:
        if lock is not None:
            lock.release()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def migrate(engine: Engine) -> bool:
    """Bring the schema to the newest revision; returns whether anything was applied."""
    if current_revision(engine) == head_revision():
        return False
    command.upgrade(alembic_config(engine), "head")
    return True
