"""Bearer tokens: made here, shown once, stored only as a hash.

A token is 32 random bytes (`secrets.token_urlsafe(32)`, 256 bits), so a fast hash is the right
one: SHA-256 of a random 256-bit value cannot be brute-forced, and a slow password hash (bcrypt,
argon2) would only cost every request its time without adding safety — those exist for
low-entropy, human-chosen passwords. Looking a token up by its hash also means the database
never holds anything that works as a token.
"""

from __future__ import annotations

import hashlib
import secrets

STUDENT_PREFIX = "hws_"
INSTRUCTOR_PREFIX = "hwi_"


def new_token(prefix: str) -> tuple[str, str]:
    """A fresh token and the hash to store. The prefix says whose it is at a glance (and lets
    secret scanners recognise a leaked one)."""
    token = prefix + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
