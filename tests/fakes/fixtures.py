"""pytest fixtures for the real-transport tests; list this module in tests/conftest.py:

    pytest_plugins = ["tests.fakes.fixtures"]

(importable as `tests.fakes.fixtures` when the repository root is on sys.path, e.g. with
`pythonpath = ["."]` under [tool.pytest.ini_options]).

- `synapse` (session): one real Synapse for the whole run; tests register their own users with
  `synapse.make_user("name")`, which suffixes a number so tests never collide.
- `telegram_api` (function): a fresh FakeTelegramAPI per test, served from a background thread
  so the test can drive it from `asyncio.run(...)`, from another loop, or from plain sync code.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from .synapse import SynapseServer
from .telegram_api import FakeTelegramAPI


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    if importlib.util.find_spec("synapse") is None:
        # Fail rather than skip: a silently skipped Matrix suite would look green in CI.
        pytest.fail("matrix-synapse is not installed: pip install matrix-synapse")
    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def telegram_api() -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as fake:
        yield fake
