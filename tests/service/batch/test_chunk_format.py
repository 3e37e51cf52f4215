"""A queued job's chunks are stored as compressed JSON Lines (service/batch/chunks.py): every
item comes back as it went in — NaN, newlines and all — one at a time, and a chunk stored in
the earlier one-array format still reads."""

from __future__ import annotations

import json
import math
import zlib

from service.batch.chunks import decode, encode

ITEMS = [{"line": n, "answers": {"L": "1.5\n2", "x": [n, -n]}, "feedback": "ünïcode ✓ ∂x/∂z"} for n in range(3000)]


def test_items_come_back_as_they_went_in():
    blob, count = encode(iter(ITEMS))
    assert count == 3000 and list(decode(blob)) == ITEMS


def test_a_typed_nan_stays_nan():
    (back,) = decode(encode([{"L": math.nan}])[0])
    assert math.isnan(back["L"])


def test_an_empty_chunk_is_no_items():
    assert encode([])[1] == 0 and list(decode(encode([])[0])) == []


def test_a_chunk_of_the_earlier_format_reads():
    assert list(decode(zlib.compress(json.dumps(ITEMS).encode(), 1))) == ITEMS


def test_items_are_read_one_at_a_time():
    items = decode(encode(iter(ITEMS))[0])
    assert next(items) == ITEMS[0] and next(items) == ITEMS[1]  # a generator, not a list read whole
