"""Gap detection on real data: each of the seed's scenarios, logged through the account page,
opens a case of its class with its playbook; cases follow their gap, are reclassified, reopen,
and stay single."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import UsageSnapshot
from relationships.gaps.services import GAP_FIELDS, gap_action_toggle, gap_case_move
from relationships.models import (
    Channel,
    GapCase,
    GapTransition,
    MomentType,
    PulseCheck,
    Touchpoint,
)
from relationships.scoring import recompute
from tests.factories import (
    AccountFactory,
    GapCaseFactory,
    InteractionFactory,
    PulseCheckFactory,
    StakeholderFactory,
    catalog,
)

TODAY = timezone.localdate


def usage(account, *values, seats_used=40, features=(8, 10)):
    """Monthly usage ending this month (the way usage.csv brings it in)."""
    start = TODAY().replace(day=1)
    periods = [start - dt.timedelta(days=31 * back) for back in range(len(values))][::-1]
    UsageSnapshot.objects.bulk_create(
        UsageSnapshot(
            account=account,
            period_start=period.replace(day=1),
            usage_value=Decimal(value),
            active_users=seats_used,
            features_used=features[0],
            features_available=features[1],
        )
        for period, value in zip(periods, values, strict=True)
    )


def log(client, account, kind, data):
    prefixed = {f"{kind}-{key}": value for key, value in data.items()}
    response = client.post(f"/accounts/{account.pk}/log/{kind}/", prefixed)
    assert response.status_code == 302, response.context["bound_form"].errors


def customer_says(client, account, sentiment: int, times: int = 2):
    for hours in range(times):
        log(
            client,
            account,
            "interaction",
            {
                "occurred_at": (timezone.localtime() - dt.timedelta(hours=hours + 1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "channel": catalog(Channel, "call").pk,
                "touchpoint": catalog(Touchpoint, "service").pk,
                "direction": "inbound",
                "sentiment": str(sentiment),
                "verbosity": "normal",
                "summary": "What they told us about the product.",
                "stakeholders": [account.stakeholders.get().pk],
            },
        )


def csm_reads(client, account, happiness: int):
    log(client, account, "pulse", {"happiness": str(happiness), "checked_on": TODAY()})


@pytest.fixture
def account(org):
    org.account.seats_purchased = 50
    org.account.save()
    StakeholderFactory(account=org.account, name="Rita Alvarez")
    return org.account


@pytest.fixture
def logged_in(client, org, django_capture_on_commit_callbacks):
    """A CSM logging through the account page; each change's recompute runs when it commits."""
    client.force_login(org.csm)

    def run(step, *args):
        with django_capture_on_commit_callbacks(execute=True):
            step(client, *args)

    return run


def open_case(account) -> GapCase:
    return GapCase.objects.get(account=account, state="detected")


def test_scenario_1_says_happy_usage_down_opens_a_case_with_its_playbook(account, logged_in):
    usage(account, 1000, 1000, 1000, 500, seats_used=20)  # usage halved, 40 % of seats
    logged_in(customer_says, account, 2)  # "we love it"
    case = open_case(account)
    assert case.gap_class == "says_happy_usage_down"
    assert case.owner == account.owner
    steps = [action.text for action in case.actions.all()]
    assert steps[0].startswith("Look at the usage trend")
    assert len(steps) == 3
    account.refresh_from_db()
    assert account.customer_voice >= Decimal("0.5")  # happy
    assert account.product_usage < Decimal("-0.2")
    assert account.gap_class == "says_happy_usage_down"


def test_scenario_2_uses_it_needs_unmet(account, logged_in):
    usage(account, 1000, 1000, 1000, 1100, seats_used=48, features=(9, 10))
    logged_in(customer_says, account, -2)  # the call: "it does not do what we need"
    case = open_case(account)
    assert case.gap_class == "uses_needs_unmet"
    assert case.actions.first().text.startswith("Talk to the people who raised concerns")


def test_scenario_3_csm_feels_fine_customer_says_otherwise(account, logged_in):
    usage(account, 1000, 1000, 1000, 1000, seats_used=45)
    logged_in(csm_reads, account, 5)
    logged_in(customer_says, account, -2)  # a poor NPS answer, in their own words
    case = open_case(account)
    assert case.gap_class == "csm_fine_customer_not"
    assert case.actions.first().text.startswith("Read what the customer said")


def test_reverse_csm_worried_customer_happy(account, logged_in):
    usage(account, 1000, 1000, 1000, 1000, seats_used=45)
    logged_in(customer_says, account, 2)
    logged_in(csm_reads, account, 1)
    assert open_case(account).gap_class == "csm_worried_customer_happy"


def test_generic_gap_when_no_rule_fits(account, logged_in):
    usage(account, 1000, 1000, 1000, 400, seats_used=5)  # usage collapsed
    logged_in(csm_reads, account, 4)  # the CSM sees nothing wrong
    assert open_case(account).gap_class == "generic"


def test_no_case_when_the_factors_agree(account, logged_in):
    usage(account, 1000, 1000, 1000, 1000, seats_used=45)
    logged_in(customer_says, account, 1)
    logged_in(csm_reads, account, 4)
    assert not GapCase.objects.exists()
    account.refresh_from_db()
    assert account.gap_size is not None
    assert account.gap_class == ""


def test_detection_is_idempotent(account):
    usage(account, 1000, 1000, 1000, 400, seats_used=5)
    PulseCheckFactory(account=account, csm=account.owner, happiness=5, checked_on=TODAY())
    recompute.scores_recompute(account_ids=[account.pk])
    recompute.scores_recompute(account_ids=[account.pk])
    case = GapCase.objects.get()
    assert case.gap_class == "generic"
    assert case.actions.count() == 3
    assert list(case.transitions.values_list("to_state", flat=True)) == ["detected"]


def test_a_case_follows_its_gap_and_a_resolved_one_reopens_when_it_comes_back(account):
    usage(account, 1000, 1000, 1000, 400, seats_used=5)
    pulse = PulseCheckFactory(account=account, csm=account.owner, happiness=5, checked_on=TODAY())
    recompute.scores_recompute(account_ids=[account.pk])
    case = GapCase.objects.get()

    pulse.happiness = 2  # the CSM now sees what usage shows: the factors converge
    pulse.save()
    recompute.scores_recompute(account_ids=[account.pk])
    case.refresh_from_db()
    assert (case.state, case.converged) == ("detected", True)

    case.state, case.closed_on = "resolved", TODAY()  # resolution confirmed
    case.save()
    pulse.happiness = 5  # and the gap comes back
    pulse.save()
    recompute.scores_recompute(account_ids=[account.pk])
    case.refresh_from_db()
    assert (case.state, case.converged, case.closed_on) == ("detected", False, None)
    assert GapCase.objects.count() == 1
    reopened = GapTransition.objects.filter(case=case).last()
    assert (reopened.from_state, reopened.to_state) == ("resolved", "detected")
    assert "came back" in reopened.note


def test_a_case_resolved_while_its_gap_remains_is_not_reopened_at_once(account):
    usage(account, 1000, 1000, 1000, 400, seats_used=5)
    PulseCheckFactory(account=account, csm=account.owner, happiness=5, checked_on=TODAY())
    recompute.scores_recompute(account_ids=[account.pk])
    GapCase.objects.update(state="resolved", closed_on=TODAY())
    recompute.scores_recompute(account_ids=[account.pk])
    assert list(GapCase.objects.values_list("state", flat=True)) == ["resolved"]


def collapsed_usage_and_a_happy_csm(account) -> PulseCheck:
    """Usage collapsed (product usage -0.55) while the CSM feels fine (+1.00): a generic gap."""
    usage(account, 1000, 1000, 1000, 400, seats_used=5)
    return PulseCheckFactory(account=account, csm=account.owner, happiness=5, checked_on=TODAY())


def csm_reads_on(pulse, happiness: int, days_ago: int = 0) -> None:
    pulse.happiness, pulse.checked_on = happiness, TODAY() - dt.timedelta(days=days_ago)
    pulse.save()
    recompute.scores_recompute(account_ids=[pulse.account_id])


def test_a_new_class_reclassifies_the_open_case_with_its_history(account):
    collapsed_usage_and_a_happy_csm(account)
    recompute.scores_recompute(account_ids=[account.pk])
    case = GapCase.objects.get()
    gap_case_move(case=case, to="investigating", by=account.owner, note="Calling them.")
    done = case.actions.order_by("position").first()
    gap_action_toggle(action=done, by=account.owner)

    # the customer now says they are happy: "says happy, usage down"
    InteractionFactory(account=account, sentiment=2, occurred_at=timezone.now())
    recompute.scores_recompute(account_ids=[account.pk])

    case.refresh_from_db()
    assert GapCase.objects.get() == case
    assert (case.gap_class, case.state, case.converged) == (
        "says_happy_usage_down", "investigating", False
    )  # fmt: skip
    step = case.transitions.last()
    assert (step.from_state, step.to_state, step.by) == ("investigating", "investigating", None)
    assert step.note == "Reclassified: Factors disagree → Says happy, usage down."
    actions = list(case.actions.all())
    assert actions[0] == done
    assert actions[1].text.startswith("Look at the usage trend")
    assert len(actions) == 4  # the done action, then the new class's three steps
    recompute.scores_recompute(account_ids=[account.pk])  # idempotent
    assert case.transitions.count() == 3


def test_the_database_holds_one_open_case_per_account(account):
    GapCaseFactory(account=account, gap_class="generic")
    GapCaseFactory(account=account, gap_class="generic", state="resolved", closed_on=TODAY())
    with pytest.raises(IntegrityError):
        GapCaseFactory(account=account, gap_class="uses_needs_unmet")


def test_a_gap_just_below_the_threshold_neither_closes_its_case_nor_opens_one(account):
    pulse = collapsed_usage_and_a_happy_csm(account)
    recompute.scores_recompute(account_ids=[account.pk])
    case = GapCase.objects.get()
    # a pulse of 4, 90 days old (+0.18): spread 0.725, below 0.8 but not below 0.6
    csm_reads_on(pulse, 4, days_ago=90)
    account.refresh_from_db()
    assert account.gap_size == Decimal("0.725")
    case.refresh_from_db()
    assert (case.state, case.converged) == ("detected", False)

    csm_reads_on(pulse, 3)  # neutral: spread 0.55, the factors agree
    case.refresh_from_db()
    assert case.converged
    csm_reads_on(pulse, 4, days_ago=90)  # back between the thresholds: still agreeing
    case.refresh_from_db()
    assert case.converged
    assert GapCase.objects.count() == 1


def test_a_case_resolved_with_its_gap_open_reopens_when_the_gap_comes_back(account):
    pulse = collapsed_usage_and_a_happy_csm(account)
    recompute.scores_recompute(account_ids=[account.pk])
    case = GapCase.objects.get()
    gap_case_move(case=case, to="resolved", by=account.owner, reason="Agreed a plan with them.")
    recompute.scores_recompute(account_ids=[account.pk])  # the gap is still there: respected
    assert GapCase.objects.values_list("state", flat=True).get() == "resolved"

    csm_reads_on(pulse, 2)  # the factors agree
    csm_reads_on(pulse, 5)  # and the gap comes back, within the reopening window
    case.refresh_from_db()
    assert (case.state, case.converged, GapCase.objects.count()) == ("detected", False, 1)
    assert case.transitions.last().note == "The gap came back after the case was resolved."


def test_a_gap_back_as_another_class_reopens_its_case_reclassified(account):
    pulse = collapsed_usage_and_a_happy_csm(account)
    recompute.scores_recompute(account_ids=[account.pk])
    case = GapCase.objects.get()
    csm_reads_on(pulse, 2)
    case.refresh_from_db()
    gap_case_move(case=case, to="resolved", by=account.owner)  # confirmed: no reason needed
    InteractionFactory(account=account, sentiment=2, occurred_at=timezone.now())
    csm_reads_on(pulse, 2)  # usage down, the customer says they are happy, the CSM worried
    case.refresh_from_db()
    assert (case.state, case.gap_class, GapCase.objects.count()) == (
        "detected", "says_happy_usage_down", 1
    )  # fmt: skip
    assert [(t.from_state, t.to_state) for t in case.transitions.all()][-2:] == [
        ("resolved", "detected"),
        ("detected", "detected"),
    ]


def test_a_recompute_of_an_earlier_day_dates_the_cases_it_opens_that_day(account):
    collapsed_usage_and_a_happy_csm(account)
    earlier = TODAY() - dt.timedelta(days=3)
    PulseCheck.objects.update(checked_on=earlier)
    recompute.scores_recompute(account_ids=[account.pk], day=earlier)
    case = GapCase.objects.get()
    assert timezone.localtime(case.opened_at).date() == earlier
    assert timezone.localtime(case.transitions.get().at).date() == earlier


@pytest.mark.parametrize("accounts", [1, 6])
def test_detection_opens_cases_in_a_constant_number_of_queries(org, accounts):
    ids = []
    for _ in range(accounts):
        other = AccountFactory(team=org.team, owner=org.csm, seats_purchased=50)
        usage(other, 1000, 1000, 1000, 400, seats_used=5)
        PulseCheckFactory(account=other, csm=org.csm, happiness=5, checked_on=TODAY())
        ids.append(other.pk)
    with CaptureQueriesContext(connection) as queries:
        recompute.scores_recompute(account_ids=ids)
    assert GapCase.objects.count() == accounts
    # the recompute (without stakeholder and alert writes: there are none here), with the
    # cases' owners, the cases, the playbook steps, the checklists, the trail and the emails
    # to the owners (the cases, their checklists, the outbox rows in a savepoint), and the
    # gap.opened events (the cases, their accounts, who of their audience may see them, the
    # events, the endpoints and chat hooks that want them, the notifications), and the
    # playbook's tasks (the cases, their playbooks' steps, the tasks)
    assert len(queries) == 35


@pytest.mark.parametrize("days_ago", [0, 3])
def test_the_days_snapshot_keeps_the_gap_its_recompute_found(org, days_ago):
    account = AccountFactory(team=org.team, owner=org.csm, seats_purchased=50)
    usage(account, 1000, 1000, 1000, 400, seats_used=5)
    day = TODAY() - dt.timedelta(days=days_ago)
    PulseCheckFactory(account=account, csm=org.csm, happiness=5, checked_on=day)
    recompute.scores_recompute(account_ids=[account.pk], day=day)
    account.refresh_from_db()
    snapshot = account.scores.get(day=day)
    assert snapshot.gap_class == account.gap_class == "generic"
    assert [getattr(snapshot, name) for name in GAP_FIELDS] == [
        getattr(account, name) for name in GAP_FIELDS
    ]


def test_playbook_edited_in_the_admin_shapes_new_checklists(account):
    from relationships.models import Playbook

    playbook = Playbook.objects.get(gap_class="generic")
    playbook.steps.all().delete()
    playbook.steps.create(position=1, text="Call the sponsor")
    usage(account, 1000, 1000, 1000, 400, seats_used=5)
    PulseCheckFactory(account=account, csm=account.owner, happiness=5, checked_on=TODAY())
    recompute.scores_recompute(account_ids=[account.pk])
    assert [a.text for a in GapCase.objects.get().actions.all()] == ["Call the sponsor"]


def test_customer_identified_moments_speak_for_the_customer(account, logged_in):
    usage(account, 1000, 1000, 1000, 1000, seats_used=45)
    logged_in(csm_reads, account, 5)
    logged_in(
        log,
        account,
        "moment",
        {
            "moment_type": catalog(MomentType, "outage").pk,
            "occurred_on": TODAY(),
            "emotion": "enraged",
            "intensity": "3",
            "identified_by": "customer",
        },
    )
    account.refresh_from_db()
    assert account.customer_voice <= Decimal("-0.5")  # unhappy: the outage outweighs "we love it"
    assert open_case(account).gap_class == "csm_fine_customer_not"
