"""The FastAPI application: settings, database and routes wired together."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from service.db import make_engine, make_sessionmaker, migrate
from service.models import utc_now
from service.assignments import load_assignments
from service.routes import assignments, courses, grade, me, preview, problems
from service.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.auto_migrate:
            migrate(settings.effective_database_url)
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="hwcheck",
        version="0.1.0",
        summary="Grades deep-learning homework: per-part scores and feedback, at once.",
        lifespan=lifespan,
    )
    engine = make_engine(settings.effective_database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.assignments = load_assignments(settings.assignments_file)
    app.state.clock = utc_now  # service/clock.py: tests move it instead of sleeping
    app.include_router(problems.router)
    app.include_router(grade.router)
    app.include_router(preview.router)
    app.include_router(courses.router)
    app.include_router(courses.submissions_router)
    app.include_router(me.router)
    app.include_router(assignments.router)
    return app
