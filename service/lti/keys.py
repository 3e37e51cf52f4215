"""hwcheck's own RS256 keys: the newest signs what hwcheck sends a platform (the client assertion
of a service token request, a deep-linking response), and every key not retired longer than
KEY_GRACE ago is published at /lti/jwks — so a rotation breaks nothing in flight: what the old
key signed a minute ago is still checked against it."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import LtiToolKey, utc_now

KEY_GRACE = timedelta(days=2)


def _new_key(session: Session) -> LtiToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    key = LtiToolKey(kid=secrets.token_hex(16), private_pem=pem, created_at=utc_now())
    session.add(key)
    session.commit()
    return key


def signing_key(session: Session) -> LtiToolKey:
    """The key that signs now (made on first use)."""
    key = session.scalar(select(LtiToolKey).where(LtiToolKey.retired_at.is_(None))
                         .order_by(LtiToolKey.created_at.desc()).limit(1))
    return key if key is not None else _new_key(session)


def rotate(session: Session) -> LtiToolKey:
    """A new signing key; the one before it is retired but stays published for KEY_GRACE."""
    now = utc_now()
    for key in session.scalars(select(LtiToolKey).where(LtiToolKey.retired_at.is_(None))):
        key.retired_at = now
    session.flush()
    return _new_key(session)


def jwks(session: Session) -> dict:
    """The public key set: the signing key and those retired within KEY_GRACE."""
    signing_key(session)
    since = utc_now() - KEY_GRACE
    keys = session.scalars(select(LtiToolKey).where((LtiToolKey.retired_at.is_(None))
                                                    | (LtiToolKey.retired_at > since))
                           .order_by(LtiToolKey.created_at.desc())).all()
    published = []
    for key in keys:
        public = serialization.load_pem_private_key(key.private_pem.encode(), password=None).public_key()
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
        published.append({**jwk, "kid": key.kid, "alg": "RS256", "use": "sig"})
    return {"keys": published}


def sign(session: Session, claims: dict) -> str:
    """`claims` as a JWT signed by the current key, its kid in the header."""
    key = signing_key(session)
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


def verify(session: Session, token: str) -> dict:
    """The claims of a JWT hwcheck itself signed (with a key still published); jwt errors else."""
    kid = jwt.get_unverified_header(token).get("kid")
    key = session.get(LtiToolKey, kid) if isinstance(kid, str) else None
    if key is None or (key.retired_at is not None and key.retired_at <= utc_now() - KEY_GRACE):
        raise jwt.InvalidSignatureError("not signed by a key of hwcheck's")
    public = serialization.load_pem_private_key(key.private_pem.encode(), password=None).public_key()
    return jwt.decode(token, public, algorithms=["RS256"], options={"require": ["exp"]})
