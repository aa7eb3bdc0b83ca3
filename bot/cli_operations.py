"""The operator's tools for running many municipalities: suspend, remove, forget, export the audit log.

Destructive commands ask for ``--yes`` (CI and scripts have no keyboard to confirm with) and are
written to the audit log first, in the same transaction.
"""

from __future__ import annotations

import json

import click

from bot.cli_admin import _engine, _org


def register(main: click.Group) -> None:
    from storage.db import unit_of_work

    org_group = main.commands["org"]
    assert isinstance(org_group, click.Group)

    def _set_suspended(obj, slug: str, suspended: bool) -> None:  # type: ignore[no-untyped-def]
        from storage import audit, organisations

        with unit_of_work(_engine(obj)) as session:
            found = _org(session, slug)
            organisations.set_suspended(session=session, organisation=found, suspended=suspended)
            audit.record_audit(
                session=session,
                organisation_id=found.id,
                actor="operator",
                action="organisation.suspended" if suspended else "organisation.resumed",
                now=obj.now(),
            )
        click.echo(f"{slug}: {'suspended' if suspended else 'active'}")

    @org_group.command("suspend")
    @click.argument("slug")
    @click.pass_obj
    def org_suspend(obj, slug: str) -> None:  # type: ignore[no-untyped-def]
        """Pause an organisation: its people get a friendly 'paused' answer, nothing is deleted."""
        _set_suspended(obj, slug, True)

    @org_group.command("resume")
    @click.argument("slug")
    @click.pass_obj
    def org_resume(obj, slug: str) -> None:  # type: ignore[no-untyped-def]
        """Lift a suspension."""
        _set_suspended(obj, slug, False)

    @org_group.command("set")
    @click.argument("slug")
    @click.option("--name", default=None)
    @click.option("--timezone", default=None, help="IANA name, e.g. Europe/Brussels.")
    @click.option(
        "--matrix-domain",
        default=None,
        help="Homeserver whose users may enrol as employees without a code ('' clears it).",
    )
    @click.option(
        "--setting",
        "pairs",
        multiple=True,
        metavar="KEY=VALUE",
        help="An organisation setting (VALUE as JSON, or as text), e.g. summary_time=08:30; "
        "the keys are in docs/SETTINGS.md.",
    )
    @click.option("--unset", "unset_keys", multiple=True, metavar="KEY")
    @click.option("--json", "as_json", is_flag=True, help="Print the organisation afterwards.")
    @click.pass_obj
    def org_set(obj, slug, name, timezone, matrix_domain, pairs, unset_keys, as_json) -> None:  # type: ignore[no-untyped-def]
        """Change an organisation: name, time zone, Matrix domain, or its settings."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from storage import audit, organisations

        if timezone is not None:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise click.BadParameter(
                    f"unknown time zone {timezone}", param_hint="--timezone"
                ) from None
        updates: dict[str, object] = {}
        for pair in pairs:
            key, sep, raw = pair.partition("=")
            if not sep or not key.strip():
                raise click.BadParameter(f"{pair!r}: use KEY=VALUE", param_hint="--setting")
            try:
                updates[key.strip()] = json.loads(raw)
            except json.JSONDecodeError:
                updates[key.strip()] = raw
        with unit_of_work(_engine(obj)) as session:
            found = _org(session, slug)
            _check_feature_settings(found.country, updates)
            changed = organisations.update_organisation(
                session=session,
                organisation=found,
                name=name,
                timezone=timezone,
                matrix_domain=matrix_domain,
                settings=updates,
                unset=list(unset_keys),
            )
            audit.record_audit(
                session=session,
                organisation_id=found.id,
                actor="operator",
                action="organisation.changed",
                now=obj.now(),
                detail={"fields": changed},
            )
            shown = {
                "slug": found.slug,
                "name": found.name,
                "timezone": found.timezone,
                "matrix_domain": found.matrix_domain,
                "settings": found.settings,
            }
        if as_json:
            click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        else:
            click.echo(f"{slug}: changed {', '.join(changed) or 'nothing'}")

    @org_group.command("remove")
    @click.argument("slug")
    @click.option("--yes", is_flag=True, help="Really delete everything of this organisation.")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def org_remove(obj, slug: str, yes: bool, as_json: bool) -> None:  # type: ignore[no-untyped-def]
        """Delete an organisation and all its data (people, incidents, training, rooms, logs)."""
        from storage import tenancy

        if not yes:
            raise click.ClickException(
                f"this deletes every record of '{slug}' for good; export what you must keep "
                "(nis2bot export incidents, nis2bot audit export), then add --yes"
            )
        with unit_of_work(_engine(obj)) as session:
            found = _org(session, slug)
            counts = tenancy.remove_organisation(session=session, organisation_id=found.id)
        if as_json:
            click.echo(json.dumps({"removed": slug, "rows": counts}, indent=2))
        else:
            total = sum(counts.values())
            click.echo(
                f"removed {slug}: {total} rows ({', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or 'none'})"
            )

    person_group = main.commands["person"]
    assert isinstance(person_group, click.Group)

    @person_group.command("forget")
    @click.option("--org", "org_slug", required=True)
    @click.option("--id", "person_id", type=int, required=True, help="From: nis2bot person list")
    @click.option("--yes", is_flag=True, help="Really erase this person's identifying data.")
    @click.pass_obj
    def person_forget(obj, org_slug: str, person_id: int, yes: bool) -> None:  # type: ignore[no-untyped-def]
        """Erase a person (GDPR art. 17): name, e-mail, accounts and free texts go; counts stay."""
        from storage import audit, tenancy

        if not yes:
            raise click.ClickException("this cannot be undone; add --yes to erase the person")
        with unit_of_work(_engine(obj)) as session:
            found = _org(session, org_slug)
            if not tenancy.forget_person(
                session=session, organisation_id=found.id, person_id=person_id, now=obj.now()
            ):
                raise click.ClickException(f"no person {person_id} in {org_slug}")
            audit.record_audit(
                session=session,
                organisation_id=found.id,
                actor="operator",
                action="person.forgotten",
                now=obj.now(),
                detail={"person_id": person_id},
            )
        click.echo(f"person {person_id} of {org_slug} forgotten; aggregates kept")

    @main.group()
    def audit() -> None:
        """The audit log of privileged actions."""

    @audit.command("export")
    @click.option("--org", "org_slug", required=True)
    @click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
    @click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None)
    @click.pass_obj
    def audit_export(obj, org_slug: str, fmt: str, out: str | None) -> None:  # type: ignore[no-untyped-def]
        """Every audited action of one organisation, oldest first (for auditors and backups)."""
        from handlers.spreadsheet import to_csv
        from storage import audit as audit_log

        with unit_of_work(_engine(obj)) as session:
            found = _org(session, org_slug)
            rows = [
                {
                    "at": e.created_at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "detail": e.detail,
                }
                for e in audit_log.audit_entries(session=session, organisation_id=found.id)
            ]
        if fmt == "json":
            text = json.dumps(rows, ensure_ascii=False, indent=2)
        else:
            text = to_csv(
                ["at", "actor", "action", "detail"],
                ({**row, "detail": json.dumps(row["detail"], ensure_ascii=False)} for row in rows),
            )
        if out:
            with open(out, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            click.echo(f"{len(rows)} entries written to {out}")
        else:
            click.echo(text, nl=False)


def _check_feature_settings(country: str, updates: dict[str, object]) -> None:
    """Every key known and typed (bot/org_settings.py), checked before anything is stored."""
    from bot.org_settings import check_org_settings

    problems = check_org_settings(country, updates)
    if problems:
        raise click.BadParameter("; ".join(problems), param_hint="--setting")
