"""The tokens of an answer on their way from lark's lexer to the parser (graders/postlex.py and
its passes), and the refusal a pass raises."""

from __future__ import annotations

from dataclasses import dataclass


class Refusal(Exception):
    """Raised inside the postlexer and transformer, which do not see the text; `parse` turns
    it into a ParseError with the caret."""

    def __init__(self, message: str, position: int | None):
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(slots=True)  # thousands are made per second: slots make them cheaper to make and read
class Lexeme:
    """A token on its way to the parser. `space` is the whitespace typed just before it."""

    type: str
    value: str
    start: int
    end: int
    space: str = ""


def changed(lexeme: Lexeme, **changes) -> Lexeme:
    fields_now = dict(type=lexeme.type, value=lexeme.value, start=lexeme.start,
                      end=lexeme.end, space=lexeme.space)
    return Lexeme(**(fields_now | changes))


# Which tokens can end an operand and which can start one: MATLAB's whitespace rule applies
# only between the two.
ENDS_OPERAND = {"NUMBER", "NAME", "_RPAR", "_RSQB", "_RBRACE", "_ESC_RBRACE", "END_ENV",
                 "_PRIME", "_DOT_T", "_SUP_T", "SUPERSCRIPT", "_TOP", "NORM_CLOSE", "_ABS_CLOSE"}
STARTS_OPERAND = {"NUMBER", "NAME", "FUNC", "LATEX_FUNC", "ARRAY_CTOR", "_FRAC", "_LPAR",
                   "_LSQB", "_LBRACE", "_ESC_LBRACE", "BEGIN_ENV", "_NORM_OPEN", "_ABS_OPEN"}
