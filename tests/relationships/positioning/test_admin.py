"""Quadrant settings and competitor dimensions in the configuration admin."""

from unittest import mock

import pytest
from django.urls import reverse

from relationships.models import QuadrantSettings

pytestmark = pytest.mark.django_db


def test_quadrant_settings_saved_in_the_admin_place_every_account_again(
    client, org, django_capture_on_commit_callbacks
):
    settings = QuadrantSettings.current()
    client.force_login(org.admin)
    url = reverse("admin:relationships_quadrantsettings_change", args=[settings.pk])
    with (
        mock.patch("relationships.admin.enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            url,
            {"breakeven_margin": "0.05", "target_margin": "0.40", "happiness_intersection": "0.1"},
        )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert (str(settings.breakeven_margin), str(settings.target_margin)) == ("0.05", "0.40")
    assert enqueue.call_args.args[0].name == "scores.recompute_all"


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
