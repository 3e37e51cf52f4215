"""Which LaTeX commands, Greek letters and NumPy names mean what in an answer (read by
graders/postlex.py; the functions themselves are graders/functions.py's)."""

from __future__ import annotations

from graders.functions import LATEX_COMMANDS, SPELLINGS

# A known function name followed by `(` is a call; the value is the canonical name in Call
# (graders/functions.py: the one table).
FUNCTIONS = SPELLINGS

GREEK_LETTERS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "o", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
    # Capitals drawn like Latin letters are read as those letters (a pasted "Α" is an A).
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}

GREEK_COMMANDS = {
    name: name
    for name in (
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho "
        "sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon "
        "Phi Psi Omega"
    ).split()
} | {"varepsilon": "epsilon", "vartheta": "theta", "varpi": "pi", "varrho": "rho",
     "varsigma": "sigma", "varphi": "phi"}

# `\mathbf{x}` is just x; with the operator fonts, `\operatorname{tr}` is the function tr.
FONTS = {"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "mathsf", "mathtt", "mathbb",
          "mathcal", "vec", "text", "textrm", "textbf", "textit", "operatorname"}
OPERATOR_FONTS = {"operatorname", "mathrm", "text", "textrm"}
BOLD_FONTS = {"mathbf", "boldsymbol", "bm"}
ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar",
            "tilde": "tilde", "widetilde": "tilde"}

LATEX_FUNCTIONS = LATEX_COMMANDS
LATEX_SPACES = {",", ";", ":", "!", " ", "quad", "qquad"}
# `\left(` is just `(`.
LATEX_SIZERS = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
                 "biggl", "biggr", "Biggl", "Biggr"}

# command -> (token type, token value); a value of None keeps the typed text.
LATEX_COMMAND_TOKENS: dict[str, tuple[str, str | None]] = {
    **{cmd: ("NAME", name) for cmd, name in GREEK_COMMANDS.items()},
    **{cmd: ("LATEX_FUNC", cmd) for cmd in LATEX_FUNCTIONS},
    **{cmd: ("FONT", cmd) for cmd in FONTS},
    **{cmd: ("ACCENT", cmd) for cmd in ACCENTS},
    "infty": ("NAME", "inf"),
    "cdot": ("_MUL", None), "times": ("_MUL", None), "ast": ("_MUL", None),
    "div": ("_DIV", None),
    "odot": ("_HADAMARD", None), "circ": ("_HADAMARD", None), "otimes": ("_KRON", None),
    "pm": ("_PM", None),
    "top": ("_TOP", None), "intercal": ("_TOP", None),
    "frac": ("_FRAC", None), "dfrac": ("_FRAC", None), "tfrac": ("_FRAC", None),
}

# What `np.<attr>` may be, besides a function of FUNCTIONS.
NUMPY_CONSTANTS = {"pi", "e", "inf", "nan"}
NUMPY_ARRAYS = {"array", "matrix", "asarray"}
