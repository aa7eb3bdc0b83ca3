"""Make the fakes' fixtures available when this folder runs on its own.

The lead lists `tests.fakes.fixtures` in tests/conftest.py's `pytest_plugins`; until then, and
whenever only this folder is collected, register it here, once (a second registration would
start a second session-wide Synapse).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# --import-mode=importlib puts no test folder on sys.path; `tests.fakes` needs the repo root.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

_PLUGIN = "tests.fakes.fixtures"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(_PLUGIN):
        config.pluginmanager.import_plugin(_PLUGIN)
