"""The deployment files agree with the code: same port, non-root, health check on /healthz."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_image_runs_as_non_root_and_checks_the_health_endpoint() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    port = re.search(r"NIS2BOT_METRICS_PORT=(\d+)", dockerfile)
    assert port, "the image must switch /healthz and /metrics on"
    assert re.search(rf"HEALTHCHECK .*\n.*127\.0\.0\.1:{port.group(1)}/healthz", dockerfile)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    assert "python:3.11-slim" in dockerfile
    for package in ("bot", "handlers", "schedules", "storage"):
        assert f"COPY {package} ./{package}" in dockerfile
    # Every environment variable the image sets is a real setting (extra="forbid" would refuse it).
    for name in re.findall(r"\b(NIS2BOT_[A-Z_]+)=", dockerfile):
        assert name.removeprefix("NIS2BOT_").lower() in Settings.model_fields, name


def test_the_compose_example_runs_two_instances_on_postgres() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    for name in ("bot", "bot-standby"):
        env = services[name]["environment"]
        assert env["NIS2BOT_DATABASE_URL"].startswith("postgresql://")
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    example = (ROOT / "deploy" / "nis2bot.env.example").read_text()
    for name in re.findall(r"^#?\s*(NIS2BOT_[A-Z_]+)=", example, re.MULTILINE):
        assert name.removeprefix("NIS2BOT_").lower() in Settings.model_fields, name
    assert "deploy/nis2bot.env" in (ROOT / ".gitignore").read_text()  # secrets stay out of git
