"""The Matrix transport (matrix-nio; end-to-end encryption with NIS2BOT_MATRIX_E2EE, matrix_crypto).

In: our own ``client.sync`` loop, not ``sync_forever``. Every event of a batch is handed to the
pipeline (which de-duplicates on event id in its inbox) and only then is the batch's ``next_batch``
stored in the database; a crash in between replays the batch and the inbox drops what was already
handled. nio's own token store is not used (it saves before the callbacks ran, and does nothing
without the e2e store: PITFALLS.md). A first start handles no history: a state-only sync gives the
starting position. Gaps (a ``limited`` timeline after downtime) are filled from ``/messages``.

Rooms: see ``handlers.people.auto_enrol`` for who may invite the bot. A room with more than two
members is a group room. The bot opens direct chats itself for enrolled people it cannot reach
(matrix_direct). While its end-to-end encryption is off it cannot read encrypted rooms: it says so
once, moves the person to a new unencrypted direct chat, and leaves (matrix_rooms). It leaves rooms
everyone else left. At start it warns (log, /healthz) when another device of its own account has
encryption keys: Element then creates every new direct chat with the bot encrypted.

Out: ``deliver`` (matrix_outbound) sends ``m.notice`` events with transaction id
``nis2bot-<outbox id>``, paced by ``pacer``. nio's endless retries are switched off; the sync loop
and the outbox decide about retries, both bounded and with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    MegolmEvent,
    MessageDirection,
    RoomEncryptionEvent,
    RoomMemberEvent,
    RoomMessagesResponse,
    SyncResponse,
)

from bot.app import Runtime
from bot.config import Settings
from bot.messages import DeliveryResult, Inbound, Outbound
from bot.pacing import Pacer
from bot.transports import TransportStartError
from bot.transports.matrix_crypto import CryptoKeeper, pickle_key
from bot.transports.matrix_http import PREFIX, call
from bot.transports.matrix_inbound import (
    PLATFORM,
    Invite,
    after_own_join,
    inbound_of,
    invite_of,
    is_group,
)
from bot.transports.matrix_login import log_in, read_kv, since_key, write_kv
from bot.transports.matrix_metrics import OTHER_KEY_DEVICES, UNDECRYPTABLE
from bot.transports.matrix_outbound import (
    TRANSIENT_EXCEPTIONS,
    SyncFailed,
    describe,
    send_outbound,
)
from bot.transports.matrix_rooms import RoomActions

log = logging.getLogger(__name__)

#: The first sync of every start: room state (members, encryption) without any history.
WARM_UP_FILTER: dict[str, Any] = {"room": {"timeline": {"limit": 0}}, "presence": {"types": []}}
#: Every later sync: enough timeline per room that gaps are rare; no typing, receipts, presence.
SYNC_FILTER: dict[str, Any] = {
    "room": {"timeline": {"limit": 100}, "ephemeral": {"types": []}},
    "presence": {"types": []},
}
MAX_GAP_EVENTS = 2000


class MatrixTransport:
    platform = PLATFORM

    def __init__(self, settings: Settings, runtime: Runtime) -> None:
        self.settings = settings
        self.runtime = runtime
        self.user_id = settings.matrix_user_id or ""
        burst = settings.matrix_room_burst
        room_period = burst / settings.matrix_room_messages_per_second
        self.pacer = Pacer(settings.matrix_messages_per_second, lambda _room: (burst, room_period))
        self.client: AsyncClient | None = None
        self.since: str | None = None
        self.stats: Counter[str] = Counter()  # handled, duplicates, batches, sync_errors, ...
        self.warnings: list[str] = []  # shown in /healthz
        self.rooms = RoomActions(self)
        self.direct = self.rooms.direct

        self.crypto: CryptoKeeper | None = None

    @property
    def encryption_on(self) -> bool:
        return self.settings.matrix_e2ee

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        settings = self.settings
        if not settings.matrix_homeserver or not settings.matrix_user_id:
            raise TransportStartError(
                "Matrix needs NIS2BOT_MATRIX_HOMESERVER and NIS2BOT_MATRIX_USER_ID "
                "(for example https://matrix.gemeente.nl and @nis2bot:gemeente.nl)"
            )
        e2ee = settings.matrix_e2ee
        if e2ee:
            self.crypto = CryptoKeeper(settings, self.runtime.engine)  # refuses without the secret
        config = AsyncClientConfig(
            max_limit_exceeded=0,  # nio would retry 429 and time-outs forever: we decide
            max_timeouts=0,
            request_timeout=60,
            encryption_enabled=e2ee,
            store_sync_tokens=False,
            pickle_key=pickle_key(settings) if e2ee else "DEFAULT_KEY",
        )
        # No store path yet: the crypto store is laid from the database once the device is known.
        client = AsyncClient(
            settings.matrix_homeserver, settings.matrix_user_id, store_path="", config=config
        )
        try:
            await log_in(client, settings, self.runtime.engine)
            if self.crypto is not None:
                await self.crypto.open(client)
        except BaseException:
            await client.close()
            raise
        self.client = client
        self.since = await asyncio.to_thread(read_kv, self.runtime.engine, self._since_key)
        log.info("Matrix: logged in as %s (device %s)", self.user_id, client.device_id)
        await self.check_own_devices()

    async def check_own_devices(self) -> None:
        """Warn when another device of the bot's account has encryption keys (someone signed in
        with Element): Element then creates every new direct chat with the bot encrypted."""
        try:
            answer = await call(
                self._client, "POST", f"{PREFIX}/keys/query", {"device_keys": {self.user_id: []}}
            )
        except (*TRANSIENT_EXCEPTIONS, SyncFailed) as error:
            log.warning("Matrix: could not check the account's devices (%s)", describe(error))
            return
        devices = ((answer or {}).get("device_keys") or {}).get(self.user_id) or {}
        others = sorted(d for d in devices if d != self._client.device_id)
        OTHER_KEY_DEVICES.set(len(others))
        self.warnings = [w for w in self.warnings if not w.startswith("matrix: other devices")]
        if others:
            warning = (
                f"matrix: other devices of {self.user_id} have encryption keys "
                f"({', '.join(others)}); Element will create encrypted direct chats with the bot. "
                "Sign those devices out (Element: Settings > Sessions) unless the bot's "
                "encryption is meant to be on"
            )
            self.warnings.append(warning)
            log.warning("%s", warning)

    async def close(self) -> None:
        if self.client is not None:
            if self.crypto is not None and self.client.olm is not None:
                try:  # what the outbox changed since the last batch (own sessions)
                    await self.crypto.save(self.client)
                except Exception:
                    log.exception("Matrix: saving the crypto store at shutdown failed")
            await self.client.close()

    async def deliver(self, message: Outbound) -> DeliveryResult:
        return await send_outbound(self._client, message)

    # -- the sync loop --------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        backoff = Backoff()
        while not stop.is_set() and not await self._warm_up(stop):
            await backoff.wait(stop)
        backoff.reset()
        opener = asyncio.create_task(self._open_rooms(stop), name="matrix-direct-rooms")
        try:
            await self._sync_loop(stop, backoff)
        finally:
            opener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await opener

    async def _open_rooms(self, stop: asyncio.Event) -> None:
        """Direct chats for enrolled people the bot cannot reach (m.direct read first)."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                await self.direct.load()
                break
            except (*TRANSIENT_EXCEPTIONS, SyncFailed) as error:
                log.warning("Matrix: reading m.direct failed (%s); retrying", describe(error))
                await backoff.wait(stop)
        await self.direct.run(stop, self.rooms.greet_opened)

    async def _sync_loop(self, stop: asyncio.Event, backoff: Backoff) -> None:
        while not stop.is_set():
            try:
                response = await self._sync(
                    stop,
                    since=self.since,
                    timeout=self.settings.matrix_sync_timeout_ms,
                    sync_filter=SYNC_FILTER,
                )
                if response is None:
                    break
                await self.handle_batch(response)
                if self.crypto is not None:  # keys and the saved store before the token
                    await self.crypto.after_sync(self._client)
                await self.store_since(response.next_batch)
                backoff.reset()
            except (*TRANSIENT_EXCEPTIONS, SyncFailed) as error:
                self.stats["sync_errors"] += 1
                log.warning("Matrix sync failed (%s); retrying", describe(error))
                await backoff.wait(stop)
            except Exception:
                self.stats["sync_errors"] += 1
                log.exception(
                    "handling a Matrix batch failed; it is retried from the same position"
                )
                await backoff.wait(stop)

    async def _warm_up(self, stop: asyncio.Event) -> bool:
        """Learn every room's state (who is in it, is it encrypted). On a first start, also take
        the starting position (no history is handled) and answer pending invites."""
        try:
            self._client.next_batch = ""  # a full sync, also when retried after a failure
            response = await self._sync(stop, timeout=0, sync_filter=WARM_UP_FILTER)
            if response is None:
                return True
            if self.crypto is not None:
                await self.crypto.after_sync(self._client)
            if self.since is None:
                await self.handle_batch(response, timelines=False)
                await self.store_since(response.next_batch)
                log.info("Matrix: first start, history before now is not answered")
            for room_id in list(self._client.rooms):
                await self.rooms.leave_if_alone(room_id)  # everyone left while the bot was away
            return True
        except (*TRANSIENT_EXCEPTIONS, SyncFailed) as error:
            self.stats["sync_errors"] += 1
            log.warning("Matrix first sync failed (%s); retrying", describe(error))
            return False
        except Exception:
            self.stats["sync_errors"] += 1
            log.exception("handling the first Matrix sync failed; retrying")
            return False

    async def _sync(self, stop: asyncio.Event, **kwargs: Any) -> SyncResponse | None:
        """One sync, abandoned (None) as soon as ``stop`` is set."""
        # nio skips (does not decrypt, does not apply) a response whose next_batch equals the last
        # one it saw; after the warm-up, a replay from our stored position can end at that same
        # token. Tell nio where this sync really starts.
        self._client.next_batch = kwargs.get("since") or ""
        sync = asyncio.ensure_future(self._client.sync(**kwargs))
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({sync, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not sync.done():
            sync.cancel()
            with contextlib.suppress(asyncio.CancelledError, *TRANSIENT_EXCEPTIONS):
                await sync
            return None
        response = sync.result()
        if not isinstance(response, SyncResponse):
            raise SyncFailed(describe(response))
        return response

    async def store_since(self, token: str) -> None:
        if token and token != self.since:
            await asyncio.to_thread(write_kv, self.runtime.engine, self._since_key, token)
            self.since = token

    async def handle_batch(self, response: SyncResponse, *, timelines: bool = True) -> None:
        """Invites first, then each joined room's new events (rooms side by side, each in order).
        Raises when anything failed, so the batch is not acknowledged."""
        self.stats["batches"] += 1
        for room_id, info in response.rooms.invite.items():
            invite = invite_of(room_id, info, self.user_id)
            if invite is not None:
                await self.on_invite(invite)
        if not timelines:
            return
        rooms = response.rooms.join.items()
        results = await asyncio.gather(
            *(self._handle_room(room_id, info) for room_id, info in rooms),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _handle_room(self, room_id: str, info: Any) -> None:
        timeline = list(info.timeline.events)
        events = after_own_join(timeline, self.user_id)
        joined_now = len(events) < len(timeline)  # what came before the bot's join is not ours
        if info.timeline.limited and info.timeline.prev_batch and self.since and not joined_now:
            older = await self._fill_gap(room_id, info.timeline.prev_batch)
            events = after_own_join(older + events, self.user_id)
        room = self._client.rooms.get(room_id)
        encrypted = room is not None and room.encrypted
        for event in events:
            if isinstance(event, (MegolmEvent, RoomEncryptionEvent)) and not self.encryption_on:
                encrypted = True
                continue
            if isinstance(event, MegolmEvent):  # encryption on, and still not decryptable
                self.stats["undecryptable"] += 1
                UNDECRYPTABLE.inc()
                log.warning(
                    "Matrix: could not decrypt %s in %s (session %s)",
                    event.event_id,
                    room_id,
                    event.session_id,
                )
                if event.sender != self.user_id:  # nothing lost: ask for it again, once
                    await self.rooms.notice_undecryptable(room_id, event.event_id)
                continue
            inbound = inbound_of(event, room, room_id, self.user_id, self.runtime.clock())
            if inbound is not None:
                await self.handle_inbound(inbound)
        if encrypted and not self.encryption_on:
            others = [u for u in (room.users if room else {}) if u != self.user_id]
            await self.rooms.on_encrypted(
                room_id, group=is_group(room), person=others[0] if others else None
            )
            return
        if any(self._someone_left(event) for event in timeline):
            # Only after someone left: a room the bot is just creating has it alone for a moment.
            await self.rooms.leave_if_alone(room_id)

    def _someone_left(self, event: Any) -> bool:
        return (
            isinstance(event, RoomMemberEvent)
            and event.state_key != self.user_id
            and event.membership in ("leave", "ban")
        )

    async def _fill_gap(self, room_id: str, prev_batch: str) -> list[Any]:
        """The events a limited timeline left out, oldest first (back to our stored position)."""
        older: list[Any] = []
        token = prev_batch
        while len(older) < MAX_GAP_EVENTS:
            page = await self._client.room_messages(
                room_id, start=token, end=self.since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(page, RoomMessagesResponse):
                raise SyncFailed(f"filling a gap: {describe(page)}")
            older.extend(self._decrypted(room_id, page.chunk))
            if not page.chunk or not page.end or page.end == token:
                break
            token = page.end
        self.stats["gap_events"] += len(older)
        return list(reversed(older))

    def _decrypted(self, room_id: str, events: list[Any]) -> list[Any]:
        """nio leaves encrypted events from /messages encrypted when they carry no room id (it
        sets it for sync timelines only); decrypt them here, leaving failures as they are."""
        if self._client.olm is None:
            return events
        out = []
        for event in events:
            if isinstance(event, MegolmEvent):
                event.room_id = room_id
                try:
                    event = self._client.decrypt_event(event)
                except Exception as error:  # still undecryptable: counted in _handle_room
                    log.debug("Matrix: decrypting %s failed: %s", event.event_id, error)
            out.append(event)
        return out

    async def handle_inbound(self, event: Inbound) -> None:
        if await self.rooms.consumed_by_auto_enrol(event):
            return
        result = await self.runtime.pipeline.handle(event)
        self.stats["duplicates" if result.duplicate else "handled"] += 1

    async def on_invite(self, invite: Invite) -> None:
        await self.rooms.on_invite(invite)

    # -- helpers --------------------------------------------------------------------------------

    @property
    def _client(self) -> AsyncClient:
        if self.client is None:
            raise RuntimeError("MatrixTransport.start() was not called")
        return self.client

    @property
    def _since_key(self) -> str:
        return since_key(self.user_id)


class Backoff:
    """0.5 s, 1, 2, 4 ... at most 30 s, with jitter; waiting ends early when ``stop`` is set."""

    def __init__(self) -> None:
        self.attempts = 0

    def reset(self) -> None:
        self.attempts = 0

    async def wait(self, stop: asyncio.Event) -> None:
        delay = min(30.0, 0.5 * 2**self.attempts) * random.uniform(0.8, 1.2)
        self.attempts += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
