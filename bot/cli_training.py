"""``nis2bot training ...``: the operator's side of the awareness training (issue #6).

- ``import FILE.csv --org SLUG``: an attendance list from an e-learning platform. Every bad line is
  reported with its number and nothing is imported unless every line is good; a line already
  imported before (same person, same day) is skipped, so importing a file twice adds nothing.
- ``policy --org SLUG [--set KEY=VALUE ...] [--json]``: the organisation's own training policy
  (``organisation.settings["training"]``), validated before it is stored.
- ``compliance --org SLUG [--json]``: the figures of ``/training`` per department.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


class _Rollback(Exception):
    """Raised inside the unit of work so that a file with errors leaves nothing behind."""


def register(main: click.Group) -> None:
    @main.group()
    def training() -> None:
        """Awareness training (issue #6)."""

    register_listings(training)

    @training.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--org", "org_slug", required=True, help="Organisation slug.")
    @click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def training_import(obj, file: Path, org_slug: str, lang: str, as_json: bool) -> None:  # type: ignore[no-untyped-def]
        """Columns: name and/or e-mail, date (day before month), method (optional)."""
        from bot.app import open_database
        from bot.cli_admin import read_import_file
        from handlers.training.importing import import_attendance
        from storage.db import unit_of_work
        from storage.organisations import organisation_by_slug

        data = read_import_file(file)  # a regular file of sane size: /dev/zero is refused
        engine = open_database(obj.settings)
        outcome = None
        try:
            with unit_of_work(engine) as session:
                org = organisation_by_slug(session=session, slug=org_slug)
                if org is None:
                    raise click.ClickException(
                        f"no organisation '{org_slug}' (see: nis2bot org list)"
                    )
                outcome = import_attendance(session, org, data, now=obj.now())
                if not outcome.ok:
                    raise _Rollback
        except _Rollback:
            pass
        assert outcome is not None
        errors = [e.text(lang) for e in outcome.errors]
        if as_json:
            click.echo(
                json.dumps(
                    {"imported": outcome.imported, "skipped": outcome.skipped, "errors": errors},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for error in errors:
                click.echo(error, err=True)
        if errors:
            raise click.ClickException(f"{len(errors)} error(s); nothing was imported")
        if not as_json:
            click.echo(
                f"imported {outcome.imported} training record(s) into {org_slug}"
                + (f"; {outcome.skipped} already known" if outcome.skipped else "")
            )


def _value(text: str) -> object:
    """JSON when it parses (numbers, lists), else the text itself ("09:00")."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def register_listings(training: click.Group) -> None:
    @training.command("policy")
    @click.option("--org", "org_slug", required=True, help="Organisation slug.")
    @click.option("--set", "changes", multiple=True, help="KEY=VALUE, e.g. interval_months=6")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def training_policy(obj, org_slug: str, changes: tuple[str, ...], as_json: bool) -> None:  # type: ignore[no-untyped-def]
        """Show or change the organisation's own training policy (not law)."""
        import dataclasses

        from bot.app import open_database
        from handlers.training.policy import policy_from_settings
        from storage import audit
        from storage.db import unit_of_work
        from storage.organisations import organisation_by_slug

        with unit_of_work(open_database(obj.settings)) as session:
            org = organisation_by_slug(session=session, slug=org_slug)
            if org is None:
                raise click.ClickException(f"no organisation '{org_slug}' (see: nis2bot org list)")
            stored = dict((org.settings or {}).get("training", {}))
            for change in changes:
                key, sep, value = change.partition("=")
                if not sep:
                    raise click.BadParameter(f"use KEY=VALUE, got {change!r}", param_hint="--set")
                stored[key.strip()] = _value(value.strip())
            try:
                policy = policy_from_settings(stored)
            except (ValueError, TypeError) as error:
                raise click.ClickException(f"invalid training policy: {error}") from None
            if changes:
                org.settings = {**(org.settings or {}), "training": stored}
                session.add(org)
                audit.record_audit(
                    session=session,
                    organisation_id=org.id,
                    actor="operator",
                    action="training.policy_changed",
                    now=obj.now(),
                    detail={"training": stored},
                )
        shown = {f.name: getattr(policy, f.name) for f in dataclasses.fields(policy)}
        rows = {key: sorted(v) if isinstance(v, frozenset) else v for key, v in shown.items()}
        if as_json:
            click.echo(json.dumps(rows, default=str, indent=2))
            return
        for key, value in rows.items():
            click.echo(f"{key:22} {value}")

    @training.command("compliance")
    @click.option("--org", "org_slug", required=True, help="Organisation slug.")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def training_compliance(obj, org_slug: str, as_json: bool) -> None:  # type: ignore[no-untyped-def]
        """Compliance per department (own policy, not law) and the number overdue."""
        from bot.app import open_database
        from handlers.text import terminal_safe
        from handlers.training import service
        from handlers.training.compliance import compliance_report
        from storage.db import unit_of_work
        from storage.organisations import organisation_by_slug

        with unit_of_work(open_database(obj.settings)) as session:
            org = organisation_by_slug(session=session, slug=org_slug)
            if org is None:
                raise click.ClickException(f"no organisation '{org_slug}' (see: nis2bot org list)")
            now = obj.now()
            report = compliance_report(
                service.compliance_inputs(session, org),
                service.local_day(now, org),
                service.policy_of(org),
                service.tz_of(org),
            )
        rows = [
            {
                "department": d.department or "",
                "total": d.total,
                "trained": d.trained,
                "new": d.new,
                "overdue": d.overdue,
                "percent": d.percent,
            }
            for d in (*report.departments, report.overall)
        ]
        rows[-1]["department"] = "(all)"
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        columns = ["department", "total", "trained", "new", "overdue", "percent"]
        # Department names were typed by people: text for the terminal, never escape codes.
        cells = [{c: terminal_safe(str(r[c]), keep_newlines=False) for c in columns} for r in rows]
        widths = {c: max(len(c), *(len(cell[c]) for cell in cells)) for c in columns}
        click.echo("  ".join(c.ljust(widths[c]) for c in columns))
        for cell in cells:
            click.echo("  ".join(cell[c].ljust(widths[c]) for c in columns))
