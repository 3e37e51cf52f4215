"""The tree the answer grammar builds: our own small node types, never Python code.

The parser only describes what was typed. Deciding what a name means (a declared symbol, a
constant such as pi or e, the transpose marker T) and evaluating happen in later passes, so the
same tree serves numbers, matrices and symbolic matrix expressions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Num:
    """A numeric literal, kept with its text so feedback can quote the student."""

    value: float
    text: str


@dataclass(frozen=True)
class Name:
    """An identifier as typed (`x`, `W21`, `pi`, `T`, `beta2`); resolved by a later pass."""

    name: str


@dataclass(frozen=True)
class Ones:
    """`𝟏_n`, `\\mathbf{1}_n`, `1_n`, `ones(n)`, `np.ones((n, 1))`: the column of ones of length
    `size` (a dimension letter such as n, or a whole number)."""

    size: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class Add:
    left: Node
    right: Node


@dataclass(frozen=True)
class Sub:
    left: Node
    right: Node


@dataclass(frozen=True)
class Mul:
    """`a*b`, `a·b`, `a \\cdot b`, `a \\times b`, or juxtaposition (`implicit`): a matrix product
    where shapes say so, a scalar multiple otherwise."""

    left: Node
    right: Node
    implicit: bool = False


@dataclass(frozen=True)
class MatMul:
    """`a @ b`: always the matrix product."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Hadamard:
    """`a ⊙ b`, `a .* b`, `a \\odot b`, `a ∘ b`: the element-wise product."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Div:
    """`a / b` and `\\frac{a}{b}`."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Pow:
    """`a ^ b`, `a ** b`, `a^{b}`. `x^T`, `x^\\top` and `x^{-1}` also arrive here (exponent
    `Name('T')`, `Name('top')`, `Num(-1)`) unless the grammar recognised them directly."""

    base: Node
    exponent: Node


@dataclass(frozen=True)
class Transpose:
    """`a'`, `a.T`, `aᵀ`, `a^T`, `a^\\top`, `a^{\\mathsf T}`, `transpose(a)`."""

    operand: Node


@dataclass(frozen=True)
class Call:
    """A named function applied to arguments. `func` is canonical: `np.sqrt`, `\\sqrt{}` and
    `sqrt` all give 'sqrt'; `\\ln`, `ln` and `log` give 'ln'; `\\operatorname{tr}`, `trace`
    give 'tr'; `inv` stays 'inv'."""

    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Bracket:
    """A bracketed array literal. `rows` holds the entries row by row.

    `explicit_rows` is False for a JSON/NumPy style list (`[1, 2, 3]`, `[[1, 2], [3, 4]]`:
    one row whose entries may themselves be Brackets) and for a MATLAB or LaTeX literal with a
    single row (`[1 2 3]`); it is True when rows were separated by `;` or `\\\\`
    (`[1 2; 3 4]`, `\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}`).
    """

    rows: tuple[tuple[Node, ...], ...]
    explicit_rows: bool = False


@dataclass(frozen=True)
class Tuple:
    """`(a, b, ...)`: a point or vector written with parentheses."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class SetOf:
    """`{a, b}` or `\\{a, b\\}`: values whose order does not matter."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class PlusMinus:
    """`a ± b`, `a \\pm b`, `a +- b`: the two values a + b and a - b."""

    left: Node
    right: Node


Node = (
    Num | Name | Ones | Neg | Add | Sub | Mul | MatMul | Hadamard | Div | Pow | Transpose | Call
    | Bracket | Tuple | SetOf | PlusMinus
)
