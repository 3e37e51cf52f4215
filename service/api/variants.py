"""Reading `?variant=` the same way everywhere: `default` or a seed in range, else a clear 422."""

from typing import Annotated

from fastapi import HTTPException, Query, status

from problems.core import MAX_SEED, Variant


def parse_variant(text: str) -> Variant:
    if text == "default":
        return "default"
    if text.isdigit() and int(text) <= MAX_SEED:
        return int(text)
    raise HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        f"variant must be 'default' or a whole number from 0 to {MAX_SEED}, got {text[:40]!r}",
    )


def variant_query(variant: Annotated[str, Query(max_length=20, description="`default` or a seed")] = "default") -> Variant:
    return parse_variant(variant)
