"""SQLite's one writer is shared fairly inside the process: a unit of work that arrives while a long
job holds the database gets the next turn, not the turn after the job's next batch (the busy
timeout's polling let a batch job take the lock again the instant it committed)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from storage.db import FairLock, make_engine, migrate, unit_of_work, write_lock


def _wait_until(condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.001)


def test_a_waiting_writer_goes_before_the_holders_next_batch(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fair.db'}")
    migrate(engine)
    lock = write_lock(engine)
    assert lock is not None
    order: list[str] = []
    first_batch_open = threading.Event()
    may_commit = threading.Event()

    def job() -> None:
        with unit_of_work(engine):
            first_batch_open.set()
            may_commit.wait(30)
            order.append("job batch 1")
        with unit_of_work(engine):  # the next batch, straight away
            order.append("job batch 2")

    def reply() -> None:
        with unit_of_work(engine):
            order.append("reply")

    batch = threading.Thread(target=job)
    batch.start()
    first_batch_open.wait(30)
    person = threading.Thread(target=reply)
    person.start()
    _wait_until(lambda: lock.waiting == 1)  # the reply is queued behind the first batch
    may_commit.set()
    batch.join(30)
    person.join(30)
    assert order == ["job batch 1", "reply", "job batch 2"]
    engine.dispose()


def test_the_fair_lock_is_reentrant_and_serves_in_arrival_order() -> None:
    lock = FairLock()
    lock.acquire()
    lock.acquire()  # the holder again: no deadlock
    served: list[int] = []

    def take(number: int) -> None:
        lock.acquire()
        served.append(number)
        lock.release()

    threads = []
    for number in range(5):
        thread = threading.Thread(target=take, args=(number,))
        thread.start()
        threads.append(thread)
        _wait_until(lambda n=number: lock.waiting == n + 1)
    lock.release()
    assert served == []  # still held once
    lock.release()
    for thread in threads:
        thread.join(30)
    assert served == [0, 1, 2, 3, 4]


def test_postgresql_needs_no_process_queue(engine) -> None:  # type: ignore[no-untyped-def]
    assert (write_lock(engine) is None) == (engine.dialect.name == "postgresql")


def test_a_read_only_unit_neither_waits_for_a_writer_nor_keeps_writes(tmp_path: Path) -> None:
    from storage import kv

    engine = make_engine(f"sqlite:///{tmp_path / 'ro.db'}")
    migrate(engine)
    with unit_of_work(engine) as session:
        kv.set_value(session=session, key="k", value="before", now=_now())
    writer_open = threading.Event()
    may_commit = threading.Event()

    def writer() -> None:
        with unit_of_work(engine) as session:
            kv.set_value(session=session, key="k", value="after", now=_now())
            writer_open.set()
            may_commit.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    writer_open.wait(30)
    with unit_of_work(engine, read_only=True) as session:  # would wait 30 s if it took the lock
        assert kv.get_value(session=session, key="k") == "before"  # the committed snapshot
    may_commit.set()
    thread.join(30)
    with unit_of_work(engine, read_only=True) as session:
        assert kv.get_value(session=session, key="k") == "after"
        kv.set_value(session=session, key="k", value="written in a read", now=_now())
    with unit_of_work(engine, read_only=True) as session:
        assert kv.get_value(session=session, key="k") == "after"  # rolled back, not kept
    engine.dispose()


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
