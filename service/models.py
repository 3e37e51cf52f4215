"""The database tables, in one place."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Grading(Base):
    """One graded submission: what was sent, what it earned, when."""

    __tablename__ = "gradings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[str] = mapped_column(String(100), index=True)
    variant: Mapped[str] = mapped_column(String(20))  # "default" or the seed, as text
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)  # exactly as sent
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # per-part statuses, scores, feedback
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC), index=True
    )
