"""LTI Advantage: the context's service endpoints, resource links -> assignments, AGS line items
and the outbox of scores waiting to be sent (service/lti/).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    """The foreign key `table.column -> target.id`, named as the models name it."""
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}", ondelete="CASCADE")


def upgrade() -> None:
    with op.batch_alter_table("lti_contexts") as batch:
        batch.add_column(sa.Column("lineitems_url", sa.String(1000), nullable=True))
        batch.add_column(sa.Column("memberships_url", sa.String(1000), nullable=True))
    op.create_table(
        "lti_resource_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Integer, _fk("lti_resource_links", "platform_id", "lti_platforms"),
                  nullable=False),
        sa.Column("resource_link_id", sa.String(255), nullable=False),
        sa.Column("assignment_id", sa.Integer, _fk("lti_resource_links", "assignment_id", "assignments"),
                  nullable=False),
        sa.Column("problem_id", sa.String(100), nullable=True),
        sa.UniqueConstraint("platform_id", "resource_link_id", name="uq_lti_resource_links_platform_link"),
    )
    op.create_table(
        "lti_line_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("context_pk", sa.Integer, _fk("lti_line_items", "context_pk", "lti_contexts"), nullable=False),
        sa.Column("assignment_id", sa.Integer, _fk("lti_line_items", "assignment_id", "assignments"),
                  nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.UniqueConstraint("context_pk", "assignment_id", name="uq_lti_line_items_context_assignment"),
    )
    op.create_table(
        "lti_score_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("student_pk", sa.Integer, _fk("lti_score_outbox", "student_pk", "students"), nullable=False),
        sa.Column("assignment_id", sa.Integer, _fk("lti_score_outbox", "assignment_id", "assignments"),
                  nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("sent_at", MOMENT, nullable=True, index=True),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("next_try_at", MOMENT, nullable=False),
        sa.Column("claimed_until", MOMENT, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )


def downgrade() -> None:
    for table in ("lti_score_outbox", "lti_line_items", "lti_resource_links"):
        op.drop_table(table)
    with op.batch_alter_table("lti_contexts") as batch:
        batch.drop_column("memberships_url")
        batch.drop_column("lineitems_url")
