"""The FastAPI application: settings, database and routes wired together."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from service.db import make_engine, make_sessionmaker, migrate
from service.routes import grade, problems
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
    app.include_router(problems.router)
    app.include_router(grade.router)
    return app
