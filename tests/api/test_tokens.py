"""Personal API tokens: created and revoked on the preferences page, the secret shown once and
stored only as a hash; what a revoked, expired or read-only token may do; the rate limit; the
browser session with its CSRF token."""

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from tests.api.conftest import bearer

SECRET = re.compile(r"rpt_[0-9a-f]{12}_[\w-]{43}")


@pytest.fixture
def signed_in(client, org):
    client.force_login(org.csm)
    return client


def test_preferences_page_loads_the_token_section(signed_in):
    page = signed_in.get("/preferences/").content.decode()
    assert 'hx-get="/preferences/tokens/"' in page
    section = signed_in.get("/preferences/tokens/", headers={"HX-Request": "true"})
    assert section.status_code == 200
    html = section.content.decode()
    assert html.lstrip().startswith('<section id="api-tokens"')
    assert "No tokens yet." in html


def test_token_created_shows_its_secret_once_and_stores_its_hash(signed_in, org):
    response = signed_in.post(
        "/preferences/tokens/", {"name": "CRM sync", "read_only": "on"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 201
    secret = SECRET.search(response.content.decode()).group()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.read_only) == (org.csm, "CRM sync", True)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"rpt_{token.prefix}_")
    stored = " ".join(str(value) for value in ApiToken.objects.values().get().values())
    assert secret not in stored
    again = signed_in.get("/preferences/tokens/").content.decode()
    assert secret not in again
    assert f"rpt_{token.prefix}…" in again
    assert Client(headers=bearer(secret)).get("/api/v1/accounts").status_code == 200


def test_token_with_an_expiry_works_until_the_end_of_that_day(signed_in):
    day = timezone.localdate() + dt.timedelta(days=30)
    signed_in.post("/preferences/tokens/", {"name": "Trial", "expires_on": day.isoformat()})
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == day + dt.timedelta(days=1)
    assert timezone.localtime(token.expires_at).time() == dt.time()


@pytest.mark.parametrize(
    "data",
    [{"name": ""}, {"name": "x" * 101}, {"name": "Old", "expires_on": "2001-01-01"}],
)
def test_token_refused_answers_422_and_writes_nothing(signed_in, data):
    response = signed_in.post("/preferences/tokens/", data)
    assert response.status_code == 422
    assert ApiToken.objects.count() == 0
    assert SECRET.search(response.content.decode()) is None


def test_token_revoked_answers_401_from_then_on(signed_in, org, tokens):
    token = ApiToken.objects.get(name="CRM sync")
    client = Client(headers=bearer(tokens.writer))
    assert client.get("/api/v1/accounts").status_code == 200
    response = signed_in.post(f"/preferences/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = client.get("/api/v1/accounts")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This token is unknown, revoked or expired."}


def test_someone_elses_token_cannot_be_revoked(client, org, tokens):
    token = ApiToken.objects.get(name="CRM sync")
    client.force_login(org.teammate)
    assert client.post(f"/preferences/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "header",
    ["Bearer rpt_000000000000_nope", "Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz"],
)
def test_unknown_credentials_answer_401(org, header):
    response = Client(headers={"Authorization": header}).get("/api/v1/accounts")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_token_with_a_changed_secret_answers_401(tokens):
    forged = tokens.writer[:-4] + ("AAAA" if not tokens.writer.endswith("AAAA") else "BBBB")
    assert Client(headers=bearer(forged)).get("/api/v1/accounts").status_code == 401


def test_token_of_a_deactivated_user_answers_401(org, tokens):
    org.csm.is_active = False
    org.csm.save(update_fields=["is_active"])
    assert Client(headers=bearer(tokens.writer)).get("/api/v1/accounts").status_code == 401


def test_read_only_token_reads_but_never_writes(org, tokens):
    client = Client(headers=bearer(tokens.read_only))
    assert client.get(f"/api/v1/accounts/{org.account.pk}").status_code == 200
    response = client.patch(
        f"/api/v1/accounts/{org.account.pk}", {"version": 0, "segment": "SMB"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only: it cannot write."}
    org.account.refresh_from_db()
    assert org.account.segment == ""


def test_token_use_is_recorded_at_most_once_a_minute(tokens, django_assert_num_queries):
    client = Client(headers=bearer(tokens.writer))
    client.get("/api/v1/accounts")
    token = ApiToken.objects.get(name="CRM sync")
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/accounts")
    token.refresh_from_db()
    assert token.last_used_at == first


def test_token_over_the_rate_limit_answers_429_with_retry_after(settings, org, tokens):
    settings.API_RATE_LIMIT = 3
    client = Client(headers=bearer(tokens.writer))
    answers = [client.get("/api/v1/accounts").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/accounts")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert limited.json() == {"detail": "Too many requests."}
    other = Client(headers=bearer(tokens.read_only))  # each token counts for itself
    assert other.get("/api/v1/accounts").status_code == 200


def test_session_write_needs_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.csm)
    url = f"/api/v1/accounts/{org.account.pk}"
    body = {"version": 0, "segment": "SMB"}
    refused = client.patch(url, body, content_type="application/json")
    assert refused.status_code == 403
    org.account.refresh_from_db()
    assert org.account.segment == ""
    client.get("/preferences/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.patch(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200
    assert accepted.json()["segment"] == "SMB"


def test_token_write_needs_no_csrf_token(org, tokens):
    client = Client(enforce_csrf_checks=True, headers=bearer(tokens.writer))
    response = client.patch(
        f"/api/v1/accounts/{org.account.pk}", {"version": 0, "segment": "SMB"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["segment"] == "SMB"


def test_api_answers_json_not_the_sign_in_page(client):
    response = client.get("/api/v1/accounts")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_openapi_document_and_docs_page_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/accounts" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html  # served from here, not a CDN
    assert "cdn" not in html.lower()


def test_admin_revokes_tokens_and_never_sees_a_secret(client, org, tokens):
    client.force_login(org.admin)
    changelist = client.get("/admin/api/apitoken/").content.decode()
    assert "CRM sync" in changelist
    assert tokens.writer not in changelist
    token = ApiToken.objects.get(name="CRM sync")
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.secret_hash not in page
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(headers=bearer(tokens.writer)).get("/api/v1/accounts").status_code == 401
