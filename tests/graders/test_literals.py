"""graders/literals.py reads the commonest answers without lark; it must give exactly the tree
the grammar gives, and hand everything else (every malformed answer included) to the grammar.
The grammar is the independent computation here: each generated text is read both ways."""

import random

import pytest

from graders import parse as grammar_module
from graders.literals import plain_literal
from graders.text_checks import check_brackets
from graders.tree import Bracket, Div, Num, SetOf


def by_grammar(text: str):
    """The tree the grammar alone builds (what parse() did before the shortcut), or None when
    the grammar refuses the text."""
    try:
        check_brackets(text)
        node = grammar_module._PARSER.parse(text)
        grammar_module._check_tree_depth(node, text)
        return node
    except Exception:
        return None


NUMBERS = ["0", "1", "2.5", "-3", "-0.25", "1e5", "1.5e-3", "-2E+3", ".5", "5.", "007", "-.5",
           "1e400", "10", "123456789"]
SEPARATORS = [" ", ",", ", ", " , ", ";", "; ", "  ", " ,", ",,", " ;", "", " - ", "-", "\t", "\n"]


def generated(rng: random.Random) -> str:
    """Literals and near-literals: signs, fractions, MATLAB/JSON/NumPy/LaTeX arrays and sets,
    with stray, doubled and trailing separators and mismatched environments."""
    num = lambda: rng.choice(NUMBERS)  # noqa: E731

    def flat() -> str:
        parts = [num()]
        for _ in range(rng.randint(0, 5)):
            parts += [rng.choice(SEPARATORS), num()]
        return "[" + rng.choice(["", " "]) + "".join(parts) + rng.choice(["", " ", ",", ";"]) + "]"

    r = rng.random()
    if r < 0.15:
        return rng.choice(["", " ", "-", "- "]) + num() + rng.choice(["", " "])
    if r < 0.3:
        return rng.choice(["", "-", "- "]) + num() + rng.choice(["/", " / ", "/-", "//"]) + num()
    if r < 0.55:
        return flat()
    if r < 0.65:
        joiner = rng.choice([", ", ",", " ", "; ", " , "])
        return "[" + rng.choice(["", " "]) + joiner.join(flat() for _ in range(rng.randint(1, 3))) + "]"
    if r < 0.75:
        return (rng.choice(["np.array(", "numpy.array(", "np.matrix(", "np.array (", "math.array("])
                + flat() + rng.choice([")", " )", ") * 2", ""]))
    if r < 0.9:
        env = rng.choice(["bmatrix", "pmatrix", "matrix", "vmatrix", "Bmatrix", "smallmatrix"])
        end = env if rng.random() < 0.9 else "bmatrix"
        rows = [rng.choice([" & ", "&", " &"]).join(rng.choice(["", "-", "- "]) + num()
                                                    for _ in range(rng.randint(1, 3)))
                for _ in range(rng.randint(1, 3))]
        return (f"\\begin{{{env}}}" + rng.choice([" ", "", "\n"]) + rng.choice([r" \\ ", r"\\"]).join(rows)
                + rng.choice([" ", "", r" \\ "]) + f"\\end{{{end}}}")
    return ("{" + rng.choice([", ", ",", " , ", " ", ",,"]).join(
        rng.choice(["", "-", "- "]) + num() for _ in range(rng.randint(1, 4))) + rng.choice(["}", ",}", " }"]))


def test_the_shortcut_builds_the_grammars_tree_or_steps_aside():
    rng = random.Random(20261122)
    taken = 0
    for _ in range(6000):
        text = generated(rng)
        fast = plain_literal(text)
        if fast is None:
            continue
        taken += 1
        assert repr(fast) == repr(by_grammar(text)), text
    # The generator must actually exercise the shortcut, not only the fall-through.
    assert taken > 1000


@pytest.mark.parametrize("text, node_type", [
    ("0.25", Num), (" -1.5e-3 ", Num), ("1/4", Div), ("-3/7", Div),
    ("[1 -2 3]", Bracket), ("[1, 2; 3, 4]", Bracket), ("[[1, 2], [3, 4]]", Bracket),
    ("np.array([[1, 2], [3, 4]])", Bracket), (r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", Bracket),
    ("{1, 2}", SetOf),
])
def test_common_literals_take_the_shortcut_with_the_grammars_tree(text, node_type):
    fast = plain_literal(text)
    assert isinstance(fast, node_type)
    assert repr(fast) == repr(by_grammar(text))


@pytest.mark.parametrize("text", ["1/", "[1 2; 3", "[1,, 2]", "[1 2;]", "--1", "1 2", "{1}", "x", "2x",
                                  "[1 2] * 2", "1e", "[1\n2]"])
def test_anything_else_goes_to_the_grammar(text):
    assert plain_literal(text) is None
