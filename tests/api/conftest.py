"""Fixtures of the API tests: personal tokens of the organisation's CSM, and a client that
sends one."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke


@dataclass
class Tokens:
    """Secrets of tokens of org.csm, the owner of org.account."""

    writer: str
    read_only: str
    revoked: str
    expired: str


@pytest.fixture
def tokens(org) -> Tokens:
    writer = api_token_create(user=org.csm, name="CRM sync")[1]
    read_only = api_token_create(user=org.csm, name="Warehouse", read_only=True)[1]
    revoked_token, revoked = api_token_create(user=org.csm, name="Old laptop")
    api_token_revoke(token=revoked_token)
    expired_token, expired = api_token_create(
        user=org.csm, name="Trial", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=expired_token.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return Tokens(writer=writer, read_only=read_only, revoked=revoked, expired=expired)


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_client(tokens) -> Client:
    """A client calling as org.csm with a token that may write."""
    return Client(headers=bearer(tokens.writer))
