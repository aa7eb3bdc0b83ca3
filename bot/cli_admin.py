"""The operator's commands: organisations, invites, people, rooms, jobs. Listings take --json."""

from __future__ import annotations

import json
import re
import stat
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from handlers.text import terminal_safe
from storage.enums import Country, Platform, Role, RoomPurpose

ROLE_NAMES = [r.value for r in Role]


def _engine(obj):  # type: ignore[no-untyped-def]
    from bot.app import open_database

    return open_database(obj.settings)


def _org(session, slug: str):  # type: ignore[no-untyped-def]
    from storage.organisations import organisation_by_slug

    org = organisation_by_slug(session=session, slug=slug)
    if org is None:
        raise click.ClickException(f"no organisation '{slug}' (see: nis2bot org list)")
    return org


def _duration(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)\s*([dhw])", text.strip().lower())
    if not match:
        raise click.BadParameter("use a number with d, h or w, e.g. 7d, 12h, 2w")
    amount, unit = int(match.group(1)), match.group(2)
    if amount == 0:  # a code that is dead the moment it is made
        raise click.BadParameter("must be at least 1h, e.g. 7d", param_hint="--expires")
    if amount > {"d": 365, "h": 365 * 24, "w": 52}[unit]:
        raise click.BadParameter("at most a year, e.g. 30d", param_hint="--expires")
    return {
        "d": timedelta(days=amount),
        "h": timedelta(hours=amount),
        "w": timedelta(weeks=amount),
    }[unit]


def _print(rows: list[dict], as_json: bool, columns: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        click.echo("(none)")
        return
    # Names come from chat platforms: shown as text, never as escape sequences for the terminal.
    cells = [
        {c: terminal_safe(str(r.get(c) or ""), keep_newlines=False) for c in columns} for r in rows
    ]
    widths = {c: max(len(c), *(len(cell[c]) for cell in cells)) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns))
    for cell in cells:
        click.echo("  ".join(cell[c].ljust(widths[c]) for c in columns))


def register(main: click.Group) -> None:
    from storage.db import unit_of_work

    @main.group()
    def org() -> None:
        """Organisations (municipalities)."""

    @org.command("add")
    @click.argument("slug")
    @click.option("--name", required=True)
    @click.option("--country", type=click.Choice([c.value for c in Country]), required=True)
    @click.option(
        "--timezone", default=None, help="Default: Europe/Amsterdam (nl), Europe/Brussels (be)."
    )
    @click.pass_obj
    def org_add(obj, slug: str, name: str, country: str, timezone: str | None) -> None:  # type: ignore[no-untyped-def]
        from storage import audit, organisations

        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,62}", slug):
            raise click.BadParameter(
                "lower-case letters, digits and dashes, 2 to 63 characters", param_hint="SLUG"
            )
        timezone = timezone or ("Europe/Brussels" if country == "be" else "Europe/Amsterdam")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise click.BadParameter(
                f"unknown time zone {timezone}", param_hint="--timezone"
            ) from None
        engine = _engine(obj)
        with unit_of_work(engine) as session:
            if organisations.organisation_by_slug(session=session, slug=slug):
                raise click.ClickException(f"organisation '{slug}' exists already")
            new = organisations.create_organisation(
                session=session,
                slug=slug,
                name=name,
                country=country,
                timezone=timezone,
                now=obj.now(),
            )
            audit.record_audit(
                session=session,
                organisation_id=new.id,
                actor="operator",
                action="organisation.created",
                now=obj.now(),
                detail={"slug": slug},
            )
        click.echo(f"organisation {slug} created ({name}, {country}, {timezone})")
        _echo_setup(obj, slug)

    @org.command("list")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def org_list(obj, as_json: bool) -> None:  # type: ignore[no-untyped-def]
        from storage import incidents, organisations

        with unit_of_work(_engine(obj)) as session:
            # Incidents whose alert reached nobody yet: the operator must see them here.
            pending = incidents.count_pending_alerts(session=session)
            rows = [
                {
                    "slug": o.slug,
                    "name": o.name,
                    "country": o.country,
                    "timezone": o.timezone,
                    "suspended": o.suspended,
                    "unalerted_incidents": pending.get(o.id, 0),  # type: ignore[arg-type]
                }
                for o in organisations.list_organisations(session=session)
            ]
        _print(
            rows,
            as_json,
            ["slug", "name", "country", "timezone", "suspended", "unalerted_incidents"],
        )

    @org.command("status")
    @click.argument("slug")
    @click.pass_obj
    def org_status(obj, slug: str) -> None:  # type: ignore[no-untyped-def]
        """Can this organisation be alerted of an incident, and what is still to set up?"""
        _echo_setup(obj, slug)

    def _echo_setup(obj, slug: str) -> None:  # type: ignore[no-untyped-def]
        from handlers.incidents.readiness import readiness, setup_steps

        with unit_of_work(_engine(obj)) as session:
            found = _org(session, slug)
            state = readiness(session, found)
            steps = setup_steps(found.slug, found.country, state)
        if state.pending_alerts:
            click.echo(
                f"WARNING: incident alerts that reached nobody yet: {', '.join(state.pending_alerts)}"
            )
        if not state.can_alert:
            click.echo("An incident report would reach nobody now. Next steps:")
        elif steps:
            click.echo("Incident alerts can be delivered. Still to set up:")
        else:
            click.echo("Incident alerts can be delivered; nothing left to set up.")
        for number, step in enumerate(steps, 1):
            click.echo(f"  {number}. {step}")

    @main.group()
    def invite() -> None:
        """Invite codes."""

    @invite.command("create")
    @click.option("--org", "org_slug", required=True)
    @click.option(
        "--role", type=click.Choice(ROLE_NAMES), default=None, help="Required without --person."
    )
    @click.option(
        "--person",
        "person_id",
        type=int,
        default=None,
        help="For someone already known (see person list): enrolling links their chat to them.",
    )
    @click.option("--uses", type=click.IntRange(1, 10_000), default=1, show_default=True)
    @click.option("--expires", default="7d", show_default=True, help="e.g. 7d, 12h, 2w")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def invite_create(
        obj,
        org_slug: str,
        role: str | None,
        person_id: int | None,
        uses: int,
        expires: str,
        as_json: bool,
    ) -> None:  # type: ignore[no-untyped-def]
        from handlers.people.invites import deep_link, make_invite
        from storage import people

        valid_for = _duration(expires)
        if person_id is None and role is None:
            raise click.UsageError("give --role, or --person for someone already known")
        if person_id is not None and uses != 1:
            raise click.BadParameter("an invite for one person has one use", param_hint="--uses")
        with unit_of_work(_engine(obj)) as session:
            found = _org(session, org_slug)
            if person_id is not None:
                known = people.person_by_id(
                    session=session, organisation_id=found.id, person_id=person_id
                )
                if known is None or not known.active:
                    raise click.ClickException(
                        f"no person {person_id} in {org_slug} (see: nis2bot person list)"
                    )
                if role is not None and role != known.role:
                    raise click.BadParameter(
                        f"person {person_id} is {known.role}; leave --role out",
                        param_hint="--role",
                    )
                role = known.role
            assert role is not None
            made = make_invite(
                session=session,
                organisation_id=found.id,
                role=Role(role),
                uses=uses,
                valid_for=valid_for,
                now=obj.now(),
                actor="operator",
                for_person_id=person_id,
            )
            code, expires_at = made.code, made.expires_at
        link = deep_link(obj.settings.telegram_bot_username, code)
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "code": code,
                        "role": role,
                        "person_id": person_id,
                        "uses": uses,
                        "expires_at": expires_at.isoformat(),
                        "telegram_link": link,
                    }
                )
            )
            return
        click.echo(code)
        click.echo(f"  role {role}, {uses} use(s), valid until {expires_at:%Y-%m-%d %H:%M} UTC")
        if person_id is not None:
            click.echo(f"  for person {person_id}: enrolling links their chat to them")
        click.echo(f"  the new person sends: /start {code} (Telegram) or !start {code} (Matrix)")
        if link:
            click.echo(f"  Telegram: {link}")

    @main.group()
    def person() -> None:
        """People."""

    @person.command("add")
    @click.option("--org", "org_slug", required=True)
    @click.option("--role", type=click.Choice(ROLE_NAMES), required=True)
    @click.option("--name", required=True)
    @click.option("--department", default=None)
    @click.option("--telegram", default=None, help="Telegram numeric user id.")
    @click.option("--matrix", default=None, help="Matrix user id, @user:server.")
    @click.pass_obj
    def person_add(obj, org_slug, role, name, department, telegram, matrix) -> None:  # type: ignore[no-untyped-def]
        from handlers.people.importing import import_people, parse_people_csv

        line = {
            "name": name,
            "role": role,
            "department": department or "",
            "telegram": telegram or "",
            "matrix": matrix or "",
        }
        text = ",".join(line) + "\n" + ",".join(_csv_cell(v) for v in line.values()) + "\n"
        rows, errors = parse_people_csv(text)
        if errors:
            raise click.ClickException("; ".join(e.split(": ", 1)[1] for e in errors))
        with unit_of_work(_engine(obj)) as session:
            found = _org(session, org_slug)
            outcome = import_people(
                session=session,
                organisation_id=found.id,
                rows=rows,
                now=obj.now(),
                actor="operator",
                update_existing=False,  # add never changes someone already there
            )
            if outcome.errors:
                raise click.ClickException("; ".join(e.split(": ", 1)[1] for e in outcome.errors))
        click.echo(f"added {name} ({role}) to {org_slug}")

    @person.command("list")
    @click.option("--org", "org_slug", required=True)
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def person_list(obj, org_slug: str, as_json: bool) -> None:  # type: ignore[no-untyped-def]
        from storage import people

        with unit_of_work(_engine(obj)) as session:
            found = _org(session, org_slug)
            rows = []
            for p in people.list_people(session=session, organisation_id=found.id):
                ids = people.identities_of(
                    session=session, organisation_id=found.id, person_id=p.id
                )
                rows.append(
                    {
                        "id": p.id,
                        "name": p.name,
                        "role": p.role,
                        "department": p.department,
                        "language": p.language,
                        "identities": ", ".join(f"{i.platform}:{i.external_id}" for i in ids),
                    }
                )
        _print(rows, as_json, ["id", "name", "role", "department", "language", "identities"])

    @person.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--org", "org_slug", required=True)
    @click.pass_obj
    def person_import(obj, file: Path, org_slug: str) -> None:  # type: ignore[no-untyped-def]
        from handlers.people.importing import import_people, parse_people_csv

        text = read_text_file(file)
        rows, errors = parse_people_csv(text)
        if not errors:
            try:
                with unit_of_work(_engine(obj)) as session:
                    outcome = import_people(
                        session=session,
                        organisation_id=_org(session, org_slug).id,
                        rows=rows,
                        now=obj.now(),
                        actor="operator",
                    )
                    errors = list(outcome.errors)
                    if errors:
                        raise _Rollback
            except _Rollback:
                pass
        if errors:
            for error in errors:
                click.echo(error, err=True)
            raise click.ClickException(f"{len(errors)} bad line(s); nothing was imported")
        click.echo(
            f"imported {outcome.count} people into {org_slug}: {outcome.created} new, "
            f"{outcome.updated} updated, {outcome.unchanged} unchanged "
            "(matched on e-mail, then chat id)"
        )

    @main.group()
    def room() -> None:
        """Group rooms linked to a purpose."""

    @room.command("link")
    @click.option("--org", "org_slug", required=True)
    @click.option("--purpose", type=click.Choice([p.value for p in RoomPurpose]), required=True)
    @click.option(
        "--platform",
        type=click.Choice([Platform.TELEGRAM.value, Platform.MATRIX.value]),
        required=True,
    )
    @click.option("--id", "chat_id", required=True, help="Telegram chat id or Matrix room id.")
    @click.pass_obj
    def room_link(obj, org_slug, purpose, platform, chat_id) -> None:  # type: ignore[no-untyped-def]
        from storage import audit, organisations, rooms

        with unit_of_work(_engine(obj)) as session:
            found = _org(session, org_slug)
            try:
                _linked, created = rooms.link_room(
                    session=session,
                    organisation_id=found.id,
                    purpose=purpose,
                    platform=platform,
                    chat_id=chat_id,
                    now=obj.now(),
                )
            except rooms.RoomTaken as taken:
                owner = organisations.organisation_by_id(
                    session=session, organisation_id=taken.owner_id
                )
                raise click.ClickException(
                    f"{platform} {chat_id} is already a room of '{owner.slug if owner else '?'}'; "
                    "a room belongs to one organisation, so nothing was linked"
                ) from None
            audit.record_audit(
                session=session,
                organisation_id=found.id,
                actor="operator",
                action="room.linked",
                now=obj.now(),
                detail={"purpose": purpose, "platform": platform, "chat_id": chat_id},
            )
        click.echo(
            ("linked" if created else "already linked")
            + f": {platform} {chat_id} as {purpose} of {org_slug}"
        )
        if purpose == RoomPurpose.ISMT.value:
            # Incident alerts that reached nobody go out now, to this room (not a minute later).
            from bot.app import feature_settings
            from schedules.jobs import JobOptions
            from schedules.registry import run_job

            sent = run_job(
                "incident-pending-alerts",
                _engine(obj),
                obj.now(),
                feature_settings(obj.settings),
                JobOptions(organisation_slug=org_slug),
            )
            if sent:
                click.echo(f"{sent} incident alert(s) that had reached nobody are queued now")

    @main.group()
    def jobs() -> None:
        """Scheduled jobs."""

    @jobs.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def jobs_list(as_json: bool) -> None:
        from schedules.registry import JOBS

        rows = [{"name": j.name, "description": j.description} for j in JOBS.values()]
        _print(rows, as_json, ["name", "description"])

    @jobs.command("run")
    @click.argument("name")
    @click.option("--org", "org_slug", default=None)
    @click.option("--ignore-office-hours", is_flag=True)
    @click.pass_obj
    def jobs_run(obj, name: str, org_slug: str | None, ignore_office_hours: bool) -> None:  # type: ignore[no-untyped-def]
        from bot.app import feature_settings
        from schedules.jobs import JobOptions
        from schedules.registry import JOBS, run_job

        if name not in JOBS:
            raise click.ClickException(f"unknown job '{name}'; known: {', '.join(sorted(JOBS))}")
        done = run_job(
            name,
            _engine(obj),
            obj.now(),
            feature_settings(obj.settings),
            JobOptions(organisation_slug=org_slug, ignore_office_hours=ignore_office_hours),
        )
        click.echo(
            f"{name}: {done} item(s); messages are delivered by the running bot (nis2bot run)"
        )


#: A people or training CSV of a large municipality is well under a megabyte.
MAX_IMPORT_BYTES = 10 * 1024 * 1024


def read_import_file(file: Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a one-line error.

    ``/dev/zero``, a FIFO or a terminal would be read forever (or until memory runs out)."""
    try:
        info = file.stat()
    except OSError as error:
        raise click.ClickException(f"cannot read {file}: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise click.ClickException(f"{file} is not a regular file")
    try:
        with file.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise click.ClickException(f"cannot read {file}: {error.strerror}") from None
    if len(data) > limit:
        raise click.ClickException(f"{file} is larger than {limit // (1024 * 1024)} MB")
    return data


def read_text_file(file: Path, limit: int = MAX_IMPORT_BYTES) -> str:
    """The UTF-8 text of a regular file (see ``read_import_file``), or a one-line error."""
    data = read_import_file(file, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text") from None


class _Rollback(Exception):
    """Raised inside a unit of work to undo it without an error of its own."""


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'
