"""``nis2bot run``: every configured transport, the outbox worker and the alarm clock, until SIGTERM.

Start-up order matters for "nothing lost": the database is migrated first, then this instance
waits until it leads (bot/leadership.py: one leader on PostgreSQL, one instance on SQLite), then
every transport
proves its credentials (``start``), and only then does anything receive or send. A transport that
cannot start stops the whole process with one clear line, so a half-configured bot never looks
alive. Shutdown (SIGTERM or Ctrl-C): stop receiving, let the outbox finish what it already started,
stop the scheduler, close the transports. Whatever was not handled yet is acknowledged to nobody, so
the platforms deliver it again after the restart (at least once in; the inbox de-duplicates).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from typing import Protocol

import click

from bot.app import AlarmClock, Runtime, build_runtime
from bot.config import Settings
from bot.leadership import InstanceLockError, Leadership, leadership_for
from bot.logs import mask_secrets
from bot.observability import LEADER, HealthServer, watch_database
from bot.pacing import Pacer
from bot.transports import TransportStartError
from storage import incidents

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0


class ServiceTransport(Protocol):
    """A transport as ``nis2bot run`` drives it (see bot/transports/telegram.py and matrix.py)."""

    platform: str
    pacer: Pacer

    async def start(self) -> None: ...
    async def run(self, stop: asyncio.Event) -> None: ...
    async def close(self) -> None: ...


TransportFactory = Callable[[Settings, Runtime], ServiceTransport]


def configured_platforms(settings: Settings) -> list[str]:
    platforms = []
    if settings.telegram_token:
        platforms.append("telegram")
    if settings.matrix_homeserver or settings.matrix_user_id:
        platforms.append("matrix")
    return platforms


def transport_factories(platforms: list[str]) -> list[TransportFactory]:
    """Imported lazily: a Matrix-only deployment never loads python-telegram-bot, and vice versa."""
    factories: list[TransportFactory] = []
    if "telegram" in platforms:
        from bot.transports.telegram import TelegramTransport

        factories.append(TelegramTransport)
    if "matrix" in platforms:
        from bot.transports.matrix import MatrixTransport

        factories.append(MatrixTransport)
    return factories


def run_service(settings: Settings) -> int:
    platforms = configured_platforms(settings)
    if not platforms:
        raise click.ClickException(
            "no chat platform is configured: set NIS2BOT_TELEGRAM_TOKEN and/or the NIS2BOT_MATRIX_* "
            "settings (see README). To try the bot without accounts, run: nis2bot chat"
        )
    try:
        return asyncio.run(serve(settings, transport_factories(platforms)))
    except (TransportStartError, InstanceLockError) as error:
        # A server's reply can echo the request (a password, a token): masked like every log line.
        raise click.ClickException(mask_secrets(str(error), settings)) from None


async def serve(
    settings: Settings,
    factories: list[TransportFactory],
    *,
    stop: asyncio.Event | None = None,
    runtime: Runtime | None = None,
    with_alarm_clock: bool = True,
) -> int:
    """Run until ``stop`` is set (by SIGTERM/SIGINT when not given). Returns the exit code."""
    stop = stop or asyncio.Event()
    _install_signal_handlers(stop)
    runtime = runtime or build_runtime(settings, {})
    leadership = leadership_for(runtime.engine, poll_seconds=settings.leader_poll_seconds)
    health = _start_health(settings, runtime, leadership)
    try:
        if not await leadership.acquire(stop):
            return 0  # stopped while standing by
        LEADER.set(1)
        return await _lead(settings, factories, runtime, leadership, stop, with_alarm_clock)
    finally:
        LEADER.set(0)
        leadership.release()
        if health is not None:
            health.stop()


async def _lead(
    settings: Settings,
    factories: list[TransportFactory],
    runtime: Runtime,
    leadership: Leadership,
    stop: asyncio.Event,
    with_alarm_clock: bool,
) -> int:
    transports = [factory(settings, runtime) for factory in factories]
    started: list[ServiceTransport] = []
    try:
        for transport in transports:
            try:
                await transport.start()
            except (TransportStartError, InstanceLockError):
                raise
            except Exception as error:
                # A library's own error can carry what the server echoed (a password, a token):
                # its details go through the masking log, the fatal line names only its type.
                log.exception("the %s transport could not start", transport.platform)
                raise TransportStartError(
                    f"the {transport.platform} transport could not start "
                    f"({type(error).__name__}); the log above has the details"
                ) from None
            started.append(transport)
            runtime.worker.transports[transport.platform] = transport  # type: ignore[assignment]
            log.info("%s transport started", transport.platform)
    except BaseException:
        await _close_all(started)
        raise

    alarm = AlarmClock(runtime) if with_alarm_clock else None
    if alarm is not None:
        alarm.start()
        asyncio.get_running_loop().create_task(
            alarm.tick()
        )  # catch up at once, don't wait a minute
    tasks = [asyncio.create_task(t.run(stop), name=f"{t.platform}-receive") for t in started]
    tasks.append(asyncio.create_task(runtime.worker.run(stop), name="outbox"))
    tasks.append(asyncio.create_task(leadership.watch(stop), name="leadership"))
    log.info("nis2bot is running on %s", ", ".join(t.platform for t in started) or "no platform")
    exit_code = 0
    try:
        exit_code = await _until_stopped_or_crashed(stop, tasks)
    finally:
        stop.set()
        if alarm is not None:
            alarm.stop()
        _done, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await _close_all(started)
        log.info("nis2bot stopped")
    return exit_code


def _start_health(
    settings: Settings, runtime: Runtime, leadership: Leadership
) -> HealthServer | None:
    if settings.metrics_port is None:
        return None
    watch_database(
        runtime.engine,
        extra=lambda session: incidents.deadline_figures(session=session, now=runtime.clock()),
    )

    def status() -> dict[str, object]:
        transports = list(runtime.worker.transports.values())
        warnings = [w for t in transports for w in getattr(t, "warnings", [])]
        return {
            "status": "ok",
            "role": "leader" if leadership.is_leader else "standby",
            "platforms": sorted(runtime.worker.transports),
            **({"warnings": warnings} if warnings else {}),
        }

    health = HealthServer(settings.metrics_host, settings.metrics_port, status)
    health.start()
    return health


async def _until_stopped_or_crashed(stop: asyncio.Event, tasks: list[asyncio.Task[None]]) -> int:
    """A receive loop or the worker ending on its own is a crash: stop everything, exit non-zero
    so the supervisor (systemd, Docker, Kubernetes) restarts the process."""
    stopper = asyncio.create_task(stop.wait())
    done, _pending = await asyncio.wait({stopper, *tasks}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    crashed = [task for task in done if task is not stopper and not stop.is_set()]
    for task in crashed:
        error = task.exception() if not task.cancelled() else None
        log.error("%s stopped unexpectedly: %r; shutting down", task.get_name(), error)
    return 1 if crashed else 0


async def _close_all(transports: list[ServiceTransport]) -> None:
    for transport in reversed(transports):
        try:
            await transport.close()
        except Exception:
            log.exception("closing the %s transport failed", transport.platform)


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Not possible outside the main thread (tests) or on platforms without signals.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
