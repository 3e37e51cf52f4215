"""A tree with no free symbols -> a float or a float ndarray, or an AnswerError saying why not.
The walk is here; the values and their arithmetic are graders/number_values.py's, the
functions graders/number_functions.py's.

`evaluate(node)` is for a part that wants one value; `evaluate_items(node)` for a part that
wants a set of values (`{1, 2}`, `[1, 2]`, `(1, 2)`, `1 ± sqrt(2)`).

Rules
-----
Constants    `pi` (also typed π, \\pi) and `e`. Any other name is an error: `nan`, `inf` are
             "not a number here", others "not a number or a known constant".
Functions    element-wise: sqrt, ln, log10, log2, exp, abs, sin, cos, tan, tanh, sigma
             (logistic), relu; on matrices: inv, det, tr, diag; max/min of several numbers,
             of one array, or element-wise (`max(0, z)`).
Arrays       a Bracket written JSON-style is 1-D when its entries are numbers and stacked when
             they are equal-shaped arrays (`[[1, 2], [3, 4]]` is 2×2, `[[1], [2]]` 2×1); with
             rows separated by `;` or `\\\\` it is 2-D. A single MATLAB/LaTeX row is 1-D; a
             Tuple is 1-D. Transpose: 1-D -> column, 2-D -> .T, a number -> itself.
Arithmetic   number·array; array ± array of equal shape; ⊙ of equal shapes; `@` with NumPy's
             rules; `*` or juxtaposition of two 2-D arrays is the matrix product (with a 1-D
             operand it is refused: write @ or ⊙); division by a number only; a square matrix
             to an integer power (negative: the inverse). Mismatched shapes name both shapes.
Safety       floats only (never Python ints, so `9**9**9**9` overflows at once instead of
             hanging); every intermediate must be finite and real, else an AnswerError
             ("the number is too large to evaluate", "division by zero", ...); arrays hold at
             most MAX_ENTRIES entries.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager

import numpy as np

from graders import budget
from graders.errors import AnswerError
from graders.number_functions import call
from graders.number_values import (
    Value,
    add,
    checked,
    constant,
    describe,
    divide,
    elementwise_product,
    matrix_product,
    multiply,
    power,
    same_lengths,
    stack,
    subtract,
    transpose,
    vector_of_numbers,
)
from graders.tree import (
    Add,
    Bracket,
    Call,
    Div,
    Hadamard,
    MatMul,
    Mul,
    Name,
    Neg,
    Node,
    Num,
    Ones,
    PlusMinus,
    Pow,
    SetOf,
    Sub,
    Transpose,
    Tuple,
)

# Each ± doubles the values of a set answer; a real answer has one or two.
MAX_PLUS_MINUS = 4
TWO_VALUES = "± gives two values; this part wants one"


def evaluate(node: Node) -> Value:
    """The value of `node`: a float, or a float ndarray for an array."""
    # NumPy would warn on overflow and carry on with inf; `checked` refuses inf instead.
    with np.errstate(all="ignore"), _depth_guard():
        return _Evaluator({}).value(node)


def evaluate_items(node: Node) -> list[Value]:
    """The values of a set answer: the entries of a SetOf, a Tuple or a one-row Bracket, each
    `a ± b` among them (or at the top) giving a + b and a - b; a single value is a list of one."""
    if isinstance(node, (SetOf, Tuple)):
        items = node.items
    elif isinstance(node, Bracket) and len(node.rows) == 1:
        items = node.rows[0]
    else:
        items = (node,)
    values: list[Value] = []
    with np.errstate(all="ignore"), _depth_guard():
        for item in items:
            values.extend(_expand_plus_minus(item))
    return values


@contextmanager
def _depth_guard():
    """Trees from graders.parse are at most MAX_TREE_DEPTH deep, far within Python's recursion
    limit; a deeper tree built elsewhere still gets an AnswerError, not a RecursionError."""
    try:
        yield
    except RecursionError:
        raise AnswerError("the expression is too deeply nested to evaluate") from None


def _expand_plus_minus(node: Node) -> list[Value]:
    """Every value `node` takes when each ± in it is read as + and as - (+ first)."""
    # By identity: a subtree shared by two parents is still one choice.
    choices = list({id(n): n for n in _walk(node) if isinstance(n, PlusMinus)}.values())
    if len(choices) > MAX_PLUS_MINUS:
        raise AnswerError(f"too many ± signs: at most {MAX_PLUS_MINUS} in one value")
    return [
        _Evaluator({id(choice): sign for choice, sign in zip(choices, signs)}).value(node)
        for signs in itertools.product((1, -1), repeat=len(choices))
    ]


def _walk(root: Node):
    """All nodes under `root`, iteratively (the order does not matter to callers)."""
    pending = [root]
    while pending:
        node = pending.pop()
        yield node
        for value in vars(node).values():
            stack = [value]
            while stack:
                item = stack.pop()
                if isinstance(item, tuple):
                    stack.extend(item)
                elif hasattr(item, "__dataclass_fields__"):
                    pending.append(item)


class _Evaluator:
    """One evaluation; `signs` says how each ± (by id) is read, +1 or -1, when expanding."""

    def __init__(self, signs: dict[int, int]):
        self.signs = signs

    def value(self, node: Node) -> Value:
        budget.check()  # graders/budget.py: a part's grading stops cleanly when out of time
        match node:
            case Num(value=number):
                return checked(float(number))
            case Name(name=name):
                return constant(name)
            case Ones(size=size):
                if not size.isdigit():
                    raise AnswerError(f"𝟏_{size}: a number answer has no size {size}; write the length, "
                                      "like ones(3)")
                return np.ones((int(size), 1))
            case Neg(operand):
                return checked(-self.value(operand))
            case Add(left, right):
                return add(self.value(left), self.value(right))
            case Sub(left, right):
                return subtract(self.value(left), self.value(right))
            case Mul(left, right):
                return multiply(self.value(left), self.value(right))
            case MatMul(left, right):
                return matrix_product(self.value(left), self.value(right))
            case Hadamard(left, right):
                return elementwise_product(self.value(left), self.value(right))
            case Div(left, right):
                return divide(self.value(left), self.value(right))
            case Pow(base, exponent):
                return power(self.value(base), self.value(exponent))
            case Transpose(operand):
                return transpose(self.value(operand))
            case Call(func, args):
                return call(func, [self.value(arg) for arg in args])
            case Bracket():
                return self.bracket(node)
            case Tuple(items):
                return vector_of_numbers([self.value(item) for item in items])
            case SetOf():
                raise AnswerError("{...} gives several values; this part wants one")
            case PlusMinus(left, right):
                if id(node) not in self.signs:
                    raise AnswerError(TWO_VALUES)
                a, b = self.value(left), self.value(right)
                return add(a, b) if self.signs[id(node)] > 0 else subtract(a, b)
        raise AnswerError(f"cannot evaluate {type(node).__name__}")

    def bracket(self, node: Bracket) -> np.ndarray:
        if not node.explicit_rows and len(node.rows) == 1:
            return stack([self.value(entry) for entry in node.rows[0]])
        rows = [self.matrix_row(row, number) for number, row in enumerate(node.rows, 1)]
        same_lengths([len(row) for row in rows])
        return checked(np.array(rows, dtype=float))

    def matrix_row(self, row: tuple[Node, ...], number: int) -> list[float]:
        """A row of a matrix written with `;` or `\\\\`: numbers, or one bracketed row."""
        if len(row) == 1 and isinstance(row[0], Bracket):
            array = self.value(row[0])
            if array.ndim == 1 or (array.ndim == 2 and array.shape[0] == 1):
                return [float(x) for x in array.ravel()]
            raise AnswerError(f"row {number} is {describe(array)}; a row must be a list of "
                              "numbers")
        values = [self.value(entry) for entry in row]
        for column, value in enumerate(values, 1):
            if not isinstance(value, float):
                raise AnswerError(f"row {number}, entry {column} is {describe(value)}; a "
                                  "matrix entry must be a number")
        return values
