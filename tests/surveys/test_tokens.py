"""Survey links: random or modified tokens find nothing, and no token reaches the logs."""

import logging
import string

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from surveys.tokens import token_hash, token_new, token_redact, token_well_formed
from tests.factories import InvitationFactory, invitation_token

pytestmark = pytest.mark.django_db
URLSAFE = string.ascii_letters + string.digits + "-_"


def test_token_new_is_256_random_bits_stored_only_as_a_hash():
    token, hashed = token_new()
    assert token_well_formed(token)
    assert len(token) == 43  # 32 bytes, base64url
    assert hashed == token_hash(token)
    assert token not in hashed
    assert len({token_new()[0] for _ in range(100)}) == 100


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    random_token=st.text(alphabet=URLSAFE, min_size=1, max_size=60),
    position=st.integers(min_value=0, max_value=42),
    replacement=st.sampled_from(URLSAFE),
)
def test_survey_random_or_modified_token_is_404(
    client, settings, random_token, position, replacement
):
    settings.SURVEY_RATE_PER_IP = settings.SURVEY_RATE_PER_TOKEN = 10**6
    invitation = InvitationFactory()
    token = invitation_token(invitation)
    modified = token[:position] + replacement + token[position + 1 :]
    for candidate in {random_token, modified} - {token}:
        assert client.get(f"/s/{candidate}/").status_code == 404
        assert client.post(f"/s/{candidate}/opt-out/").status_code == 404
    assert client.get(f"/s/{token}/").status_code == 200


def test_survey_tokens_never_appear_in_the_logs(client, caplog):
    token = invitation_token(InvitationFactory())
    random_token = "A" * 43
    with caplog.at_level(logging.INFO):
        client.get(f"/s/{random_token}/")
        client.get(f"/s/{token}/")
        client.post(f"/s/{token}/", {})
    assert "Not Found: /s/[token]/" in caplog.text
    assert random_token not in caplog.text
    assert token not in caplog.text


@given(st.text(alphabet=URLSAFE, min_size=1, max_size=60))
def test_token_redact_removes_any_token_from_a_path(token):
    line = f'"GET /s/{token}/opt-out/ HTTP/1.1" 404'
    assert token_redact(line) == '"GET /s/[token]/opt-out/ HTTP/1.1" 404'
