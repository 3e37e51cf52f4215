"""`hwcheck new-problem`: a working, commented problem to start from, with its test. As written it
passes `hwcheck check-problem`; an author changes the statement, the params and the steps."""

from __future__ import annotations

import re
from pathlib import Path

PROBLEM = '''"""{title}: a course's own problem, loaded by HWCHECK_PROBLEM_PATHS={folder}.

Everything comes from problems.authoring, the stable authoring API (docs/authoring.md).
Check it with:  hwcheck check-problem {file}
"""

import numpy as np

from problems.authoring import EXACT, TWO_DECIMALS, Mistake, Part, Problem

PROBLEMS = [
    Problem(
        id="{id}",
        title="{title}",
        family="{family}",
        # Markdown + LaTeX; {{{{name}}}} is replaced by the LaTeX of the variant's param `name`.
        statement=r"""
Let $L(W) = \\tfrac12 \\lVert W x - y \\rVert^2$ with $W \\in \\mathbb{{R}}^{{2 \\times 3}}$, and take
$$W = {{{{W}}}}, \\qquad x = {{{{x}}}}, \\qquad y = {{{{y}}}}.$$

1. The residual $r = W x - y$ (2 entries) and the loss $L$.
2. $\\partial L / \\partial W$ at these values (2×3, the shape of $W$).
3. $\\partial L / \\partial W$ as an expression in $W$, $x$ and $y$.
""",
        parts=(
            Part("r", "vector", "r = Wx − y (2 entries)", tolerance=EXACT),
            Part("loss", "number", "L = ½‖r‖²"),
            # derivative_of: check-problem compares this part with finite differences of `loss`.
            Part("dL_dW", "matrix", "∂L/∂W (2×3 matrix)", derivative_of=("loss", "W"),
                 mistakes=(Mistake(lambda r, x: -np.outer(r, x),
                                   "The sign: L grows with r, so ∂L/∂W = r xᵀ, not −r xᵀ."),)),
            Part("dL_dW_expr", "expression", "∂L/∂W as an expression in W, x, y (2×3)",
                 symbols={{"W": "m×n", "x": "n×1", "y": "m×1"}},
                 formula=lambda W, x, y: (W @ x - y) @ x.T,
                 answer="(W x - y) x^T"),
        ),
        default=dict(W=[[1, 0, 2], [-1, 3, 1]], x=[1, 2, -1], y=[0, 4]),
        # The worked solution: each step a function of params and earlier steps, by name. A
        # numeric part's reference is the step of the same name; error carried forward re-runs
        # the later steps with a student's own r.
        steps=dict(
            r=lambda W, x, y: W @ x - y,
            loss=lambda r: 0.5 * r @ r,
            dL_dW=lambda r, x: np.outer(r, x),
        ),
        random=lambda rng: dict(W=rng.integers(-3, 4, size=(2, 3)), x=rng.choice([-2, -1, 1, 2], size=3),
                                y=rng.integers(-3, 4, size=2)),
        # Degenerate draws: a zero residual makes a row of the gradient zero (a sign error passes).
        valid=lambda v: bool(np.all(v.r != 0)),
    ),
]
'''

TEST = '''"""{id} is proven right by check-problem: finite differences, syntaxes, mistakes, variants."""

from pathlib import Path

from service.authoring.check import check_path


def test_{module}_passes_check_problem():
    reports = check_path(Path(__file__).with_name("{module}.py"), variants=20)
    assert [report.problem for report in reports] == ["{id}"]
    assert all(report.ok for report in reports), [f.message for r in reports for f in r.failures]
'''

ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def write_template(problem_id: str, out: Path, family: str = "course") -> tuple[Path, Path]:
    if not ID.match(problem_id):
        raise ValueError(f"{problem_id!r}: a problem id is lowercase letters, digits and dashes")
    module = problem_id.replace("-", "_")
    out.mkdir(parents=True, exist_ok=True)
    problem_file, test_file = out / f"{module}.py", out / f"test_{module}.py"
    for path in (problem_file, test_file):
        if path.exists():
            raise FileExistsError(f"{path} exists; choose another id or folder")
    title = problem_id.replace("-", " ").capitalize()
    problem_file.write_text(PROBLEM.format(id=problem_id, title=title, family=family, folder=out,
                                           file=problem_file), encoding="utf-8")
    test_file.write_text(TEST.format(id=problem_id, module=module), encoding="utf-8")
    return problem_file, test_file
