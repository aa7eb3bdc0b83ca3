"""A real bot process for the SIGKILL test: Telegram transport + outbox worker on a SQLite file.

    python tests/transports_telegram/bot_process.py DATABASE_URL API_URL TOKEN [KILL_AFTER_TEXT]

With KILL_AFTER_TEXT, the process kills itself with SIGKILL right after the pipeline handled (and
committed) the message with that text, before the offset is stored or the reply is sent. Without
it, it runs until SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.app import build_runtime
from bot.config import Settings
from bot.transports.telegram import TelegramTransport
from storage.db import make_engine


async def main(database_url: str, api_url: str, token: str, kill_after: str | None) -> None:
    settings = Settings(
        database_url=database_url,
        telegram_token=token,
        telegram_api_url=api_url,
        telegram_poll_timeout=5,
        telegram_request_timeout=5.0,
    )
    runtime = build_runtime(settings, {}, engine=make_engine(database_url))
    runtime.worker.poll_seconds = 0.2
    transport = TelegramTransport(settings, runtime)
    await transport.start()
    runtime.worker.transports["telegram"] = transport
    handle = runtime.pipeline.handle

    async def handle_then_maybe_die(event):  # type: ignore[no-untyped-def]
        result = await handle(event)
        if kill_after is not None and event.text == kill_after:
            print(f"handled {event.event_id}; dying", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    runtime.pipeline.handle = handle_then_maybe_die  # type: ignore[method-assign]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await asyncio.gather(transport.run(stop), runtime.worker.run(stop))
    await transport.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(args[0], args[1], args[2], args[3] if len(args) > 3 else None))
