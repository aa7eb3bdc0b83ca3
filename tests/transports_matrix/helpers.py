"""The Matrix transport against a real Synapse: the bot runs as in production (transport + outbox
worker as tasks), people are real matrix-nio clients. Imported by the tests, not collected.

Waiting is polling a real server with generous timeouts (safety nets, never measurements).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    JoinError,
    RoomCreateResponse,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)
from sqlalchemy.engine import Engine

from bot.app import Runtime, build_runtime
from bot.config import Settings
from bot.transports.matrix import MatrixTransport
from handlers.people.invites import make_invite
from storage import organisations, people
from storage.clock import utc_now
from storage.db import unit_of_work
from storage.enums import Role
from tests.fakes.synapse import MatrixUser, SynapseServer

CONFIG = AsyncClientConfig(max_limit_exceeded=3, max_timeouts=3, request_timeout=30)


def bot_settings(synapse: SynapseServer, bot: MatrixUser, tmp: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp,
        "matrix_homeserver": synapse.url,
        "matrix_user_id": bot.user_id,
        "matrix_access_token": bot.access_token,
        "matrix_device_id": bot.device_id,
        "matrix_sync_timeout_ms": 2000,
        "matrix_messages_per_second": 200,
        "matrix_room_messages_per_second": 50,
        "matrix_room_burst": 50,
        # These tests are about the unencrypted path; the encryption tests switch it on.
        "matrix_e2ee": False,
    }
    values.update(extra)
    return Settings(**values)


class Bot:
    """The runtime with a started MatrixTransport; ``async with`` runs its sync loop and worker."""

    def __init__(self, settings: Settings, engine: Engine, clock: Callable = utc_now) -> None:  # type: ignore[type-arg]
        self.settings = settings
        self.runtime: Runtime = build_runtime(settings, {}, engine=engine, clock=clock)
        self.transport = MatrixTransport(settings, self.runtime)
        self.runtime.worker.transports["matrix"] = self.transport
        self.runtime.worker.poll_seconds = 0.2
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Bot:
        await self.transport.start()
        self.tasks = [
            asyncio.create_task(self.transport.run(self.stop)),
            asyncio.create_task(self.runtime.worker.run(self.stop)),
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        for task in self.tasks:
            await task
        await self.transport.close()

    async def crash(self) -> None:
        """Cancel everything at once, as a killed process would leave it (nothing flushed)."""
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.transport.close()

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 30) -> None:
        async def poll() -> None:
            while not condition():
                await asyncio.sleep(0.05)

        await asyncio.wait_for(poll(), timeout)


class Person:
    """Someone with a Matrix client (Element-like): makes rooms, writes, reads the bot's events."""

    def __init__(self, user: MatrixUser) -> None:
        self.user = user
        self.client = AsyncClient(user.homeserver, user.user_id, config=CONFIG)
        self.client.restore_login(user.user_id, user.device_id, user.access_token)
        self.seen: dict[str, list[Event]] = {}
        self.invites: dict[str, bool] = {}  # room id -> marked as a direct chat
        self.joined: set[str] = set()

    async def close(self) -> None:
        await self.client.close()

    async def __aenter__(self) -> Person:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open_direct_chat(self, bot_user_id: str, **kwargs: Any) -> str:
        created = await self.client.room_create(
            is_direct=True, invite=[bot_user_id], preset=RoomPreset.trusted_private_chat, **kwargs
        )
        assert isinstance(created, RoomCreateResponse), created
        return str(created.room_id)

    async def say(self, room_id: str, text: str, **extra: Any) -> str:
        content = {"msgtype": "m.text", "body": text, **extra}
        sent = await self.client.room_send(room_id, "m.room.message", content)
        assert isinstance(sent, RoomSendResponse), sent
        return str(sent.event_id)

    async def sync_once(self, timeout_ms: int = 500) -> None:
        answer = await self.client.sync(timeout=timeout_ms)
        assert isinstance(answer, SyncResponse), answer
        for room_id, info in answer.rooms.join.items():
            self.seen.setdefault(room_id, []).extend(info.timeline.events)
        for room_id, info in answer.rooms.invite.items():
            for event in info.invite_state:
                if (
                    getattr(event, "state_key", None) == self.user.user_id
                    and getattr(event, "membership", None) == "invite"
                ):
                    self.invites[room_id] = bool(event.content.get("is_direct"))

    async def wait_for_invite(self, sender: str, timeout: float = 30) -> str:
        """The next room ``sender`` invited this person to, marked as a direct chat; joined."""

        async def poll() -> str:
            while True:
                for room_id in list(self.invites):
                    room = self.client.invited_rooms.get(room_id)
                    if room is not None and room.inviter == sender and room_id not in self.joined:
                        assert self.invites[room_id], "the invite is not marked as direct"
                        self.joined.add(room_id)
                        answer = await self.client.join(room_id)
                        assert not isinstance(answer, JoinError), answer
                        return room_id
                await self.sync_once()

        return await asyncio.wait_for(poll(), timeout)

    def from_sender(self, room_id: str, sender: str) -> list[Event]:
        return [
            e
            for e in self.seen.get(room_id, [])
            if e.sender == sender and e.source.get("type") == "m.room.message"
        ]

    async def wait_for_messages(
        self, room_id: str, sender: str, count: int, timeout: float = 30
    ) -> list[Event]:
        """At least ``count`` messages from ``sender`` in the room (all of them, oldest first)."""

        async def poll() -> list[Event]:
            while len(self.from_sender(room_id, sender)) < count:
                await self.sync_once()
            return self.from_sender(room_id, sender)

        return await asyncio.wait_for(poll(), timeout)

    async def quiet_for(self, seconds: float) -> None:
        """Keep syncing for a while (to prove that nothing more arrives)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            await self.sync_once(timeout_ms=200)


def make_org(engine: Engine, slug: str, *, matrix_domain: str | None = None) -> int:
    now = utc_now()
    with unit_of_work(engine) as session:
        org = organisations.create_organisation(
            session=session,
            slug=slug,
            name=f"Gemeente {slug.title()}",
            country="nl",
            timezone="Europe/Amsterdam",
            now=now,
        )
        org.matrix_domain = matrix_domain
        session.add(org)
        session.flush()
        return int(org.id)  # type: ignore[arg-type]


def make_invite_code(engine: Engine, org_id: int, role: Role) -> str:
    with unit_of_work(engine) as session:
        return make_invite(
            session=session,
            organisation_id=org_id,
            role=role,
            uses=1,
            valid_for=timedelta(days=7),
            now=utc_now(),
            actor="test",
        ).code


def enrol(engine: Engine, org_id: int, user_id: str, role: Role, name: str = "Test") -> None:
    now = utc_now()
    with unit_of_work(engine) as session:
        person = people.create_person(
            session=session, organisation_id=org_id, name=name, role=role.value, now=now
        )
        people.link_identity(
            session=session, person=person, platform="matrix", external_id=user_id, now=now
        )


def bodies(events: list[Event]) -> list[str]:
    return [str(e.source["content"].get("body", "")) for e in events]
