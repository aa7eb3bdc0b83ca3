"""Start-up errors say what to fix without a secret in them, and no log line carries the token (it
is part of every request URL) or, at INFO, what people wrote."""

from __future__ import annotations

import logging

import pytest

from bot.app import build_runtime
from bot.transports import TransportStartError
from bot.transports.telegram import TelegramTransport, api_base_urls
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.transports_telegram.helpers import enrol, make_org, running_bot, settings_for


def test_a_rejected_token_is_a_clear_start_error_without_the_token(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    wrong = "987654321:AAWrongTokenWrongTokenWrongToken12"
    settings = settings_for(telegram_api, telegram_token=wrong)
    transport = TelegramTransport(settings, build_runtime(settings, {}, engine=sqlite_engine))

    async def main() -> None:
        try:
            with pytest.raises(TransportStartError) as caught:
                await transport.start()
        finally:
            await transport.close()
        message = str(caught.value)
        assert "token" in message and "@BotFather" in message
        assert wrong not in message and caught.value.__cause__ is None

    run(main())


def test_an_unreachable_api_is_a_clear_start_error(sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    with FakeTelegramAPI() as tg:
        settings = settings_for(tg)
    # the fake is gone: nothing listens on that port any more
    transport = TelegramTransport(settings, build_runtime(settings, {}, engine=sqlite_engine))

    async def main() -> None:
        with pytest.raises(TransportStartError, match="cannot reach the Telegram Bot API"):
            await transport.start()
        await transport.close()

    run(main())


def test_no_token_and_no_message_text_in_the_logs(
    telegram_api: FakeTelegramAPI, sqlite_engine, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna")
    enrol(sqlite_engine, make_org(sqlite_engine), anna, Role.EMPLOYEE)
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.INFO)  # as a careless logging setup would

    async def main() -> None:
        async with running_bot(tg, sqlite_engine):
            tg.send_text(anna, "/wie geheim-woord-42")
            await tg.wait_for_sent(anna, count=1)

    run(main())
    assert tg.requests("sendMessage")  # requests happened, and were logged by nobody with the token
    assert tg.token not in caplog.text
    assert tg.token.split(":")[1] not in caplog.text
    assert "geheim-woord-42" not in caplog.text
    assert "Je bent Anna" not in caplog.text


def test_api_url_with_or_without_the_bot_suffix() -> None:
    assert api_base_urls("https://api.telegram.org/bot") == (
        "https://api.telegram.org/bot",
        "https://api.telegram.org/file/bot",
    )
    assert api_base_urls("http://127.0.0.1:8081/") == (
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/file/bot",
    )
