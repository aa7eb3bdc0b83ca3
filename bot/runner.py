"""``nis2bot run``: every configured transport, the outbox worker and the alarm clock, until SIGTERM."""

from __future__ import annotations

import click

from bot.config import Settings


def configured_platforms(settings: Settings) -> list[str]:
    platforms = []
    if settings.telegram_token:
        platforms.append("telegram")
    if settings.matrix_homeserver or settings.matrix_user_id:
        platforms.append("matrix")
    return platforms


def run_service(settings: Settings) -> int:
    platforms = configured_platforms(settings)
    if not platforms:
        raise click.ClickException(
            "no chat platform is configured: set NIS2BOT_TELEGRAM_TOKEN and/or the NIS2BOT_MATRIX_* "
            "settings (see README). To try the bot without accounts, run: nis2bot chat"
        )
    # The Telegram and Matrix transports are built in the transports issue (#3); until they land,
    # say so plainly instead of pretending to run.
    raise click.ClickException(
        f"configured: {', '.join(platforms)}; the Telegram and Matrix transports are not part of "
        "this version yet. Use: nis2bot chat"
    )
