"""A course's gradebook: points per student per assignment (counted attempts, overrides and late
penalties applied, as each student's progress counts them), the same figures on the page and in
the CSV download."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.courses import assignments, progress, roster
from service.exports import cells
from service.store.models import Assignment, Course, Student


@dataclass(frozen=True)
class Line:
    student: Student
    points: list[float]  # one per assignment, in the gradebook's order

    @property
    def total(self) -> float:
        return round(sum(self.points), 4)


@dataclass(frozen=True)
class Gradebook:
    homework: list[Assignment]
    lines: list[Line]

    def worth(self, assignment: Assignment) -> float:
        return sum(p.points for p in assignment.problems)

    @property
    def total_worth(self) -> float:
        return sum(self.worth(a) for a in self.homework)


def gradebook(session: Session, course: Course) -> Gradebook:
    homework = assignments.list_assignments(session, course)
    lines = []
    for student in roster.list_students(session, course):
        scores = {p.slug: p.score for p in progress.progress(session, student)}
        lines.append(Line(student, [round(scores.get(a.slug, 0.0), 4) for a in homework]))
    return Gradebook(homework, lines)


def gradebook_csv(book: Gradebook) -> str:
    out = io.StringIO()
    writer = cells.writer(out)
    writer.writerow(["student_id", "name", "section",
                     *(f"{a.slug} (of {book.worth(a):g})" for a in book.homework), "total"])
    for line in book.lines:
        student = line.student
        writer.writerow([student.student_id, student.name, student.section or "", *line.points, line.total])
    return out.getvalue()
