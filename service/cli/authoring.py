"""`hwcheck new-problem` and `hwcheck check-problem`: for authors of a course's own problems."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    @app.command("new-problem")
    def new_problem(
        problem_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. demo-grad")],
        out: Annotated[Path, typer.Option("--out", help="folder to write the problem and its test to")],
        family: Annotated[str, typer.Option(help="the family it is listed under")] = "course",
    ) -> None:
        """Write a working, commented problem (and its test) that passes check-problem."""
        from service.authoring.template import write_template

        try:
            problem_file, test_file = write_template(problem_id, out, family)
        except (ValueError, FileExistsError) as error:
            typer.echo(f"hwcheck: {error}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"wrote {problem_file} and {test_file}\n"
                   f"check it:  hwcheck check-problem {out}\n"
                   f"serve it:  HWCHECK_PROBLEM_PATHS={out} hwcheck serve")

    @app.command("check-problem")
    def check_problem(
        target: Annotated[str, typer.Argument(help="a file or folder of problems, a problem id, or `all`")],
        variants: Annotated[int, typer.Option(min=0, max=10_000, help="random variants besides the default")] = 50,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Prove problems right: finite differences, syntaxes, wrong answers, mistakes, variants."""
        from problems.loading import ProblemLoadError
        from service.authoring.check import check_path

        try:
            reports = check_path(target, variants)
        except (LookupError, ProblemLoadError) as error:
            typer.echo(f"hwcheck: {error}", err=True)
            raise typer.Exit(2) from None
        if as_json:
            typer.echo(json.dumps([report.as_json() for report in reports], indent=2))
        else:
            console = Console(highlight=False)
            for report in reports:
                mark = "[green]✓[/green]" if report.ok else "[red]✗[/red]"
                console.print(f"{mark} {report.problem}: {report.checks} checks on {report.variants} variants"
                              + (f", {len(report.failures)} failed" if report.failures else ""))
                for finding in report.failures:
                    part = f" part {finding.part}" if finding.part else ""
                    console.print(f"    [red]{finding.check}[/red]{part}, variant {finding.variant}: "
                                  f"{finding.message}", markup=True)
                for finding in report.warnings:
                    console.print(f"    [yellow]warning[/yellow] {finding.check}: {finding.message}")
        if not reports or not all(report.ok for report in reports):
            raise typer.Exit(1)
