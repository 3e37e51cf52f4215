"""`hwcheck admin …`: set up instructors, courses and rosters on the configured database.
Tokens are printed once, here, and stored only as hashes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from service.exports import cells

admin = typer.Typer(help="Instructors, courses and rosters (tokens are shown once).", no_args_is_help=True)


@contextmanager
def cli_session() -> Iterator[Session]:
    from service.settings import get_settings
    from service.store.db import make_engine, make_sessionmaker, migrate

    url = get_settings().effective_database_url
    migrate(url)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def printed_refusals() -> Iterator[None]:
    from service.errors import CourseworkError

    try:
        yield
    except CourseworkError as error:
        typer.echo(f"error: {error.detail}", err=True)
        raise typer.Exit(1) from None


@admin.command("create-instructor")
def create_instructor(
    name: Annotated[str, typer.Option(help="The instructor's name.")],
    email: Annotated[str, typer.Option(help="The instructor's email (owners add staff by it).")],
    is_admin: Annotated[bool, typer.Option("--admin", help="A site admin: sees and manages every course.")] = False,
) -> None:
    """Add an instructor and print their token (shown only now)."""
    from service.courses import roster

    with cli_session() as session, printed_refusals():
        instructor, token = roster.create_instructor(session, name, email, is_admin=is_admin)
    typer.echo(f"instructor {instructor.id}: {name} <{email}>{' (site admin)' if is_admin else ''}", err=True)
    typer.echo("token (shown only now; only its hash is stored):", err=True)
    typer.echo(token)


@admin.command("create-course")
def create_course(
    name: Annotated[str, typer.Argument(help="The course's name, e.g. 'CS 182 Spring 2027'.")],
    owner: Annotated[str | None, typer.Option(help="Email of the instructor who owns it (else only site "
                                                    "admins see it until `add-staff`).")] = None,
) -> None:
    """Add a course (its variant secret is made on the server and never shown)."""
    from service.courses import roster, staff

    with cli_session() as session, printed_refusals():
        owner_row = staff.find_instructor(session, owner) if owner else None
        course = roster.create_course(session, name)
        if owner_row is not None:
            staff.make_owner(session, course, owner_row)
    typer.echo(f"course {course.id}: {course.name}")


@admin.command("add-staff")
def add_staff(
    course: Annotated[str, typer.Argument(help="The course's id or exact name.")],
    email: Annotated[str, typer.Argument(help="The instructor's email.")],
    role: Annotated[str, typer.Option(help="owner, instructor, ta or viewer.")] = "ta",
) -> None:
    """Give an instructor a role in a course (or change the role they have)."""
    from service.courses import staff
    from service.courses.roster import find_course

    with cli_session() as session, printed_refusals():
        target = find_course(session, course)
        member = staff.set_staff(session, target, staff.find_instructor(session, email), role)
        typer.echo(f"{member.instructor.name} <{member.instructor.email}> is {member.role} of {target.name}")


@admin.command("import-roster")
def import_roster(
    course: Annotated[str, typer.Argument(help="The course's id or exact name.")],
    roster: Annotated[Path, typer.Argument(help="CSV with a header row: student_id,name[,email][,section].",
                                           exists=True, dir_okay=False, readable=True)],
    rotate: Annotated[bool, typer.Option(help="Give students already on the roster new tokens too.")] = False,
) -> None:
    """Add (or update) students and print the new tokens as CSV: student_id,name,email,token."""
    from service.courses.roster import find_course, parse_roster_csv
    from service.courses.roster import import_roster as add_students
    from service.errors import unprocessable

    with cli_session() as session, printed_refusals():
        target = find_course(session, course)
        try:
            text = roster.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise unprocessable(f"{roster} is not UTF-8 text") from None
        outcomes = add_students(session, target, parse_roster_csv(text), rotate=rotate)
    out = cells.writer(sys.stdout, lineterminator="\n")
    out.writerow(["student_id", "name", "email", "status", "token"])
    for outcome in outcomes:
        s = outcome.student
        out.writerow([s.student_id, s.name, s.email or "", outcome.status, outcome.token or ""])
    fresh = sum(o.token is not None for o in outcomes)
    typer.echo(f"{len(outcomes)} students in {target.name}; {fresh} tokens shown above, only now", err=True)
