"""A tree with no free symbols -> a float or a float ndarray, or an AnswerError saying why not.

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
import math
from contextlib import contextmanager

import numpy as np

from graders import budget
from graders.errors import AnswerError
from graders.functions import COMPARISONS, ELEMENTWISE, ELEMENTWISE_DIVIDE, ELEMENTWISE_POWER
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

Value = float | np.ndarray

MAX_ENTRIES = 10_000
# Each ± doubles the values of a set answer; a real answer has one or two.
MAX_PLUS_MINUS = 4
# Beyond this a matrix power is not an answer anyone computes by hand.
MAX_MATRIX_EXPONENT = 2**31 - 1

CONSTANTS = {"pi": math.pi, "e": math.e}
_NOT_NUMBERS = {"nan", "inf", "infinity", "infty"}

TOO_LARGE = "the number is too large to evaluate"
TWO_VALUES = "± gives two values; this part wants one"


def evaluate(node: Node) -> Value:
    """The value of `node`: a float, or a float ndarray for an array."""
    # NumPy would warn on overflow and carry on with inf; `_checked` refuses inf instead.
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
                return _checked(float(number))
            case Name(name=name):
                return _constant(name)
            case Ones(size=size):
                if not size.isdigit():
                    raise AnswerError(f"𝟏_{size}: a number answer has no size {size}; write the length, "
                                      "like ones(3)")
                return np.ones((int(size), 1))
            case Neg(operand):
                return _checked(-self.value(operand))
            case Add(left, right):
                return _add(self.value(left), self.value(right))
            case Sub(left, right):
                return _subtract(self.value(left), self.value(right))
            case Mul(left, right):
                return _multiply(self.value(left), self.value(right))
            case MatMul(left, right):
                return _matrix_product(self.value(left), self.value(right))
            case Hadamard(left, right):
                return _elementwise_product(self.value(left), self.value(right))
            case Div(left, right):
                return _divide(self.value(left), self.value(right))
            case Pow(base, exponent):
                return _power(self.value(base), self.value(exponent))
            case Transpose(operand):
                return _transpose(self.value(operand))
            case Call(func, args):
                return _call(func, [self.value(arg) for arg in args])
            case Bracket():
                return self.bracket(node)
            case Tuple(items):
                return _vector_of_numbers([self.value(item) for item in items])
            case SetOf():
                raise AnswerError("{...} gives several values; this part wants one")
            case PlusMinus(left, right):
                if id(node) not in self.signs:
                    raise AnswerError(TWO_VALUES)
                a, b = self.value(left), self.value(right)
                return _add(a, b) if self.signs[id(node)] > 0 else _subtract(a, b)
        raise AnswerError(f"cannot evaluate {type(node).__name__}")

    def bracket(self, node: Bracket) -> np.ndarray:
        if not node.explicit_rows and len(node.rows) == 1:
            return _stack([self.value(entry) for entry in node.rows[0]])
        rows = [self.matrix_row(row, number) for number, row in enumerate(node.rows, 1)]
        _same_lengths([len(row) for row in rows])
        return _checked(np.array(rows, dtype=float))

    def matrix_row(self, row: tuple[Node, ...], number: int) -> list[float]:
        """A row of a matrix written with `;` or `\\\\`: numbers, or one bracketed row."""
        if len(row) == 1 and isinstance(row[0], Bracket):
            array = self.value(row[0])
            if array.ndim == 1 or (array.ndim == 2 and array.shape[0] == 1):
                return [float(x) for x in array.ravel()]
            raise AnswerError(f"row {number} is {_describe(array)}; a row must be a list of "
                              "numbers")
        values = [self.value(entry) for entry in row]
        for column, value in enumerate(values, 1):
            if not isinstance(value, float):
                raise AnswerError(f"row {number}, entry {column} is {_describe(value)}; a "
                                  "matrix entry must be a number")
        return values


# ---- Numbers and names ----------------------------------------------------------------------


def _constant(name: str) -> float:
    if name in CONSTANTS:
        return CONSTANTS[name]
    if name.lower() in _NOT_NUMBERS:
        raise AnswerError(f"`{name}` is not a number here")
    raise AnswerError(f"`{name}` is not a number or a known constant (pi, e)")


def _checked(value):
    """`value` if finite, real and small enough; every operation's result passes through."""
    if isinstance(value, np.ndarray):
        if value.size > MAX_ENTRIES:
            raise AnswerError(f"the array is too large: {value.size:,} entries; the limit is "
                              f"{MAX_ENTRIES:,}")
        if np.iscomplexobj(value):
            raise AnswerError("the result is not a real number")
        if not np.all(np.isfinite(value)):
            raise AnswerError(TOO_LARGE)
        return value.astype(float, copy=False)
    value = float(value)
    if math.isnan(value):
        raise AnswerError("the result is not a number")
    if math.isinf(value):
        raise AnswerError(TOO_LARGE)
    return value


def _is_number(value: Value) -> bool:
    return isinstance(value, float)


def _describe(value: Value) -> str:
    if _is_number(value):
        return "a number"
    if value.ndim == 1:
        return f"a vector of {value.shape[0]} entries"
    if value.ndim == 2:
        return f"a {value.shape[0]}×{value.shape[1]} matrix"
    return "a " + "×".join(map(str, value.shape)) + " array"


def _both(a: Value, b: Value) -> str:
    """'a 2×3 and a 3×2 matrix', or 'a number and a vector of 3 entries'."""
    if not _is_number(a) and not _is_number(b) and a.ndim == b.ndim == 2:
        return f"a {a.shape[0]}×{a.shape[1]} and a {b.shape[0]}×{b.shape[1]} matrix"
    return f"{_describe(a)} and {_describe(b)}"


# ---- Arithmetic ---------------------------------------------------------------------------


def _add(a: Value, b: Value) -> Value:
    if np.shape(a) != np.shape(b):
        raise AnswerError(f"cannot add {_both(a, b)}")
    return _checked(a + b)


def _subtract(a: Value, b: Value) -> Value:
    if np.shape(a) != np.shape(b):
        raise AnswerError(f"cannot subtract {_describe(b)} from {_describe(a)}")
    return _checked(a - b)


def _multiply(a: Value, b: Value) -> Value:
    """`*` and juxtaposition: a scalar multiple, or the product of two matrices."""
    if _is_number(a) or _is_number(b):
        return _checked(a * b)
    if a.ndim == b.ndim == 2:
        return _matrix_product(a, b)
    raise AnswerError(f"cannot multiply {_both(a, b)} with *: write @ for a matrix or dot "
                      "product, or ⊙ for an element-wise product")


def _matrix_product(a: Value, b: Value) -> Value:
    if _is_number(a) or _is_number(b):
        return _checked(a * b)
    if a.ndim > 2 or b.ndim > 2:
        raise AnswerError(f"cannot multiply {_both(a, b)}")
    inner_a, inner_b = a.shape[-1], b.shape[0]
    if inner_a != inner_b:
        raise AnswerError(f"cannot multiply {_both(a, b)}: the first has "
                          f"{_count(inner_a, 'column')}, the second {_count(inner_b, 'row')}")
    if a.ndim == b.ndim == 2 and a.shape[0] * b.shape[1] > MAX_ENTRIES:
        raise AnswerError(f"the product would have {a.shape[0] * b.shape[1]:,} entries; the "
                          f"limit is {MAX_ENTRIES:,}")
    product = a @ b
    return _checked(product if isinstance(product, np.ndarray) else float(product))


def _elementwise_product(a: Value, b: Value) -> Value:
    if not _is_number(a) and not _is_number(b) and a.shape != b.shape:
        raise AnswerError(f"an element-wise product needs equal shapes, not {_both(a, b)}")
    return _checked(a * b)


def _divide(a: Value, b: Value) -> Value:
    if not _is_number(b):
        raise AnswerError(f"cannot divide by {_describe(b)}")
    if b == 0:
        raise AnswerError("division by zero")
    return _checked(a / b)


def _power(base: Value, exponent: Value) -> Value:
    if not _is_number(exponent):
        raise AnswerError(f"an exponent must be a number, not {_describe(exponent)}")
    if _is_number(base):
        return _number_power(base, exponent)
    return _matrix_power(base, exponent)


def _number_power(base: float, exponent: float) -> float:
    if base < 0 and not exponent.is_integer():
        raise AnswerError("a negative number to a fractional power is not a real number")
    if base == 0 and exponent < 0:
        raise AnswerError("division by zero: 0 to a negative power")
    try:
        return _checked(base**exponent)
    except OverflowError:
        raise AnswerError(TOO_LARGE) from None


def _matrix_power(matrix: np.ndarray, exponent: float) -> np.ndarray:
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise AnswerError(f"only a square matrix has powers, not {_describe(matrix)}; for "
                          "element-wise powers use ⊙")
    if not exponent.is_integer():
        raise AnswerError("a matrix power must be a whole number")
    if abs(exponent) > MAX_MATRIX_EXPONENT:
        raise AnswerError(TOO_LARGE)
    if exponent < 0:
        matrix = _inverse(matrix)
    return _checked(np.linalg.matrix_power(matrix, int(abs(exponent))))


def _transpose(value: Value) -> Value:
    if _is_number(value):
        return value
    if value.ndim == 1:
        return value.reshape(-1, 1)
    if value.ndim == 2:
        return value.T.copy()
    raise AnswerError(f"cannot transpose {_describe(value)}")


# ---- Functions ----------------------------------------------------------------------------


def _call(func: str, args: list[Value]) -> Value:
    if func in ("max", "min"):
        return _extreme(func, args)
    if func in (ELEMENTWISE_DIVIDE, ELEMENTWISE_POWER):
        return _entrywise(func, *args)
    if func in COMPARISONS:  # the indicator, entry by entry
        a, b = args
        if not (_is_number(a) or _is_number(b) or np.shape(a) == np.shape(b)):
            raise AnswerError(f"a comparison needs equal shapes, not {_describe(a)} and {_describe(b)}")
        held = COMPARISONS[func][2](np.asarray(a, dtype=float), np.asarray(b, dtype=float)).astype(float)
        return held if held.ndim else float(held)
    if func == "kron":
        a, b = (np.atleast_2d(np.asarray(v, dtype=float)) for v in args)
        if a.ndim > 2 or b.ndim > 2:
            raise AnswerError(f"kron() takes matrices, not {_describe(args[0])} and {_describe(args[1])}")
        if a.size * b.size > MAX_ENTRIES:
            raise AnswerError(f"kron() of {_describe(args[0])} and {_describe(args[1])} would be too large")
        return _checked(np.kron(a, b))
    if len(args) != 1:
        raise AnswerError(f"{func}() takes one argument, but {len(args)} were given")
    (x,) = args
    if func == "vec":  # the columns stacked into one column
        if _is_number(x) or x.ndim > 2:
            raise AnswerError(f"vec() takes a matrix, not {_describe(x)}")
        return _checked(np.reshape(np.atleast_2d(x), (-1, 1), order="F"))
    if func in ELEMENTWISE:
        entry = ELEMENTWISE[func]
        if entry.domain is not None and not np.all(entry.domain(x)):
            raise AnswerError(entry.outside)
        result = entry.numpy(x)
        return _checked(result if isinstance(x, np.ndarray) else float(result))
    if func in ("norm", "norm_F"):
        if not _is_number(x) and x.ndim > 2:
            raise AnswerError(f"{func}() is taken of a vector or a matrix, not {_describe(x)}")
        if func == "norm" and not _is_number(x) and x.ndim == 2 and 1 not in x.shape:
            return _checked(float(np.linalg.norm(x, ord=2)))  # a matrix's largest singular value
        return _checked(float(np.sqrt(np.sum(np.square(x)))))
    if func == "softmax":
        if _is_number(x) or (x.ndim == 2 and 1 not in x.shape) or x.ndim > 2:
            raise AnswerError(f"{func}() is taken of a vector, not {_describe(x)}")
        shifted = np.exp(x - np.max(x))  # the same softmax, without overflow
        return _checked(shifted / shifted.sum())
    if func == "inv":
        return _divide(1.0, x) if _is_number(x) else _inverse(x)
    if func in ("det", "tr"):
        matrix = _square(x, func)
        return _checked(float(np.linalg.det(matrix) if func == "det" else np.trace(matrix)))
    if func == "diag":
        if _is_number(x) or x.ndim > 2:
            raise AnswerError(f"diag() needs a vector or a matrix, not {_describe(x)}")
        if x.ndim == 1 and x.size**2 > MAX_ENTRIES:
            raise AnswerError(f"diag() of {_describe(x)} would be too large")
        return _checked(np.diag(x).astype(float))
    raise AnswerError(f"unknown function `{func}`")


def _extreme(func: str, args: list[Value]) -> Value:
    """max/min: of several numbers, of one array's entries, or element-wise (`max(0, z)`)."""
    if not args:
        raise AnswerError(f"{func}() needs at least one argument")
    if len(args) == 1:
        return args[0] if _is_number(args[0]) else float(getattr(np, func)(args[0]))
    pick = np.maximum if func == "max" else np.minimum
    result = args[0]
    for arg in args[1:]:
        if not _is_number(result) and not _is_number(arg) and result.shape != arg.shape:
            raise AnswerError(f"{func}() of {_both(result, arg)}: the shapes differ")
        result = pick(result, arg)
    return _checked(result if isinstance(result, np.ndarray) else float(result))


def _entrywise(func: str, a: Value, b: Value) -> Value:
    """`a ./ b` and `a .^ b`: entry by entry, a number broadcast over the other side."""
    if not (_is_number(a) or _is_number(b) or np.shape(a) == np.shape(b)):
        raise AnswerError(f"an element-wise {'division' if func == ELEMENTWISE_DIVIDE else 'power'} "
                          f"needs equal shapes, not {_describe(a)} and {_describe(b)}")
    with np.errstate(all="ignore"):
        if func == ELEMENTWISE_DIVIDE:
            if np.any(np.asarray(b) == 0):
                raise AnswerError("division by zero")
            result = np.divide(a, b)
        else:
            result = np.power(np.asarray(a, dtype=float), b)
    return _checked(result if isinstance(result, np.ndarray) and result.ndim else float(result))


def _square(x: Value, func: str) -> np.ndarray:
    if _is_number(x) or x.ndim != 2 or x.shape[0] != x.shape[1]:
        raise AnswerError(f"{func}() needs a square matrix, not {_describe(x)}")
    return x


def _inverse(x: np.ndarray) -> np.ndarray:
    matrix = _square(x, "inv")
    try:
        inverse = np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        raise AnswerError("the matrix is singular, so it has no inverse") from None
    return _checked(inverse)


# ---- Arrays -------------------------------------------------------------------------------


def _stack(entries: list[Value]) -> np.ndarray:
    """JSON-style list: numbers -> a vector; equal-shaped arrays -> one more dimension."""
    if not entries or any(not _is_number(e) and e.size == 0 for e in entries):
        raise AnswerError("empty brackets [] hold no values")
    numbers = [_is_number(entry) for entry in entries]
    if all(numbers):
        return _checked(np.array(entries, dtype=float))
    if any(numbers):
        first_number = numbers.index(True) + 1
        first_list = numbers.index(False) + 1
        raise AnswerError(f"entry {first_number} is a number but entry {first_list} is a "
                          "list: a matrix is a list of rows of equal length, like "
                          "[[1, 2], [3, 4]]")
    if all(entry.ndim == 1 for entry in entries):
        _same_lengths([entry.shape[0] for entry in entries])
    for number, entry in enumerate(entries[1:], 2):
        if entry.shape != entries[0].shape:
            raise AnswerError(f"the rows have different shapes: row 1 is "
                              f"{_describe(entries[0])}, row {number} is {_describe(entry)}")
    if len(entries) * entries[0].size > MAX_ENTRIES:
        raise AnswerError(f"the array is too large; the limit is {MAX_ENTRIES:,} entries")
    return _checked(np.stack(entries))


def _same_lengths(lengths: list[int]) -> None:
    for number, length in enumerate(lengths[1:], 2):
        if length != lengths[0]:
            raise AnswerError(f"the rows have different lengths: row 1 has "
                              f"{_count(lengths[0], 'entry')}, row {number} has {length}")


def _count(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"


def _vector_of_numbers(values: list[Value]) -> np.ndarray:
    for number, value in enumerate(values, 1):
        if not _is_number(value):
            raise AnswerError(f"entry {number} of ( ... ) is {_describe(value)}; write a "
                              "matrix with [ ]")
    return _checked(np.array(values, dtype=float))
