"""The project's own rules, checked like tests: import layers, lint and format, translations."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from handlers.i18n import LANGUAGES, catalog_files
from handlers.i18n_extract import untranslated

ROOT = Path(__file__).resolve().parent.parent
CODE = [ROOT / "bot", ROOT / "handlers", ROOT / "schedules", ROOT / "storage"]


def _tool(name: str) -> str:
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def test_imports_only_run_downwards_and_no_platform_library_below_bot() -> None:
    done = subprocess.run(
        [_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_ruff_lint_and_format() -> None:
    paths = ["bot", "handlers", "schedules", "storage", "tests", "bench"]
    lint = subprocess.run(
        [_tool("ruff"), "check", "--no-cache", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [_tool("ruff"), "format", "--check", "--no-cache", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_every_user_facing_string_has_a_dutch_translation() -> None:
    missing = untranslated(CODE, "nl")
    assert not missing, "untranslated: " + "; ".join(f"{m!r} ({w[0]})" for m, w in missing.items())


def test_catalogs_parse_and_keep_placeholders() -> None:
    import re

    from babel.messages.pofile import read_po

    assert LANGUAGES[0] == "nl"
    for path in catalog_files("nl"):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    wanted = set(re.findall(r"{\w+}", str(message.id)))
                    assert set(re.findall(r"{\w+}", str(message.string))) == wanted, (
                        path,
                        message.id,
                    )
