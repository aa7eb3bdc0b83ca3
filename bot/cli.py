"""The ``nis2bot`` command: the terminal chat, the runtime, and the operator's tools."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime

import click

from bot.config import Settings, SettingsError, load_settings
from bot.logs import configure_logging
from storage.clock import utc_now
from storage.enums import Role

ROLE_NAMES = [r.value for r in Role]


class Obj:
    """What every subcommand shares: the settings, loaded once, and the clock.

    Commands read "now" from ``obj.now()`` rather than the system clock, so that a test can hand
    the CLI its own clock (``CliRunner().invoke(main, args, obj=Obj(None, clock=...))``) and a
    result judged against "now" (a deadline open or missed) never depends on the day it runs."""

    def __init__(self, config: str | None, clock: Callable[[], datetime] = utc_now) -> None:
        self.config = config
        self.now = clock
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config)
            except SettingsError as error:
                raise click.ClickException(f"invalid settings:\n{error}") from None
            # Secrets masked, noisy libraries (Alembic's dialect line, URLs with tokens) quiet.
            configure_logging(self._settings)
        return self._settings


def _database_problem(error: Exception, obj: object) -> str:
    """One line for a database that cannot be used: locked, damaged, unreachable. The URL is
    shown without its password; the driver's own first line says what is wrong."""
    from sqlalchemy.engine import make_url

    settings = getattr(obj, "_settings", None)
    where = "the database"
    if settings is not None:
        try:
            url = make_url(settings.effective_database_url)
            where = url.render_as_string(hide_password=True)
        except Exception:  # an unparsable URL: say "the database"
            pass
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
    hint = ""
    if "locked" in reason:
        hint = " (another nis2bot or a program holds it: wait for it to finish, then try again)"
    elif "not a database" in reason or "malformed" in reason:
        hint = " (the file is damaged or not a nis2bot database: restore it from a backup)"
    return f"cannot use {where}: {reason}{hint}"


class Nis2botGroup(click.Group):
    """The ``nis2bot`` group: expected failures end in one clear line, never a traceback.

    A locked or damaged database, an unreachable server, or a path that cannot be written
    (``--out /proc/nope``) are the operator's to fix, not bugs: say what and where, exit 1."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        from sqlalchemy.exc import DBAPIError

        try:
            return super().invoke(ctx)
        except DBAPIError as error:
            raise click.ClickException(_database_problem(error, ctx.obj)) from None
        except OSError as error:
            if error.filename is None:
                raise
            target = error.filename
            raise click.ClickException(f"cannot use {target}: {error.strerror or error}") from None


@click.group(cls=Nis2botGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    envvar="NIS2BOT_CONFIG",
    type=click.Path(dir_okay=False),
    help="TOML settings file (or NIS2BOT_CONFIG).",
)
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """nis2bot: a municipality's NIS2 duties in the chat its people already use."""
    if isinstance(ctx.obj, Obj):  # handed in by a caller (a test) with its own clock
        ctx.obj.config = config
    else:
        ctx.obj = Obj(config)


@main.command()
@click.option("--org", "org_slug", default="demo", show_default=True, help="Organisation slug.")
@click.option(
    "--as",
    "role",
    type=click.Choice(ROLE_NAMES),
    default=Role.EMPLOYEE.value,
    show_default=True,
    help="Speak as a person with this role.",
)
@click.option(
    "--name", default=None, help="Speak as this person (the same name is the same person)."
)
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="Language.")
@click.option(
    "--unenrolled", is_flag=True, help="Start as someone not enrolled yet (try an invite code)."
)
@click.pass_obj
def chat(
    obj: Obj, org_slug: str, role: str, name: str | None, lang: str | None, unenrolled: bool
) -> None:
    """Chat with the bot in this terminal (embedded SQLite, demo municipality, no accounts)."""
    from bot.transports.console import run_console

    settings = obj.settings
    if settings.log_level == "INFO":  # the chat is for people: only warnings on screen
        configure_logging(settings, level="WARNING")
    sys.exit(
        run_console(
            settings,
            org_slug=org_slug,
            role=Role(role),
            name=name,
            language=lang,
            unenrolled=unenrolled,
        )
    )


@main.command()
@click.pass_obj
def migrate(obj: Obj) -> None:
    """Bring the database schema to the newest version."""
    from storage.db import make_engine
    from storage.db import migrate as run_migrations

    engine = make_engine(obj.settings.effective_database_url)
    click.echo("migrated" if run_migrations(engine) else "already up to date")


@main.command()
@click.pass_obj
def run(obj: Obj) -> None:
    """Run the configured transports, the outbox worker and the scheduler until SIGTERM."""
    from bot.runner import run_service

    sys.exit(run_service(obj.settings))


from bot import cli_admin  # noqa: E402  - registers the operator's command groups

cli_admin.register(main)
from bot import cli_operations  # noqa: E402 - org suspend/remove, person forget, audit export

cli_operations.register(main)
from bot import cli_qa  # noqa: E402 - nis2bot ask, nis2bot kb (issue #5)

cli_qa.register(main)
from bot import cli_incidents  # noqa: E402 - nis2bot export incidents (issue #4)

cli_incidents.register(main)
from bot import cli_training  # noqa: E402 - nis2bot training import (issue #6)

cli_training.register(main)
from bot import cli_report  # noqa: E402 - nis2bot report, nis2bot demo seed (issue #7)

cli_report.register(main)
