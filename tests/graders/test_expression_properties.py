"""Property tests of the expression reader and the equivalence check (bounded, fast)."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graders.equivalence import equivalent
from graders.errors import AnswerError
from graders.expression_values import read_expression
from graders.kinds.expression import check
from graders.render import to_text
from graders.symbols import parse_symbols
from graders.tree import Add, Div, MatMul, Mul, Neg, Num, Sub, Transpose
from problems import registry
from tests.graders.expression_corpus import CORPUS

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SYMBOLS = parse_symbols({"A": "n×n", "x": "n×1", "X": "m×n", "Jx": "n×l", "beta2": "scalar"})
ALPHABET = st.sampled_from(list("xAXJ2T^'()[]{}+-*/@.,;⊙ᵀ·−_\\ 0123456789eIpi")
                           + ["\\frac", "\\left(", "\\right)", "inv(", "tr(", "^{-1}", "beta2",
                              "\\top", "\\mathbf{", "sqrt(", "det(", "\n", "\x00", "é", "ℝ"])
TEXTS = st.one_of(st.text(max_size=60), st.lists(ALPHABET, max_size=30).map("".join))


@FAST
@given(TEXTS)
def test_the_reader_raises_only_answer_errors(text):
    try:
        read_expression(text, SYMBOLS)
    except AnswerError:
        pass


@FAST
@given(TEXTS)
def test_grading_any_text_gives_a_verdict(text):
    part = registry.get("quadratic-form-gradient").part("df_dx")
    assert check(part, text).status in ("correct", "partial", "incorrect", "invalid")


# ---- rewrites that keep the value -------------------------------------------------------------


def _nodes(node, path=()):
    yield path, node
    for name in ("left", "right", "operand"):
        if hasattr(node, name):
            yield from _nodes(getattr(node, name), (*path, name))


def _replace(node, path, new):
    if not path:
        return new
    head, *rest = path
    kwargs = {f: getattr(node, f) for f in node.__dataclass_fields__}
    kwargs[head] = _replace(getattr(node, head), rest, new)
    return type(node)(**kwargs)


def _product(a, b):
    return Mul(a, b, implicit=True)


def _transposed(node):
    """Xᵀ, or a number itself: its transpose is the number, and `1ᵀ` is refused as a mistyped 𝟏_n."""
    return node if isinstance(node, Num) else Transpose(node)


def _rewrite(rule: int, node):
    """One value-preserving rewrite of `node`, or None where the rule does not apply."""
    match rule, node:
        case 0, _ if not isinstance(node, Num):  # `1ᵀ` is refused as a mistyped 𝟏_n
            return Transpose(Transpose(node))                           # (Xᵀ)ᵀ
        case 1, Add(left, right):
            return Add(right, left)                                     # a + b = b + a
        case 2, (Mul(left, Add(a, b)) | MatMul(left, Add(a, b))):
            return Add(_product(left, a), _product(left, b))            # distribute
        case 2, (Mul(Add(a, b), right) | MatMul(Add(a, b), right)):
            return Add(_product(a, right), _product(b, right))
        case 3, Mul(Num() as c, right):
            return _product(right, c)                                   # c X = X c
        case 4, _:
            return _product(Num(2.0, "2"), _product(Num(0.5, "0.5"), node))
        case 5, Transpose(Mul(a, b) | MatMul(a, b)):
            return _product(_transposed(b), _transposed(a))             # (ab)ᵀ = bᵀaᵀ
        case 5, Transpose(Add(a, b)):
            return Add(_transposed(a), _transposed(b))
        case 6, Sub(a, b):
            return Add(a, Neg(b))
        case 7, (Mul(a, Mul(b, c)) | MatMul(a, MatMul(b, c))):
            return _product(_product(a, b), c)                          # associativity
        case 8, Neg(Mul(a, b)):
            return _product(Neg(a), b)
        case 9, Div(a, b):
            return _product(a, Div(Num(1.0, "1"), b))
    return None


EXPRESSION_PARTS = [(p, part) for p in registry.PROBLEMS.values() for part in p.parts
                    if part.kind == "expression"]
STEPS = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 200)), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXPRESSION_PARTS), STEPS)
def test_valid_rewrites_of_the_answer_are_accepted(problem_part, steps):
    _, part = problem_part
    tree = read_expression(part.answer, parse_symbols(part.symbols)).tree
    for rule, where in steps:
        nodes = list(_nodes(tree))
        path, node = nodes[where % len(nodes)]
        new = _rewrite(rule, node)
        if new is not None:
            tree = _replace(tree, path, new)
    text = to_text(tree)
    result = check(part, text)
    assert result.status == "correct", (text, result.feedback)


PAIRS = [(a["answer"], b["answer"], registry.get(a["problem"]).part(a["part"]).symbols)
         for a, b in itertools.combinations(CORPUS, 2)
         if (a["problem"], a["part"]) == (b["problem"], b["part"])
         and a["kind"] not in ("syntax", "unknown-symbol", "limit", "invalid", "shape")
         and b["kind"] not in ("syntax", "unknown-symbol", "limit", "invalid", "shape")]


@FAST
@given(st.sampled_from(PAIRS))
def test_equivalence_is_symmetric(pair):
    a, b, symbols = pair
    assert equivalent(a, b, symbols) == equivalent(b, a, symbols)


def test_equivalence_agrees_with_the_labels_on_pairs_of_right_answers():
    right = [(a, b, s) for a, b, s in PAIRS
             if check_status(a, b, s) == ("correct", "correct")]
    assert right
    for a, b, symbols in right[:200]:
        assert equivalent(a, b, symbols)


def check_status(a, b, symbols):
    statuses = {item["answer"]: item["status"] for item in CORPUS
                if registry.get(item["problem"]).part(item["part"]).symbols == symbols}
    return statuses.get(a), statuses.get(b)
