"""Survey link tokens: 256 random bits in the link, only their SHA-256 hash in the database."""

import hashlib
import re
import secrets

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def token_new() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token))


def token_redact(text: str) -> str:
    """Text (a log line, a URL) with any survey token in a /s/ path replaced by a marker."""
    return SURVEY_PATH.sub(r"/s/[token]", text)


SURVEY_PATH = re.compile(r"/s/[^/\s\"'?]+")
