"""Personal API tokens: creating one (its secret is returned once and never stored), revoking
it, and finding the token a request presents."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from api.models import ApiToken

SCHEME = "rpt"  # every secret starts with it, so that a leaked one is easy to recognise
LAST_USED_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, user, name: str, read_only: bool = False, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token of `user` and its secret, which only this answer holds: the database keeps
    its prefix and the SHA-256 hash of the whole secret. ValidationError by field for a blank
    name or an expiry that has passed, and nothing is written."""
    errors = {}
    if not name.strip():
        errors["name"] = "Name the token: what it is for."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "A day that has not come yet."
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)
    secret = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_hash=secret_hash(secret),
        read_only=read_only,
        expires_at=expires_at,
    )
    token.full_clean(exclude=["prefix", "secret_hash"])
    with transaction.atomic():
        token.save()
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke the token from now on; revoking a revoked token changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_find(secret: str) -> ApiToken | None:
    """The token whose secret this is, revoked or expired ones included, with its user; None if
    no token has it. The hash is compared in constant time."""
    scheme, _, rest = secret.partition("_")
    prefix, _, _ = rest.partition("_")
    if scheme != SCHEME or not prefix:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not constant_time_compare(token.secret_hash, secret_hash(secret)):
        return None
    return token


def api_token_used(*, token: ApiToken, now: dt.datetime) -> None:
    """Record that the token was used, at most once a minute (one conditional update)."""
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
