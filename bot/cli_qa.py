"""The operator's question tools: ``nis2bot ask``, ``nis2bot kb check`` and organisation overrides.

nis2bot ask [--org SLUG] [--role ROLE] [--lang nl|en] [--country nl|be] [--json] "question"
nis2bot kb check [PATH] [--overrides DIR]
nis2bot kb override import FILE --org SLUG [--replace]
nis2bot kb override list --org SLUG [--json]
nis2bot kb override remove ENTRY_ID --org SLUG
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import click

from bot.cli_admin import ROLE_NAMES, _engine, _org
from storage.enums import Country, Role


def register(main: click.Group) -> None:
    @main.command()
    @click.argument("question", nargs=-1, required=True)
    @click.option(
        "--org",
        "org_slug",
        default=None,
        help="Answer as this organisation (country, own answers).",
    )
    @click.option(
        "--role", type=click.Choice(ROLE_NAMES), default=Role.EMPLOYEE.value, show_default=True
    )
    @click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
    @click.option(
        "--country",
        type=click.Choice([c.value for c in Country]),
        default=None,
        help="Without --org: nl (default) or be.",
    )
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def ask(obj, question, org_slug, role, lang, country, as_json) -> None:  # type: ignore[no-untyped-def]
        """Answer a question from the knowledge base, as the chat would."""
        from handlers.qa.engine import get_engine
        from handlers.qa.overrides import ORG_ENGINES
        from handlers.reply import to_plain_text
        from storage.db import unit_of_work

        text = " ".join(question)
        if org_slug:
            with unit_of_work(_engine(obj)) as session:
                org = _org(session, org_slug)
                engine = ORG_ENGINES.engine_for(session=session, organisation_id=org.id)
                country = org.country
        else:
            engine, country = get_engine(), country or Country.NL.value
        result = engine.ask(text, role=role, country=country, language=lang)
        if as_json:
            payload = {
                "answer": to_plain_text(result.text) if result.kind == "answer" else None,
                "entry_id": result.entry_id,
                "confidence": round(result.confidence, 3),
                "in_scope": result.in_scope,
                "sources": result.sources,
                "kind": result.kind,
                "message": to_plain_text(result.text),
                "suggestions": [
                    {"entry_id": c.value, "question": c.label}
                    for c in result.suggestions
                    if result.kind == "suggest"
                ],
                # issue 12: the close runner-up offered beside a direct answer, the situation
                # the question describes (the chat then offers /melden), and the country the
                # answer is for when the question named the other one
                "runner_up": (
                    {
                        "entry_id": result.suggestions[0].value,
                        "question": result.suggestions[0].label,
                    }
                    if result.kind == "answer" and result.suggestions
                    else None
                ),
                "situation": result.situation,
                "answered_for_country": result.country.value if result.country else None,
            }
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        click.echo(to_plain_text(result.text))
        for number, choice in enumerate(result.suggestions, start=1):
            if result.kind == "suggest":
                click.echo(f"  {number}) {choice.label}  [{choice.value}]")
            elif result.kind == "answer":
                click.echo(f"  (or rather: {choice.label}  [{choice.value}])")
        if result.situation is not None:
            click.echo("  (in the chat: the offer to report this with /melden)")

    @main.group()
    def kb() -> None:
        """The question-answering knowledge base."""

    @kb.command("check")
    @click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
    @click.option(
        "--overrides",
        "overrides_dir",
        type=click.Path(exists=True, path_type=Path),
        default=None,
        help="Also check an organisation's override files (partial entries allowed).",
    )
    def kb_check(path: Path | None, overrides_dir: Path | None) -> None:
        """Validate the knowledge base files (default: the shared base); exit 1 on errors."""
        from handlers.qa.kb import (
            build_entry,
            check_knowledge_base,
            check_overrides,
            kb_files,
            read_raw,
        )

        errors = check_knowledge_base(path)
        entries = []
        if not errors:
            tables, _ = read_raw(kb_files(path))
            entries = [build_entry(raw) for _, raw in tables]
            errors += _check_support_files() if path is None else []
        if overrides_dir is not None:
            if not entries:
                errors.append("overrides not checked: the base itself has errors")
            else:
                errors += [f"overrides: {e}" for e in check_overrides(overrides_dir, entries)]
        for error in errors:
            click.echo(error, err=True)
        if errors:
            raise SystemExit(1)
        click.echo(f"ok: {len(entries)} entries, both languages, sources present")

    @kb.group("override")
    def override() -> None:
        """An organisation's own entries (operator files)."""

    @override.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--org", "org_slug", required=True)
    @click.pass_obj
    def override_import(obj, file: Path, org_slug: str) -> None:  # type: ignore[no-untyped-def]
        """Store the entries of a TOML file ([[entry]] tables, partial for shared ids)."""
        from handlers.qa.engine import get_engine
        from handlers.qa.kb import check_overrides, read_raw
        from handlers.qa.overrides import ORG_ENGINES, WHOLE_ENTRY
        from storage import audit, questions
        from storage.db import unit_of_work

        errors = check_overrides(file, get_engine().entries)
        tables, read_errors = read_raw([file])
        errors += read_errors
        if errors:
            for error in errors:
                click.echo(error, err=True)
            raise SystemExit(1)
        now = obj.now()
        with unit_of_work(_engine(obj)) as session:
            org = _org(session, org_slug)
            for _, table in tables:
                questions.set_override(
                    session=session,
                    organisation_id=org.id,
                    entry_id=str(table["id"]),
                    language=WHOLE_ENTRY,
                    fields=json.loads(json.dumps(table, default=str)),
                    created_by="operator",
                    now=now,
                )
            audit.record_audit(
                session=session,
                organisation_id=org.id,
                actor="operator",
                action="qa.kb_override_imported",
                now=now,
                detail={"file": file.name, "entries": [str(t["id"]) for _, t in tables]},
            )
            ORG_ENGINES.forget(org.id)
        click.echo(f"{len(tables)} entr{'y' if len(tables) == 1 else 'ies'} stored for {org_slug}")

    @override.command("list")
    @click.option("--org", "org_slug", required=True)
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_obj
    def override_list(obj, org_slug: str, as_json: bool) -> None:  # type: ignore[no-untyped-def]
        from bot.cli_admin import _print
        from storage import questions
        from storage.db import unit_of_work

        with unit_of_work(_engine(obj)) as session:
            org = _org(session, org_slug)
            rows = [
                {
                    "entry_id": r.entry_id,
                    "language": r.language,
                    "created_by": r.created_by,
                    "created_at": r.created_at.isoformat(),
                    "fields": r.fields,
                }
                for r in questions.overrides_of(session=session, organisation_id=org.id)
            ]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        _print(rows, False, ["entry_id", "language", "created_by", "created_at"])

    @override.command("remove")
    @click.argument("entry_id")
    @click.option("--org", "org_slug", required=True)
    @click.pass_obj
    def override_remove(obj, entry_id: str, org_slug: str) -> None:  # type: ignore[no-untyped-def]
        from handlers.qa.overrides import ORG_ENGINES
        from storage import audit, questions
        from storage.db import unit_of_work

        with unit_of_work(_engine(obj)) as session:
            org = _org(session, org_slug)
            removed = questions.remove_overrides(
                session=session, organisation_id=org.id, entry_id=entry_id, now=obj.now()
            )
            audit.record_audit(
                session=session,
                organisation_id=org.id,
                actor="operator",
                action="qa.kb_override_removed",
                now=obj.now(),
                detail={"entry": entry_id, "rows": removed},
            )
            ORG_ENGINES.forget(org.id)
        click.echo(f"{removed} row(s) removed")


def _check_support_files() -> list[str]:
    """The data files beside the entries: council questions, role texts, synonyms, stopwords."""
    from handlers.qa.helpers import DATA_DIR
    from handlers.qa.kb import COUNCIL_LEVELS, LANGS

    errors: list[str] = []
    data = {}
    for name in ("council.toml", "roles.toml", "synonyms.toml", "stopwords.toml"):
        try:
            with (DATA_DIR / name).open("rb") as handle:
                data[name] = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            errors.append(f"data/{name}: cannot read: {exc}")
    council = data.get("council.toml", {})
    for level in COUNCIL_LEVELS:
        questions = council.get("levels", {}).get(level, {}).get("questions", [])
        if not questions:
            errors.append(f"data/council.toml: level {level} has no questions")
        for number, question in enumerate(questions, start=1):
            missing = [lang for lang in LANGS if not str(question.get(lang, "")).strip()]
            if missing:
                errors.append(f"data/council.toml: {level} question {number}: missing {missing}")
    roles = data.get("roles.toml", {})
    for role in Role:
        for lang in LANGS:
            text = roles.get(role.value, {}).get(lang)
            if not text or not text.get("title") or not text.get("duties"):
                errors.append(f"data/roles.toml: {role.value}.{lang}: title or duties missing")
    return errors
