"""The FastAPI application: settings, database and routes wired together."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager
from functools import cache

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from graders import budget
from service.api import analytics as analytics_routes
from service.api import assignments, courses, grade, health, me, preview, problems
from service.api import jobs as batch_routes
from service.api import lti as lti_api
from service.api.errors import install_api_errors
from service.api.readable import readable_json
from service.batch import jobs as batch_jobs
from service.courses.templates import load_assignments
from service.grading import set_practice_store
from service.lti.scores import ScoreSender
from service.ops.limits import install_limits
from service.ops.observability import install_observability
from service.ops.security import install_security
from service.settings import Settings, get_settings
from service.store.db import make_engine, make_loop_reader, make_sessionmaker, migrate
from service.store.models import utc_now
from service.store.writer import Writer
from service.web import install as install_web


@cache  # once per process: later apps (tests make many) add nothing worth freezing for good
def freeze_startup_objects() -> None:
    """Take what start-up built — modules, grammars, models, routes: ~165,000 objects that live
    as long as the process — out of the garbage collector's full passes, once per process.
    Each full pass scanned them all with the event loop stopped, a few times a minute under
    load: the p99 latency of every request in flight (bench/RESULTS-http.md,
    bench/RESULTS-costs.md). Garbage is collected first, so none of it is kept for good."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.auto_migrate:
            migrate(settings.effective_database_url)
        freeze_startup_objects()
        app.state.score_sender.start()
        if app.state.assembler is not None:
            app.state.assembler.start()
        yield
        if app.state.assembler is not None:
            app.state.assembler.stop()
        app.state.score_sender.stop()
        app.state.writer.close()  # after the in-flight requests: their rows are written first
        app.state.engine.dispose()
        if app.state.loop_reader is not None:
            app.state.loop_reader.dispose()

    # FastAPIOffline: Swagger UI and ReDoc served from fastapi-offline's own files, so /docs
    # works without internet and the docs' CSP names no outside host.
    app = FastAPIOffline(
        title="hwcheck",
        version="0.1.0",
        summary="Grades deep-learning homework: per-part scores and feedback, at once.",
        lifespan=lifespan,
        dependencies=[Depends(readable_json)],  # no unpaired surrogate, NUL or NaN in a request field
    )
    engine = make_engine(settings.effective_database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.loop_reader = make_loop_reader(settings.effective_database_url)  # SQLite: service/api/grade.py
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.writer = Writer(engine)  # practice gradings, group-committed: service/store/writer.py
    # Batch jobs, regrades and LTI scores: on the Redis queue (workers grade and send, this server
    # enqueues and assembles batch outputs), or in this process.
    app.state.batch_queue = app.state.assembler = None
    if settings.queued_batches:
        from service.batch.assembler import Assembler
        from service.batch.queue import Queue

        app.state.batch_queue = Queue(settings)
        app.state.assembler = Assembler(app.state.sessionmaker, settings.data_dir, app.state.batch_queue,
                                        settings.effective_database_url, max_jobs=settings.max_batch_jobs)
    # LTI grades to the LMS: service/lti/scores.py
    app.state.score_sender = ScoreSender(app.state.sessionmaker,
                                         app.state.batch_queue.send_scores if app.state.batch_queue else None)
    app.state.assignments = load_assignments(settings.assignments_file)
    app.state.clock = utc_now  # service/api/clock.py: tests move it instead of sleeping
    app.include_router(problems.router)
    app.include_router(grade.router)
    app.include_router(preview.router)
    app.include_router(courses.router)
    app.include_router(courses.submissions_router)
    app.include_router(me.router)
    app.include_router(assignments.router)
    app.include_router(batch_routes.router)  # batch grading jobs and regrade: service/api/jobs.py
    app.include_router(batch_routes.regrade_router)
    app.include_router(analytics_routes.router)  # recorded submissions' analytics: service/api/analytics.py
    app.include_router(lti_api.router)  # LTI 1.3: /lti/jwks, platform registration (service/lti/)
    install_web(app)  # the web pages (service/web/): student form, practice, instructor dashboard
    # Hardening: innermost first — body cap, rate limits, then security headers and CORS outside.
    budget.set_part_seconds(settings.grading_part_seconds)
    set_practice_store(settings.practice_store)
    batch_jobs.set_max_running(settings.max_batch_jobs)
    install_limits(app, settings)
    install_security(app, settings)
    install_api_errors(app)
    # Operations: /healthz, /readyz, /metrics; request ids, access logs and metrics outermost.
    app.include_router(health.router)
    install_observability(app)
    return app
