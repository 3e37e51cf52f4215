"""Courses: roster, tokens, assignments, extensions; gradings become course submissions.

Every new column of `gradings` is nullable, so the practice gradings already stored stay as
they are (student, assignment and attempt NULL). SQLite rebuilds the table in batch mode and
copies the rows across; PostgreSQL alters it in place.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
    )
    op.create_table(
        "instructors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", MOMENT, nullable=False),
    )
    op.create_table(
        "students",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", name="fk_students_course_id_courses"),
                  nullable=False),
        sa.Column("student_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("section", sa.String(50), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("course_id", "student_id", name="uq_students_course_student_id"),
    )
    op.create_index("ix_students_course_id", "students", ["course_id"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("course_id", sa.Integer,
                  sa.ForeignKey("courses.id", name="fk_assignments_course_id_courses"), nullable=False),
        sa.Column("slug", sa.String(50), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("due_at", MOMENT, nullable=False),
        sa.Column("late_policy", sa.String(10), nullable=False),
        sa.Column("penalty_per_day", sa.Float, nullable=False),
        sa.Column("accept_late_until", MOMENT, nullable=True),
        sa.Column("attempts_allowed", sa.Integer, nullable=True),
        sa.Column("counts", sa.String(10), nullable=False),
        sa.Column("randomized", sa.Boolean, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("course_id", "slug", name="uq_assignments_course_slug"),
        sa.CheckConstraint("late_policy IN ('hard', 'penalty')", name="ck_assignments_late_policy"),
        sa.CheckConstraint("counts IN ('best', 'last')", name="ck_assignments_counts"),
    )
    op.create_index("ix_assignments_course_id", "assignments", ["course_id"])
    op.create_table(
        "assignment_problems",
        sa.Column("assignment_id", sa.Integer,
                  sa.ForeignKey("assignments.id", name="fk_assignment_problems_assignment_id_assignments",
                                ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("problem_id", sa.String(100), primary_key=True),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "extensions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assignment_id", sa.Integer,
                  sa.ForeignKey("assignments.id", name="fk_extensions_assignment_id_assignments",
                                ondelete="CASCADE"),
                  nullable=False),
        sa.Column("student_pk", sa.Integer,
                  sa.ForeignKey("students.id", name="fk_extensions_student_pk_students", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("due_at", MOMENT, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("assignment_id", "student_pk", name="uq_extensions_assignment_student"),
    )
    with op.batch_alter_table("gradings") as batch:
        batch.add_column(sa.Column("student_pk", sa.Integer, nullable=True))
        batch.add_column(sa.Column("assignment_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("attempt", sa.Integer, nullable=True))
        batch.add_column(sa.Column("idempotency_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("late_days", sa.Integer, nullable=True))
        batch.add_column(sa.Column("penalty", sa.Float, nullable=True))
        batch.add_column(sa.Column("final_score", sa.Float, nullable=True))
        batch.add_column(sa.Column("override_score", sa.Float, nullable=True))
        batch.add_column(sa.Column("override_comment", sa.Text, nullable=True))
        batch.add_column(sa.Column("overridden_at", MOMENT, nullable=True))
        batch.add_column(sa.Column("response", sa.JSON, nullable=True))
        batch.create_foreign_key("fk_gradings_student_pk_students", "students", ["student_pk"], ["id"])
        batch.create_foreign_key("fk_gradings_assignment_id_assignments", "assignments", ["assignment_id"], ["id"])
        batch.create_unique_constraint(
            "uq_gradings_attempt", ["student_pk", "assignment_id", "problem_id", "attempt"]
        )
        batch.create_unique_constraint("uq_gradings_idempotency_key", ["student_pk", "idempotency_key"])
        batch.create_index("ix_gradings_student_pk", ["student_pk"])
        batch.create_index("ix_gradings_assignment_id", ["assignment_id"])


def downgrade() -> None:
    with op.batch_alter_table("gradings") as batch:
        batch.drop_index("ix_gradings_assignment_id")
        batch.drop_index("ix_gradings_student_pk")
        batch.drop_constraint("uq_gradings_idempotency_key", type_="unique")
        batch.drop_constraint("uq_gradings_attempt", type_="unique")
        batch.drop_constraint("fk_gradings_assignment_id_assignments", type_="foreignkey")
        batch.drop_constraint("fk_gradings_student_pk_students", type_="foreignkey")
        for column in ("response", "overridden_at", "override_comment", "override_score", "final_score",
                       "penalty", "late_days", "idempotency_key", "attempt", "assignment_id", "student_pk"):
            batch.drop_column(column)
    op.drop_table("extensions")
    op.drop_table("assignment_problems")
    op.drop_index("ix_assignments_course_id", table_name="assignments")
    op.drop_table("assignments")
    op.drop_index("ix_students_course_id", table_name="students")
    op.drop_table("students")
    op.drop_table("instructors")
    op.drop_table("courses")
