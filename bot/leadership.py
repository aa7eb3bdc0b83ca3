"""Exactly one instance acts: polls Telegram, syncs Matrix, schedules and delivers the outbox.

PostgreSQL: every instance asks for one session-level advisory lock on its own connection. The one
that gets it leads; the others are standbys that ask again every ``poll_seconds``. When the leader
dies its connection closes and PostgreSQL releases the lock at once, so a standby takes over within
one poll. The leader pings its lock connection: if that connection is lost it can no longer be sure
it leads, so it steps down (the process exits non-zero and its supervisor restarts it as a standby).

SQLite: one process only. A second instance on the same file would compete for the write lock and
both poll the same Telegram offset, so it refuses to start with a clear message instead.

Everything the leader does is in the database (offsets, sync tokens, dialogs, outbox), so a standby
that takes over simply continues: at worst one in-flight update is handled again, and the inbox
de-duplicates it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Protocol

import psycopg
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

# pg_advisory_lock takes a bigint; any constant works as long as every instance uses the same one.
ADVISORY_LOCK_KEY = int.from_bytes(b"nis2bot\x01", "big") & 0x7FFF_FFFF_FFFF_FFFF


class InstanceLockError(Exception):
    """This instance may not run (another one holds the SQLite database)."""


class LeadershipLost(Exception):
    """The leader can no longer prove that it leads; it must stop acting."""


class Leadership(Protocol):
    @property
    def is_leader(self) -> bool: ...
    async def acquire(self, stop: asyncio.Event) -> bool: ...
    async def watch(self, stop: asyncio.Event) -> None: ...
    def release(self) -> None: ...


def leadership_for(engine: Engine, *, poll_seconds: float = 2.0) -> Leadership:
    if engine.dialect.name == "sqlite":
        return SqliteInstanceLock(engine.url.database or ":memory:")
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresLeadership(url, poll_seconds=poll_seconds)


class SqliteInstanceLock:
    """An exclusive ``flock`` on ``<database>.lock``; the OS drops it when the process dies."""

    def __init__(self, database: str) -> None:
        self.path = Path(f"{database}.lock")
        self._file: IO[str] | None = None

    @property
    def is_leader(self) -> bool:
        return self._file is not None

    async def acquire(self, stop: asyncio.Event) -> bool:
        if self.path.name == ":memory:.lock":
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise InstanceLockError(
                f"another nis2bot is already running on this SQLite database ({self.path.with_suffix('')}). "
                "SQLite allows one instance; for several instances use PostgreSQL "
                "(NIS2BOT_DATABASE_URL=postgresql://...)."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    async def watch(self, stop: asyncio.Event) -> None:
        await stop.wait()  # a file lock cannot be lost while the process lives

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class PostgresLeadership:
    def __init__(self, url: str, *, poll_seconds: float = 2.0, ping_seconds: float = 2.0) -> None:
        self.url = url
        self.poll_seconds = poll_seconds
        self.ping_seconds = ping_seconds
        # A leader that hangs (frozen process, paused VM, network partition) keeps its connection
        # open, and PostgreSQL would keep the lock until TCP keepalive notices (2 hours by
        # default): no standby would ever take over. The leader pings every ``ping_seconds``, so
        # its session is never idle for long; one idle for ``lease_seconds`` belongs to a leader
        # that stopped, and the server ends it, which releases the lock (idle_session_timeout).
        self.lease_seconds = max(6.0, 3 * ping_seconds)
        self._connection: psycopg.Connection | None = None
        self._leader = False

    @property
    def is_leader(self) -> bool:
        return self._leader

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this instance leads (True) or ``stop`` is set (False)."""
        announced = False
        while not stop.is_set():
            try:
                if await asyncio.to_thread(self._try_lock):
                    self._leader = True
                    log.info("this instance is now the leader")
                    return True
                if not announced:
                    log.info("standby: another instance leads; taking over when it stops")
                    announced = True
            except psycopg.Error as error:
                log.warning("leadership check failed (%s); retrying", type(error).__name__)
                self._drop_connection()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
        return False

    def _try_lock(self) -> bool:
        if self._connection is None or self._connection.closed:
            self._connection = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
        row = self._connection.execute(
            "SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)
        ).fetchone()
        locked = bool(row and row[0])
        if locked and self._connection.info.server_version >= 140000:  # the setting is from 14
            self._connection.execute(
                "SELECT set_config('idle_session_timeout', %s, false)",
                (f"{int(self.lease_seconds * 1000)}",),
            )
        return locked

    async def watch(self, stop: asyncio.Event) -> None:
        """Return when stopped; raise LeadershipLost when the lock connection is gone."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.ping_seconds)
            if stop.is_set():
                return
            try:
                # Bounded: a leader cut off from the database must not go on acting for minutes
                # while a standby has taken over; by the lease's end the server has let go.
                await asyncio.wait_for(asyncio.to_thread(self._ping), timeout=self.lease_seconds)
            except (psycopg.Error, TimeoutError) as error:
                self._leader = False
                self._drop_connection()
                raise LeadershipLost(
                    f"lost the leadership connection to PostgreSQL ({type(error).__name__})"
                ) from None

    def _ping(self) -> None:
        assert self._connection is not None
        self._connection.execute("SELECT 1").fetchone()

    def release(self) -> None:
        if self._connection is not None and not self._connection.closed:
            with contextlib.suppress(psycopg.Error):
                self._connection.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        self._drop_connection()
        self._leader = False

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
        self._connection = None
