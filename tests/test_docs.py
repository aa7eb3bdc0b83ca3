"""The docs tell the truth about the code: every setting is documented, and only real ones."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    text = (DOCS / "SETTINGS.md").read_text()
    documented = {name.lower() for name in re.findall(r"`NIS2BOT_([A-Z0-9_]+)`", text)}
    documented.discard("config")  # the file switch, not a setting
    known = set(Settings.model_fields)
    assert known - documented == set(), "document these in docs/SETTINGS.md"
    assert documented - known == set(), "docs/SETTINGS.md mentions settings that do not exist"


ROOT = DOCS.parent


def test_every_organisation_setting_is_documented_and_only_real_ones() -> None:
    from bot.org_settings import ORG_SETTINGS

    text = (DOCS / "SETTINGS.md").read_text()
    table = text.split("## Per organisation", 1)[1]
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", table, flags=re.M))
    assert set(ORG_SETTINGS) - documented == set(), "document these in docs/SETTINGS.md"
    assert documented - set(ORG_SETTINGS) == set(), "SETTINGS.md names keys org set refuses"


def test_readme_and_docs_link_only_to_files_a_clone_has() -> None:
    """A clone has no ../shared/: every relative link and every path named in the architecture map
    must exist in the repository itself."""
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        text = page.read_text()
        for target in re.findall(r"\]\(([^)#\s]+)\)", text):
            if "://" in target:
                continue
            assert (page.parent / target).resolve().is_relative_to(ROOT), f"{page.name}: {target}"
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
    # The newcomer's page names nothing outside the clone (benchmarks may cite the team's tools).
    assert "../shared" not in (ROOT / "README.md").read_text()
    architecture = (DOCS / "ARCHITECTURE.md").read_text()
    named = set(
        re.findall(r"`((?:bot|handlers|schedules|storage|tests|bench)/[\w/.*-]+)`", architecture)
    )
    assert named, "the architecture map names no paths"
    for path in named:
        assert list(ROOT.glob(path)), f"docs/ARCHITECTURE.md names {path}, which does not exist"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, flags=re.S)
    test_command = next(b for b in blocks[:2] if "pytest" in b)
    assert test_command in (ROOT / ".ci" / "run").read_text()
