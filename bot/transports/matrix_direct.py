"""The bot opens direct chats itself: for everyone enrolled with a Matrix account and no direct
room yet (``nis2bot person add --matrix``, an ISMT member or coordinator enrolled by the operator),
and to move someone out of an encrypted room it cannot read.

A room is created the way Element creates a direct chat (``trusted_private_chat`` preset,
``is_direct``, the person invited) and recorded in the bot's ``m.direct`` account data, so
Element shows it as the direct chat with the bot and opens it again instead of a new one.
``m.direct`` is also the crash record: a room created just before a crash, before the database
knew it, is found there and reused rather than created twice.

Unencrypted unless the organisation asks for encrypted direct chats (organisation setting
``matrix_encrypted_direct_chats``) and the bot can encrypt; a homeserver that encrypts every room
(``encryption_enabled_by_default_for_room_type``) makes it encrypted anyway, which the caller sees
in ``Opened.encrypted``.

A person who leaves or rejects a direct room the bot opened is not invited again by the periodic
pass (``matrix:direct-left:<user>``); writing to the bot makes them reachable again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from nio import AsyncClient, RoomCreateResponse, RoomGetStateResponse, RoomPreset

from bot.app import Runtime
from bot.config import Settings
from bot.transports.matrix_http import get_account_data, put_account_data
from bot.transports.matrix_login import read_kv
from bot.transports.matrix_metrics import DIRECT_ROOMS_CREATED
from bot.transports.matrix_outbound import SyncFailed, describe
from storage import matrix_state
from storage.db import unit_of_work

log = logging.getLogger(__name__)

ENCRYPTION_CONTENT = {"algorithm": "m.megolm.v1.aes-sha2"}
ENCRYPTION_STATE = {"type": "m.room.encryption", "state_key": "", "content": ENCRYPTION_CONTENT}
#: How often the bot looks for enrolled people it cannot reach yet (also woken on demand).
OPEN_EVERY_SECONDS = 30.0
#: Rooms created side by side in one go (Synapse makes each room in several steps; one at a time
#: took 0.7 s a room under load in bench/matrix_latency.py --fanout).
OPEN_AT_ONCE = 8


def left_key(user_id: str) -> str:
    return f"matrix:direct-left:{user_id}"


class RoomHost(Protocol):
    """What the room helpers need of the transport (no import of bot.transports.matrix)."""

    platform: str
    runtime: Runtime
    settings: Settings
    stats: Any  # collections.Counter[str]
    user_id: str
    client: AsyncClient | None

    @property
    def encryption_on(self) -> bool: ...


@dataclass(frozen=True)
class Opened:
    room_id: str
    encrypted: bool
    created: bool  # False: an existing direct room from m.direct was reused


class DirectRooms:
    def __init__(self, host: RoomHost) -> None:
        self.host = host
        self.direct: dict[str, list[str]] = {}  # the bot's m.direct: user id -> room ids
        self._lock = asyncio.Lock()
        self._opened: dict[str, Opened] = {}  # created by this process, maybe not synced yet
        self._gone: set[str] = set()  # left or forgotten by this process
        self.wake_event = asyncio.Event()

    @property
    def client(self) -> AsyncClient:
        if self.host.client is None:
            raise RuntimeError("MatrixTransport.start() was not called")
        return self.host.client

    async def load(self) -> None:
        content = await get_account_data(self.client, "m.direct")
        self.direct = {
            str(user): [str(r) for r in rooms]
            for user, rooms in content.items()
            if isinstance(rooms, list)
        }

    def wake(self) -> None:
        self.wake_event.set()

    # -- opening one room ---------------------------------------------------------------------

    async def open_for(
        self, user_id: str, *, encrypt: bool, avoid: str | None = None
    ) -> Opened | None:
        """A direct room with ``user_id``: an existing one from ``m.direct`` the person is still
        in (joined or invited), else a new one. None when the homeserver refused."""
        return (await self.open_many([(user_id, encrypt)], avoid=avoid))[0]

    async def open_many(
        self, wanted: list[tuple[str, bool]], *, avoid: str | None = None
    ) -> list[Opened | None]:
        """``open_for`` for several people: the new rooms are created side by side and
        ``m.direct`` is written once for all of them (a fan-out to hundreds of people)."""
        async with self._lock:
            results = [self._existing(user_id, avoid=avoid) for user_id, _ in wanted]
            todo = [i for i, found in enumerate(results) if found is None]
            made = await asyncio.gather(
                *(self._create(*wanted[i]) for i in todo), return_exceptions=True
            )
            failure: BaseException | None = None
            for i, outcome in zip(todo, made, strict=True):
                if isinstance(outcome, BaseException):
                    failure = failure or outcome
                    continue
                results[i] = outcome
                if outcome is not None:
                    user_id = wanted[i][0]
                    rooms = [r for r in self.direct.get(user_id, []) if r != outcome.room_id]
                    self.direct[user_id] = [outcome.room_id, *rooms]
                    self._opened[outcome.room_id] = Opened(
                        outcome.room_id, outcome.encrypted, False
                    )
            if any(isinstance(o, Opened) for o in made):
                await put_account_data(self.client, "m.direct", self.direct)
            if failure is not None:
                raise failure
            return results

    async def _create(self, user_id: str, encrypt: bool) -> Opened | None:
        answer = await self.client.room_create(
            is_direct=True,
            preset=RoomPreset.trusted_private_chat,
            invite=[user_id],
            initial_state=[ENCRYPTION_STATE] if encrypt else [],
        )
        if not isinstance(answer, RoomCreateResponse):
            log.warning("Matrix: could not open a direct chat: %s", describe(answer))
            self.host.stats["direct_rooms_refused"] += 1
            return None
        room_id = str(answer.room_id)
        encrypted = encrypt or await self._is_encrypted(room_id)
        self.host.stats["direct_rooms_created"] += 1
        DIRECT_ROOMS_CREATED.labels(encrypted=str(encrypted).lower()).inc()
        log.info("Matrix: opened a direct chat %s (encrypted: %s)", room_id, encrypted)
        return Opened(room_id, encrypted, created=True)

    def _existing(self, user_id: str, *, avoid: str | None) -> Opened | None:
        for room_id in self.direct.get(user_id, []):
            if room_id == avoid or room_id in self._gone:
                continue
            just_made = self._opened.get(room_id)
            if just_made is not None:
                # Opened by this process (a sync may not show the invite yet); the person did not
                # leave it, or it would be gone.
                if self.host.encryption_on or not just_made.encrypted:
                    return just_made
                continue
            room = self.client.rooms.get(room_id)
            if room is None:
                continue  # not joined (any more)
            if user_id not in room.users and user_id not in room.invited_users:
                continue
            if room.encrypted and not self.host.encryption_on:
                continue
            if room.member_count > 2:
                continue
            return Opened(room_id, room.encrypted, created=False)
        return None

    async def _is_encrypted(self, room_id: str) -> bool:
        answer = await self.client.room_get_state(room_id)
        if not isinstance(answer, RoomGetStateResponse):
            raise SyncFailed(f"state of {room_id}: {describe(answer)}")
        return any(e.get("type") == "m.room.encryption" for e in answer.events)

    async def forget(self, room_id: str) -> None:
        """The room ended: take it out of ``m.direct``."""
        self._gone.add(room_id)
        changed = False
        for user_id, rooms in list(self.direct.items()):
            if room_id in rooms:
                rooms.remove(room_id)
                changed = True
                if not rooms:
                    del self.direct[user_id]
        if changed:
            async with self._lock:
                await put_account_data(self.client, "m.direct", self.direct)

    # -- reaching everyone enrolled -----------------------------------------------------------

    async def unreached(self) -> list[matrix_state.Unreached]:
        def query() -> list[matrix_state.Unreached]:
            with unit_of_work(self.host.runtime.engine) as session:
                return matrix_state.unreached_identities(session=session)

        found = await asyncio.to_thread(query)
        engine = self.host.runtime.engine
        keep = []
        for row in found:
            if await asyncio.to_thread(read_kv, engine, left_key(row.user_id)) is None:
                keep.append(row)
        return keep

    async def run(self, stop: asyncio.Event, greet: Any) -> None:
        """Every ``OPEN_EVERY_SECONDS`` (or when woken): open a direct room for each enrolled
        person the bot cannot reach, and ``greet(user_id, opened)``."""
        while not stop.is_set():
            self.wake_event.clear()
            try:
                await self.reach_everyone(greet)
            except Exception:
                log.exception("opening Matrix direct chats failed; trying again later")
            waiter = asyncio.ensure_future(self.wake_event.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {waiter, stopper}, timeout=OPEN_EVERY_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            waiter.cancel()
            stopper.cancel()

    async def reach_everyone(self, greet: Any) -> int:
        opened = 0
        rows = await self.unreached()
        for start in range(0, len(rows), OPEN_AT_ONCE):
            chunk = rows[start : start + OPEN_AT_ONCE]
            wanted = [(row.user_id, row.encrypt and self.host.encryption_on) for row in chunk]
            for row, result in zip(chunk, await self.open_many(wanted), strict=True):
                if result is not None:
                    await greet(row.user_id, result)
                    opened += 1
        return opened
