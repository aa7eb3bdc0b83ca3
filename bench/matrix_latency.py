"""Reply latency through a real Synapse (run by hand, not in CI).

    /work/venv/bin/python bench/matrix_latency.py [--messages 100] [--runs 3] [--paced]
    /work/venv/bin/python bench/matrix_latency.py --encryption [--messages 100] [--runs 3]
    /work/venv/bin/python bench/matrix_latency.py --fanout 500

A real Synapse on loopback (tests/fakes/synapse.py), the bot as in production (MatrixTransport +
outbox worker, SQLite in a temporary directory, default sync long-poll), and a real matrix-nio client
playing an enrolled employee. She sends ``!help`` and waits for the answer before the next one;
latency is from just before her send request to the moment her own long-poll sync returns the
bot's notice: what a person sees, both client round trips included.

By default the per-room pacing is opened up, so the figure is the system's own latency; with
``--paced`` the production defaults apply (5 messages per room at once, then 1/s), and a quick
sequence of questions measures that limit instead.

``--encryption``: encrypted against unencrypted in one run. The bot runs with end-to-end
encryption on; the employee is a matrix-nio client with encryption (vodozemac) and two direct chats
with the bot, one encrypted and one not; her ``!help`` messages alternate between them, so both
figures share the same load and the same moment.

``--fanout N``: N people (each with a device that has keys), an organisation that asks for
encrypted direct chats, the bot with encryption on: the time to open the N direct rooms, then the
time to deliver one message to each room through the outbox at the configured pace (production
default 5 messages/s), against the pace's own minimum (N / rate).
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

from nio import (  # noqa: E402
    AsyncClient,
    AsyncClientConfig,
    MegolmEvent,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

from bot.transports.matrix_direct import ENCRYPTION_STATE  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import (  # noqa: E402
    make_engine,
    migrate,
    unit_of_work,
)
from storage.enums import Role  # noqa: E402
from storage.models import Organisation  # noqa: E402
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


SECRET = "bench-secret-key-for-the-matrix-keys"


async def e2e_client(user, store: Path) -> AsyncClient:  # type: ignore[no-untyped-def]
    """A person's client with encryption: keys uploaded, devices trusted on first use."""
    store.mkdir(parents=True, exist_ok=True)
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False)
    client = AsyncClient(user.homeserver, user.user_id, store_path=str(store), config=config)
    client.restore_login(user.user_id, user.device_id, user.access_token)
    if client.should_upload_keys:
        await client.keys_upload()
    return client


async def e2e_sync(client: AsyncClient, timeout: int = 30_000) -> SyncResponse:
    answer = await client.sync(timeout=timeout)
    assert isinstance(answer, SyncResponse), answer
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    return answer


async def wait_for_bot_e2e(client: AsyncClient, room: str, bot_id: str) -> None:
    while True:
        answer = await e2e_sync(client)
        joined = answer.rooms.join.get(room)
        if joined and any(
            e.sender == bot_id and not isinstance(e, MegolmEvent) for e in joined.timeline.events
        ):
            return


async def encryption_run(
    synapse: SynapseServer, tmp: Path, messages: int
) -> dict[str, list[float]]:
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    migrate(engine)
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    enrol(engine, make_org(engine, "ede"), anna_user.user_id, Role.EMPLOYEE, name="Anna")
    settings = bot_settings(
        synapse, bot_user, tmp, matrix_sync_timeout_ms=30_000, matrix_e2ee=True,
        matrix_secret_key=SECRET,
    )  # fmt: skip
    anna = await e2e_client(anna_user, tmp / "anna-store")
    await e2e_sync(anna, 0)
    rooms: dict[str, str] = {}
    latencies: dict[str, list[float]] = {"unencrypted": [], "encrypted": []}
    async with Bot(settings, engine):
        for kind in latencies:
            initial = [ENCRYPTION_STATE] if kind == "encrypted" else []
            created = await anna.room_create(
                is_direct=True, invite=[bot_user.user_id], preset=RoomPreset.trusted_private_chat,
                initial_state=initial,
            )  # fmt: skip
            rooms[kind] = created.room_id
            await wait_for_bot_e2e(anna, created.room_id, bot_user.user_id)  # the greeting
        for n in range(messages * 2):
            kind = "encrypted" if n % 2 else "unencrypted"
            began = time.perf_counter()
            sent = await anna.room_send(
                rooms[kind], "m.room.message", {"msgtype": "m.text", "body": "!help"},
                ignore_unverified_devices=True,
            )  # fmt: skip
            assert isinstance(sent, RoomSendResponse), sent
            await wait_for_bot_e2e(anna, rooms[kind], bot_user.user_id)
            latencies[kind].append(time.perf_counter() - began)
    await anna.close()
    engine.dispose()
    return latencies


async def fanout_run(synapse: SynapseServer, tmp: Path, people: int) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    migrate(engine)
    org_id = make_org(engine, "ede")
    with unit_of_work(engine) as session:
        org = session.get(Organisation, org_id)
        org.settings = {"matrix_encrypted_direct_chats": True}  # type: ignore[union-attr]
        session.add(org)
    bot_user = synapse.make_user("bot")
    synapse.exempt_from_rate_limits(bot_user)
    began = time.perf_counter()
    users = [synapse.make_user(f"p{n}") for n in range(people)]
    for n, user in enumerate(users):  # every person has a device with keys, as with Element
        client = await e2e_client(user, tmp / "stores" / str(n))
        await client.close()
        enrol(engine, org_id, user.user_id, Role.EMPLOYEE, name=f"Person {n}")
    prepared = time.perf_counter() - began
    settings = bot_settings(
        synapse, bot_user, tmp, matrix_e2ee=True, matrix_secret_key=SECRET,
        matrix_messages_per_second=5.0, matrix_room_messages_per_second=1.0, matrix_room_burst=5,
    )  # fmt: skip
    figures = {"people": float(people), "prepare_s": prepared}
    async with Bot(settings, engine) as bot:
        started = time.perf_counter()
        await bot.wait_for(
            lambda: bot.transport.stats["direct_rooms_created"] >= people, timeout=3600
        )
        figures["open_rooms_s"] = time.perf_counter() - started
        # The greetings are the fan-out: one message per new room, through the outbox.
        await bot.wait_for(lambda: sent_count(engine) >= people, timeout=3600)
        figures["deliver_s"] = time.perf_counter() - started
        figures["pace_minimum_s"] = people / settings.matrix_messages_per_second
        figures["undecryptable"] = float(bot.transport.stats["undecryptable"])
    figures["sent"] = float(sent_count(engine))
    engine.dispose()
    return figures


def sent_count(engine) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return int(outbox.backlog(session=session).get("sent", 0))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paced", action="store_true", help="production per-room pacing")
    parser.add_argument("--encryption", action="store_true", help="encrypted vs unencrypted")
    parser.add_argument("--fanout", type=int, default=0, help="people reached in encrypted DMs")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        synapse = SynapseServer(Path(tmp) / "synapse")
        synapse.start()
        try:
            if options.fanout:
                folder = Path(tmp) / "fanout"
                folder.mkdir()
                print(asyncio.run(fanout_run(synapse, folder, options.fanout)))
                return
            if options.encryption:
                medians: dict[str, list[tuple[float, float]]] = {}
                for run in range(options.runs):
                    folder = Path(tmp) / f"run{run}"
                    folder.mkdir()
                    result = asyncio.run(encryption_run(synapse, folder, options.messages))
                    for kind, values in result.items():
                        p50, p99 = percentile(values, 0.50), percentile(values, 0.99)
                        medians.setdefault(kind, []).append((p50, p99))
                        print(
                            f"run {run + 1} {kind}: {len(values)} replies, p50 "
                            f"{p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max "
                            f"{max(values) * 1000:.1f} ms"
                        )
                for kind, pairs in medians.items():
                    print(
                        f"{kind}: median p50 {statistics.median(p for p, _ in pairs) * 1000:.1f} "
                        f"ms, median p99 {statistics.median(q for _, q in pairs) * 1000:.1f} ms"
                    )
                return
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
