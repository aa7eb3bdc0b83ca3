"""Running async test code without pytest-asyncio (not installed): `run(main())`."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 120.0) -> T:
    """asyncio.run with an upper bound, so a hung test fails instead of stalling CI.

    The bound is a safety net, not a measurement: keep it far above any expected duration.
    """

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())
