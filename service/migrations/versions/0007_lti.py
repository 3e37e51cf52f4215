"""LTI 1.3: registered platforms, hwcheck's own signing keys, OIDC logins in flight, used nonces,
and the links from an LMS's courses and people to hwcheck's (service/lti/).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("client_id", sa.String(500), nullable=False),
        sa.Column("auth_login_url", sa.String(1000), nullable=False),
        sa.Column("token_url", sa.String(1000), nullable=False),
        sa.Column("jwks_url", sa.String(1000), nullable=False),
        sa.Column("deployment_ids", sa.JSON, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
    )
    op.create_table(
        "lti_tool_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("retired_at", MOMENT, nullable=True),
    )
    op.create_table(
        "lti_logins",
        sa.Column("state_hash", sa.String(64), primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("lti_platforms.id", name="fk_lti_logins_platform_id_lti_platforms",
                                                           ondelete="CASCADE"), nullable=False),
        sa.Column("nonce", sa.String(100), nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False, index=True),
    )
    op.create_table(
        "lti_nonces",
        sa.Column("nonce_hash", sa.String(64), primary_key=True),
        sa.Column("expires_at", MOMENT, nullable=False, index=True),
    )
    op.create_table(
        "lti_contexts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("lti_platforms.id", name="fk_lti_contexts_platform_id_lti_platforms",
                                                           ondelete="CASCADE"), nullable=False),
        sa.Column("context_id", sa.String(255), nullable=False),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", name="fk_lti_contexts_course_id_courses",
                                                         ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.UniqueConstraint("platform_id", "context_id", name="uq_lti_contexts_platform_context"),
    )
    op.create_table(
        "lti_students",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("lti_platforms.id", name="fk_lti_students_platform_id_lti_platforms",
                                                           ondelete="CASCADE"), nullable=False),
        sa.Column("sub", sa.String(255), nullable=False),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", name="fk_lti_students_course_id_courses",
                                                         ondelete="CASCADE"), nullable=False),
        sa.Column("student_pk", sa.Integer, sa.ForeignKey("students.id", name="fk_lti_students_student_pk_students",
                                                          ondelete="CASCADE"), nullable=False, unique=True),
        sa.UniqueConstraint("platform_id", "sub", "course_id", name="uq_lti_students_platform_sub_course"),
    )
    op.create_table(
        "lti_instructors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("lti_platforms.id",
                                                           name="fk_lti_instructors_platform_id_lti_platforms",
                                                           ondelete="CASCADE"), nullable=False),
        sa.Column("sub", sa.String(255), nullable=False),
        sa.Column("instructor_id", sa.Integer, sa.ForeignKey("instructors.id",
                                                             name="fk_lti_instructors_instructor_id_instructors",
                                                             ondelete="CASCADE"), nullable=False, index=True),
        sa.UniqueConstraint("platform_id", "sub", name="uq_lti_instructors_platform_sub"),
    )


def downgrade() -> None:
    for table in ("lti_instructors", "lti_students", "lti_contexts", "lti_nonces", "lti_logins", "lti_tool_keys", "lti_platforms"):
        op.drop_table(table)
