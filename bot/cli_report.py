"""``nis2bot report`` (a summary with its charts as Markdown, HTML or PDF) and ``nis2bot demo seed``
(a demo municipality filled with realistic data) for issue #7."""

from __future__ import annotations

import json
from pathlib import Path

import click

FORMATS = ("md", "html", "pdf")


def register(main: click.Group) -> None:
    @main.command("report")
    @click.option("--org", "org_slug", required=True, help="Organisation slug.")
    @click.option("--period", default=None, help="2026Q3, or a year (2026). Default: last quarter.")
    @click.option(
        "--audience", type=click.Choice(["council", "ismt"]), default="council", show_default=True
    )
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
    @click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="Directory to write the report (and, for md/html, its charts) into.",
    )
    @click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="Default: nl.")
    @click.option("--json", "as_json", is_flag=True, help="Print the written files as JSON.")
    @click.pass_obj
    def report(obj, org_slug, period, audience, fmt, out_dir, lang, as_json) -> None:  # type: ignore[no-untyped-def]
        """Write the council or ISMT summary of a period, with its charts."""
        from bot.app import open_database
        from handlers.coordination.export import to_html, to_markdown, to_pdf
        from handlers.coordination.periods import parse_period
        from handlers.coordination.service import default_period, room_language, summary_for
        from handlers.coordination.summary import Audience
        from handlers.reply import to_plain_text
        from storage.db import unit_of_work
        from storage.organisations import organisation_by_slug

        engine = open_database(obj.settings)
        now = obj.now()
        with unit_of_work(engine) as session:
            org = organisation_by_slug(session=session, slug=org_slug)
            if org is None:
                raise click.ClickException(f"no organisation '{org_slug}' (see: nis2bot org list)")
            chosen = parse_period(period) if period else default_period(org, now)
            if chosen is None:
                raise click.BadParameter("use 2026Q3 or 2026", param_hint="--period")
            language = lang or room_language(org)
            rendered = summary_for(
                session=session,
                organisation=org,
                period=chosen,
                audience=Audience(audience),
                language=language,
                as_of=now,
                limit=None,
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = f"{org_slug}-{chosen.label}-{audience}"
        title = to_plain_text(rendered.text.split("\n", 1)[0])
        written: list[Path] = []
        if fmt in ("md", "html"):
            names = []
            for name, data in rendered.charts:
                path = out_dir / f"{org_slug}-{name}"
                path.write_bytes(data)
                names.append(path.name)
                written.append(path)
            text = (
                to_markdown(rendered.text, names)
                if fmt == "md"
                else to_html(rendered.text, title, names, language)
            )
            target = out_dir / f"{stem}.{fmt}"
            target.write_text(text, encoding="utf-8")
        else:
            target = out_dir / f"{stem}.pdf"
            target.write_bytes(to_pdf(rendered.text, title, rendered.charts))
        written.insert(0, target)
        if as_json:
            click.echo(json.dumps({"files": [str(p) for p in written]}, indent=2))
        else:
            for path in written:
                click.echo(str(path))

    @main.group()
    def demo() -> None:
        """The demo municipality."""

    @demo.command("seed")
    @click.option("--org", "org_slug", default="demo", show_default=True)
    @click.option("--people", "people_count", default=120, show_default=True, type=int)
    @click.option("--seed", "random_seed", default=7, show_default=True, type=int)
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def demo_seed(obj, org_slug, people_count, random_seed, as_json) -> None:  # type: ignore[no-untyped-def]
        """Create (or fill) a demo municipality with people, rooms, audits and what else exists."""
        from bot.app import open_database
        from handlers.coordination.demo_seed import AlreadySeeded, seed_demo
        from storage.db import unit_of_work

        engine = open_database(obj.settings)
        try:
            with unit_of_work(engine) as session:
                made = seed_demo(
                    session=session,
                    slug=org_slug,
                    now=obj.now(),
                    people_count=people_count,
                    random_seed=random_seed,
                )
        except AlreadySeeded as error:
            raise click.ClickException(str(error)) from None
        if as_json:
            click.echo(json.dumps(made, indent=2))
        else:
            click.echo(", ".join(f"{name}: {count}" for name, count in made.items()))
