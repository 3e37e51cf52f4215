"""The answer kinds, one module each: a kind is one unit (graders/kinds/base.py) — how its
answers are read and graded, the JSON it accepts, what the answer form says, how its answer key
is typed in every syntax. Adding a kind is its module, one entry below, and its name in
problems/core.py's `Kind` (the vocabulary of problem definitions, which cannot import graders;
tests/graders/test_kinds.py keeps the two the same)."""

from graders.kinds import array, boolean, expression, number, property
from graders.kinds import set as set_kind
from graders.kinds.base import AnswerKind

KINDS: dict[str, AnswerKind] = {kind.name: kind for kind in (
    number.KIND, array.VECTOR, array.MATRIX, set_kind.KIND, boolean.KIND, expression.KIND, property.KIND,
)}
