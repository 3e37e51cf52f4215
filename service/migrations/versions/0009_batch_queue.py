"""Batch jobs on a queue: a job's chunks (input rows, graded records) committed by number.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("batch_jobs") as batch:
        batch.add_column(sa.Column("queued", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("chunks_total", sa.Integer, nullable=True))
        batch.add_column(sa.Column("context", sa.JSON, nullable=True))
        batch.add_column(sa.Column("gradescope", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("assembler", sa.String(200), nullable=True))
    op.create_table(
        "batch_chunks",
        sa.Column("job_id", sa.String(36), sa.ForeignKey("batch_jobs.id", name="fk_batch_chunks_job_id_batch_jobs",
                                                         ondelete="CASCADE"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("rows", sa.LargeBinary, nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("records", sa.LargeBinary, nullable=True),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("enqueued_at", MOMENT, nullable=False),
        sa.Column("done_at", MOMENT, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("batch_chunks")
    with op.batch_alter_table("batch_jobs") as batch:
        for column in ("assembler", "gradescope", "context", "chunks_total", "queued"):
            batch.drop_column(column)
