"""A loopback fake of the Telegram Bot API for end-to-end tests with the real PTB client.

    async with FakeTelegramAPI() as tg:            # on the running loop
        anna = tg.add_user("Anna")
        tg.send_text(anna, "/start ABC123")
        async with tg.make_bot() as bot:           # a real telegram.Bot pointed at the fake
            ...
        sent = await tg.wait_for_sent(anna, count=1)

    with FakeTelegramAPI() as tg:                  # on a background thread, for any test style
        ...

It speaks the Bot API's HTTP protocol (`/bot<token>/<method>`, GET or POST with a query string,
form, multipart or JSON body; `{"ok": ..., "result"|"description"}` answers), enforces the flood
limits, validates HTML, and records every message the bot sent so tests can assert "delivered
once, none twice". Faults are injected through `tg.faults` (see telegram_faults.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from ._notify import Notifier
from .telegram_faults import Fault, FaultInjector, RateLimiter, RateLimits
from .telegram_methods import BotApiMethods
from .telegram_model import RequestRecord, SentMessage, TelegramState
from .telegram_params import ApiError, Params, Upload
from .telegram_users import ChatRef, SimulatedUsers

if TYPE_CHECKING:
    from telegram import Bot

T = TypeVar("T")
DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_nis2bot"
_CONFLICT, _CLOSING = object(), object()
_SERVER_ERRORS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Counters:
    """A snapshot of what the fake saw; `tg.counters` makes a new one on each read."""

    requests: Counter[str] = field(default_factory=Counter)  # per method name as sent
    delivered: int = 0  # messages recorded as sent by the bot
    rate_limited: Counter[str] = field(default_factory=Counter)  # overall / private / group
    injected: Counter[str] = field(default_factory=Counter)  # rate_limit / server_error / timeout


class FakeTelegramAPI(SimulatedUsers):
    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "nis2_test_bot",
        bot_first_name: str = "NIS2 testbot",
        rate_limits: RateLimits | None = None,
        strict_html_ampersand: bool = True,
        privacy_mode: bool = True,
        max_hold: float = 300.0,
    ) -> None:
        self.token = token
        self.lock = threading.RLock()
        self.notifier = Notifier(self.lock)
        self.state = TelegramState(
            bot_id=int(token.split(":", 1)[0]),
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            privacy_mode=privacy_mode,
        )
        self.rate_limits = rate_limits or RateLimits()
        self.limiter = RateLimiter(self.rate_limits)
        self.faults = FaultInjector()
        self.methods = BotApiMethods(
            self.state, self.limiter, strict_ampersand=strict_html_ampersand
        )
        # A timed-out request is held until the client hangs up, at most this long.
        self.max_hold = max_hold
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self._thread_stop: asyncio.Event | None = None

    # -- addresses ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """For `Bot(token, base_url=...)`: PTB appends the token, then '/<method>'."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def make_bot(self, **kwargs: Any) -> Bot:
        """A real `telegram.Bot` talking to this fake (kwargs go to Bot, e.g. request=...)."""
        from telegram import Bot

        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url, **kwargs)

    # -- lifecycle on the running loop ----------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1:`port` (0: a free one). Calling it again after stop() with the
        old port restarts the fake with its state intact."""
        app = web.Application(client_max_size=64 * 1024 * 1024)  # Telegram takes 50 MB files
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        # Bind the socket ourselves: port 0 picks a free port with no race with other tests.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        self.port = sock.getsockname()[1]
        self._closing = False
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        # Wake long polls and held requests first so the shutdown does not wait for them.
        self._closing = True
        self.notifier.changed()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramAPI:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- lifecycle on a background thread -------------------------------------------------------

    def start_in_thread(self, timeout: float = 30.0, port: int = 0) -> FakeTelegramAPI:
        """Serve from a daemon thread with its own loop; the test may use any loop or none.

        After stop_thread(), start_in_thread(port=tg.port) brings the same fake back on the same
        address with its state intact: an outage of "Telegram" in the middle of a test.
        """
        ready = threading.Event()
        failure: list[BaseException] = []

        async def serve() -> None:
            try:
                await self.start(port)
                self._thread_loop = asyncio.get_running_loop()
                self._thread_stop = asyncio.Event()
            except BaseException as exc:
                failure.append(exc)
                raise
            finally:
                ready.set()
            await self._thread_stop.wait()
            await self.stop()

        self._thread = threading.Thread(
            target=asyncio.run, args=(serve(),), name="fake-telegram-api", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout) or failure:
            cause = failure[0] if failure else None
            raise RuntimeError("the fake Telegram API did not start") from cause
        return self

    def stop_thread(self, timeout: float = 30.0) -> None:
        if self._thread is None or self._thread_loop is None or self._thread_stop is None:
            return
        self._thread_loop.call_soon_threadsafe(self._thread_stop.set)
        self._thread.join(timeout)
        self._thread = None

    def __enter__(self) -> FakeTelegramAPI:
        return self.start_in_thread()

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_thread()

    # -- what tests read ------------------------------------------------------------------------

    def sent(self, chat: ChatRef | None = None) -> list[SentMessage]:
        """Messages the bot sent (to `chat`, or anywhere), in delivery order."""
        with self.lock:
            return self.state.sent_in(None if chat is None else self.chat(chat).id)

    def texts(self, chat: ChatRef | None = None) -> list[str]:
        """The visible text (or caption) of each message sent, in order."""
        return [m.text or "" for m in self.sent(chat)]

    def duplicates(self, chat: ChatRef | None = None) -> list[tuple[int, str]]:
        """(chat id, text as sent) of every message delivered more than once to the same chat.

        A file counts by its content too, so two different captionless photos are no duplicate;
        such an entry reads "caption [photo <file_unique_id>]".
        """
        seen: Counter[tuple[int, str]] = Counter()
        for m in self.sent(chat):
            label = m.raw_text or ""
            if m.file is not None:
                label = f"{label} [{m.file.kind} {m.file.file_unique_id}]".lstrip()
            seen[(m.chat_id, label)] += 1
        return sorted(key for key, count in seen.items() if count > 1)

    async def wait_for_sent(
        self, chat: ChatRef | None = None, count: int = 1, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Wait until at least `count` messages went to `chat`; return all of them."""
        chat_id = None if chat is None else self.chat(chat).id

        def enough() -> list[SentMessage] | None:
            found = self.state.sent_in(chat_id)
            return found if len(found) >= count else None

        return await self.notifier.wait_for(enough, timeout)

    def wait_for_sent_sync(
        self, chat: ChatRef | None = None, count: int = 1, timeout: float = 10.0
    ) -> list[SentMessage]:
        chat_id = None if chat is None else self.chat(chat).id
        return self.notifier.wait_for_sync(
            lambda: found if len(found := self.state.sent_in(chat_id)) >= count else None,
            timeout,
        )

    async def wait_until(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Wait for any condition on the fake (checked under its lock after every change)."""
        return await self.notifier.wait_for(predicate, timeout)

    def wait_until_sync(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        return self.notifier.wait_for_sync(predicate, timeout)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by an offset (what a restarted poller would get again)."""
        with self.lock:
            return copy.deepcopy(self.state.updates)

    @property
    def confirmed_up_to(self) -> int:
        """The highest update_id the bot has confirmed (offset - 1)."""
        with self.lock:
            return self.state.confirmed_up_to

    def callback_answer(self, update: dict[str, Any]) -> Any:
        """The bot's answerCallbackQuery for a press_button() update, or None."""
        with self.lock:
            return self.state.callback_answers.get(update["callback_query"]["id"])

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> Any:
        """What setMyCommands stored for this scope and language."""
        key = Params({"scope": scope, "language_code": language_code}, {})
        with self.lock:
            return self.methods.get_my_commands(key)

    def requests(self, method: str | None = None) -> list[RequestRecord]:
        with self.lock:
            return [
                r
                for r in self.state.requests
                if method is None or r.method.lower() == method.lower()
            ]

    @property
    def counters(self) -> Counters:
        with self.lock:
            return Counters(
                requests=Counter(r.method for r in self.state.requests),
                delivered=len(self.state.sent),
                rate_limited=Counter(self.limiter.rejected),
                injected=Counter(self.faults.injected),
            )

    # -- HTTP -----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._answer(request)
        finally:
            # Also after refusals and faults, so tests waiting on tg.requests() wake up.
            self.notifier.changed()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").to_api(), status=401)
        try:
            params = await _read_params(request)
        except ApiError as err:
            return web.json_response(err.to_api(), status=err.code)
        record = RequestRecord(method, request.method, params.loggable())
        with self.lock:
            self.state.requests.append(record)
        self.notifier.changed()
        if method.lower() != "getupdates" and method.lower() not in self.methods.table:
            record.status = 404
            return web.json_response(ApiError(404, "Not Found").to_api(), status=404)
        fault = self.faults.next_fault(method)
        if fault is not None and fault.kind == "timeout":
            await self._time_out(request, method, params, fault)
            return web.Response(status=504)  # never reaches the client: the socket is closed
        if fault is not None:
            injected = _fault_error(fault)
            record.status = injected.code
            return web.json_response(injected.to_api(), status=injected.code)
        try:
            body: dict[str, Any] = {"ok": True, "result": await self._call(method, params)}
            record.status = 200
        except ApiError as err:
            body, record.status = err.to_api(), err.code
        return web.json_response(body, status=record.status)

    async def _call(self, method: str, params: Params) -> Any:
        if method.lower() == "getupdates":
            return await self._get_updates(params)
        with self.lock:
            result = self.methods.table[method.lower()](params)
        self.notifier.changed()
        return copy.deepcopy(result)

    async def _get_updates(self, params: Params) -> Any:
        with self.lock:
            generation, limit, timeout = self.methods.start_poll(params)
        self.notifier.changed()  # an older long poll wakes up and answers 409

        def outcome() -> object:
            if self.methods.poll_generation != generation:
                return _CONFLICT
            if self._closing:
                return _CLOSING
            return self.methods.poll_batch(limit)

        try:
            result = await self.notifier.wait_for(outcome, timeout)
        except TimeoutError:
            result = []
        if result is _CONFLICT:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return [] if result is _CLOSING else copy.deepcopy(result)

    async def _time_out(
        self, request: web.Request, method: str, params: Params, fault: Fault
    ) -> None:
        """Hold the request until the client gives up, then drop the connection."""
        if fault.deliver:
            with self.lock:
                before = len(self.state.sent)
            with contextlib.suppress(ApiError):  # a refused send is simply not delivered
                await self._call(method, params)
            with self.lock:
                for message in self.state.sent[before:]:
                    message.answer_lost = True
        deadline = time.monotonic() + self.max_hold
        while not self._closing and time.monotonic() < deadline:
            transport = request.transport
            if transport is None or transport.is_closing():
                break
            # Polling the socket state is only how we notice the hang-up; nothing is timed.
            await asyncio.sleep(0.02)
        if request.transport is not None:
            request.transport.close()

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").to_api(), status=401)
        path = request.match_info["path"]
        with self.lock:
            found = [f for f in self.state.files.values() if f.path == path]
        if not found:
            return web.json_response(ApiError(404, "Not Found").to_api(), status=404)
        return web.Response(body=found[0].data, content_type=found[0].mime_type or None)


def _fault_error(fault: Fault) -> ApiError:
    if fault.kind == "rate_limit":
        return ApiError(
            429, f"Too Many Requests: retry after {fault.retry_after}", fault.retry_after
        )
    return ApiError(fault.status, _SERVER_ERRORS.get(fault.status, "Internal Server Error"))


async def _read_params(request: web.Request) -> Params:
    """Query string plus body, whichever encoding the client chose."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.body_exists:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: the JSON request body must be an object")
            values.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(value.file.read(), value.filename, value.content_type)
                else:
                    values[name] = value
        else:
            raise ApiError(400, f"Bad Request: unsupported Content-Type {ctype}")
    return Params(values, uploads)
