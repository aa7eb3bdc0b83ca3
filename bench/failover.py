"""Failover: two real ``nis2bot run`` processes on one PostgreSQL, the leader SIGKILLed mid-dialog.

Per round: a fresh database; ``nis2bot migrate``, ``org add``, ``invite create --json``; two
``nis2bot run`` processes (instance A first, so it leads; B stands by) against the Bot API fake
running in this process, each with its own ``NIS2BOT_METRICS_PORT``. A person enrols with
``/start CODE`` (welcome + the profile dialog's first question), types a name (the department
question comes), thinks for 1-3 s (random), and then the leader is SIGKILLed and the person at once
types the department. Measured: kill -> the standby's reply recorded by the fake, and kill ->
the standby's /healthz saying "leader". Then the person presses a language button and the dialog
must end with the profile saved, every question asked exactly once, and the answers in the database.

    python bench/failover.py                  # 5 rounds
    python bench/failover.py --rounds 1 --keep-logs
    python bench/failover.py --freeze         # the leader hangs (SIGSTOP) instead of dying
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from load_dialogs import scratch_postgres

from tests.fakes.telegram_api import FakeTelegramAPI

NIS2BOT = str(Path(sys.executable).with_name("nis2bot"))
TOKEN = "444444444:AAFakeTokenForBenchmarksOnly_nis2bot"
# Every question of the dialog, in order; each must reach the person exactly once.
QUESTIONS = ("Wat is je naam", "Bij welke afdeling", "In welke taal", "Your profile is saved")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthz(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
            return json.loads(answer.read())
    except OSError:
        return None


def wait_for(predicate, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise TimeoutError(what)


@dataclass
class Instance:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


def start_instance(name: str, env: dict[str, str], logs: Path) -> Instance:
    port = free_port()
    log = logs / f"{name}.log"
    process = subprocess.Popen(
        [NIS2BOT, "run"],
        env={**env, "NIS2BOT_METRICS_PORT": str(port)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return Instance(name, port, process, log)


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([NIS2BOT, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


@dataclass
class Round:
    kill_to_reply: float
    kill_to_leader: float | None
    standby_before: dict[str, object] | None
    standby_after: dict[str, object] | None
    texts: list[str]
    problems: list[str]


def one_round(
    tg: FakeTelegramAPI, number: int, logs: Path, rng: random.Random, freeze: bool
) -> Round:
    with scratch_postgres("bench_failover") as url:
        env = {
            **os.environ,
            "NIS2BOT_DATABASE_URL": url,
            "NIS2BOT_DATA_DIR": str(logs),
            "NIS2BOT_TELEGRAM_TOKEN": tg.token,
            "NIS2BOT_TELEGRAM_API_URL": tg.base_url,
        }
        cli(env, "migrate")
        slug = f"failover-{number}"
        cli(env, "org", "add", slug, "--name", "Gemeente Failover", "--country", "nl")
        code = json.loads(
            cli(env, "invite", "create", "--org", slug, "--role", "employee", "--json")
        )
        code = code["code"] if isinstance(code, dict) else code
        a = start_instance(f"round{number}-a", env, logs)
        wait_for(lambda: (healthz(a.port) or {}).get("role") == "leader", 60, "A leads")
        b = start_instance(f"round{number}-b", env, logs)
        wait_for(lambda: (healthz(b.port) or {}).get("role") == "standby", 60, "B stands by")
        problems: list[str] = []
        try:
            person = tg.add_user(f"Failover {number}", language_code="nl")
            tg.send_text(person, f"/start {code}")
            tg.wait_for_sent_sync(person, count=2, timeout=30)  # welcome + name question
            tg.send_text(person, f"Persoon Failover {number}")
            tg.wait_for_sent_sync(person, count=3, timeout=30)  # department question
            # The person reads the question. A random while, so the kill falls anywhere in the
            # standby's poll cycle (every NIS2BOT_LEADER_POLL_SECONDS, default 2 s), not always at
            # the same phase of it.
            time.sleep(rng.uniform(1.0, 3.0))
            standby_before = healthz(b.port)

            became_leader: list[float] = []

            def watch_standby() -> None:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    if (healthz(b.port) or {}).get("role") == "leader":
                        became_leader.append(time.monotonic())
                        return
                    time.sleep(0.02)

            killed = time.monotonic()
            a.process.send_signal(signal.SIGSTOP if freeze else signal.SIGKILL)
            watcher = threading.Thread(target=watch_standby, daemon=True)
            watcher.start()
            tg.send_text(person, "Burgerzaken")  # the next step, right after the kill
            language = tg.wait_for_sent_sync(person, count=4, timeout=60)[3]
            kill_to_reply = language.sent_monotonic - killed
            watcher.join(60)
            tg.press_button(person, language, data="en")
            tg.wait_for_sent_sync(person, count=5, timeout=30)
            time.sleep(1.5)  # a repeated question or duplicate would show up now
            standby_after = healthz(b.port)
            if freeze:
                # The frozen leader wakes up: its next ping finds its session ended by the
                # server, so it must step down and exit non-zero (its supervisor restarts it).
                a.process.send_signal(signal.SIGCONT)
                if a.process.wait(20) != 1:
                    problems.append(f"the old leader exited with {a.process.returncode}, not 1")
            else:
                a.process.wait(10)
            texts = tg.texts(person)
            for question in QUESTIONS:
                times = sum(question in text for text in texts)
                if times != 1:
                    problems.append(f"{question!r} sent {times} times")
            if len(texts) != 5:
                problems.append(f"{len(texts)} messages instead of 5")
            problems += check_database(url, person.id)
        finally:
            for instance in (a, b):
                if instance.process.poll() is None:
                    instance.process.send_signal(signal.SIGTERM)
            for instance in (a, b):
                try:
                    instance.process.wait(20)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
                    problems.append(f"{instance.name} did not stop on SIGTERM")
        return Round(
            kill_to_reply,
            became_leader[0] - killed if became_leader else None,
            standby_before,
            standby_after,
            texts,
            problems,
        )


def check_database(url: str, telegram_id: int) -> list[str]:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection:
        row = connection.execute(
            "SELECT p.name, p.department, p.language FROM person p JOIN identity i "
            "ON i.person_id = p.id WHERE i.platform = 'telegram' AND i.external_id = %s",
            (str(telegram_id),),
        ).fetchone()
    expected = ("Persoon Failover", "Burgerzaken", "en")
    if row is None or not row[0].startswith(expected[0]) or tuple(row[1:]) != expected[1:]:
        return [f"profile in the database is {row}, expected name/Burgerzaken/en"]
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="SIGSTOP the leader instead of SIGKILL (a hung process, paused VM, lost network)",
    )
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="nis2bot-failover-"))
    rng = random.Random(args.seed)
    load_before = os.getloadavg()
    rounds: list[Round] = []
    with FakeTelegramAPI(token=TOKEN) as tg:  # Telegram's rate limits on, real time
        for number in range(1, args.rounds + 1):
            result = one_round(tg, number, logs, rng, args.freeze)
            rounds.append(result)
            leader = "-" if result.kill_to_leader is None else f"{result.kill_to_leader:.2f} s"
            print(
                f"round {number}: kill->reply {result.kill_to_reply:.2f} s, "
                f"kill->standby /healthz leader {leader}; "
                f"standby /healthz before {result.standby_before} after {result.standby_after}; "
                f"problems: {result.problems or 'none'}"
            )
    replies = [r.kill_to_reply for r in rounds]
    leaders = [r.kill_to_leader for r in rounds if r.kill_to_leader is not None]
    print(
        f"kill -> first reply by the standby: median {statistics.median(replies):.2f} s, "
        f"max {max(replies):.2f} s (n={len(replies)})"
    )
    if leaders:
        print(
            f"kill -> standby reports leader: median {statistics.median(leaders):.2f} s, "
            f"max {max(leaders):.2f} s"
        )
    print(f"rounds with problems: {sum(bool(r.problems) for r in rounds)}")
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f} after {load_after[0]:.2f} (1 min, 2 CPUs)")
    if args.keep_logs:
        print(f"logs: {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    main()
