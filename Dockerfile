# syntax=docker/dockerfile:1
# hwcheck's API image: built in one stage, run from a slim one as a non-root user.
#   docker build -t hwcheck .        (docker-compose.yml builds it as hwcheck:latest)

# --- build: a virtualenv with the project and its PostgreSQL and Redis drivers ---------------
FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY problems problems
COPY graders graders
COPY service service
# psycopg[binary] ships its own libpq, so the runtime image needs no compiler and no apt packages.
# redis: the shared rate-limit counters (HWCHECK_REDIS_URL).
RUN pip install '.[postgres]' 'redis>=5,<9'

# --- runtime -------------------------------------------------------------------------------
FROM python:3.12-slim
RUN groupadd --system --gid 10001 hwcheck \
 && useradd --system --uid 10001 --gid hwcheck --home-dir /app --no-create-home hwcheck \
 && mkdir -p /app /data /tmp/prometheus \
 && chown hwcheck:hwcheck /app /data /tmp/prometheus
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HWCHECK_HOST=0.0.0.0 \
    HWCHECK_PORT=8000 \
    HWCHECK_DATA_DIR=/data \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
WORKDIR /app
USER hwcheck:hwcheck
EXPOSE 8000
# Liveness only (/healthz); a load balancer or orchestrator asks /readyz for the database.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HWCHECK_PORT', '8000'), timeout=2)"]
# SIGTERM: uvicorn stops accepting, lets in-flight gradings finish (HWCHECK_GRACEFUL_SHUTDOWN_SECONDS).
STOPSIGNAL SIGTERM
CMD ["hwcheck", "serve"]
