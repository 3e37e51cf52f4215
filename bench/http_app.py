"""The service app as `hwcheck serve` runs it, plus `GET /bench/hello` — a bare FastAPI route
returning a tiny JSON, the yardstick the grading routes are compared to (bench/http.py). It
lives here, never in the production routes. The hello route goes through the same middleware
(request id, metrics and access log, rate limits, body cap, security headers) as every route,
so the ratio grading / hello is what grading itself costs on top of the framework.

    python -m hwcheck_bench_app --port 8123 [--workers 1]

With HWCHECK_BENCH_PROBE=<folder>, the app is wrapped in bench/latency_probe.py's probe.

bench/http.py copies this file into a temporary folder as `hwcheck_bench_app.py` (and the probe
as `hwcheck_latency_probe.py`) and puts the source tree under test first on PYTHONPATH, so the
same files serve the current checkout and a worktree of an older commit (the "before" figures).
Settings come from HWCHECK_* variables.
"""

from __future__ import annotations

import argparse
import os


def create_app():
    from service.app import create_app as create_service_app

    app = create_service_app()

    @app.get("/bench/hello", include_in_schema=False)
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    if probe := os.environ.get("HWCHECK_BENCH_PROBE"):  # `bench/http.py --probe`
        from hwcheck_latency_probe import Probe

        return Probe(app, probe)
    return app


def serve(port: int, workers: int) -> None:
    """What `hwcheck serve` does (service/cli/main.py), with this module's app factory."""
    import uvicorn

    from service.ops.observability import logging_config
    from service.settings import get_settings
    from service.store.db import migrate

    settings = get_settings()
    migrate(settings.effective_database_url)
    os.environ["HWCHECK_AUTO_MIGRATE"] = "false"
    # The uvicorn settings of `hwcheck serve` in the source tree under test, so a before/after
    # comparison never differs in the server's configuration.
    try:
        from service.cli.main import uvicorn_options
    except ImportError:  # older commits wrote them out inside serve(): the same values
        def uvicorn_options(settings):
            return dict(log_config=logging_config(settings), access_log=False,
                        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
                        proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips)
    uvicorn.run("hwcheck_bench_app:create_app", factory=True, host="127.0.0.1", port=port,
                workers=workers, **uvicorn_options(settings))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    serve(args.port, args.workers)
