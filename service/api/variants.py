"""Reading `?variant=` the same way everywhere: `default` or a seed in range, else a clear 422."""

from typing import Annotated

from fastapi import HTTPException, Query, status

from problems.core import Variant, read_variant


def parse_variant(text: str) -> Variant:
    try:
        return read_variant(text)
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None


def variant_query(variant: Annotated[str, Query(max_length=20, description="`default` or a seed")] = "default") -> Variant:
    return parse_variant(variant)
