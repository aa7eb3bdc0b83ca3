"""End-to-end encryption against a client nobody here wrote: matrix-js-sdk 43 with its Rust crypto
(Element's engine) on Node 22, in strict mode (OnlySignedDevicesIsolationMode, Element's "exclude
insecure devices"), against the real Synapse. What a person would see is asserted: every message
decrypted, no UNSIGNED_SENDER_DEVICE, shield NONE, no identity warning."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nio.crypto.attachments import decrypt_attachment
from sqlalchemy.engine import Engine

from handlers.reply import Reply
from storage import outbox
from storage.clock import utc_now
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import Organisation
from tests.fakes.aio import run
from tests.fakes.synapse import SynapseServer
from tests.transports_matrix.element import ElementLike, ensure_node
from tests.transports_matrix.helpers import Bot, bot_settings, enrol, make_org

pytestmark = pytest.mark.slow
SECRET = "test-secret-key-that-seals-the-bots-matrix-keys"


@pytest.fixture(scope="module", autouse=True)
def _node() -> None:
    ensure_node()


def e2ee_settings(synapse: SynapseServer, bot: Any, tmp_path, **extra: Any):  # type: ignore[no-untyped-def]
    return bot_settings(synapse, bot, tmp_path, matrix_e2ee=True, matrix_secret_key=SECRET, **extra)


def assert_trusted(messages: list[dict[str, Any]]) -> None:
    """What Element in strict mode would show: readable, and no warning next to any of them."""
    for m in messages:
        assert m["encrypted"], m
        assert not m["decryption_failure"], m
        assert m["failure_reason"] != "UNSIGNED_SENDER_DEVICE", m
        assert m["shield"] == "NONE", m


def test_strict_client_encrypted_dm_help_and_a_whole_melden_dialog(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    org_id = make_org(engine, "ede")
    enrol(engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")
    settings = e2ee_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Bot(settings, engine) as bot, ElementLike(anna_user) as anna:
            # The bot opened a direct chat for Anna (enrolled, not met yet): she accepts it.
            opened = await anna.call("acceptInvite", **{"from": bot_user.user_id})
            assert opened["direct"]
            # Element's decision for a new DM: encrypted, because the bot's device has keys.
            dm = await anna.call("openDirectChat", invite=bot_user.user_id)
            assert dm["invitee_has_keys"] and dm["encrypted"]
            room = dm["room_id"]
            status = await anna.call("userStatus", userId=bot_user.user_id)
            assert not status["needs_user_approval"]
            assert all(d["signed_by_owner"] for d in status["devices"].values()), status
            [hello] = await anna.call("messages", roomId=room, sender=bot_user.user_id, count=1)
            assert_trusted([hello])
            assert "Hallo Anna" in hello["body"]
            await anna.call("send", roomId=room, text="!help")
            got = await anna.call("messages", roomId=room, sender=bot_user.user_id, count=2)
            assert_trusted(got)
            assert "!melden" in got[1]["body"]
            assert bot.transport.stats["undecryptable"] == 0

            # A document for her (a certificate, an exercise report): the file is encrypted
            # before upload, the homeserver holds only ciphertext, her client can decrypt it.
            data = b"%PDF-1.4 certificaat van Anna\n" * 50
            with unit_of_work(engine) as session:
                outbox.enqueue(
                    session=session, platform="matrix", chat_id=room, payload=Reply("").to_payload(),
                    idempotency_key="test:attachment", now=utc_now(),
                    attachments=[("document", "certificaat.pdf", "application/pdf", data)],
                )  # fmt: skip
            bot.runtime.worker.wake()
            [*_, doc] = await anna.call("messages", roomId=room, sender=bot_user.user_id, count=3)
            assert_trusted([doc])
            assert doc["msgtype"] == "m.file" and doc["url"] is None and doc["file"]
            stored = download(synapse, doc["file"]["url"], anna_user.access_token)
            assert data not in stored
            file = doc["file"]
            plain = decrypt_attachment(
                stored, file["key"]["k"], file["hashes"]["sha256"], file["iv"]
            )
            assert plain == data

    run(main())


def download(synapse: SynapseServer, mxc: str, token: str) -> bytes:
    import urllib.request

    server_name, media_id = mxc.removeprefix("mxc://").split("/", 1)
    request = urllib.request.Request(
        f"{synapse.url}/_matrix/client/v1/media/download/{server_name}/{media_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return bytes(answer.read())


MELDEN = [
    "Ik heb op een link geklikt in een mail over een pakketje",
    "gisteren 9:15",
    "E-mail",
    "1",  # impact: none (a number picks a choice)
    "Nee",
    "Nee",
    "Wachtwoord gewijzigd",
    "1",  # send
]


async def say_and_wait(client: ElementLike, room: str, bot: str, text: str) -> dict[str, Any]:
    """Send ``text`` and return the bot's next message (all so far must be trustworthy)."""
    before = len(await client.call("messages", roomId=room, sender=bot, count=0))
    await client.call("send", roomId=room, text=text)
    got = await client.call("messages", roomId=room, sender=bot, count=before + 1)
    assert_trusted(got)
    return got[before]


def test_strict_clients_report_an_incident_and_decide_it_in_an_encrypted_ismt_room(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    cor_user, isa_user = synapse.make_user("cor"), synapse.make_user("isa")
    org_id = make_org(engine, "ede")
    enrol(engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")
    enrol(engine, org_id, cor_user.user_id, Role.COORDINATOR, name="Cor")
    enrol(engine, org_id, isa_user.user_id, Role.ISMT, name="Isa")
    settings = e2ee_settings(synapse, bot_user, tmp_path)
    bot_id = bot_user.user_id

    async def main() -> None:
        async with (
            Bot(settings, engine) as bot,
            ElementLike(anna_user) as anna,
            ElementLike(cor_user) as cor,
            ElementLike(isa_user) as isa,
        ):
            # An encrypted group room (Element creates private rooms encrypted), linked as ISMT.
            ismt = (
                await cor.call(
                    "createRoom", name="ISMT Ede", invite=[bot_id, isa_user.user_id], encrypted=True
                )
            )["room_id"]
            await isa.call("joinRoom", roomId=ismt)
            await cor.call("waitForJoin", roomId=ismt, userId=bot_id)
            hint = await cor.call("messages", roomId=ismt, sender=bot_id, count=1)
            assert "!koppel ismt" in hint[0]["body"]
            linked = await say_and_wait(cor, ismt, bot_id, "!koppel ismt")
            assert "ISMT" in linked["body"]

            # Anna reports in an encrypted direct chat (Element's choice: the bot has keys).
            room = (await anna.call("openDirectChat", invite=bot_id))["room_id"]
            await anna.call("messages", roomId=room, sender=bot_id, count=1)  # "Hallo Anna"
            last = await say_and_wait(anna, room, bot_id, "!melden")
            for answer in MELDEN:
                last = await say_and_wait(anna, room, bot_id, answer)
            assert "INC-" in last["body"], last["body"]
            reference = "INC-" + last["body"].split("INC-", 1)[1][:9]

            # The alert reaches the encrypted ISMT room, readable by both members, no warning.
            for member in (isa, cor):
                got = await member.call("messages", roomId=ismt, sender=bot_id, count=3)
                assert_trusted(got)
                assert any(f"Nieuwe incidentmelding {reference}" in m["body"] for m in got)
            decided = await say_and_wait(isa, ismt, bot_id, f"!incident {reference} significant ja")
            assert "is significant, besloten door Isa" in decided["body"]
            assert bot.transport.stats["undecryptable"] == 0

    run(main())


def test_restart_and_new_device_keep_the_identity_and_a_replayed_batch_breaks_nothing(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    org_id = make_org(engine, "ede")
    with unit_of_work(engine) as session:  # the organisation asks for encrypted direct chats
        org = session.get(Organisation, org_id)
        org.settings = {"matrix_encrypted_direct_chats": True}  # type: ignore[union-attr]
        session.add(org)
    enrol(engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")
    settings = e2ee_settings(synapse, bot_user, tmp_path)
    bot_id = bot_user.user_id

    async def main() -> None:
        async with ElementLike(anna_user) as anna:
            async with Bot(settings, engine) as bot:
                room = (await anna.call("acceptInvite", **{"from": bot_id}))["room_id"]
                assert_trusted(await anna.call("messages", roomId=room, sender=bot_id, count=1))
                first = await anna.call("userStatus", userId=bot_id)
                await say_and_wait(anna, room, bot_id, "!wie")
                since_before = bot.transport.since
                await say_and_wait(anna, room, bot_id, "!help")
            # 1. A restart (same device): the conversation goes on, no identity warning. The
            #    stored sync position is set back first, so the batch with Anna's last message
            #    (and its to-device keys) is handled a second time.
            from bot.transports.matrix_login import since_key, write_kv

            write_kv(engine, since_key(bot_id), since_before)
            async with Bot(settings, engine) as bot:
                reply = await say_and_wait(anna, room, bot_id, "!wie")
                assert "Anna" in reply["body"]
                assert bot.transport.stats["duplicates"] >= 1  # the replayed "!help"
                assert bot.transport.stats["undecryptable"] == 0
            # 2. A new device of the bot (a fresh password login): signed with the same
            #    self-signing key, so Anna sees no identity reset and no unsigned device.
            new_device = e2ee_settings(
                synapse, bot_user, tmp_path, matrix_access_token=None, matrix_device_id=None,
                matrix_password=bot_user.password,
            )  # fmt: skip
            async with Bot(new_device, engine) as bot:
                assert bot.transport.client.device_id != bot_user.device_id
                status = await anna.call("userStatus", userId=bot_id)  # her app learns it
                assert not status["needs_user_approval"]
                await anna.call("send", roomId=room, text="!help")
                got = await anna.call("messages", roomId=room, sender=bot_id, count=5)
                assert_trusted(got)
                assert "!melden" in got[4]["body"]
                assert bot.transport.stats["undecryptable"] == 0
                assert bot.transport.client.device_id in status["devices"]
                assert all(d["signed_by_owner"] for d in status["devices"].values()), status
                assert first["devices"].keys() <= status["devices"].keys()

    run(main())


def test_a_standby_on_another_disk_takes_over_the_encrypted_room(
    synapse: SynapseServer, engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Leader failover: the leader dies without flushing anything; the standby (same database,
    its own empty disk) answers in the encrypted room and the employee reads it, no warning."""
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    enrol(engine, make_org(engine, "ede"), anna_user.user_id, Role.EMPLOYEE, name="Anna")
    leader = e2ee_settings(synapse, bot_user, tmp_path / "leader")
    standby = e2ee_settings(synapse, bot_user, tmp_path / "standby")
    bot_id = bot_user.user_id

    async def main() -> None:
        async with ElementLike(anna_user) as anna:
            bot = Bot(leader, engine)
            await bot.__aenter__()
            room = (await anna.call("openDirectChat", invite=bot_id))["room_id"]
            await anna.call("messages", roomId=room, sender=bot_id, count=1)
            await say_and_wait(anna, room, bot_id, "!wie")
            bot.transport.crypto = None  # a killed process saves nothing at the end
            await bot.crash()
            assert not (tmp_path / "standby" / "matrix-crypto").exists()
            async with Bot(standby, engine) as took_over:
                reply = await say_and_wait(anna, room, bot_id, "!help")
                assert "!melden" in reply["body"]
                status = await anna.call("userStatus", userId=bot_id)
                assert not status["needs_user_approval"]
                assert list(status["devices"]) == [bot_user.device_id]  # the same device
                assert took_over.transport.stats["undecryptable"] == 0
                # A message the bot cannot decrypt (its key never reached the bot) is not
                # dropped in silence: the person is asked, once, to send it again.
                garbage = {
                    "algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEnB5",
                    "sender_key": "x", "device_id": "D", "session_id": "unknown-session",
                }  # fmt: skip
                path = f"/_matrix/client/v3/rooms/{room}/send/m.room.encrypted/lost-1"
                synapse.request("PUT", path, garbage, anna_user.access_token)
                got = await anna.call("messages", roomId=room, sender=bot_id, count=4)
                assert_trusted(got)
                assert "Stuur het nog een keer" in got[3]["body"]
                assert "Please send it again" in got[3]["body"]
                assert took_over.transport.stats["undecryptable"] == 1

    run(main())


@pytest.fixture(scope="module")
def encrypting_synapse(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A homeserver that encrypts every new room, as many government homeservers do."""
    server = SynapseServer(
        tmp_path_factory.mktemp("synapse-encrypting"),
        extra_config={"encryption_enabled_by_default_for_room_type": "all"},
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_homeserver_that_encrypts_every_room(
    encrypting_synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    synapse, engine = encrypting_synapse, sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    piet_user = synapse.make_user("piet")
    org_id = make_org(engine, "ede")
    enrol(engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")
    bot_id = bot_user.user_id

    async def main() -> None:
        # Encryption off: the room the bot opens comes out encrypted; it leaves it and says why
        # in the log, and does not try again for Anna.
        async with Bot(bot_settings(synapse, bot_user, tmp_path / "off"), engine) as bot:
            await bot.wait_for(lambda: bot.transport.stats["encrypted_rooms"] == 1)
            assert bot.transport.stats["direct_rooms_created"] == 1
            bot.transport.direct.wake()
            await asyncio.sleep(1.0)
            assert bot.transport.stats["direct_rooms_created"] == 1
        # Encryption on: someone enrolled now gets a direct chat (encrypted by the homeserver)
        # whose every message their strict client reads without a warning.
        enrol(engine, org_id, piet_user.user_id, Role.EMPLOYEE, name="Piet")
        settings = e2ee_settings(synapse, bot_user, tmp_path / "on")
        async with ElementLike(piet_user) as piet, Bot(settings, engine) as bot:
            opened = await piet.call("acceptInvite", **{"from": bot_id})
            assert opened["direct"]
            [hello] = await piet.call("messages", roomId=opened["room_id"], sender=bot_id, count=1)
            assert_trusted([hello])
            assert "Hallo Piet" in hello["body"]
            reply = await say_and_wait(piet, opened["room_id"], bot_id, "!wie")
            assert "Piet" in reply["body"]
            assert bot.transport.stats["undecryptable"] == 0

    run(main())


def test_element_dm_decision_without_bot_keys_gives_an_unencrypted_chat_that_works(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Encryption off: the bot's device has no keys, so Element makes the direct chat without
    encryption, and it works like any chat."""
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    enrol(sqlite_engine, make_org(sqlite_engine, "ede"), anna_user.user_id, Role.EMPLOYEE)
    bot_id = bot_user.user_id

    async def main() -> None:
        settings = bot_settings(synapse, bot_user, tmp_path)
        async with ElementLike(anna_user) as anna, Bot(settings, sqlite_engine):
            dm = await anna.call("openDirectChat", invite=bot_id)
            assert not dm["invitee_has_keys"] and not dm["encrypted"]
            await anna.call("messages", roomId=dm["room_id"], sender=bot_id, count=1)  # joined
            await anna.call("send", roomId=dm["room_id"], text="!help")
            got = await anna.call("messages", roomId=dm["room_id"], sender=bot_id, count=2)
            assert [m["encrypted"] for m in got] == [False, False]
            assert "!melden" in got[1]["body"]

    run(main())


def test_encryption_on_without_the_secret_refuses_to_start_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.config import Settings
    from bot.transports import TransportStartError
    from bot.transports.matrix_crypto import secret_of

    settings = Settings(data_dir=tmp_path, matrix_e2ee=True, matrix_user_id="@bot:x.nl")
    with pytest.raises(TransportStartError) as refused:
        secret_of(settings)
    message = str(refused.value)
    assert "\n" not in message
    assert "NIS2BOT_MATRIX_SECRET_KEY" in message and "NIS2BOT_MATRIX_E2EE=false" in message


def test_keys_sealed_with_another_secret_are_refused_not_replaced() -> None:
    from bot.transports.matrix_secret import SecretMismatch, seal, unseal

    sealed = seal(SECRET, "cross-signing", b"seeds")
    assert unseal(SECRET, "cross-signing", sealed) == b"seeds"
    assert b"seeds" not in sealed
    with pytest.raises(SecretMismatch, match="another NIS2BOT_MATRIX_SECRET_KEY"):
        unseal("another secret", "cross-signing", sealed)
    with pytest.raises(SecretMismatch):  # a key for one purpose does not open another's
        unseal(SECRET, "crypto-store", sealed)


def test_a_wrong_secret_stops_the_bot_and_keeps_its_keys(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from bot.transports import TransportStartError
    from storage import matrix_crypto

    bot_user = synapse.make_user("bot")
    settings = e2ee_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Bot(settings, sqlite_engine):
            pass
        with unit_of_work(sqlite_engine) as session:
            kept = matrix_crypto.load_cross_signing(session=session, user_id=bot_user.user_id)
            assert kept is not None
            master = kept.master_key
        wrong = bot_settings(
            synapse, bot_user, tmp_path, matrix_e2ee=True, matrix_secret_key="not the secret"
        )
        with pytest.raises(TransportStartError, match="another NIS2BOT_MATRIX_SECRET_KEY"):
            async with Bot(wrong, sqlite_engine):
                pass
        with unit_of_work(sqlite_engine) as session:
            again = matrix_crypto.load_cross_signing(session=session, user_id=bot_user.user_id)
            assert again is not None and again.master_key == master  # not replaced
        async with Bot(settings, sqlite_engine) as bot:  # the right secret works again
            assert bot.transport.crypto is not None and bot.transport.crypto.keys is not None
            assert bot.transport.crypto.keys.master.public == master

    run(main())
