"""Where problems come from: the built-in catalog, then a course's own problems, loaded once when
the registry is first imported (the API, the CLI, batch worker processes: each sees the same).

- `HWCHECK_PROBLEM_PATHS`: entries separated by the OS path separator (`:` here), each a folder
  (every `*.py` in it that defines `PROBLEMS`; the folder is put on `sys.path`, so its modules
  can import each other), a `.py` file, or an importable module name.
- The entry-point group `hwcheck.problems`: a pip-installed course package declares
  `[project.entry-points."hwcheck.problems"] mycourse = "mycourse.problems"` (a module with
  `PROBLEMS`, or a function returning them).

Anything wrong stops the loading with a ProblemLoadError naming the file, the line and the
problem: a module that fails to import, an id already taken, a malformed definition (checked by
`definition_errors`, cheap enough for every start-up; `hwcheck check-problem` proves the rest).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import re
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

from problems.core import Kind, Problem, Recurrence, as_arrays, run_steps, step_inputs

PROBLEM_PATHS = "HWCHECK_PROBLEM_PATHS"
ENTRY_POINT_GROUP = "hwcheck.problems"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_PART_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,49}$")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
NUMERIC = ("number", "vector", "matrix", "set", "boolean")


class ProblemLoadError(RuntimeError):
    """A course's problems cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class Source:
    kind: str  # "built-in" | "path" | "module" | "entry point"
    where: str  # a file, a module name, or "entry point name = module"

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}"


def definition_errors(problem: Any) -> list[str]:
    """What is structurally wrong with a definition (an empty list when nothing is)."""
    if not isinstance(problem, Problem):
        return [f"PROBLEMS holds {type(problem).__name__}, not a Problem"]
    errors: list[str] = []
    if not _ID.match(problem.id or ""):
        errors.append(f"id {problem.id!r} must be lowercase letters, digits and dashes (it is a URL)")
    if not problem.parts:
        errors.append("it has no parts")
    params = set(problem.default)
    known = set(params)
    for name, step in problem.steps.items():
        allowed = known | ({name, "t"} if isinstance(step, Recurrence) else set())
        if isinstance(step, Recurrence):
            allowed |= {n for n, s in problem.steps.items() if isinstance(s, Recurrence)}
        missing = [arg for arg in step_inputs(step) if arg not in allowed]
        if missing:
            errors.append(f"step {name!r} takes {', '.join(missing)}, which is no param and no earlier step")
        known.add(name)
    ids = [part.id for part in problem.parts]
    for part in problem.parts:
        where = f"part {part.id!r}"
        if ids.count(part.id) > 1:
            errors.append(f"{where} is defined twice")
        if not _PART_ID.match(part.id):
            errors.append(f"{where}: an id is a name (letters, digits, _), it becomes a JSON key")
        if part.kind not in get_args(Kind):
            errors.append(f"{where}: kind {part.kind!r} is none of {', '.join(get_args(Kind))}")
        if part.kind in NUMERIC and part.id not in known:
            errors.append(f"{where}: a {part.kind} part's reference is the step of the same name; "
                          f"there is no step {part.id!r}")
        if part.kind == "expression" and not (part.symbols and part.formula and part.answer):
            errors.append(f"{where}: an expression part needs symbols, formula and answer")
        if part.kind == "property" and part.check is None:
            errors.append(f"{where}: a property part needs check")
        if part.kind == "vector" and part.layout is None and part.prompt.lstrip().startswith(("∂", "∇")):
            # The one rule for rows and columns: a derivative says which it is, so every such
            # part is graded alike (the course's: ∂ of a scalar by a vector is a row, ∇ a column).
            errors.append(f"{where}: a derivative of a vector kind declares its layout "
                          "(layout=\"row\" for ∂f/∂x in the course's convention, \"column\" for a gradient ∇f)")
        if part.derivative_of is not None:
            of, by = part.derivative_of
            if of not in problem.steps or by not in known:
                errors.append(f"{where}: derivative_of={part.derivative_of!r} must name a step and a "
                              "param or step")
        scope = set(part.symbols or {}) if part.kind == "expression" else known
        for mistake in part.mistakes:
            missing = [arg for arg in step_inputs(mistake.value) if arg not in scope]
            if missing:
                errors.append(f"{where}: a mistake takes {', '.join(missing)}, which it cannot be given")
    placeholders = set(_PLACEHOLDER.findall(problem.statement)) - params
    if placeholders:
        errors.append(f"the statement names {', '.join('{{' + p + '}}' for p in sorted(placeholders))}, "
                      "which are no params")
    if not errors:
        try:
            run_steps(problem.steps, as_arrays(dict(problem.default)))
        except Exception as error:  # noqa: BLE001 — the author's code: say what it raised
            errors.append(f"its steps fail on the default params: {type(error).__name__}: {error}")
    return errors


def _line_of(problem: Any, path: str | None) -> int:
    """The line that defines this problem's id in its file (1 when it cannot be found)."""
    if path and isinstance(problem, Problem):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            return 1
        match = re.search(rf"""id\s*=\s*["']{re.escape(problem.id)}["']""", text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return 1


def _import_file(path: Path) -> ModuleType:
    name = f"hwcheck_course_problems.{path.stem}_{abs(hash(str(path.resolve()))):x}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _failed_import(label: str, error: BaseException) -> ProblemLoadError:
    frames = traceback.extract_tb(error.__traceback__)
    where = next((f"{f.filename}:{f.lineno}" for f in reversed(frames)
                  if "importlib" not in f.filename and "problems/loading.py" not in f.filename), label)
    return ProblemLoadError(f"{where}: {label} failed to import: {type(error).__name__}: {error}")


def _modules(entry: str) -> Iterable[tuple[ModuleType, Source]]:
    path = Path(entry).expanduser()
    if path.is_dir():
        if str(path.resolve()) not in sys.path:
            sys.path.insert(0, str(path.resolve()))  # sibling modules import each other
        for file in sorted(path.glob("*.py")):
            if file.name.startswith(("_", "test_")):
                continue
            yield _load_file(file), Source("path", str(file))
    elif path.suffix == ".py" or path.exists():
        if not path.is_file():
            raise ProblemLoadError(f"{entry}: {PROBLEM_PATHS} names a file that does not exist")
        yield _load_file(path), Source("path", str(path))
    else:
        try:
            module = importlib.import_module(entry)
        except Exception as error:  # noqa: BLE001
            raise _failed_import(f"module {entry!r} (from {PROBLEM_PATHS})", error) from None
        yield module, Source("module", entry)


def _load_file(file: Path) -> ModuleType:
    try:
        return _import_file(file)
    except Exception as error:  # noqa: BLE001 — any error in the author's module
        raise _failed_import(str(file), error) from None


def _entry_point_problems() -> Iterable[tuple[list[Any], Source, str | None, ModuleType | None]]:
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as error:  # noqa: BLE001
            raise _failed_import(f"entry point {entry.name!r} ({entry.value})", error) from None
        problems = loaded() if callable(loaded) else getattr(loaded, "PROBLEMS", loaded)
        module = loaded if isinstance(loaded, ModuleType) else None
        yield list(problems), Source("entry point", f"{entry.name} = {entry.value}"), getattr(loaded, "__file__", None), module


def _course_problems(paths: str) -> Iterable[tuple[list[Any], Source, str | None, ModuleType | None]]:
    for entry in filter(None, (e.strip() for e in paths.split(os.pathsep))):
        for module, source in _modules(entry):
            if hasattr(module, "PROBLEMS"):
                yield list(module.PROBLEMS), source, getattr(module, "__file__", None), module
    yield from _entry_point_problems()


def _family_of(module: ModuleType | None, file: str | None) -> str:
    if module is not None and isinstance(getattr(module, "FAMILY", None), str):
        return module.FAMILY
    return Path(file).stem if file else "course"


def _builtin(family: ModuleType) -> Iterable[tuple[list[Any], Source, str, ModuleType]]:
    """A built-in family's problems, each with the file that defines it: the family's module, or
    in a family package (problems/backprop/) the problem's own module."""
    root = Path(family.__file__).parent if not hasattr(family, "__path__") else Path(family.__file__).parent.parent
    for problem in family.PROBLEMS:
        file = _home(family, problem)
        yield [problem], Source("built-in", Path(file).relative_to(root).as_posix()), file, family


def _home(family: ModuleType, problem: Any) -> str:
    if hasattr(family, "__path__"):
        prefix = family.__name__ + "."
        for name, module in list(sys.modules.items()):
            if name.startswith(prefix) and any(value is problem for value in vars(module).values()):
                return module.__file__
    return family.__file__


def load(builtin: Iterable[ModuleType], paths: str | None = None) -> tuple[dict[str, Problem], dict[str, Source]]:
    """Every problem by id, and where each came from. `paths` defaults to HWCHECK_PROBLEM_PATHS."""
    problems: dict[str, Problem] = {}
    sources: dict[str, Source] = {}
    groups = [group for family in builtin for group in _builtin(family)]
    if paths is None:
        paths = os.environ.get(PROBLEM_PATHS, "")
    for group, source, file, module in [*groups, *_course_problems(paths)]:
        for problem in group:
            if isinstance(problem, Problem) and not problem.family:
                # In place, once, before anyone reads it: the module's own objects are the
                # registry's (its tests and other modules hold them), so no copy is made.
                object.__setattr__(problem, "family", _family_of(module, file))
            where = f"{file or source.where}:{_line_of(problem, file)}"
            errors = definition_errors(problem)
            if errors:
                name = f"problem {problem.id!r}" if isinstance(problem, Problem) else "PROBLEMS"
                raise ProblemLoadError(f"{where}: {name}: " + "; ".join(errors))
            if problem.id in problems:
                raise ProblemLoadError(f"{where}: problem id {problem.id!r} is already defined "
                                       f"({sources[problem.id]})")
            problems[problem.id] = problem
            sources[problem.id] = source
    return problems, sources
