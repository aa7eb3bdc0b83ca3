"""A real Synapse homeserver on loopback, for end-to-end tests with the real matrix-nio client.

    server = SynapseServer(tmp_dir)
    server.start()                       # ~1 s config generation once, ~1-2 s per start
    bot = server.make_user("bot")        # MatrixUser(user_id, access_token, device_id, ...)
    server.restart()                     # same port, same database: a mid-run homeserver restart
    server.stop()

Synapse runs as a child process of the test run (the venv's own Python), listening on
127.0.0.1 only, client API only (no federation), with SQLite in the temporary directory and
every rate limit raised so tests never wait on Synapse's flood control. Users are registered
through the admin shared-secret API, which needs no login round trip and no open registration.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

# Far above anything a test does; Synapse's defaults (0.2 msg/s per user) would stall tests.
_UNLIMITED = {"per_second": 1_000_000, "burst_count": 1_000_000}
_RATE_LIMITS: dict[str, Any] = {
    name: _UNLIMITED
    for name in (
        "rc_message", "rc_registration", "rc_registration_token_validity", "rc_admin_redaction",
        "rc_joins_per_room", "rc_3pid_validation", "rc_third_party_invite", "rc_key_requests",
        "rc_media_create", "rc_room_creation", "rc_reports", "rc_user_directory", "rc_profile",
        "rc_delayed_event_mgmt",
    )
}  # fmt: skip
_RATE_LIMITS |= {
    "rc_login": {"address": _UNLIMITED, "account": _UNLIMITED, "failed_attempts": _UNLIMITED},
    "rc_joins": {"local": _UNLIMITED, "remote": _UNLIMITED},
    "rc_invites": {"per_room": _UNLIMITED, "per_user": _UNLIMITED, "per_issuer": _UNLIMITED},
    "rc_presence": {"per_user": _UNLIMITED},
}


@dataclass(frozen=True)
class MatrixUser:
    """A registered account, ready for `AsyncClient.restore_login(user_id, device_id, token)`."""

    user_id: str
    localpart: str
    password: str
    access_token: str
    device_id: str
    homeserver: str
    admin: bool = False


class SynapseError(RuntimeError):
    pass


def _free_port() -> int:
    # Synapse wants a port number in its config, so it cannot be handed a bound socket; the
    # short window between closing this probe and Synapse binding is covered by a retry.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SynapseServer:
    def __init__(
        self,
        base_dir: Path,
        *,
        server_name: str = "localhost",
        extra_config: dict[str, Any] | None = None,
        python: str = sys.executable,
    ) -> None:
        self.base_dir = Path(base_dir)
        self.server_name = server_name
        self.extra_config = extra_config or {}
        self.python = python
        self.registration_secret = secrets.token_hex(16)
        self.port = 0
        # Seconds taken by the last config generation and the first/last start, for reports.
        self.timings: dict[str, float] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._admin: MatrixUser | None = None
        self._counter = 0

    # -- paths and addresses --------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_path(self) -> Path:
        """Synapse's own log (buffered; warnings and errors are flushed at once)."""
        return self.base_dir / "homeserver.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self, timeout: float = 120.0) -> None:
        """Generate the config once, then start and wait until the client API answers."""
        if self.running:
            return
        if not (self.base_dir / "hs.yaml").exists():
            self._generate_config()
        attempts = 1 if self.port else 3  # a restart keeps its port; a first start may retry
        for attempt in range(attempts):
            if not self.port or attempt:
                self.port = _free_port()
            self._write_overlay()
            began = time.monotonic()
            try:
                self._spawn_and_wait(timeout)
            except SynapseError:
                if attempt == attempts - 1:
                    raise
                continue
            took = time.monotonic() - began
            self.timings.setdefault("first_start", took)
            self.timings["last_start"] = took
            return

    def stop(self, timeout: float = 30.0, *, graceful: bool = True) -> None:
        """SIGTERM and wait (graceful), or SIGKILL to simulate a crash."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        if graceful:
            process.terminate()
        else:
            process.kill()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)

    def restart(self, timeout: float = 120.0) -> None:
        """Stop and start again on the same port and data directory."""
        self.stop()
        self.start(timeout)

    def __enter__(self) -> SynapseServer:
        self.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _generate_config(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(exist_ok=True)
        began = time.monotonic()
        subprocess.run(
            [
                self.python, "-m", "synapse.app.homeserver",
                "--server-name", self.server_name,
                "--config-path", "hs.yaml",
                "--data-directory", str(self.data_dir),
                "--generate-config", "--report-stats=no",
            ],
            cwd=self.base_dir,
            check=True,
            capture_output=True,
        )  # fmt: skip
        self.timings["generate_config"] = time.monotonic() - began

    def _write_overlay(self) -> None:
        # The second -c file overrides the generated one key by key. JSON is valid YAML.
        overlay: dict[str, Any] = {
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "public_baseurl": self.url + "/",
            "registration_shared_secret": self.registration_secret,
            "enable_registration": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "report_stats": False,
            "enable_metrics": False,
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            "max_upload_size": "50M",
            # The default 2-minute cache would answer a fresh initial sync with stale data.
            "caches": {"sync_response_cache_duration": 0},
            # Fewer bcrypt rounds: registering a user takes milliseconds instead of ~0.3 s.
            "bcrypt_rounds": 4,
            "database": {
                "name": "sqlite3",
                "args": {"database": str(self.data_dir / "homeserver.db")},
            },
            **_RATE_LIMITS,
            **self.extra_config,
        }
        (self.base_dir / "overlay.yaml").write_text(json.dumps(overlay, indent=2))

    def _spawn_and_wait(self, timeout: float) -> None:
        output = (self.base_dir / "stdout.log").open("ab")
        self._process = subprocess.Popen(
            [self.python, "-m", "synapse.app.homeserver", "-c", "hs.yaml", "-c", "overlay.yaml"],
            cwd=self.base_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        output.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                raise SynapseError(f"Synapse exited during start-up:\n{self._log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)  # waiting for readiness only
        self.stop(graceful=False)
        raise SynapseError(f"Synapse did not answer within {timeout} s:\n{self._log_tail()}")

    def _log_tail(self, lines: int = 40) -> str:
        parts = []
        for path in (self.base_dir / "stdout.log", self.log_path):
            if path.exists():
                parts.append("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(parts)

    # -- users ----------------------------------------------------------------------------------

    def make_user(
        self,
        name: str,
        admin: bool = False,
        *,
        password: str | None = None,
        displayname: str | None = None,
        unique: bool = True,
    ) -> MatrixUser:
        """Register @name:server (with a numeric suffix if `unique`, since the server is shared
        by the whole test session) through the shared-secret admin API."""
        self._counter += 1
        localpart = f"{name.lower()}-{self._counter}" if unique else name.lower()
        password = password or secrets.token_urlsafe(12)
        nonce = self.request("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(self.registration_secret.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode()]))
        mac.update(b"\x00admin" if admin else b"\x00notadmin")
        body: dict[str, Any] = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        if displayname:
            body["displayname"] = displayname
        answer = self.request("POST", "/_synapse/admin/v1/register", body)
        return MatrixUser(
            user_id=answer["user_id"],
            localpart=localpart,
            password=password,
            access_token=answer["access_token"],
            device_id=answer["device_id"],
            homeserver=self.url,
            admin=admin,
        )

    async def amake_user(self, name: str, admin: bool = False, **kwargs: Any) -> MatrixUser:
        """make_user without blocking the test's event loop."""
        return await asyncio.to_thread(self.make_user, name, admin, **kwargs)

    def exempt_from_rate_limits(self, user: MatrixUser) -> None:
        """What production does for the bot account (PITFALLS.md): override its rate limit."""
        if self._admin is None:
            self._admin = self.make_user("admin", admin=True)
        path = f"/_synapse/admin/v1/users/{user.user_id}/override_ratelimit"
        self.request(
            "POST", path, {"messages_per_second": 0, "burst_count": 0}, self._admin.access_token
        )

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """One JSON call to the homeserver; raises SynapseError with Synapse's answer on error."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as answer:
                return dict(json.loads(answer.read() or b"{}"))
        except urllib.error.HTTPError as err:
            raise SynapseError(f"{method} {path}: {err.code} {err.read().decode()}") from None
