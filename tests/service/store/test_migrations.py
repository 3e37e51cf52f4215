"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from service_helpers import bearer
from sqlalchemy import inspect

from service.store.db import make_engine, migrate
from service.store.models import Base


def test_upgrade_head_on_an_empty_database_matches_the_models(settings):
    url = settings.effective_database_url
    migrate(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert "gradings" in inspect(connection).get_table_names()
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent(settings):
    migrate(settings.effective_database_url)
    migrate(settings.effective_database_url)


def test_upgrade_from_0001_keeps_the_practice_gradings(settings, instructor):
    """A database at the previous schema, with gradings already stored, upgrades to head: the
    rows are all still there (as practice: no student, no assignment), and the app works on it."""
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from fastapi.testclient import TestClient
    from sqlalchemy import select, text

    from service.app import create_app
    from service.store.models import Grading

    url = settings.effective_database_url
    migrate(url, "0001")
    engine = make_engine(url)
    # The table as revision 0001 (and the code of its time) wrote it.
    gradings_0001 = sa.table(
        "gradings", sa.column("problem_id", sa.String), sa.column("variant", sa.String),
        sa.column("answers", sa.JSON), sa.column("result", sa.JSON), sa.column("score", sa.Float),
        sa.column("max_score", sa.Float), sa.column("created_at", sa.DateTime(timezone=True)),
    )
    with engine.begin() as connection:
        assert "courses" not in inspect(connection).get_table_names()
        connection.execute(gradings_0001.insert(), [
            {"problem_id": problem_id, "variant": "default", "answers": {"L": "3*sqrt(5)"}, "result": {"parts": []},
             "score": score, "max_score": 3.0, "created_at": datetime(2026, 11, 20, 9, 30, tzinfo=UTC)}
            for problem_id, score in (("lipschitz-linear", 2.0), ("receptive-field", 1.5))
        ])
    migrate(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0010"
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()

    with TestClient(create_app(settings)) as client:
        with client.app.state.sessionmaker() as session:
            rows = session.scalars(select(Grading).order_by(Grading.id)).all()
        assert [(r.problem_id, r.score, r.answers, r.student_pk, r.attempt) for r in rows] == [
            ("lipschitz-linear", 2.0, {"L": "3*sqrt(5)"}, None, None),
            ("receptive-field", 1.5, {"L": "3*sqrt(5)"}, None, None),
        ]
        assert rows[0].created_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        # The upgraded database takes practice and course work alike.
        assert client.post("/api/grade/lipschitz-linear", json={"answers": {"L": 1}}).status_code == 200
        course = client.post("/api/courses", json={"name": "CS 182"}, headers=instructor).json()
        assert client.post(f"/api/courses/{course['id']}/roster", headers=instructor,
                           json=[{"student_id": "s-a", "name": "Ada"}]).status_code == 200


def test_downgrade_to_0001_and_back(settings):
    from alembic import command

    from service.store.db import alembic_config

    url = settings.effective_database_url
    migrate(url)
    command.downgrade(alembic_config(url), "0001")
    engine = make_engine(url)
    with engine.connect() as connection:
        schema = inspect(connection)
        assert set(schema.get_table_names()) == {"alembic_version", "gradings"}
        assert "student_pk" not in {c["name"] for c in schema.get_columns("gradings")}
    engine.dispose()
    migrate(url)


def test_upgrade_from_0003_makes_every_instructor_an_owner_of_every_course(settings):
    """Before 0004 every instructor could reach every course. The upgrade keeps exactly that
    access as ownership (nobody is locked out); courses made afterwards belong to their maker.
    A batch job of before has no creator: its course's staff still see it."""
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from service.app import create_app
    from service.tokens import INSTRUCTOR_PREFIX, new_token

    url = settings.effective_database_url
    migrate(url, "0003")
    engine = make_engine(url)
    moment = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    tokens = [new_token(INSTRUCTOR_PREFIX) for _ in range(2)]
    instructors = sa.table("instructors", sa.column("name"), sa.column("email"), sa.column("token_hash"),
                           sa.column("created_at", sa.DateTime(timezone=True)))
    courses = sa.table("courses", sa.column("name"), sa.column("secret"),
                       sa.column("created_at", sa.DateTime(timezone=True)))
    jobs = sa.table("batch_jobs", sa.column("id"), sa.column("status"), sa.column("course_id"),
                    sa.column("input_name"), sa.column("rows_done"), sa.column("errors"),
                    sa.column("created_at", sa.DateTime(timezone=True)))
    with engine.begin() as connection:
        connection.execute(instructors.insert(), [
            {"name": name, "email": f"{name.lower()}@example.edu", "token_hash": digest, "created_at": moment}
            for name, (_, digest) in zip(("Pat", "Sam"), tokens, strict=True)])
        connection.execute(courses.insert(), [{"name": n, "secret": "0" * 64, "created_at": moment}
                                              for n in ("CS 182", "CS 189")])
        course_ids = [row[0] for row in connection.execute(text("SELECT id FROM courses ORDER BY id"))]
        connection.execute(jobs.insert(), [{"id": "job-of-before", "status": "failed", "course_id": course_ids[0],
                                            "input_name": "input.csv", "rows_done": 0, "errors": 0,
                                            "created_at": moment}])
    migrate(url)
    engine.dispose()

    with TestClient(create_app(settings)) as client:
        for token, _ in tokens:
            listed = client.get("/api/courses", headers=bearer(token)).json()
            assert [(c["name"], c["role"]) for c in listed] == [("CS 182", "owner"), ("CS 189", "owner")]
            assert client.get("/api/batch/jobs/job-of-before", headers=bearer(token)).status_code == 200
        # After the upgrade, a new course is its maker's alone.
        new = client.post("/api/courses", json={"name": "CS 288"}, headers=bearer(tokens[0][0])).json()
        assert new["role"] == "owner"
        assert client.get(f"/api/courses/{new['id']}", headers=bearer(tokens[1][0])).status_code == 404
        staff = client.get(f"/api/courses/{course_ids[0]}/staff", headers=bearer(tokens[1][0])).json()
        assert sorted((m["name"], m["role"]) for m in staff) == [("Pat", "owner"), ("Sam", "owner")]
