"""Webhook mode. The fake registers the webhook (setWebhook) but cannot call it, so the test plays
Telegram: it POSTs the exact update JSON the fake produced to the bot's server with aiohttp."""

from __future__ import annotations

import aiohttp

from bot.transports.telegram_webhook import SECRET_HEADER
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.transports_telegram.helpers import enrol, make_org, running_bot, wait_until

URL = "https://bot.gemeente.example/telegram/hook"
SECRET = "s3cret-for-tests_only"


def test_webhook_checks_the_secret_and_answers_200_only_after_handling(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna")
    enrol(sqlite_engine, make_org(sqlite_engine), anna, Role.EMPLOYEE)

    async def main() -> None:
        async with running_bot(
            tg,
            sqlite_engine,
            telegram_webhook_url=URL,
            telegram_webhook_secret=SECRET,
            telegram_webhook_port=0,
        ) as bot:
            await tg.wait_until(lambda: tg.state.webhook is not None)
            assert tg.state.webhook["url"] == URL  # type: ignore[index]
            [registered] = tg.requests("setWebhook")
            assert registered.params["secret_token"] == SECRET
            await wait_until(tg, lambda: getattr(bot.transport, "webhook", None) is not None)
            port = bot.transport.webhook.bound_port
            hook = f"http://127.0.0.1:{port}/telegram/hook"
            update = tg.send_text(anna, "/wie")

            async with aiohttp.ClientSession() as http:
                async with http.post(hook, json=update) as response:
                    assert response.status == 403  # no secret: anyone could post this
                wrong = {SECRET_HEADER: "guess"}
                async with http.post(hook, json=update, headers=wrong) as response:
                    assert response.status == 403
                assert bot.handled == []

                good = {SECRET_HEADER: SECRET}
                async with http.post(hook, json=update, headers=good) as response:
                    assert response.status == 200
                    assert [e.text for e in bot.handled] == ["/wie"]  # handled before the 200
                await tg.wait_for_sent(anna, count=1)
                # Telegram retries when it missed our answer: same update, no second reply
                async with http.post(hook, json=update, headers=good) as response:
                    assert response.status == 200
                assert bot.results[-1].duplicate

                # a failure while handling answers 500, so Telegram tries again later
                real = bot.runtime.pipeline.handle

                async def broken(event):  # type: ignore[no-untyped-def]
                    raise RuntimeError("database is down")

                bot.runtime.pipeline.handle = broken  # type: ignore[method-assign]
                second = tg.send_text(anna, "/help")
                async with http.post(hook, json=second, headers=good) as response:
                    assert response.status == 500
                bot.runtime.pipeline.handle = real  # type: ignore[method-assign]
                async with http.post(hook, json=second, headers=good) as response:
                    assert response.status == 200
                await tg.wait_for_sent(anna, count=2)
            assert tg.requests("getUpdates") == []  # no polling in webhook mode

    run(main())
    assert len(tg.sent(anna)) == 2 and tg.duplicates() == []


def test_polling_mode_removes_a_left_over_webhook(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna")
    enrol(sqlite_engine, make_org(sqlite_engine), anna, Role.EMPLOYEE)

    async def main() -> None:
        async with tg.make_bot() as raw:
            await raw.set_webhook(URL)
        async with running_bot(tg, sqlite_engine):
            tg.send_text(anna, "/wie")
            await tg.wait_for_sent(anna, count=1)

    run(main())
    assert tg.state.webhook is None
