"""fit_scoring and evaluate_scores against the organisation's labels, and adopting a proposed
version in the admin."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from relationships.models import (
    AccountScore,
    ScoringConfiguration,
    ScoringEvaluation,
    Stakeholder,
    StakeholderScore,
    StatedFeeling,
)
from relationships.scoring import evaluation
from relationships.scoring.config import configs_in_use, version_in_use
from relationships.scoring.model import OBSERVED, REPORTED
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def people(account, strengths, *, engagement=None, day=None):
    """One stakeholder per strength (None: unrated), each with a score snapshot whose
    engagement is high for the strong (4-5) and low for the others, unless given."""
    made = Stakeholder.objects.bulk_create(
        Stakeholder(account=account, name=f"Person {n}", strength=s)
        for n, s in enumerate(strengths)
    )
    day = day or timezone.localdate()
    StakeholderScore.objects.bulk_create(
        StakeholderScore(
            stakeholder=person,
            account=account,
            day=day,
            value=Decimal("3.00"),
            confidence=Decimal("1"),
            components={
                "sentiment": {"value": 0.5, "weight": 0.25, "inputs": 1},
                "engagement": {
                    "value": engagement
                    if engagement is not None
                    else (0.6 + n % 4 / 10 if (person.strength or 0) >= 4 else 0.1 + n % 4 / 10),
                    "weight": 0.2,
                    "inputs": 3,
                },
                "responsiveness": {"value": None, "weight": 0.1, "inputs": 0},
            },
            config_version=1,
            computed_at=timezone.now(),
        )
        for n, person in enumerate(made)
    )
    return made


def run(command: str, **options) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def fit(**options) -> str:
    return run("fit_scoring", **options)


def evaluate(**options) -> str:
    return run("evaluate_scores", **options)


def test_labels_come_from_the_survey_then_the_rating_then_the_renewal(org):
    today = timezone.localdate()
    old = AccountFactory(customer_since=today - dt.timedelta(days=500))
    churned = AccountFactory(status=Account.Status.CHURNED)
    said_weak, said_strong, rated, renewed, gone, passive = people(old, [5, 1, 4, None, None, 5])
    gone.account = churned
    gone.save()
    StakeholderScore.objects.filter(stakeholder=gone).update(account=churned)
    feel = StatedFeeling.objects.create
    # The latest day counts, as the mean of its answers; the CSM's rating does not overrule it.
    feel(account=old, stakeholder=said_weak, stated_on=today - dt.timedelta(days=9), feeling=1)
    feel(account=old, stakeholder=said_weak, stated_on=today, feeling=0.4)
    feel(account=old, stakeholder=said_weak, stated_on=today, feeling=0.8)
    feel(account=old, stakeholder=said_strong, stated_on=today, feeling=0.9)
    feel(account=old, stakeholder=passive, stated_on=today, feeling=0.7)
    labels = evaluation.labels_read()
    assert labels.summary() == (
        "3 strong and 2 weak (survey: 1 strong, 1 weak; rating: 1 strong, 0 weak; "
        "renewal: 1 strong, 1 weak)"
    )
    assert labels.rows[0]["engagement"] is not None
    assert set(labels.rows[0]) == set(OBSERVED)  # the CSM's rating is never a feature
    assert rated
    assert renewed


def test_fit_scoring_refuses_below_30_labels_of_a_class_saying_how_many(org):
    people(org.account, [5] * 40 + [1] * 29 + [3] * 5)
    versions = ScoringConfiguration.objects.count()
    with pytest.raises(CommandError) as refused:
        fit()
    message = str(refused.value)
    assert "found 40 strong and 29 weak" in message
    assert "rating: 40 strong, 29 weak" in message
    assert "at least 30 of each" in message
    assert "latest survey answers" in message
    assert "renewal" in message
    assert ScoringConfiguration.objects.count() == versions


def test_fit_scoring_saves_a_proposed_version_that_is_not_in_use(org):
    in_use = version_in_use()
    in_use.half_life_days = 60  # a number the fit does not touch is copied from the one in use
    in_use.save()
    people(org.account, [5] * 30 + [4] * 10 + [1] * 30 + [2] * 10)
    before = configs_in_use()
    output = fit(folds=4)
    assert configs_in_use() == before
    proposed = ScoringConfiguration.objects.order_by("pk").last()
    assert proposed.pk != in_use.pk
    assert proposed.adopted_at is None
    assert proposed.proposed
    assert proposed.half_life_days == 60
    for name in REPORTED:
        field = f"weight_{name}"
        assert getattr(proposed, field) == getattr(in_use, field)
    observed = [getattr(proposed, f"weight_{name}") for name in OBSERVED]
    current = [getattr(in_use, f"weight_{name}") for name in OBSERVED]
    assert all(w >= 0 for w in observed)
    assert sum(observed) == sum(current)
    # Engagement is what tells strong from weak here.
    assert max(OBSERVED, key=lambda name: getattr(proposed, f"weight_{name}")) == "engagement"
    fitted = proposed.evaluations.get()
    assert (fitted.kind, fitted.folds, fitted.strong_labels, fitted.weak_labels) == (
        "fitted", 4, 40, 40,
    )  # fmt: skip
    assert fitted.accuracy == 1.0
    assert fitted.roc_auc == 1.0
    assert in_use.evaluations.get().kind == "current"
    assert "4-fold cross-validation" in output
    assert "current weights" in output
    assert "fitted weights" in output
    assert "accuracy 100.0%  ROC AUC 1.000" in output
    assert f"Saved as Version {proposed.pk}" in output
    assert "proposed and not in use" in output


def recomputed_with() -> set[int]:
    """The configuration versions of today's account scores: which version the recompute used."""
    return set(
        AccountScore.objects.filter(day=timezone.localdate()).values_list(
            "config_version", flat=True
        )
    )


def test_adopting_a_proposed_version_in_the_admin_puts_it_in_use_and_recomputes(
    client, org, django_capture_on_commit_callbacks
):
    people(org.account, [5] * 30 + [1] * 30)
    fit()
    proposed = ScoringConfiguration.objects.order_by("pk").last()
    assert configs_in_use().scoring.version != proposed.pk
    client.force_login(org.admin)
    change = client.get(
        reverse("admin:relationships_scoringconfiguration_change", args=[proposed.pk])
    )
    assert "Adopt this version" in change.content.decode()
    url = reverse("admin:relationships_scoringconfiguration_adopt", args=[proposed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert configs_in_use().scoring.version == proposed.pk
    assert recomputed_with() == {proposed.pk}
    proposed.refresh_from_db()
    assert proposed.adopted_at is not None
    changelist = client.get(reverse("admin:relationships_scoringconfiguration_changelist"))
    assert "is now in use" in changelist.content.decode()


def test_adopting_is_a_post_only_and_refused_to_a_non_admin(client, org):
    proposed = ScoringConfiguration.objects.create(note="proposed", adopted_at=None)
    url = reverse("admin:relationships_scoringconfiguration_adopt", args=[proposed.pk])
    client.force_login(org.admin)
    assert client.get(url).status_code == 405
    client.force_login(org.csm)
    assert client.post(url).status_code == 302  # to the admin's login
    proposed.refresh_from_db()
    assert proposed.adopted_at is None
    assert configs_in_use().scoring.version != proposed.pk


def test_the_adopt_action_on_the_list_puts_the_selected_version_in_use(
    client, org, django_capture_on_commit_callbacks
):
    proposed = ScoringConfiguration.objects.create(note="proposed", adopted_at=None)
    client.force_login(org.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:relationships_scoringconfiguration_changelist"),
            {"action": "adopt", "_selected_action": [proposed.pk]},
        )
    assert response.status_code == 302
    assert configs_in_use().scoring.version == proposed.pk
    assert recomputed_with() == {proposed.pk}


def test_a_version_saved_in_the_admin_is_adopted_at_once(client, org):
    """Even when the page saved was a proposed version's: saving writes a new version, in use."""
    proposed = ScoringConfiguration.objects.create(note="proposed", adopted_at=None)
    client.force_login(org.admin)
    url = reverse("admin:relationships_scoringconfiguration_change", args=[proposed.pk])
    data = {
        field.name: str(getattr(proposed, field.name))
        for field in ScoringConfiguration._meta.concrete_fields
        if field.editable and field.name not in {"id", "created_by"}
    }
    response = client.post(url, data | {"note": "saved", "weight_tenure": "0.07"})
    assert response.status_code == 302
    saved = ScoringConfiguration.objects.order_by("pk").last()
    assert saved.pk != proposed.pk
    assert (saved.note, saved.adopted_at is not None) == ("saved", True)
    assert configs_in_use().scoring.version == saved.pk
    assert configs_in_use().scoring.weights["tenure"] == 0.07


def test_evaluate_scores_prints_and_stores_accuracy_auc_and_calibration(client, org):
    people(org.account, [5] * 6 + [1] * 6)
    people(org.other_account, [4] * 6 + [2] * 6)
    output = evaluate(folds=3)
    assert "Labels: 12 strong and 12 weak" in output
    assert "the larger class would be right for 50.0%: the accuracy to beat" in output
    assert "3-fold cross-validation of the configuration in use" in output
    assert "ROC AUC" in output
    assert "accuracy" in output
    assert "score band   people   strong" in output
    stored = ScoringEvaluation.objects.get()
    assert stored.configuration_id == configs_in_use().scoring.version
    assert (stored.kind, stored.folds, stored.strong_labels, stored.weak_labels) == (
        "current", 3, 12, 12,
    )  # fmt: skip
    assert [band["band"] for band in stored.calibration] == ["1-2", "2-3", "3-4", "4-5"]
    assert sum(band["people"] for band in stored.calibration) == 24
    for band in stored.calibration:
        share = "-" if band["strong_share"] is None else f"{band['strong_share']:.0%}"
        assert f"{band['band']}{'':8} {band['people']:7,}   {share:>6}" in output
    assert f"accuracy {stored.accuracy:6.1%}  ROC AUC {stored.roc_auc:.3f}" in output

    client.force_login(org.admin)
    change = client.get(
        reverse("admin:relationships_scoringconfiguration_change", args=[stored.configuration_id])
    )
    page = change.content.decode()
    assert change.status_code == 200
    assert f"3-fold accuracy {stored.accuracy:.1%}, ROC AUC {stored.roc_auc:.3f}" in page
    assert "against 12 strong and 12 weak labels" in page
    assert "<th>Score band</th>" in page
    changelist = client.get(reverse("admin:relationships_scoringconfiguration_changelist"))
    listed = changelist.content.decode()
    assert changelist.status_code == 200
    assert f"{stored.accuracy:.1%}" in listed
    assert f"{stored.roc_auc:.3f}" in listed
    assert "In use" in listed


def test_evaluate_scores_refuses_below_10_labels_of_a_class(org):
    people(org.account, [5] * 20 + [1] * 9)
    with pytest.raises(CommandError, match="found 20 strong and 9 weak.*at least 10 of each"):
        evaluate()
    assert not ScoringEvaluation.objects.exists()


def test_the_changelist_tells_proposed_from_in_use(client, org):
    ScoringConfiguration.objects.create(note="proposed", adopted_at=None)
    client.force_login(org.admin)
    response = client.get(reverse("admin:relationships_scoringconfiguration_changelist"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Proposed") == 1
    assert page.count("In use") == 1


@pytest.mark.parametrize("size", [1, 20])
def test_labels_are_read_in_the_same_few_queries_at_any_size(org, size, django_assert_num_queries):
    people(org.account, [5, 1] * size)
    with django_assert_num_queries(3):
        labels = evaluation.labels_read()
    assert len(labels.strong) == 2 * size


@pytest.mark.parametrize("command", ["evaluate_scores", "fit_scoring"])
def test_fewer_than_two_folds_are_refused_in_words(command):
    with pytest.raises(CommandError, match="--folds must be 2 or more"):
        call_command(command, folds=1)
