"""Typed names as declared symbols: `Ax` is A·x, `J_x` is Jx, `I_n` the identity, `pi` and `e`
the constants — split longest first, and an unknown piece named with what is declared."""

from __future__ import annotations

import math
import re

from graders.errors import LimitError, UnknownSymbol
from graders.render import Identity
from graders.symbols import Symbol, listing, normalise
from graders.tree import Name, Num

# `xxxx...` is split into symbols one by one; past this it is no answer anyone types.
MAX_NAME_PIECES = 40


class Names:
    """Typed names -> declared symbols, constants and the identity."""

    def __init__(self, symbols: tuple[Symbol, ...]):
        self.symbols = symbols
        self.by_key = {s.key: s for s in symbols}
        self.identity = "I" not in self.by_key and any(not s.scalar for s in symbols)
        pieces = set(self.by_key) | {"pi"} | ({"I"} if self.identity else set())
        self.pieces = sorted(pieces, key=len, reverse=True)

    def listing(self) -> str:
        return listing(self.symbols)

    def split(self, typed: str) -> list[str]:
        """The pieces of a typed name, longest first; UnknownSymbol naming the first piece that
        is no symbol. Dynamic programming from the end, so no name is too long to split."""
        key = normalise(typed)
        if self.identity and key not in self.by_key and re.fullmatch(r"I_\{?[A-Za-z0-9]{1,3}\}?", typed):
            return ["I"]  # `I_n`, `I_3`: the identity, its size from the shape around it
        if not key:  # `_` alone: nothing of a name survives normalising
            raise UnknownSymbol(f"`{typed[:40]}` is not a symbol here; {self.listing()}")
        if key == "e" and "e" not in self.by_key:
            return ["e"]
        n = len(key)
        choice: list[str | None] = [None] * (n + 1)
        splits = [False] * (n + 1)
        splits[n] = True
        for i in range(n - 1, -1, -1):
            for piece in self.pieces:                      # longest first
                if splits[min(i + len(piece), n)] and key.startswith(piece, i):
                    choice[i], splits[i] = piece, True
                    break
        if splits[0]:
            pieces, i = [], 0
            while i < n:
                pieces.append(choice[i])
                i += len(choice[i])
            if len(pieces) > MAX_NAME_PIECES:
                raise LimitError(f"`{typed[:40]}` is too long a run of symbols; use spaces or *")
            return pieces
        # Name the part after the longest prefix that does split.
        prefix = [True] + [False] * n
        for j in range(1, n + 1):
            prefix[j] = any(len(p) <= j and prefix[j - len(p)] and key.startswith(p, j - len(p))
                            for p in self.pieces)
        start = max(j for j in range(n + 1) if prefix[j])
        unknown = key[start:] or key
        where = f" (in `{typed}`)" if unknown != typed else ""
        raise UnknownSymbol(f"`{unknown}` is not a symbol here{where}; {self.listing()}")

    def node(self, piece: str):
        if piece == "pi":
            return Num(math.pi, "pi")
        if piece == "e":
            return Num(math.e, "e")
        if piece == "I" and self.identity:
            return Identity()
        return Name(self.by_key[piece].name)
