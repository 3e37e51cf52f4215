"""The authoring API: everything a problem definition uses, from one place. The built-in catalog
(problems/*.py) and a course's own problems (examples/, any folder named by
HWCHECK_PROBLEM_PATHS, any package of the `hwcheck.problems` entry-point group) import from here
and nowhere else in hwcheck, so what is listed below is what stays stable.

    from problems.authoring import Part, Problem, Mistake, EXACT, relu

    PROBLEMS = [Problem(id="my-problem", ...)]

A problem is params (`default`, and `random` for variants, kept apart from degenerate draws by
`valid`), parts (what the student answers; `kind`, `tolerance`, `mistakes`, `symbols` and
`formula` for expressions, `derivative_of` for what `hwcheck check-problem` proves by finite
differences) and `steps`, the worked solution: each step a function whose argument names are
params or earlier steps. A numeric part's reference is the step of the same name; error carried
forward re-runs the steps with the student's own upstream answers. The guide is docs/authoring.md.
"""

from problems.core import Kind, Mistake, Part, Problem, Recurrence, Values, mistake_value
from problems.functions import relu, sigmoid, softmax
from problems.precision import (
    EXACT,
    FIVE_SIGFIGS,
    THREE_SIGFIGS,
    TWO_DECIMALS,
    Tolerance,
    within_step_share,
)

__all__ = [
    "EXACT",
    "FIVE_SIGFIGS",
    "THREE_SIGFIGS",
    "TWO_DECIMALS",
    "Kind",
    "Mistake",
    "Part",
    "Problem",
    "Recurrence",
    "Tolerance",
    "Values",
    "mistake_value",
    "relu",
    "sigmoid",
    "softmax",
    "within_step_share",
]
