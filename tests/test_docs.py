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
