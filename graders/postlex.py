"""The postlexer: lark's tokens of a typed answer, made into the grammar's (graders/answer.lark).

Small passes over the (at most 2,000-token) list, each with one job: whitespace and LaTeX
spacing dropped, LaTeX commands, Greek letters and `np.` names translated, names assembled
(`\\mathbf{x}`, `W_{21}`, `\\hat{y}`), bars paired into norms and absolute values, function
names and indicators marked, MATLAB's whitespace made into entry separators
(graders/matlab_entries.py). Which commands mean what is graders/latex_vocabulary.py's; the
tokens and the refusal, graders/lexemes.py's.
"""

from __future__ import annotations

import re

from lark import Token
from lark.lark import PostLex

from graders.functions import ALSO_NAMES  # also ordinary names without `(` (σ, a std. deviation)
from graders.latex_vocabulary import (
    ACCENTS,
    BOLD_FONTS,
    FUNCTIONS,
    GREEK_LETTERS,
    LATEX_COMMAND_TOKENS,
    LATEX_SIZERS,
    LATEX_SPACES,
    NUMPY_ARRAYS,
    NUMPY_CONSTANTS,
    OPERATOR_FONTS,
)
from graders.lexemes import ENDS_OPERAND, Lexeme, Refusal, changed
from graders.matlab_entries import separate_entries

# ---- The postlexer --------------------------------------------------------------------------


class AnswerPostLex(PostLex):
    """Normalises the token stream in small passes over the (at most 2,000-token) list.

    Stateless: one instance serves every parse, from any thread.
    """

    always_accept = ("LATEX_CMD", "QUALNAME", "GREEK", "HATTED", "ROOT", "WS", "NORM_BAR", "ABS_BAR",
                     "BOLD_ONE")

    def process(self, stream):
        lexemes = _drop_spacing(stream)
        lexemes = _translate(lexemes)
        lexemes = _mark_ones(_mark_bars(_assemble(lexemes)))
        _mark_functions(lexemes)
        lexemes = _norm_orders(lexemes)
        _mark_indicators(lexemes)
        for lexeme in separate_entries(lexemes):
            # Positional: type, value, start_pos, line, column, end_line, end_column, end_pos.
            yield Token(lexeme.type, lexeme.value, lexeme.start, 1, lexeme.start + 1, 1, lexeme.end + 1,
                        lexeme.end)


def _drop_spacing(stream) -> list[Lexeme]:
    """Whitespace and `\\,`-style spacing become the `space` of the next token; `\\left` and
    `\\right` vanish (the bracket after them remains)."""
    lexemes: list[Lexeme] = []
    space = ""
    for token in stream:
        command = token.value[1:] if token.type == "LATEX_CMD" else None
        if token.type == "WS":
            space += token.value
        elif command in LATEX_SPACES:
            space += " "
        elif command not in LATEX_SIZERS:
            lexemes.append(Lexeme(token.type, token.value, token.start_pos, token.end_pos, space))
            space = ""
    return lexemes


def _translate(lexemes: list[Lexeme]) -> list[Lexeme]:
    """LaTeX commands, Greek letters, `ŷ`, `√` and `np.` names -> the grammar's tokens."""
    out: list[Lexeme] = []
    i = 0
    while i < len(lexemes):
        following = lexemes[i + 1] if i + 1 < len(lexemes) else None
        pieces, used = _translate_one(lexemes[i], following)
        out += pieces
        i += used
    return out


def _translate_one(lexeme: Lexeme, following: Lexeme | None) -> tuple[list[Lexeme], int]:
    """The grammar tokens for `lexeme`, and how many lexemes they stand for (2 when the
    following one was taken in too)."""
    touching = following is not None and not following.space
    touching_digits = touching and following.type == "NUMBER" and following.value.isdigit()
    if lexeme.type == "LATEX_CMD":
        command = lexeme.value[1:]
        if command in ("frac", "dfrac", "tfrac") and touching_digits \
                and len(following.value) == 2:
            # `\frac12` is LaTeX for 1/2: each digit is an argument.
            return [changed(lexeme, type="_FRAC"),
                    Lexeme("NUMBER", following.value[0], following.start, following.start + 1),
                    Lexeme("NUMBER", following.value[1], following.start + 1, following.end)], 2
        if command == "sqrt" and touching and following.type == "_LSQB":
            # `\sqrt[3]{x}`: the bracket is a root's index, not an array.
            return [changed(lexeme, type="LATEX_FUNC", value="sqrt"),
                    changed(following, type="_ROOT_INDEX")], 2
        if command not in LATEX_COMMAND_TOKENS:
            raise Refusal(f"unknown LaTeX command '{lexeme.value}'", lexeme.start)
        kind, value = LATEX_COMMAND_TOKENS[command]
        return [changed(lexeme, type=kind, value=value or lexeme.value)], 1
    if lexeme.type == "GREEK":
        name = GREEK_LETTERS[lexeme.value]
        if touching_digits:
            # `β2` is the name beta2, as `beta2` would be.
            return [changed(lexeme, type="NAME", value=name + following.value,
                          end=following.end)], 2
        return [changed(lexeme, type="NAME", value=name)], 1
    if lexeme.type == "HATTED":
        letter = "y" if lexeme.value == "\u0177" else lexeme.value[0]
        return [changed(lexeme, type="NAME", value=letter + "hat")], 1
    if lexeme.type == "ROOT":
        return [changed(lexeme, type="LATEX_FUNC", value="sqrt")], 1
    if lexeme.type == "QUALNAME":
        return [_translate_qualified(lexeme)], 1
    return [lexeme], 1


def _translate_qualified(lexeme: Lexeme) -> Lexeme:
    attribute = lexeme.value.rsplit(".", 1)[1]
    if attribute in NUMPY_CONSTANTS:
        return changed(lexeme, type="NAME", value=attribute)
    if attribute == "ones":
        return lexeme                                # np.ones(n): the ones vector, see _mark_ones
    if attribute in NUMPY_ARRAYS:
        return changed(lexeme, type="ARRAY_CTOR")
    if attribute in FUNCTIONS:
        return changed(lexeme, type="QUALFUNC")        # canonical name once `(` is seen
    raise Refusal(f"unknown name '{lexeme.value}'", lexeme.start)


def _assemble(lexemes: list[Lexeme]) -> list[Lexeme]:
    """Build names: `\\mathbf{x}` -> x, `\\hat{y}` -> yhat, `W_{21}` -> W_21, `x^TAx` -> x^T Ax.

    A shift-reduce pass: each lexeme is pushed, then the tail of the output is reduced while a
    pattern matches, so nested forms (`\\mathbf{\\hat{y}}_{i}`) assemble inside out.
    """
    out: list[Lexeme] = []
    for lexeme in lexemes:
        for piece in _split_transpose_exponent(lexeme, out):
            out.append(piece)
            while _reduce_tail(out):
                pass
    for i, lexeme in enumerate(out):
        if lexeme.type in ("FONT", "ACCENT"):
            command = "\\" + lexeme.value
            raise Refusal(f"'{command}' must be followed by one name, like {command}{{x}}",
                           lexeme.start)
        if (lexeme.type in ("NAME", "LATEX_FUNC") and lexeme.value.endswith("_")
                and i + 1 < len(out) and out[i + 1].type == "_LBRACE"):
            raise Refusal("a subscript in braces may hold only letters and digits, "
                           "like W_{21}", out[i + 1].start)
    return out


def _split_transpose_exponent(lexeme: Lexeme, out: list[Lexeme]) -> list[Lexeme]:
    """`x^TAx` is xᵀAx as LaTeX would render it: after `^`, a name `T...` touching the caret
    splits into the transpose mark T and the rest (`x^Tx` -> x^T x; `x^T2` is left alone)."""
    if (lexeme.type == "NAME" and out and out[-1].type == "_POW" and not lexeme.space
            and re.match(r"T[A-Za-z]", lexeme.value)):
        return [changed(lexeme, value="T", end=lexeme.start + 1),
                Lexeme("NAME", lexeme.value[1:], lexeme.start + 1, lexeme.end)]
    return [lexeme]


def _reduce_tail(out: list[Lexeme]) -> bool:
    """Apply one name-building reduction to the end of `out`; False when none applies."""
    if (len(out) >= 4 and out[-4].type in ("FONT", "ACCENT") and out[-3].type == "_LBRACE"
            and out[-1].type == "_RBRACE" and _fits(out[-4], out[-2])):
        out[-4:] = [_apply_font(out[-4], out[-2], out[-1].end)]          # \mathbf{x}
        return True
    if len(out) >= 2 and out[-2].type in ("FONT", "ACCENT") and _fits(out[-2], out[-1]):
        out[-2:] = [_apply_font(out[-2], out[-1], out[-1].end)]          # \mathbf x
        return True
    if (len(out) >= 2 and out[-2].type in ("NAME", "LATEX_FUNC") and out[-1].type == "NAME"
            and out[-1].value.startswith("_") and not out[-1].space):
        out[-2:] = [changed(out[-2], value=out[-2].value + out[-1].value, end=out[-1].end)]
        return True                                                       # \beta_2
    if (len(out) >= 2 and (out[-2].type == "BOLD_ONE" or out[-2].value == "1" and out[-2].type == "NUMBER")
            and out[-1].type == "NAME" and not out[-1].space and _ONES_SIZE.fullmatch(out[-1].value)
            and (out[-2].type == "BOLD_ONE" or not out[-1].value[1].isdigit())):
        out[-2:] = [changed(out[-2], type="ONES", value=out[-1].value[1:], end=out[-1].end)]
        return True                                                       # 𝟏_n, 1_n
    if (len(out) >= 4 and out[-4].type in ("NAME", "LATEX_FUNC")
            and out[-4].value.endswith("_") and out[-3].type == "_LBRACE"
            and out[-1].type == "_RBRACE" and _is_subscript(out[-2])):
        out[-4:] = [changed(out[-4], value=out[-4].value + out[-2].value, end=out[-1].end)]
        return True                                                       # W_{21}
    return False


def _fits(command: Lexeme, argument: Lexeme) -> bool:
    if command.type == "ACCENT":
        return argument.type == "NAME"
    return argument.type in ("NAME", "NUMBER", "_TOP", "LATEX_FUNC")


def _is_subscript(lexeme: Lexeme) -> bool:
    return lexeme.type == "NAME" or (lexeme.type == "NUMBER" and lexeme.value.isdigit())


def _apply_font(command: Lexeme, argument: Lexeme, end: int) -> Lexeme:
    if command.type == "ACCENT":
        value, kind = argument.value + ACCENTS[command.value], "NAME"
    elif (command.value in OPERATOR_FONTS and argument.type == "NAME"
          and argument.value in FUNCTIONS):
        value, kind = argument.value, "LATEX_FUNC"                        # \operatorname{tr}
    elif command.value in BOLD_FONTS and argument.type == "NUMBER" and argument.value == "1":
        value, kind = "𝟏", "BOLD_ONE"                                   # \mathbf{1}: the ones vector
    else:
        value, kind = argument.value, argument.type
    return Lexeme(kind, value, command.start, end, command.space)


# The size of a ones vector: a dimension letter (n, d_in is too long a name for one) or a number.
_ONES_SIZE = re.compile(r"_(?:[A-Za-z][A-Za-z0-9]{0,3}|[1-9][0-9]{0,2})")
# `ones(n)`, `ones(n, 1)`, `np.ones((n, 1))`, `np.ones(n)`: the token types and values, in order
# (None: any value), after which the size is the NAME or NUMBER at index 2 or 3.
_ONES_CALLS = (
    ("(", "size", ")"),
    ("(", "size", ",", "1", ")"),
    ("(", "(", "size", ",", "1", ")", ")"),
    ("(", "(", "size", ",", ")", ")"),
)
_PUNCTUATION = {"_LPAR": "(", "_RPAR": ")", "_COMMA": ","}


def _mark_ones(lexemes: list[Lexeme]) -> list[Lexeme]:
    """`ones(n)` and NumPy's spellings become the ones vector 𝟏_n; a bold 1 without its size is
    refused (𝟏ᵀx is a sum only when the length of 𝟏 is known)."""
    out: list[Lexeme] = []
    i = 0
    while i < len(lexemes):
        lexeme = lexemes[i]
        if lexeme.type in ("NAME", "QUALNAME") and lexeme.value.rsplit(".", 1)[-1] == "ones":
            for pattern in _ONES_CALLS:
                window = lexemes[i + 1:i + 1 + len(pattern)]
                if len(window) == len(pattern) and all(_ones_piece(w, p) for w, p in zip(window, pattern)):
                    size = window[pattern.index("size")].value
                    out.append(changed(lexeme, type="ONES", value=size, end=window[-1].end))
                    i += 1 + len(pattern)
                    break
            else:
                out.append(lexeme)
                i += 1
            continue
        if lexeme.type == "BOLD_ONE":
            raise Refusal("write the vector of ones with its length, like 𝟏_n, \\mathbf{1}_n or ones(n)",
                          lexeme.start)
        out.append(lexeme)
        i += 1
    return out


def _ones_piece(lexeme: Lexeme, wanted: str) -> bool:
    if wanted == "size":
        return (lexeme.type == "NAME" and _ONES_SIZE.fullmatch("_" + lexeme.value) is not None
                or lexeme.type == "NUMBER" and _ONES_SIZE.fullmatch("_" + lexeme.value) is not None)
    if wanted == "1":
        return lexeme.type == "NUMBER" and lexeme.value == "1"
    return _PUNCTUATION.get(lexeme.type) == wanted


_BARS = {"NORM_BAR": ("_NORM_OPEN", "NORM_CLOSE"), "ABS_BAR": ("_ABS_OPEN", "_ABS_CLOSE")}
# A norm's subscript, typed on its closing bar: `‖x‖_2`, `‖X‖_F`, `‖X‖_{F}`.
_NORM_SUBSCRIPTS = {"_2": "2", "_F": "F", "_fro": "F"}


def _mark_bars(lexemes: list[Lexeme]) -> list[Lexeme]:
    """A bar opens, unless the innermost open bar is of its kind and an operand just ended:
    then it closes (`|a| |b|`, `\\|A|x|\\|`, `\\|x\\|^2`). The same character both opens and closes,
    so the grammar alone could not tell."""
    if not any(lexeme.type in _BARS for lexeme in lexemes):
        return lexemes
    out: list[Lexeme] = []
    open_bars: list[Lexeme] = []
    for lexeme in lexemes:
        if lexeme.type in _BARS:
            opening, closing = _BARS[lexeme.type]
            if open_bars and open_bars[-1].type == opening and out and out[-1].type in ENDS_OPERAND:
                open_bars.pop()
                lexeme = changed(lexeme, type=closing, value="")
            else:
                lexeme = changed(lexeme, type=opening)
                open_bars.append(lexeme)
        elif out and out[-1].type == "NORM_CLOSE" and lexeme.type == "NAME" and not lexeme.space \
                and lexeme.value in _NORM_SUBSCRIPTS:
            out[-1] = changed(out[-1], value=_NORM_SUBSCRIPTS[lexeme.value], end=lexeme.end)
            continue
        out.append(lexeme)
    if open_bars:
        bar = open_bars[-1]
        raise Refusal(f"'{bar.value}' is never closed: write a norm as \\|x\\| (or ‖x‖) and an "
                       "absolute value as |x|", bar.start)
    return out


def _mark_indicators(lexemes: list[Lexeme]) -> None:
    """`1[z > 0]` (also `\\mathbb{1}[…]`): a 1 touching a bracket that holds a comparison is the
    indicator, not the number 1 times a list."""
    for i, lexeme in enumerate(lexemes[:-1]):
        following = lexemes[i + 1]
        if lexeme.type == "NUMBER" and lexeme.value == "1" and following.type == "_LSQB" and not following.space:
            depth = 0
            for later in lexemes[i + 1:]:
                depth += later.type == "_LSQB"
                depth -= later.type == "_RSQB"
                if depth == 1 and later.type == "COMPARE":
                    lexeme.type = "INDICATOR"
                    break
                if depth == 0:
                    break


def _mark_functions(lexemes: list[Lexeme]) -> None:
    """A known function name followed by `(` becomes FUNC with its canonical name; without
    `(` it is refused (`sin x`), except for the LaTeX forms, which may take one atom."""
    for i, lexeme in enumerate(lexemes):
        called = i + 1 < len(lexemes) and lexemes[i + 1].type == "_LPAR"
        if lexeme.type == "NAME" and lexeme.value in FUNCTIONS:
            if called:
                lexeme.type, lexeme.value = "FUNC", FUNCTIONS[lexeme.value]
            elif lexeme.value not in ALSO_NAMES:
                # `sin x` would otherwise be the product of an unknown name sin and x.
                raise Refusal(f"'{lexeme.value}' needs its argument in parentheses, like "
                               f"{lexeme.value}(x)", lexeme.start)
        elif lexeme.type == "LATEX_FUNC":
            if lexeme.value not in FUNCTIONS:                             # \log_3
                raise Refusal(f"unknown function '{lexeme.value}'", lexeme.start)
            lexeme.type = "FUNC" if called else "LATEX_FUNC"
            lexeme.value = FUNCTIONS[lexeme.value]
        elif lexeme.type in ("QUALFUNC", "ARRAY_CTOR"):
            if not called:
                raise Refusal(f"'{lexeme.value}' needs its argument in parentheses",
                               lexeme.start)
            if lexeme.type == "QUALFUNC":
                lexeme.type, lexeme.value = "FUNC", FUNCTIONS[lexeme.value.rsplit(".", 1)[1]]


def _norm_orders(lexemes: list[Lexeme]) -> list[Lexeme]:
    """NumPy's and MATLAB's order argument: `norm(X, 'fro')` is ‖X‖_F and `norm(x, 2)` is ‖x‖;
    any other order (`1`, `inf`, `'nuc'`) is refused by name (only these two norms are graded)."""
    for i, lexeme in enumerate(lexemes):
        if lexeme.type != "FUNC" or lexeme.value != "norm":
            continue
        depth, close = 0, i + 1
        while close < len(lexemes):
            depth += {"_LPAR": 1, "_RPAR": -1}.get(lexemes[close].type, 0)
            if depth == 0:
                break
            close += 1
        tail = [(t.type, t.value) for t in lexemes[max(i + 2, close - 4):close]]
        if len(tail) == 4 and tail[0][0] == "_COMMA" and tail[1][0] == tail[3][0] == "_PRIME":
            order, cut = tail[2][1], 4  # a quoted order: 'fro'
        elif len(tail) >= 2 and tail[-2][0] == "_COMMA" and tail[-1][0] in ("NUMBER", "NAME"):
            order, cut = tail[-1][1], 2  # a bare one: 2, inf
        else:
            continue
        if order not in ("fro", "F", "2"):
            raise Refusal(f"norm(…, {order}) is not graded here: write ‖x‖ (the 2-norm) or "
                          "‖X‖_F (the Frobenius norm)", lexemes[close - 1].start)
        if order != "2":
            lexeme.value = "norm_F"
        del lexemes[close - cut:close]
    return lexemes
