"""Batch grading jobs and regrade revisions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "grading_revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("grading_id", sa.Integer,
                  sa.ForeignKey("gradings.id", name="fk_grading_revisions_grading_id_gradings", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("run", sa.String(36), nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("final_score", sa.Float, nullable=True),
        sa.Column("new_score", sa.Float, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
    )
    op.create_index("ix_grading_revisions_grading_id", "grading_revisions", ["grading_id"])
    op.create_index("ix_grading_revisions_run", "grading_revisions", ["run"])
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("course_id", sa.Integer, nullable=True),
        sa.Column("assignment", sa.String(50), nullable=True),
        sa.Column("input_name", sa.String(200), nullable=False),
        sa.Column("rows_total", sa.Integer, nullable=True),
        sa.Column("rows_done", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("summary", sa.JSON, nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("finished_at", MOMENT, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("batch_jobs")
    op.drop_index("ix_grading_revisions_run", table_name="grading_revisions")
    op.drop_index("ix_grading_revisions_grading_id", table_name="grading_revisions")
    op.drop_table("grading_revisions")
