"""The stakeholder page and the moments report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone

from relationships.models import MomentType
from tests.factories import (
    AccountFactory,
    InteractionFactory,
    MomentFactory,
    OpenItemFactory,
    StakeholderFactory,
    catalog,
)


def test_stakeholder_page_shows_last_contact_channels_and_median_reply_time(client, org):
    from relationships.models import Channel

    rita = StakeholderFactory(account=org.account, name="Rita Alvarez")
    now = timezone.now()
    for days, hours, channel in ((10, "2", "email"), (5, "4", "email"), (1, "30", "text")):
        InteractionFactory(
            account=org.account, stakeholders=[rita], occurred_at=now - dt.timedelta(days=days),
            response_hours=Decimal(hours), channel=catalog(Channel, channel),
        )  # fmt: skip
    MomentFactory(account=org.account, stakeholder=rita)
    OpenItemFactory(account=org.account, stakeholder=rita, title="Send pricing")
    client.force_login(org.csm)
    response = client.get(f"/stakeholders/{rita.pk}/")
    assert response.context["median_response_hours"] == 4
    assert response.context["last_contact"] == now - dt.timedelta(days=1)
    assert [(c["channel__name"], c["count"]) for c in response.context["channels"]] == [
        ("Email", 2),
        ("Text / WhatsApp", 1),
    ]
    assert "Send pricing" in response.text
    assert "4 h" in response.text


def test_stakeholder_page_is_404_for_outsiders(client, org):
    rita = StakeholderFactory(account=org.account)
    client.force_login(org.outsider)
    assert client.get(f"/stakeholders/{rita.pk}/").status_code == 404


@pytest.fixture
def moments(org):
    def log(account, slug, emotion, impact="", amount=None, days=10):
        return MomentFactory(
            account=account, moment_type=catalog(MomentType, slug), emotion=emotion,
            value_impact=impact, value_amount=amount,
            occurred_on=timezone.localdate() - dt.timedelta(days=days),
        )  # fmt: skip

    log(org.account, "outage", "enraged", "destroyed", Decimal("5000"))
    log(org.account, "first_invoice", "missed", "destroyed", Decimal("300"))
    log(org.account, "first_invoice", "missed", "destroyed", Decimal("200"))
    log(org.account, "go_live", "delighted", "created", Decimal("9000"))
    log(org.account, "qbr", "met", days=500)
    for _ in range(5):  # another team's disasters must not show
        log(org.other_account, "escalation", "enraged", "destroyed", Decimal("1"))
    return org


def test_moments_report_ranks_types_by_value_destroyed_over_visible_accounts(client, moments):
    client.force_login(moments.csm)
    response = client.get("/moments/")
    ranking = [(row["slug"], row["destroyed"]) for row in response.context["by_type"]]
    assert ranking == [("first_invoice", 2), ("outage", 1), ("go_live", 0)]
    outage = response.context["by_type"][1]
    assert (outage["enraged"], outage["destroyed_amount"]) == (1, 5000)
    touchpoints = {row["slug"]: row["destroyed"] for row in response.context["by_touchpoint"]}
    assert touchpoints == {"billing": 2, "service": 1, "implementation": 0}


def test_moments_report_all_time_includes_older_moments(client, moments):
    client.force_login(moments.csm)
    response = client.get("/moments/?period=")
    assert "qbr" in [row["slug"] for row in response.context["by_type"]]


def test_moments_report_trend_counts_this_month(client, moments):
    client.force_login(moments.csm)
    trend = client.get("/moments/").context["trend"]
    assert len(trend) == 12
    assert trend[-1].label == timezone.localdate().strftime("%b %Y")
    assert sum(bar.destroyed for bar in trend) == 3
    assert max(bar.destroyed_height for bar in trend) <= 90


def test_moments_report_click_through_lists_the_occurrences(client, moments):
    client.force_login(moments.csm)
    response = client.get("/moments/?moment_type=first_invoice")
    assert len(response.context["occurrences"]) == 2
    assert {m.account for m in response.context["occurrences"]} == {moments.account}


def test_moments_report_for_the_other_team(client, moments):
    client.force_login(moments.outsider)
    ranking = [row["slug"] for row in client.get("/moments/").context["by_type"]]
    assert ranking == ["escalation"]


@pytest.mark.parametrize("size", [1, 12])
def test_moments_report_query_count_is_the_same_at_any_size(
    client, org, django_assert_num_queries, size
):
    for _ in range(size):
        account = AccountFactory(team=org.team, owner=org.csm)
        MomentFactory(account=account, value_impact="destroyed", value_amount=10)
    client.force_login(org.csm)
    # user, by type, by touchpoint, trend, count and page of occurrences,
    # and the filter choices (moment type lookup, teams, moment types)
    with django_assert_num_queries(9):
        client.get("/moments/?moment_type=go_live")


def test_stakeholder_page_explains_the_score(client, org):
    from relationships.scoring.model import ScoringConfig
    from relationships.scoring.recompute import scores_recompute

    rita = StakeholderFactory(account=org.account, trust="high", respect="high", strength=5)
    InteractionFactory(account=org.account, stakeholders=[rita], sentiment=2)
    scores_recompute(account_ids=[org.account.pk])
    client.force_login(org.csm)
    response = client.get(f"/stakeholders/{rita.pk}/")
    bars = {bar.name: bar.value for bar in response.context["score"]["bars"]}
    assert bars["trust_respect"] == 1.0
    half_marks = ScoringConfig().sentiment_half_marks
    assert bars["sentiment"] == pytest.approx(1 / (1 + half_marks), abs=0.01)  # one +2, recent
    assert "Trust and respect" in response.text
    shown = floatformat(response.context["score"]["snapshot"].value, 1)
    assert f'<span class="display-6 fw-semibold">{shown}</span>' in response.text


def test_stakeholder_page_tells_the_csms_rating_from_the_computed_score(client, org):
    from relationships.scoring.recompute import scores_recompute

    rita = StakeholderFactory(account=org.account, trust="high", respect="high", strength=1)
    InteractionFactory(account=org.account, stakeholders=[rita], sentiment=1)
    scores_recompute(account_ids=[org.account.pk])
    client.force_login(org.csm)
    text = " ".join(client.get(f"/stakeholders/{rita.pk}/").text.split())
    assert (
        'CSM\'s rating</div><div class="fs-5"><span class="badge strength-bg-1" '
        'title="The CSM\'s rating: 1 on the relationship scale of 1 to 5">1</span>'
    ) in text
    assert "the CSM's own read, 1 to 5" in text
    assert "Relationship score (computed)</h2>" in text
    assert "Computed from what was logged; the CSM's rating only adjusts it" in text
    assert "Observed <span" in text
    assert "Reported <span" in text
    assert ">Relationship</div>" not in text
