"""What a statement asks for exists: every symbol in a sentence that asks ("Give …", "Compute …")
is a part's (its prompt names it) or a param. `adamax-steps` asked for "m, v, m̂, v̂ and u" though
Adamax has no v, m̂ or v̂."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from problems.loading import load
from problems.registry import PROBLEMS as CATALOG

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "course"
PROBLEMS = {**CATALOG, **load((), paths=str(EXAMPLES))[0]}

GREEK = {"theta": "θ", "beta": "β", "eta": "η", "epsilon": "ε", "alpha": "α", "lambda": "λ", "sigma": "σ",
         "mu": "μ", "gamma": "γ", "nabla": "∇", "delta": "δ", "rho": "ρ", "varepsilon": "ε", "ell": "ℓ"}
ASKING = re.compile(r"(?:^|(?<=[.:\n]))\s*(?:\d\.\s*)?(?:Give|Compute|Find|Report|Run the forward pass:|"
                    r"Backpropagate:)[^.]*(?:\.(?!\d)|$)", re.S)
NOT_ASKED = re.compile(r"=|\\times|\\in|\\mathbb|\\le|\\ge|^\s*[\d., ]+\s*$|\\text|\\dots|\\ldots")


def plain(latex: str) -> str:
    """A symbol's LaTeX as the prompts spell it: \\hat m → m̂, W_{21} → W21, \\partial → ∂."""
    s = re.sub(r"\\(?:d?frac)\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"\1/\2", latex)
    s = re.sub(r"\\hat\s*\{?\s*(\\?\w+?)\s*\}?(?=[^\w]|$)", lambda m: m.group(1) + "\u0302", s)
    s = re.sub(r"\\([a-z]+)", lambda m: GREEK.get(m.group(1), "∂" if m.group(1) == "partial" else ""), s)
    s = re.sub(r"\^\{?(?:t|T|\\top|⊤)\}?|_\{?t\}?(?![\w])|_\{?[ij]\}?(?![\w])", "", s)
    s = re.sub(r"\^\{?-1\}?", "⁻¹", s)
    return unicodedata.normalize("NFKC", re.sub(r"[\s{}_()]", "", s))


def named(problem) -> set[str]:
    """Params (also spelled as LaTeX would: eta → η), parts (as their prompts name them) and the
    symbols expression parts declare."""
    names = set()
    for param in problem.default:
        names |= {param, plain("\\" + re.sub(r"\d+$", "", param)) + (re.search(r"\d*$", param).group())}
    for part in problem.parts:
        names.add(part.id)
        head = re.split(r" = | \(| for | as | at | in |, ", part.prompt.strip())[0]
        names.add(unicodedata.normalize("NFKC", re.sub(r"[\s()]", "", head.replace("_t", "").replace("_", ""))))
        names |= {plain(symbol) for symbol in part.symbols or {}}
        names |= set(re.findall(r'"(\w+)"', part.prompt))  # an object answer's fields
        names |= set(part.shape) if isinstance(part.shape, dict) else set()
    return names


# A span after one of these is what an answer is taken of, at or in, not what is asked for.
PREPOSITIONS = {"of", "in", "at", "by", "with", "for", "from", "to", "over", "on", "than", "as", "and/or",
                "that", "where", "when", "if", "is", "are", "each", "every", "particular"}


def asked(statement: str) -> list[str]:
    """The symbols the asking sentences list: `Give $m$, $v$ and $\\theta$ …`."""
    symbols = []
    for sentence in ASKING.findall(statement):
        sentence = re.sub(r"\$\$.*?\$\$", " ", sentence, flags=re.S)  # displayed formulas ask nothing
        skip, end = False, None
        for match in re.finditer(r"\$([^$]+)\$", sentence):
            between = sentence[end:match.start()] if end is not None else None
            end = match.end()
            if between is not None and re.fullmatch(r"\s*(?:,|and|or|, and)\s*", between):
                pass  # the next of a list keeps the list's reading: "of $f$ and $g$"
            else:
                words = re.findall(r"[A-Za-z/]+", sentence[:match.start()])[-2:]
                # "the entries of $m$" asks for m; "a constant of $f$" asks for no f.
                asks_of = len(words) == 2 and words[0] in ("entries", "value", "values")
                skip = bool(words and words[-1].lower() in PREPOSITIONS and not asks_of)
            if skip or NOT_ASKED.search(match.group(1)):
                continue
            symbols += [plain(piece).rstrip("'") for piece in match.group(1).split(",")]
    return [s for s in symbols if s and s != "t"]


@pytest.mark.parametrize("problem_id", sorted(PROBLEMS))
def test_a_statement_asks_only_for_parts_and_params(problem_id):
    problem = PROBLEMS[problem_id]
    unknown = [s for s in asked(problem.statement) if s not in named(problem)]
    assert not unknown, f"{problem_id} asks for {unknown}; its parts and params are {sorted(named(problem))}"


def test_the_check_finds_what_adamax_asked_for():
    assert asked("Give the entries of $m$, $v$, $\\hat m$, $\\hat v$ and $u$ to 3 figures.") == [
        "m", "v", "m\u0302", "v\u0302", "u"]
    assert plain(r"\partial L/\partial W_{21}") == "∂L/∂W21"
