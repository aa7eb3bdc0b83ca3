"""Reply latency through a real Synapse (run by hand, not in CI).

    /work/venv/bin/python bench/matrix_latency.py [--messages 100] [--runs 3] [--paced]

A real Synapse on loopback (tests/fakes/synapse.py), the bot as in production (MatrixTransport +
outbox worker, SQLite in a temporary directory, default sync long-poll), and a real matrix-nio client
playing an enrolled employee. She sends ``!help`` and waits for the answer before the next one;
latency is from just before her send request to the moment her own long-poll sync returns the
bot's notice: what a person sees, both client round trips included.

By default the per-room pacing is opened up, so the figure is the system's own latency; with
``--paced`` the production defaults apply (5 messages per room at once, then 1/s), and a quick
sequence of questions measures that limit instead.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nio import AsyncClient, AsyncClientConfig, RoomPreset, SyncResponse  # noqa: E402

from storage.db import make_engine, migrate  # noqa: E402
from storage.enums import Role  # noqa: E402
from tests.fakes.synapse import SynapseServer  # noqa: E402
from tests.transports_matrix.helpers import Bot, bot_settings, enrol, make_org  # noqa: E402


async def one_run(synapse: SynapseServer, tmp: Path, messages: int, paced: bool) -> list[float]:
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    migrate(engine)
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    enrol(engine, make_org(engine, "ede"), anna_user.user_id, Role.EMPLOYEE, name="Anna")
    production = {"matrix_sync_timeout_ms": 30_000}
    if paced:
        production |= {
            "matrix_messages_per_second": 5.0,
            "matrix_room_messages_per_second": 1.0,
            "matrix_room_burst": 5,
        }
    settings = bot_settings(synapse, bot_user, tmp, **production)
    anna = AsyncClient(anna_user.homeserver, anna_user.user_id, config=AsyncClientConfig())
    anna.restore_login(anna_user.user_id, anna_user.device_id, anna_user.access_token)
    latencies: list[float] = []
    async with Bot(settings, engine):
        created = await anna.room_create(
            is_direct=True, invite=[bot_user.user_id], preset=RoomPreset.trusted_private_chat
        )
        room = created.room_id
        await wait_for_bot(anna, room, bot_user.user_id)  # the greeting: the bot is in
        for _ in range(messages):
            began = time.perf_counter()
            await anna.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "!help"})
            await wait_for_bot(anna, room, bot_user.user_id)
            latencies.append(time.perf_counter() - began)
    await anna.close()
    engine.dispose()
    return latencies


async def wait_for_bot(client: AsyncClient, room: str, bot_id: str) -> None:
    while True:
        answer = await client.sync(timeout=30_000)
        assert isinstance(answer, SyncResponse), answer
        joined = answer.rooms.join.get(room)
        if joined and any(e.sender == bot_id for e in joined.timeline.events):
            return


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paced", action="store_true", help="production per-room pacing")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        synapse = SynapseServer(Path(tmp) / "synapse")
        synapse.start()
        try:
            p50s, p99s = [], []
            for run in range(options.runs):
                folder = Path(tmp) / f"run{run}"
                folder.mkdir()
                values = asyncio.run(one_run(synapse, folder, options.messages, options.paced))
                p50, p99 = percentile(values, 0.50), percentile(values, 0.99)
                p50s.append(p50)
                p99s.append(p99)
                print(
                    f"run {run + 1}: {len(values)} replies, p50 {p50 * 1000:.1f} ms, "
                    f"p99 {p99 * 1000:.1f} ms, max {max(values) * 1000:.1f} ms"
                )
            print(
                f"median of runs: p50 {statistics.median(p50s) * 1000:.1f} ms, "
                f"p99 {statistics.median(p99s) * 1000:.1f} ms"
            )
        finally:
            synapse.stop()


if __name__ == "__main__":
    main()
