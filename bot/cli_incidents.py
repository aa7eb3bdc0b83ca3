"""``nis2bot export incidents --org SLUG --format json|csv [--out FILE]`` (issue #4)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    from bot.cli_admin import _engine, _org
    from storage.db import unit_of_work

    existing = main.commands.get("export")
    if isinstance(existing, click.Group):
        export = existing
    else:

        @main.group()
        def export() -> None:
            """Export records for auditors and backups."""

    @export.command("incidents")
    @click.option("--org", "org_slug", required=True, help="Organisation slug.")
    @click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
    @click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None)
    @click.pass_obj
    def export_incidents(obj, org_slug: str, fmt: str, out: str | None) -> None:  # type: ignore[no-untyped-def]
        """Every incident with its timeline, decisions and deadlines (due and sent times)."""
        from handlers.incidents.export import export_incidents as build
        from handlers.incidents.export import to_csv, to_json
        from storage import audit

        now = obj.now()
        with unit_of_work(_engine(obj)) as session:
            org = _org(session, org_slug)
            rows = build(session, org, now)
            # Handing the record over is a deliberate act: it goes to the audit log.
            audit.record_audit(
                session=session,
                organisation_id=org.id,
                actor="operator",
                action="incident.export",
                now=now,
                detail={"format": fmt, "count": len(rows), "out": bool(out)},
            )
        text = to_json(rows) if fmt == "json" else to_csv(rows)
        if out:
            with open(out, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            click.echo(f"{len(rows)} incidents written to {out}")
        else:
            click.echo(text, nl=False)
