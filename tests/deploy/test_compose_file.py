"""docker-compose.yml, the Dockerfile and deploy/nginx.conf, checked without a Docker engine:
the compose file parses and wires the services as the README says; `docker compose config`
(or docker-compose v1) validates it when such a client is installed."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from stack import ROOT

COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_names_the_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "migrate", "api", "worker", "nginx"}


def test_postgres_keeps_its_data_in_a_named_volume(compose):
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert "pgdata:/var/lib/postgresql/data" in postgres["volumes"]
    assert "pgdata" in compose["volumes"]
    assert "healthcheck" in postgres


def test_migrations_run_once_before_the_api(compose):
    migrate, api = compose["services"]["migrate"], compose["services"]["api"]
    assert migrate["command"] == ["hwcheck", "migrate"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert api["environment"]["HWCHECK_AUTO_MIGRATE"] == "false"  # replicas never race on the schema


def test_the_api_scales_and_uses_postgres_and_redis(compose):
    api = compose["services"]["api"]
    assert "ports" not in api and "container_name" not in api  # else `--scale api=N` collides
    assert api["command"][:2] == ["hwcheck", "serve"]
    env = api["environment"]
    assert env["HWCHECK_DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:5432/" in env["HWCHECK_DATABASE_URL"]
    assert env["HWCHECK_REDIS_URL"].startswith("redis://redis:")
    assert "HWCHECK_WORKERS" in env and env["PROMETHEUS_MULTIPROC_DIR"]
    assert api["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    grace = int(re.fullmatch(r"(\d+)s", api["stop_grace_period"]).group(1))
    assert grace > float(env["HWCHECK_GRACEFUL_SHUTDOWN_SECONDS"])


def test_workers_scale_on_the_same_database_and_redis_and_the_replicas_share_their_outputs(compose):
    worker, api = compose["services"]["worker"], compose["services"]["api"]
    assert worker["command"] == ["hwcheck", "worker"]
    assert "ports" not in worker and "container_name" not in worker  # `--scale worker=N`
    assert worker["environment"]["HWCHECK_DATABASE_URL"] == api["environment"]["HWCHECK_DATABASE_URL"]
    assert worker["environment"]["HWCHECK_REDIS_URL"] == api["environment"]["HWCHECK_REDIS_URL"]
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert worker["deploy"]["replicas"] >= 2
    assert "hwcheck-data:/data" in api["volumes"] and api["environment"]["HWCHECK_DATA_DIR"] == "/data"
    assert "redisdata:/data" in compose["services"]["redis"]["volumes"]  # the queue survives a restart
    assert {"hwcheck-data", "redisdata"} <= set(compose["volumes"])


def test_nginx_fronts_the_api_with_the_repository_config(compose):
    nginx = compose["services"]["nginx"]
    assert nginx["image"].startswith("nginx:")
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]
    assert nginx["depends_on"]["api"]["condition"] == "service_healthy"
    assert any(str(port).endswith(":8080") for port in nginx["ports"])
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"server api:8000 .*# upstream-servers", config)
    assert "proxy_pass http://hwcheck_api;" in config and "listen 8080;" in config


def test_dockerfile_is_multi_stage_slim_non_root_with_a_healthcheck():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert len(stages) >= 2 and all("slim" in image for image in stages)
    assert "COPY --from=build" in dockerfile
    user = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert user and not user[-1].startswith(("root", "0"))
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", dockerfile, re.M)
    assert re.search(r'^CMD \["hwcheck", "serve"\]', dockerfile, re.M)


def _compose_client() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_docker_compose_config_validates():
    client = _compose_client()
    if client is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed; the YAML checks above still run")
    result = subprocess.run(client + ["-f", str(COMPOSE), "config", "-q"], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    services = subprocess.run(client + ["-f", str(COMPOSE), "config", "--services"], capture_output=True,
                              text=True, cwd=ROOT, timeout=60)
    assert set(services.stdout.split()) == {"postgres", "redis", "migrate", "api", "worker", "nginx"}
