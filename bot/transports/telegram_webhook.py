"""Webhook mode: Telegram POSTs each update to us; we answer 200 only after it was handled.

Telegram retries an update until it gets a 2xx, so "200 after handling" gives the same at-least-once
guarantee as our polling loop, and the inbox makes it exactly one effect. Requests without the
secret token we registered with ``setWebhook`` are refused with 403: anyone could POST to the URL.

TLS is the reverse proxy's job (Telegram only calls https:// URLs); this server listens on the
configured address, by default 127.0.0.1:8443, and serves only the path of the webhook URL.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

from bot.transports.telegram_polling import ALLOWED_UPDATES

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def derived_secret(token: str) -> str:
    """A stable secret when none is configured: Telegram allows 1-256 of [A-Za-z0-9_-]."""
    return hmac.new(token.encode(), b"nis2bot-webhook", hashlib.sha256).hexdigest()


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


class WebhookServer:
    def __init__(
        self,
        bot: Bot,
        process: Callable[[Update], Awaitable[None]],
        *,
        url: str,
        secret: str,
        host: str,
        port: int,
    ) -> None:
        self.bot = bot
        self.process = process
        self.url = url
        self.secret = secret
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(webhook_path(self.url), self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, self.bot)
        except Exception:  # not JSON, not an update: Telegram never sends that; don't retry it
            log.warning("webhook received a body that is not a Telegram update")
            return web.Response(status=400, text="not an update")
        try:
            await self.process(update)
        except Exception:
            log.exception("update %s could not be handled; Telegram will retry", update.update_id)
            return web.Response(status=500, text="retry later")
        return web.Response(status=200, text="ok")

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.bound_port = sockets[0].getsockname()[1] if sockets else self.port
        await self.bot.set_webhook(
            self.url,
            secret_token=self.secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
        log.info("Telegram webhook listening on %s:%s", self.host, self.bound_port)

    async def run(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    async def stop(self) -> None:
        # The webhook stays registered: Telegram keeps the updates until we are back.
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
