"""Numbers and arrays as a number answer is computed: finite real floats and float arrays,
the arithmetic between them with its shape messages, and arrays built from typed entries
(graders/numeric.py evaluates the tree with these; graders/number_functions.py the functions)."""

from __future__ import annotations

import math

import numpy as np

from graders.errors import AnswerError

Value = float | np.ndarray

MAX_ENTRIES = 10_000
# Beyond this a matrix power is not an answer anyone computes by hand.
MAX_MATRIX_EXPONENT = 2**31 - 1

CONSTANTS = {"pi": math.pi, "e": math.e}
NOT_NUMBERS = {"nan", "inf", "infinity", "infty"}

TOO_LARGE = "the number is too large to evaluate"


# ---- Numbers and names ----------------------------------------------------------------------


def constant(name: str) -> float:
    if name in CONSTANTS:
        return CONSTANTS[name]
    if name.lower() in NOT_NUMBERS:
        raise AnswerError(f"`{name}` is not a number here")
    raise AnswerError(f"`{name}` is not a number or a known constant (pi, e)")


def checked(value):
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


def is_number(value: Value) -> bool:
    return isinstance(value, float)


def describe(value: Value) -> str:
    if is_number(value):
        return "a number"
    if value.ndim == 1:
        return f"a vector of {value.shape[0]} entries"
    if value.ndim == 2:
        return f"a {value.shape[0]}×{value.shape[1]} matrix"
    return "a " + "×".join(map(str, value.shape)) + " array"


def both(a: Value, b: Value) -> str:
    """'a 2×3 and a 3×2 matrix', or 'a number and a vector of 3 entries'."""
    if not is_number(a) and not is_number(b) and a.ndim == b.ndim == 2:
        return f"a {a.shape[0]}×{a.shape[1]} and a {b.shape[0]}×{b.shape[1]} matrix"
    return f"{describe(a)} and {describe(b)}"


# ---- Arithmetic ---------------------------------------------------------------------------


def add(a: Value, b: Value) -> Value:
    if np.shape(a) != np.shape(b):
        raise AnswerError(f"cannot add {both(a, b)}")
    return checked(a + b)


def subtract(a: Value, b: Value) -> Value:
    if np.shape(a) != np.shape(b):
        raise AnswerError(f"cannot subtract {describe(b)} from {describe(a)}")
    return checked(a - b)


def multiply(a: Value, b: Value) -> Value:
    """`*` and juxtaposition: a scalar multiple, or the product of two matrices."""
    if is_number(a) or is_number(b):
        return checked(a * b)
    if a.ndim == b.ndim == 2:
        return matrix_product(a, b)
    raise AnswerError(f"cannot multiply {both(a, b)} with *: write @ for a matrix or dot "
                      "product, or ⊙ for an element-wise product")


def matrix_product(a: Value, b: Value) -> Value:
    if is_number(a) or is_number(b):
        return checked(a * b)
    if a.ndim > 2 or b.ndim > 2:
        raise AnswerError(f"cannot multiply {both(a, b)}")
    inner_a, inner_b = a.shape[-1], b.shape[0]
    if inner_a != inner_b:
        raise AnswerError(f"cannot multiply {both(a, b)}: the first has "
                          f"{count(inner_a, 'column')}, the second {count(inner_b, 'row')}")
    if a.ndim == b.ndim == 2 and a.shape[0] * b.shape[1] > MAX_ENTRIES:
        raise AnswerError(f"the product would have {a.shape[0] * b.shape[1]:,} entries; the "
                          f"limit is {MAX_ENTRIES:,}")
    product = a @ b
    return checked(product if isinstance(product, np.ndarray) else float(product))


def elementwise_product(a: Value, b: Value) -> Value:
    if not is_number(a) and not is_number(b) and a.shape != b.shape:
        raise AnswerError(f"an element-wise product needs equal shapes, not {both(a, b)}")
    return checked(a * b)


def divide(a: Value, b: Value) -> Value:
    if not is_number(b):
        raise AnswerError(f"cannot divide by {describe(b)}")
    if b == 0:
        raise AnswerError("division by zero")
    return checked(a / b)


def power(base: Value, exponent: Value) -> Value:
    if not is_number(exponent):
        raise AnswerError(f"an exponent must be a number, not {describe(exponent)}")
    if is_number(base):
        return number_power(base, exponent)
    return matrix_power(base, exponent)


def number_power(base: float, exponent: float) -> float:
    if base < 0 and not exponent.is_integer():
        raise AnswerError("a negative number to a fractional power is not a real number")
    if base == 0 and exponent < 0:
        raise AnswerError("division by zero: 0 to a negative power")
    try:
        return checked(base**exponent)
    except OverflowError:
        raise AnswerError(TOO_LARGE) from None


def matrix_power(matrix: np.ndarray, exponent: float) -> np.ndarray:
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise AnswerError(f"only a square matrix has powers, not {describe(matrix)}; for "
                          "element-wise powers use ⊙")
    if not exponent.is_integer():
        raise AnswerError("a matrix power must be a whole number")
    if abs(exponent) > MAX_MATRIX_EXPONENT:
        raise AnswerError(TOO_LARGE)
    if exponent < 0:
        matrix = inverse(matrix)
    return checked(np.linalg.matrix_power(matrix, int(abs(exponent))))


def transpose(value: Value) -> Value:
    if is_number(value):
        return value
    if value.ndim == 1:
        return value.reshape(-1, 1)
    if value.ndim == 2:
        return value.T.copy()
    raise AnswerError(f"cannot transpose {describe(value)}")


def square(x: Value, func: str) -> np.ndarray:
    if is_number(x) or x.ndim != 2 or x.shape[0] != x.shape[1]:
        raise AnswerError(f"{func}() needs a square matrix, not {describe(x)}")
    return x


def inverse(x: np.ndarray) -> np.ndarray:
    matrix = square(x, "inv")
    try:
        inverse = np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        raise AnswerError("the matrix is singular, so it has no inverse") from None
    return checked(inverse)


# ---- Arrays -------------------------------------------------------------------------------


def stack(entries: list[Value]) -> np.ndarray:
    """JSON-style list: numbers -> a vector; equal-shaped arrays -> one more dimension."""
    if not entries or any(not is_number(e) and e.size == 0 for e in entries):
        raise AnswerError("empty brackets [] hold no values")
    numbers = [is_number(entry) for entry in entries]
    if all(numbers):
        return checked(np.array(entries, dtype=float))
    if any(numbers):
        first_number = numbers.index(True) + 1
        first_list = numbers.index(False) + 1
        raise AnswerError(f"entry {first_number} is a number but entry {first_list} is a "
                          "list: a matrix is a list of rows of equal length, like "
                          "[[1, 2], [3, 4]]")
    if all(entry.ndim == 1 for entry in entries):
        same_lengths([entry.shape[0] for entry in entries])
    for number, entry in enumerate(entries[1:], 2):
        if entry.shape != entries[0].shape:
            raise AnswerError(f"the rows have different shapes: row 1 is "
                              f"{describe(entries[0])}, row {number} is {describe(entry)}")
    if len(entries) * entries[0].size > MAX_ENTRIES:
        raise AnswerError(f"the array is too large; the limit is {MAX_ENTRIES:,} entries")
    return checked(np.stack(entries))


def same_lengths(lengths: list[int]) -> None:
    for number, length in enumerate(lengths[1:], 2):
        if length != lengths[0]:
            raise AnswerError(f"the rows have different lengths: row 1 has "
                              f"{count(lengths[0], 'entry')}, row {number} has {length}")


def count(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"


def vector_of_numbers(values: list[Value]) -> np.ndarray:
    for number, value in enumerate(values, 1):
        if not is_number(value):
            raise AnswerError(f"entry {number} of ( ... ) is {describe(value)}; write a "
                              "matrix with [ ]")
    return checked(np.array(values, dtype=float))
