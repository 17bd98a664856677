"""Survey links: random or modified tokens find nothing, and no token reaches the logs."""

import logging
import random
import string

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from relationships.models import Stakeholder
from surveys.models import Answer, Invitation, InvitationToken, Response
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


ISSUED = 10_000
GUESSES = 2_000


@pytest.fixture
def issued_tokens(settings) -> list[str]:
    """10,000 invitations, each with a link token from the generator the campaigns use."""
    settings.SURVEY_RATE_PER_IP = settings.SURVEY_RATE_PER_TOKEN = 10**6
    first = InvitationFactory()
    account, campaign = first.account, first.campaign
    people = Stakeholder.objects.bulk_create(
        Stakeholder(account=account, name=f"Person {n}", email=f"p{n}@customer.example")
        for n in range(ISSUED - 1)
    )
    invitations = [first] + Invitation.objects.bulk_create(
        Invitation(
            campaign=campaign,
            stakeholder=person,
            account=account,
            sent_at=first.sent_at,
            expires_at=first.expires_at,
        )  # fmt: skip
        for person in people
    )
    tokens, rows = [], []
    for invitation in invitations:
        token, hashed = token_new()
        tokens.append(token)
        rows.append(InvitationToken(invitation=invitation, token_hash=hashed))
    InvitationToken.objects.bulk_create(rows)
    return tokens


def test_guessed_links_open_none_of_ten_thousand_invitations(client, issued_tokens):
    """Guesses shaped like the issued tokens (their length and alphabet), and every
    one-character change of an issued token (any character in the last four places), all
    answer 404 through the survey route. With
    tokens of 3 characters a guess would open one of 10,000 invitations 4 % of the time; with
    tokens that count up, a changed last character would open a neighbour's."""
    rng = random.Random(20261207)
    length = len(issued_tokens[0])
    guesses = {"".join(rng.choices(URLSAFE, k=length)) for _ in range(GUESSES)}
    known = issued_tokens[rng.randrange(ISSUED)]
    changes = [(i, URLSAFE if i >= length - 4 else URLSAFE[::16]) for i in range(length)]
    guesses |= {known[:i] + c + known[i + 1 :] for i, chars in changes for c in chars}
    guesses -= {known}
    opened = [guess for guess in guesses if client.get(f"/s/{guess}/").status_code != 404]
    assert opened == []
    assert client.get(f"/s/{known}/").status_code == 200  # the route opens a real link


def test_viewing_the_survey_records_only_that_it_was_opened(client):
    invitation = InvitationFactory()
    token = invitation_token(invitation)
    answered = {"answered_at": None, "opted_out_at": None}
    assert client.get(f"/s/{token}/").status_code == 200
    first_view = Invitation.objects.values("opened_at", *answered).get(pk=invitation.pk)
    assert client.get(f"/s/{token}/").status_code == 200
    assert Invitation.objects.values("opened_at", *answered).get(pk=invitation.pk) == first_view
    assert first_view["opened_at"] is not None
    assert {name: first_view[name] for name in answered} == answered
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
