"""``nis2bot demo seed`` and ``nis2bot report`` write Markdown, HTML and a PDF that opens."""

from __future__ import annotations

import json

from PIL import Image
from pypdf import PdfReader


def test_demo_seed_then_reports_in_three_formats(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    made = json.loads(cli("demo", "seed", "--json").output)
    assert made["people"] == 120 and made["audits"] >= 3 and made["findings"] >= 3
    assert made["incidents"] == 75 and made["training_records"] > 100
    assert "demo data already" in cli("demo", "seed", ok=False).output
    out = tmp_path / "out"
    pdf_files = json.loads(
        cli(
            "report",
            "--org",
            "demo",
            "--period",
            "2026Q3",
            "--format",
            "pdf",
            "--out",
            str(out),
            "--json",
        ).output
    )["files"]
    assert pdf_files == [str(out / "demo-2026Q3-council.pdf")]
    reader = PdfReader(pdf_files[0])
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Kwartaalrapportage NIS2 · Gemeente Demo · K3 2026" in text
    assert "Drie vragen voor het college van B&W" in text
    assert "gemeld (vorige periode" in text and "Medewerkers met een actuele training" in text
    images = [image for page in reader.pages for image in page.images]
    md_files = json.loads(
        cli(
            "report",
            "--org",
            "demo",
            "--period",
            "2026Q3",
            "--audience",
            "ismt",
            "--format",
            "md",
            "--out",
            str(out),
            "--lang",
            "en",
            "--json",
        ).output
    )["files"]
    markdown = (out / "demo-2026Q3-ismt.md").read_text("utf-8")
    assert markdown.startswith("# ISMT overview Q3 2026 · Gemeente Demo")
    assert "## Open audit findings" in markdown
    charts = md_files[1:]
    assert len(charts) == 3 and len(images) == 3  # the PDF embeds the charts the md links
    for path in charts:
        assert f"]({path.rsplit('/', 1)[1]})" in markdown
        with Image.open(path) as image:
            assert image.size == (1000, 700)
    cli("report", "--org", "demo", "--period", "2026", "--format", "html", "--out", str(out))
    page = (out / "demo-2026-council.html").read_text("utf-8")
    assert page.startswith("<!doctype html>") and "Jaarrapportage NIS2" in page
    assert "no organisation 'nowhere'" in cli("report", "--org", "nowhere", ok=False).output
    assert "2026Q3 or 2026" in cli("report", "--org", "demo", "--period", "Q9", ok=False).output


def test_demo_seed_fills_a_demo_that_holds_only_an_audit_the_user_entered(
    cli, engine, clock
) -> None:  # type: ignore[no-untyped-def]
    """Someone tried the terminal chat first and planned an audit of their own with /audit plan:
    the demo must still fill (once), keeping their audit."""
    from handlers.people.demo import ensure_demo_organisation
    from storage import coordination
    from storage.db import unit_of_work

    with unit_of_work(engine) as session:
        org = ensure_demo_organisation(session=session, now=clock())
        coordination.create_audit(
            session=session,
            organisation_id=org.id,  # type: ignore[arg-type]
            kind="pentest",
            planned_at=clock(),
            auditor="Eigen Bureau",
            scope="onze eigen pentest",
            now=clock(),
        )
    made = json.loads(cli("demo", "seed", "--json").output)
    assert made["audits"] >= 3 and made["people"] == 120
    assert "demo data already" in cli("demo", "seed", ok=False).output
    with unit_of_work(engine) as session:
        scopes = {
            a.scope for a in coordination.list_audits(session=session, organisation_id=org.id)
        }  # type: ignore[arg-type]
    assert "onze eigen pentest" in scopes and len(scopes) == made["audits"] + 1
