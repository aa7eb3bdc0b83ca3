"""``nis2bot report --format md`` keeps what people typed as text (issue #15, item 6): an incident's
service or an audit finding that holds HTML or a Markdown link is shown, never made live HTML or a
link, in CommonMark and GitHub-flavoured renderers alike."""

from __future__ import annotations

from datetime import timedelta

from markdown_it import MarkdownIt

from handlers.coordination.export import to_markdown
from handlers.reply import markup
from storage import coordination, incidents, organisations
from storage.db import make_engine, unit_of_work

IMG = '<img src=x onerror="alert(1)">'
LINK = '<a href="https://evil.example">klik</a>'
MD_LINK = "[login](javascript:alert(1))"


def _render(markdown: str) -> str:
    # html on (the default of CommonMark): raw HTML in the file would come out as HTML here
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def test_report_md_shows_a_hostile_service_and_finding_as_text(
    cli, db_url, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "zwolle", "--name", "Gemeente Zwolle", "--country", "nl")
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="zwolle")
        assert org is not None and org.id is not None
        incident = incidents.create_incident(
            session=session,
            organisation_id=org.id,
            reporter_person_id=None,
            description="phishing",
            year=clock().year,
            reference_for=lambda year, seq: f"INC-{year}-{seq:04d}",
            now=clock() - timedelta(days=3),
        )
        incident.service = f"Burgerzaken {IMG} {LINK}"
        incident.significant = True
        incidents.save_incident(session=session, incident=incident, now=clock())
        audit = coordination.create_audit(
            session=session,
            organisation_id=org.id,
            kind="audit",
            planned_at=clock() - timedelta(days=20),
            auditor=f"Auditor {LINK}",
            scope="BIO",
            now=clock() - timedelta(days=30),
            done_at=clock() - timedelta(days=10),
        )
        coordination.create_finding(
            session=session,
            audit=audit,
            title=f"{MD_LINK} en {IMG}",
            now=clock() - timedelta(days=10),
            due_at=clock() + timedelta(days=30),
        )
    engine.dispose()
    out = tmp_path / "out"
    cli("report", "--org", "zwolle", "--period", "2026Q4", "--audience", "ismt", "--format", "md",
        "--out", str(out))  # fmt: skip
    markdown = (out / "zwolle-2026Q4-ismt.md").read_text("utf-8")
    page = _render(markdown)
    assert "onerror" in page  # the text is there ...
    assert "<img src=x" not in page  # the charts are the only images
    assert 'href="https://evil.example"' not in page and 'href="javascript' not in page
    assert "&lt;img src=x onerror=" in page  # ... shown as text
    assert "[login](javascript:alert(1))" in page


def test_markdown_escaping_keeps_our_own_markup_and_only_safe_links() -> None:
    neutral = "\n".join(
        [
            markup("<b>{t}</b>", t="Overzicht <b>"),
            markup("• {x}", x="# geen kop *geen nadruk* `geen code` | ~geen~ &amp;"),
            markup("{x}", x="1. geen lijst"),
            markup("{x}", x="> geen citaat"),
            markup('Zie <a href="{u}">de site</a>', u="https://csirt.example/a b(c)"),
            markup('<a href="{u}">{x}</a>', u="javascript:alert(1)", x="niet klikbaar"),
        ]
    )
    page = _render(to_markdown(neutral, []))
    assert "<h1>Overzicht &lt;b&gt;</h1>" in page
    assert "<li># geen kop *geen nadruk* `geen code` | ~geen~ &amp;amp;<br />" in page
    assert "<h1>" in page and page.count("<h") == 1 and "<em>" not in page and "<code>" not in page
    assert "<ol>" not in page and "<blockquote>" not in page and "<del>" not in page
    assert '<a href="https://csirt.example/a%20b%28c%29">de site</a>' in page
    assert "niet klikbaar" in page and "javascript" not in page
