"""Secrets kept at rest (mailbox passwords, tokens, calendar feed addresses): encrypted with a
key from the environment (settings.ENCRYPTION_KEY, else one derived from SECRET_KEY), so that
a copy of the database alone does not give them away."""

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret that the current key cannot decrypt (the key changed)."""


@functools.cache
def _fernet(key: str, fallback: str) -> Fernet:
    if key:
        return Fernet(key.encode())
    derived = hashlib.sha256(f"rapport-secrets:{fallback}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _cipher() -> Fernet:
    return _fernet(settings.ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    """The secret, encrypted and authenticated, as text for a database column."""
    return _cipher().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    """The secret back from `encrypt`; SecretUnreadable if the key has changed since."""
    try:
        return _cipher().decrypt(stored.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "The stored secret cannot be decrypted with the current ENCRYPTION_KEY: enter it again."
        ) from None
