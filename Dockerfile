# nis2bot: slim, multi-stage, non-root. Data (the embedded SQLite database) lives on the /data volume;
# for production point NIS2BOT_DATABASE_URL at PostgreSQL. Migrations run automatically at start.
FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/nis2bot
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY schedules ./schedules
COPY storage ./storage
RUN /opt/nis2bot/bin/pip install .

FROM python:3.11-slim
# DejaVu: certificates and reports print every Dutch and Flemish name (é, ë, ĳ) correctly.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin nis2bot \
    && mkdir -p /data && chown nis2bot /data
COPY --from=build /opt/nis2bot /opt/nis2bot
ENV PATH=/opt/nis2bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    NIS2BOT_DATA_DIR=/data \
    NIS2BOT_METRICS_HOST=0.0.0.0 \
    NIS2BOT_METRICS_PORT=9102
USER nis2bot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 9102
# /healthz answers on leaders and standbys alike ({"role": "leader"|"standby"}); /metrics is for
# Prometheus. A process that lost its database or its leadership exits and is restarted.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9102/healthz', timeout=4)"]
ENTRYPOINT ["nis2bot"]
CMD ["run"]
