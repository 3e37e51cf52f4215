"""Web sign-in sessions kept on the server: the `hwcheck_session` cookie held the person's own
long-lived bearer token, and signing out only deleted the cookie. Now the cookie holds a random
session id whose SHA-256 is a row here; signing out deletes the row, and a session ends by itself
when it expires or when the token it was opened with is replaced.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
