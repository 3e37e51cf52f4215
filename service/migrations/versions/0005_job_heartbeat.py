"""A batch job's heartbeat: the process running a job stamps it every few seconds, so any other
process (another worker, another replica) can tell a job that is running elsewhere from one whose
process died. Before, each process called every job it was not running itself `interrupted`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("batch_jobs", sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batch_jobs") as batch:
        batch.drop_column("heartbeat_at")
