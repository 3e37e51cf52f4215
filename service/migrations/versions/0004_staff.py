"""Course staff and site admins: who may see and change which course.

Until now every instructor could read and change every course. So that an upgrade locks nobody
out, every instructor who exists at upgrade time becomes an owner of every course that exists
then (the access they already had); owners then remove who should not be there. From here on a
course's creator is its only owner until they add staff.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("instructors", sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("batch_jobs", sa.Column("created_by", sa.Integer, nullable=True))
    op.create_table(
        "course_staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("course_id", sa.Integer,
                  sa.ForeignKey("courses.id", name="fk_course_staff_course_id_courses", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("instructor_id", sa.Integer,
                  sa.ForeignKey("instructors.id", name="fk_course_staff_instructor_id_instructors",
                                ondelete="CASCADE"),
                  nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("course_id", "instructor_id", name="uq_course_staff_course_instructor"),
        sa.CheckConstraint("role IN ('owner', 'instructor', 'ta', 'viewer')", name="ck_course_staff_role"),
    )
    op.create_index("ix_course_staff_course_id", "course_staff", ["course_id"])
    op.create_index("ix_course_staff_instructor_id", "course_staff", ["instructor_id"])
    # The access of today, kept: every instructor owns every course.
    op.execute(
        "INSERT INTO course_staff (course_id, instructor_id, role, created_at) "
        "SELECT courses.id, instructors.id, 'owner', CURRENT_TIMESTAMP FROM courses CROSS JOIN instructors"
    )


def downgrade() -> None:
    op.drop_index("ix_course_staff_instructor_id", table_name="course_staff")
    op.drop_index("ix_course_staff_course_id", table_name="course_staff")
    op.drop_table("course_staff")
    with op.batch_alter_table("batch_jobs") as batch:
        batch.drop_column("created_by")
    with op.batch_alter_table("instructors") as batch:
        batch.drop_column("is_admin")
