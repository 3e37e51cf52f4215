"""Problems from outside the package: HWCHECK_PROBLEM_PATHS (folders, files, module names) and the
`hwcheck.problems` entry points, each seen exactly as a built-in; and what stops the loading,
with the file, the line and the problem."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from problems import registry
from problems.loading import ProblemLoadError, load
from service.authoring.template import write_template

ONE = '''from problems.authoring import Part, Problem

PROBLEMS = [
    Problem(
        id="{id}",
        title="One", family="course", statement="$a = {{{{a}}}}$",
        parts=(Part("double", "number", "2a"),),
        default=dict(a=1), steps=dict(double=lambda a: 2 * a),
    ),
]
'''


def test_a_folder_file_and_module_are_loaded_with_their_source(tmp_path, monkeypatch):
    write_template("demo-grad", tmp_path / "folder")
    (tmp_path / "one.py").write_text(ONE.format(id="one-file"))
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "course_mod.py").write_text(ONE.format(id="one-module"))
    monkeypatch.syspath_prepend(str(tmp_path / "mods"))
    paths = ":".join([str(tmp_path / "folder"), str(tmp_path / "one.py"), "course_mod"])
    problems, sources = load(registry.FAMILIES, paths=paths)
    assert len(problems) == len(registry.PROBLEMS) + 3
    assert str(sources["demo-grad"]) == f"path: {tmp_path / 'folder' / 'demo_grad.py'}"
    assert str(sources["one-file"]) == f"path: {tmp_path / 'one.py'}"
    assert str(sources["one-module"]) == "module: course_mod"
    assert str(sources["lipschitz-linear"]) == "built-in: lipschitz/lipschitz_linear.py"


def test_an_installed_course_package_is_found_by_its_entry_point(tmp_path, monkeypatch):
    """A real distribution on sys.path (its .dist-info with entry_points.txt), as pip leaves it."""
    (tmp_path / "ml_course").mkdir()
    (tmp_path / "ml_course" / "__init__.py").write_text(ONE.format(id="from-a-package"))
    info = tmp_path / "ml_course-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ml-course\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[hwcheck.problems]\nml = ml_course\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    problems, sources = load((), paths="")
    assert list(problems) == ["from-a-package"]
    assert str(sources["from-a-package"]) == "entry point: ml = ml_course"


def test_an_id_that_collides_stops_the_loading(tmp_path):
    (tmp_path / "clash.py").write_text(ONE.format(id="lipschitz-linear"))
    with pytest.raises(ProblemLoadError) as error:
        load(registry.FAMILIES, paths=str(tmp_path))
    assert str(error.value) == (f"{tmp_path / 'clash.py'}:5: problem id 'lipschitz-linear' is already "
                                "defined (built-in: lipschitz/lipschitz_linear.py)")


def test_a_module_that_fails_to_import_names_its_line(tmp_path):
    (tmp_path / "bad.py").write_text("import numpy\n\nPROBLEMS = [1 / 0]\n")
    with pytest.raises(ProblemLoadError) as error:
        load((), paths=str(tmp_path))
    assert str(error.value) == (f"{tmp_path / 'bad.py'}:3: {tmp_path / 'bad.py'} failed to import: "
                                "ZeroDivisionError: division by zero")


@pytest.mark.parametrize(("edit", "says"), [
    (('steps=dict(double=lambda a: 2 * a)', 'steps=dict(double=lambda b: 2 * b)'),
     "step 'double' takes b, which is no param and no earlier step"),
    (('Part("double", "number"', 'Part("double", "scalar"'), "part 'double': kind 'scalar' is none of"),
    (('id="broken"', 'id="Broken Id"'), "id 'Broken Id' must be lowercase letters, digits and dashes"),
    (('"$a = {{a}}$"', '"$a = {{c}}$"'), "the statement names {{c}}, which are no params"),
    (('steps=dict(double=lambda a: 2 * a)', 'steps=dict(double=lambda a: 2 * a, x=lambda a: a / 0)'),
     "its steps fail on the default params: ZeroDivisionError"),
    (('parts=(Part("double", "number", "2a"),)', 'parts=(Part("double", "vector", "∂f/∂a (1 entry)"),)'),
     "part 'double': a derivative of a vector kind declares its layout"),
])
def test_a_malformed_definition_stops_the_loading_and_says_why(tmp_path, edit, says):
    source = ONE.format(id="broken").replace(*edit)
    (tmp_path / "broken.py").write_text(source)
    with pytest.raises(ProblemLoadError) as error:
        load((), paths=str(tmp_path))
    assert str(error.value).startswith(f"{tmp_path / 'broken.py'}:")
    assert says in str(error.value)


def test_test_files_and_helpers_in_a_folder_are_not_problems(tmp_path):
    write_template("demo-grad", tmp_path)
    (tmp_path / "helpers.py").write_text("SCALE = 2\n")
    problems, _ = load((), paths=str(tmp_path))
    assert list(problems) == ["demo-grad"]
    assert "test_demo_grad" not in " ".join(sys.modules)
    assert Path(tmp_path / "test_demo_grad.py").exists()
