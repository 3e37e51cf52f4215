"""MATLAB's whitespace inside brackets, made into the grammar's entry separators: `[1 -2 3]` is
three entries, `[1 - 2]` one (a pass of graders/postlex.py)."""

from __future__ import annotations

from graders.lexemes import ENDS_OPERAND, STARTS_OPERAND, Lexeme, Refusal

_OPENER_KINDS = {"_LPAR": "(", "_LSQB": "[", "_LBRACE": "{", "_ESC_LBRACE": "{",
                 "BEGIN_ENV": "env", "_ROOT_INDEX": "index", "_NORM_OPEN": "‖", "_ABS_OPEN": "|"}
_CLOSER_TYPES = {"_RPAR", "_RSQB", "_RBRACE", "_ESC_RBRACE", "END_ENV", "NORM_CLOSE", "_ABS_CLOSE"}


def separate_entries(lexemes: list[Lexeme]) -> list[Lexeme]:
    """MATLAB's rule: directly inside `[ ]`, whitespace between two operands separates entries
    (a comma, or a row break when the whitespace holds a newline), and so does whitespace
    before a sign that touches its operand: `[1 -2 3]` is three entries, `[1 - 2]` one.

    Also refuses two numbers side by side (`2 3`, `1.2.3`), which are never a product anyone
    meant. The inserted separator's value is the whitespace itself, so an error can say so.
    """
    out: list[Lexeme] = []
    open_kinds: list[str] = []           # innermost last
    numerator_closed = False             # just after `\frac{..}` or `\frac 1`: more follows
    for i, lexeme in enumerate(lexemes):
        previous = out[-1] if out else None
        numerator_closed = numerator_closed or (len(out) >= 2 and out[-2].type == "_FRAC")
        if (previous is not None and open_kinds and open_kinds[-1] == "["
                and lexeme.space and previous.type in ENDS_OPERAND and not numerator_closed):
            following = lexemes[i + 1] if i + 1 < len(lexemes) else None
            signed_entry = (lexeme.type in ("_PLUS", "_MINUS") and following is not None
                            and not following.space)
            if lexeme.type in STARTS_OPERAND or signed_entry:
                kind = "_SEMI" if "\n" in lexeme.space else "_COMMA"
                out.append(Lexeme(kind, lexeme.space, previous.end, lexeme.start))
                previous = out[-1]
        if previous is not None and previous.type == "NUMBER" and lexeme.type == "NUMBER" \
                and not (len(out) >= 2 and out[-2].type == "_FRAC"):
            if lexeme.space:
                raise Refusal(f"two numbers side by side ('{previous.value}' and "
                               f"'{lexeme.value}'): put an operator between them, or write "
                               f"several values in brackets, like [{previous.value} "
                               f"{lexeme.value}]", lexeme.start)
            raise Refusal(f"'{previous.value}{lexeme.value}' is not a number", previous.start)
        numerator_closed = False
        if lexeme.type in _OPENER_KINDS:
            kind = _OPENER_KINDS[lexeme.type]
            if lexeme.type == "_LBRACE" and previous is not None and previous.type == "_FRAC":
                kind = "numerator"
            open_kinds.append(kind)
        elif lexeme.type in _CLOSER_TYPES and open_kinds:
            numerator_closed = open_kinds.pop() == "numerator"
        out.append(lexeme)
    return out
