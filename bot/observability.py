"""``/healthz`` and ``/metrics`` (Prometheus) on a configurable port, for the operator's monitoring.

The metrics say how the bot is doing, never what people wrote: counts, latencies, backlog sizes and
the leader state, labelled by platform only. The server is a small threaded HTTP server from the
standard library, started before leadership is settled, so a standby also answers its health check.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import outbox
from storage.db import unit_of_work

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
UPDATES = Counter(
    "nis2bot_updates_total",
    "Inbound events by outcome (handled, duplicate, error)",
    ["platform", "outcome"],
    registry=REGISTRY,
)
HANDLE_SECONDS = Histogram(
    "nis2bot_handle_seconds",
    "Time to handle one inbound event, reply queued included",
    ["platform"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
DELIVERY_DELAY_SECONDS = Histogram(
    "nis2bot_delivery_delay_seconds",
    "Time from queueing a message to the platform confirming it",
    ["platform"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600),
    registry=REGISTRY,
)
DELIVERY_FAILURES = Counter(
    "nis2bot_delivery_failures_total",
    "Messages given up on after their retries (reported to the coordinator)",
    ["platform"],
    registry=REGISTRY,
)
LEADER = Gauge("nis2bot_leader", "1 when this instance leads, 0 on standby", registry=REGISTRY)


class DatabaseGauges(Collector):
    """Figures read from the database at scrape time (cached briefly: scrapes must stay cheap)."""

    def __init__(
        self, engine: Engine, *, extra: Callable[[], dict[str, float]] | None = None
    ) -> None:
        self.engine = engine
        self.extra = extra
        self._cache: tuple[float, dict[str, int], dict[str, int]] | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = time.monotonic()
        if self._cache is None or now - self._cache[0] > 5:
            try:
                with unit_of_work(self.engine) as session:
                    backlog = outbox.backlog(session=session)
                    extra = self.extra(session) if self.extra else {}
                self._cache = (now, backlog, extra)
            except Exception:
                log.warning("metrics: could not read the database", exc_info=True)
                return
        _at, backlog, extra = self._cache
        family = GaugeMetricFamily(
            "nis2bot_outbox_messages", "Outbox messages by status", labels=["status"]
        )
        for status, count in sorted(backlog.items()):
            family.add_metric([status], count)
        yield family
        for name, value in sorted(extra.items()):
            yield GaugeMetricFamily(f"nis2bot_{name}", name.replace("_", " "), value=value)


class HealthServer:
    """Serves /healthz and /metrics on its own thread until ``stop()``."""

    def __init__(self, host: str, port: int, status: Callable[[], dict[str, object]]) -> None:
        self.status = status
        handler = self._handler()
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="health")

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        self.thread.start()
        log.info("health and metrics on port %s", self.port)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        status = self.status

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/healthz":
                    body = json.dumps(status()).encode()
                    self._send(200, "application/json", body)
                elif self.path == "/metrics":
                    self._send(200, "text/plain; version=0.0.4", generate_latest(REGISTRY))
                else:
                    self._send(404, "text/plain", b"not found\n")

            def _send(self, code: int, content_type: str, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return  # scrapes every few seconds would drown the log

        return Handler


def watch_database(
    engine: Engine, extra: Callable[[Session], dict[str, int]] | None = None
) -> None:
    """Register the database gauges once per process (a second registration would clash)."""
    global _database_collector
    if _database_collector is not None:
        REGISTRY.unregister(_database_collector)
    _database_collector = DatabaseGauges(engine, extra=extra)
    REGISTRY.register(_database_collector)


_database_collector: DatabaseGauges | None = None
