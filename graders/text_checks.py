"""What is checked of an answer's text before lark reads it: that it is text, not empty, not
too long, holds no NUL or unpaired surrogate, and that its brackets balance and nest at most
MAX_DEPTH deep. The clearest messages come from looking at the text alone, and a pathological
input never reaches the parser."""

from __future__ import annotations

from graders.errors import ParseError
from graders.lexemes import Refusal

MAX_LENGTH = 2000
MAX_DEPTH = 100

OPENING = {"(": ")", "[": "]", "{": "}"}
CLOSING = {")": "(", "]": "[", "}": "{"}

def check_size(text: str) -> None:
    if not isinstance(text, str):
        raise ParseError("the answer must be text")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the answer is too long: {len(text):,} characters; "
                         f"the limit is {MAX_LENGTH:,}")
    if not text.strip():
        raise ParseError("the answer is empty")
    check_characters(text)


def check_characters(text: str) -> None:
    # An unpaired surrogate (JSON "\ud800") is no character at all: no UTF-8 text, file or
    # database can hold it. A NUL is none a student types. Neither is shown back in the message.
    if "\x00" in text:
        raise ParseError("the answer holds a NUL character (U+0000); type the answer as plain text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ParseError(f"the answer holds an unpaired surrogate (U+{ord(text[error.start]):04X}) at "
                         f"character {error.start + 1}, which is not text; type the answer as plain text") from None


def check_brackets(text: str) -> None:
    """Balance and depth of ( [ { (and \\begin), before lark: the clearest messages come from
    looking at the brackets alone, and a pathological nesting never reaches the parser."""
    stack: list[int] = []            # positions of the open brackets
    environments = 0
    for position, char in enumerate(text):
        if char == "\\" and text.startswith("begin", position + 1):
            environments += 1
        elif char == "\\" and text.startswith("end", position + 1):
            environments = max(0, environments - 1)
        elif char in OPENING:
            stack.append(position)
        elif char in CLOSING:
            if not stack:
                raise Refusal(f"unexpected '{char}'", position)
            opened = stack.pop()
            if text[opened] != CLOSING[char]:
                raise Refusal(f"unbalanced brackets: '{text[opened]}' at position "
                               f"{opened + 1} is closed by '{char}'", position)
        if len(stack) + environments > MAX_DEPTH:
            raise Refusal(f"the brackets are nested too deeply: the limit is {MAX_DEPTH} "
                           "levels", position)
    if stack:
        opened = stack[-1]
        raise Refusal(f"unbalanced brackets: '{text[opened]}' at position {opened + 1} is "
                       "never closed", opened)
