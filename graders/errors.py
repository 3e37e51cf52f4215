"""The one exception family a student's answer can raise while being read or judged.

Everything that goes wrong with an answer becomes an `AnswerError` whose message is written for
the student; the grader turns it into an `invalid` part. Any other exception is our bug.
"""


class AnswerError(Exception):
    """An answer we cannot read or evaluate; `message` is shown to the student as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ParseError(AnswerError):
    """Text that is not in the answer language; `position` (0-based) is where reading stopped."""

    def __init__(self, message: str, text: str = "", position: int | None = None):
        self.text = text
        self.position = position
        if position is not None and text and "\n" not in text and len(text) <= 120:
            # A caret under the offending character, as a compiler would show it.
            message = f"{message}\n  {text}\n  {' ' * position}^"
        elif position is not None:
            message = f"{message} (at character {position + 1})"
        super().__init__(message)


class UnknownSymbol(AnswerError):
    """A name, derivative or expectation that is no symbol of the part."""

    kind = "unknown-symbol"


class ShapeError(AnswerError):
    """Shapes that do not fit: a product of n×1 by n×1, a sum of m×n and n×m."""

    kind = "shape"


class LimitError(AnswerError):
    """Too large, too deep or too slow to check: a limit of ours, not a wrong answer."""

    kind = "limit"
