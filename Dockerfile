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
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin nis2bot \
    && mkdir -p /data && chown nis2bot /data
COPY --from=build /opt/nis2bot /opt/nis2bot
ENV PATH=/opt/nis2bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NIS2BOT_DATA_DIR=/data
USER nis2bot
WORKDIR /data
VOLUME ["/data"]
# The health check proves the settings are valid and the database answers and is migrated.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["nis2bot", "migrate"]
ENTRYPOINT ["nis2bot"]
CMD ["run"]
