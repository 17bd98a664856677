"""Quadrant settings and competitor dimensions in the configuration admin."""

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from core.queue import enqueue
from relationships.models import AccountScore, QuadrantSettings
from relationships.positioning import quadrant
from relationships.scoring.recompute import scores_recompute
from tests.factories import AccountFactory, PulseCheckFactory

pytestmark = pytest.mark.django_db


def test_quadrant_settings_saved_in_the_admin_place_every_account_again_without_rescoring(
    client, org, django_capture_on_commit_callbacks
):
    """A pulse of 4 (happiness +0.5) and a 50 % margin: customer success until the
    intersection moves above +0.5, then a flight risk; no score is written again."""
    account = AccountFactory(
        team=org.team, owner=org.csm, arr=Decimal("100000"), cost_to_serve=Decimal("50000")
    )
    PulseCheckFactory(account=account, csm=org.csm, happiness=4)
    scores_recompute(account_ids=[account.pk])
    account.refresh_from_db()
    assert account.quadrant == quadrant.CUSTOMER_SUCCESS
    snapshots = list(AccountScore.objects.values_list("pk", "computed_at", "value"))
    settings = QuadrantSettings.current()
    client.force_login(org.admin)
    url = reverse("admin:relationships_quadrantsettings_change", args=[settings.pk])
    with (
        mock.patch("core.queue.enqueue", wraps=enqueue) as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            url,
            {"breakeven_margin": "0.05", "target_margin": "0.40", "happiness_intersection": "0.6"},
        )
    assert response.status_code == 302
    assert [call.args[0] for call in queued.call_args_list] == ["positions.refresh_all"]
    settings.refresh_from_db()
    assert (str(settings.breakeven_margin), str(settings.target_margin)) == ("0.05", "0.40")
    account.refresh_from_db()
    assert account.quadrant == quadrant.FLIGHT_RISK
    assert AccountScore.objects.get().quadrant == quadrant.FLIGHT_RISK
    assert list(AccountScore.objects.values_list("pk", "computed_at", "value")) == snapshots


def test_quadrant_settings_target_must_be_above_breakeven(client, org):
    settings = QuadrantSettings.current()
    client.force_login(org.admin)
    url = reverse("admin:relationships_quadrantsettings_change", args=[settings.pk])
    response = client.post(
        url, {"breakeven_margin": "0.30", "target_margin": "0.30", "happiness_intersection": "0"}
    )
    assert response.context["adminform"].form.errors == {
        "target_margin": ["Must be above the breakeven margin."]
    }


def test_competitor_dimensions_are_listed_with_their_slugs(client, org):
    client.force_login(org.admin)
    page = client.get(reverse("admin:relationships_competitordimension_changelist")).text
    for slug in ("sales_relationship", "technology_integration", "value"):
        assert slug in page
