"""The score moves the right way through the forms a CSM uses: the quick log, the stakeholder
edit and the pulse check, each recomputed as it commits (docs/scoring.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account
from relationships.models import Channel, Stakeholder, StakeholderScore, Touchpoint
from relationships.scoring.model import ScoringConfig
from tests.factories import InteractionFactory, StakeholderFactory, catalog

CAP = Decimal(str(ScoringConfig().reported_cap))
pytestmark = pytest.mark.django_db


@pytest.fixture
def csm(client, org, django_capture_on_commit_callbacks):
    """Posts as the account's CSM; each change's recompute runs when it commits."""
    client.force_login(org.csm)

    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        assert response.status_code == 302, response.text[:500]

    return post


def quick_log(csm, account, kind, **data):
    csm(f"/accounts/{account.pk}/log/{kind}/", {f"{kind}-{k}": v for k, v in data.items()})


def email(csm, person, sentiment):
    quick_log(
        csm,
        person.account,
        "interaction",
        occurred_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        channel=catalog(Channel, "email").pk,
        touchpoint=catalog(Touchpoint, "service").pk,
        direction="inbound",
        sentiment=str(sentiment),
        verbosity="normal",
        summary="What they wrote.",
        stakeholders=[person.pk],
    )


def scores(person):
    person.account.refresh_from_db()
    latest = StakeholderScore.objects.filter(stakeholder=person).latest("day")
    return person.account.relationship_score, latest.value


def sponsor_with(org, history):
    """A decision maker (and a user beside them) with this history of (days ago, sentiment)."""
    person = StakeholderFactory(
        account=org.account, role="decision_maker", buying_influence="high", trust="high",
        respect="high", strength=4,
    )  # fmt: skip
    StakeholderFactory(account=org.account, role="user", buying_influence="low")
    for days, sentiment in history:
        InteractionFactory(
            account=org.account, stakeholders=[person], sentiment=sentiment,
            occurred_at=timezone.now() - dt.timedelta(days=days), direction="inbound",
        )  # fmt: skip
    return person


@pytest.fixture
def sponsor(org):
    """Half a year of mostly warm history."""
    return sponsor_with(org, [(5, 1), (20, 2), (40, 1), (70, -2), (100, 2), (150, 0)])


def test_a_mild_complaint_after_angry_ones_does_not_raise_the_scores(csm, org):
    """An average would rise: -1 is better than the -2s before it."""
    angry = sponsor_with(org, [(3, -2), (10, -2), (30, -2), (60, 1)])
    email(csm, angry, -2)
    before = scores(angry)
    email(csm, angry, -1)
    account_after, person_after = scores(angry)
    assert account_after <= before[0]
    assert person_after <= before[1]


@pytest.mark.parametrize("sentiment", [-2, -1])
def test_a_cold_email_logged_in_the_quick_log_never_raises_the_scores(csm, sponsor, sentiment):
    email(csm, sponsor, 1)  # a first recompute, so that "before" is a stored score
    before = scores(sponsor)
    email(csm, sponsor, sentiment)
    account_after, person_after = scores(sponsor)
    assert account_after <= before[0]
    assert person_after < before[1]


@pytest.mark.parametrize("sentiment", [1, 2])
def test_a_warm_email_logged_in_the_quick_log_never_lowers_the_scores(csm, sponsor, sentiment):
    email(csm, sponsor, 0)
    before = scores(sponsor)
    email(csm, sponsor, sentiment)
    account_after, person_after = scores(sponsor)
    assert account_after >= before[0]
    assert person_after > before[1]


def test_an_edit_of_trust_respect_and_rating_moves_the_account_at_most_the_cap(csm, sponsor):
    email(csm, sponsor, 2)
    before = scores(sponsor)[0]
    sponsor.refresh_from_db()
    data = {
        "name": sponsor.name, "role": "decision_maker", "buying_influence": "high",
        "trust": "low", "respect": "low", "strength": "1", "status": "active",
        "version": sponsor.version,
    }  # fmt: skip
    csm(f"/stakeholders/{sponsor.pk}/edit/", data)
    assert Stakeholder.objects.get(pk=sponsor.pk).strength == 1
    after = scores(sponsor)[0]
    assert after < before
    assert before - after <= CAP


def test_a_pulse_check_of_2_lowers_the_account_and_shows_in_its_explanation(csm, client, sponsor):
    email(csm, sponsor, 2)
    before = scores(sponsor)[0]
    quick_log(csm, sponsor.account, "pulse", happiness="2", checked_on=timezone.localdate())
    after = scores(sponsor)[0]
    assert before - CAP <= after < before
    card = client.get(f"/accounts/{sponsor.account_id}/score/", headers={"HX-Request": "true"})
    assert "Pulse check" in card.text
    assert card.context["score"]["snapshot"].parts["perception"] == -0.5


@pytest.mark.parametrize("sentiment", [-2, -1])
def test_a_cold_message_logged_in_the_quick_log_never_makes_the_customer_voice_happier(
    csm, org, sentiment
):
    sponsor = sponsor_with(org, [(3, -2), (10, -2), (30, -2)])  # an average could only rise
    email(csm, sponsor, -2)
    before = Account.objects.get(pk=org.account.pk).customer_voice
    email(csm, sponsor, sentiment)
    assert Account.objects.get(pk=org.account.pk).customer_voice < before


def test_a_warm_message_logged_in_the_quick_log_makes_the_customer_voice_happier(csm, org):
    sponsor = sponsor_with(org, [(3, 2), (10, 1), (30, -2)])
    email(csm, sponsor, 2)
    before = Account.objects.get(pk=org.account.pk).customer_voice
    email(csm, sponsor, 1)
    assert Account.objects.get(pk=org.account.pk).customer_voice > before
