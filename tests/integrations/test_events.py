"""Each event kind is recorded by the service where the thing happens, in its transaction, once:
nothing is recorded when nothing changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.services import account_archive, account_change, account_restore
from core import events
from core.events import event_record
from core.models import Event, Notification
from dataio.services import csv_import
from relationships.gaps.services import TransitionRefused, gap_case_move
from relationships.models import AccountScore, GapCase, GapTransition
from relationships.people.services import may_have_left_record
from relationships.scoring import recompute
from surveys.models import Question, SurveyTemplate
from tests.dataio.files import account, as_csv
from tests.factories import (
    AccountFactory,
    GapCaseFactory,
    InteractionFactory,
    InvitationFactory,
    PulseCheckFactory,
    StakeholderFactory,
    invitation_token,
)
from tests.relationships.gaps.test_gap_mail import usage_collapses
from tests.relationships.test_admin_saves import admin_change
from tests.surveys.test_answering import answers

pytestmark = pytest.mark.django_db


def recorded(kind=None) -> list[tuple[str, str]]:
    rows = Event.objects.order_by("pk")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.values_list("kind", "summary"))


def test_a_detected_gap_is_recorded_once(org):
    usage_collapses(org.account)
    StakeholderFactory(account=org.account)
    PulseCheckFactory(account=org.account, csm=org.csm, happiness=5)
    recompute.scores_recompute(account_ids=[org.account.pk])
    recompute.scores_recompute(account_ids=[org.account.pk])  # the same gap: nothing new
    [event] = Event.objects.filter(kind=events.GAP_OPENED)
    assert event.summary == "A relationship gap opened at Acme: Factors disagree."
    assert event.path == reverse("gap_detail", args=[event.payload["gap_case"]["id"]])
    assert event.audience == [org.csm.pk]
    assert event.team_id == org.team.pk
    assert Notification.objects.get().user == org.csm


def test_moving_a_case_is_recorded_for_its_owner_not_the_mover(org):
    case = GapCaseFactory(account=org.account, owner=org.teammate)
    gap_case_move(case=case, to="acknowledged", by=org.manager)
    with pytest.raises(TransitionRefused):
        gap_case_move(case=case, to="detected", by=org.manager)  # refused: nothing recorded
    gap_case_move(case=case, to="resolved", by=org.csm, reason="They renewed.")
    manager = org.manager.get_full_name()
    assert recorded() == [
        (
            events.GAP_MOVED,
            f"{manager} moved the gap case at Acme from Detected to Acknowledged.",
        ),
        (events.GAP_RESOLVED, f"{org.csm.get_full_name()} resolved the gap case at Acme."),
    ]
    moved, resolved = Event.objects.order_by("pk")
    assert moved.audience == sorted([org.csm.pk, org.teammate.pk])
    assert moved.payload["gap_case"]["from_state"] == "detected"
    assert set(Notification.objects.filter(event=moved).values_list("user", flat=True)) == {
        org.csm.pk,
        org.teammate.pk,
    }
    # the CSM resolved it: only the case's owner hears of it
    assert list(Notification.objects.filter(event=resolved).values_list("user", flat=True)) == [
        org.teammate.pk
    ]


def test_a_score_drop_is_recorded_when_it_appears_not_while_it_lasts(org):
    people = StakeholderFactory.create_batch(2, account=org.account, trust="low")
    InteractionFactory(account=org.account, stakeholders=people, sentiment=-2)
    AccountScore.objects.create(
        account=org.account, day=timezone.localdate() - dt.timedelta(days=30),
        value=Decimal("4.90"), label="x", confidence=1, config_version=1,
        computed_at=timezone.now(),
    )  # fmt: skip
    recompute.scores_recompute(account_ids=[org.account.pk])
    recompute.scores_recompute(account_ids=[org.account.pk])
    [(kind, summary)] = recorded(events.SCORE_DROPPED)
    trend = Account.objects.get(pk=org.account.pk).score_trend_30d
    assert summary == f"Acme: The relationship score fell {-trend} points in 30 days."


def test_an_alert_is_recorded_when_it_is_raised(org):
    ada = StakeholderFactory(account=org.account, name="Ada", role="champion", status="left")
    recompute.scores_recompute(account_ids=[org.account.pk])
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert recorded(events.ALERT_RAISED) == [
        ("alert.raised", "Acme: A champion has left the company: find and develop a new one.")
    ]
    ada.status = "active"
    ada.save()
    recompute.scores_recompute(account_ids=[org.account.pk])  # the alert goes: no event
    assert len(recorded(events.ALERT_RAISED)) == 1


def test_recompute_records_the_events_of_many_accounts_in_a_constant_number_of_queries(org):
    def champions_left(count):
        ids = []
        for _ in range(count):
            account = AccountFactory(team=org.team, owner=org.csm)
            StakeholderFactory(account=account, role="champion", status="left")
            ids.append(account.pk)
        return ids

    one, six = champions_left(1), champions_left(6)
    recompute.scores_recompute(account_ids=[org.account.pk])  # the catalogs come from the cache
    with CaptureQueriesContext(connection) as few:
        recompute.scores_recompute(account_ids=one)
    with CaptureQueriesContext(connection) as many:
        recompute.scores_recompute(account_ids=six)
    assert len(many) == len(few)
    assert Event.objects.filter(kind=events.ALERT_RAISED).count() == 7


@pytest.fixture
def survey_link(org):
    ada = StakeholderFactory(account=org.account, name="Ada Lovelace", email="ada@x.example")
    invitation = InvitationFactory(
        account=org.account,
        stakeholder=ada,
        campaign__name="Spring check",
        campaign__template=SurveyTemplate.objects.get(slug="relationship-check"),
    )
    return reverse("survey_answer", args=[invitation_token(invitation)])


def test_a_promoter_answer_is_recorded_as_answered_only(client, survey_link):
    assert client.post(survey_link, answers()).status_code == 302
    assert recorded() == [
        (events.SURVEY_ANSWERED, "Ada Lovelace at Acme answered the survey “Spring check”.")
    ]
    assert Event.objects.get().payload["nps"] == 9


def test_a_detractor_answer_is_recorded_too(client, org, survey_link):
    nps = Question.objects.get(template__slug="relationship-check", kind="nps")
    assert client.post(survey_link, answers(**{f"q{nps.pk}": "6"})).status_code == 302
    assert recorded() == [
        (events.SURVEY_ANSWERED, "Ada Lovelace at Acme answered the survey “Spring check”."),
        (
            events.SURVEY_DETRACTOR,
            "Ada Lovelace at Acme answered 6 out of 10 to the NPS question of “Spring check”:"
            " a detractor.",
        ),
    ]
    # the bell tells the account's CSM of the detractor, not of every answer
    assert list(Notification.objects.values_list("user", "event__kind")) == [
        (org.csm.pk, events.SURVEY_DETRACTOR)
    ]


def test_archiving_and_restoring_record_status_changes_once(org):
    account_archive(account=org.account)
    account_archive(account=org.account)  # archived already: nothing
    account_restore(account=Account.objects.get(pk=org.account.pk))
    assert recorded() == [
        (events.ACCOUNT_STATUS_CHANGED, "Acme is now archived (it was active)."),
        (events.ACCOUNT_STATUS_CHANGED, "Acme is now active (it was archived)."),
    ]
    assert Event.objects.order_by("pk").first().payload["previous_status"] == "active"


def test_a_profile_edit_records_a_status_change_only_when_the_status_changes(client, org):
    client.force_login(org.csm)
    url = reverse("account_edit", args=[org.account.pk])

    def edit(status, version):
        data = {
            "name": "Acme", "team": org.team.pk, "owner": org.csm.pk, "status": status,
            "version": version,
        }  # fmt: skip
        assert client.post(url, data).status_code in (200, 302)

    edit("active", 0)
    assert recorded() == []
    edit("at_risk", 1)
    assert recorded() == [(events.ACCOUNT_STATUS_CHANGED, "Acme is now at risk (it was active).")]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown event kinds: gap.opend"):
        event_record(kind="gap.opend", summary="typo")


def test_a_stakeholder_who_may_have_left_is_recorded_for_the_accounts_csm(org):
    ada = StakeholderFactory(account=org.account, name="Ada")
    may_have_left_record(reasons={ada.pk: "no longer with the company"})
    may_have_left_record(reasons={})  # nothing said: nothing recorded
    [event] = Event.objects.all()
    assert (event.kind, event.summary) == (
        events.STAKEHOLDER_MAY_HAVE_LEFT,
        "Ada at Acme may have left: an automatic answer said “no longer with the company”.",
    )
    assert event.path == reverse("stakeholder_detail", args=[ada.pk])
    assert Notification.objects.get().user == org.csm


def test_a_change_without_a_form_records_a_status_change_only_when_the_status_changes(org):
    account_change(account=org.account, version=0, name="Acme Corp")
    assert recorded() == []
    account_change(account=Account.objects.get(pk=org.account.pk), version=1, status="churned")
    assert recorded() == [
        (events.ACCOUNT_STATUS_CHANGED, "Acme Corp is now churned (it was active).")
    ]


def test_a_csv_import_records_the_status_changes_it_makes_and_no_others(org):
    def import_accounts(*rows):
        csv_import(files={"accounts.csv": as_csv("accounts.csv", list(rows))}, user=org.admin)

    import_accounts(account("A-1"), account("A-2"))
    assert recorded() == []  # new accounts: no change of status
    import_accounts(account("A-1", status="churned"), account("A-2", name="Renamed"))
    assert recorded() == [
        (events.ACCOUNT_STATUS_CHANGED, "Customer A-1 is now churned (it was active).")
    ]


def test_an_admin_edit_records_a_status_change_only_when_the_status_changes(client, org):
    admin_change(client, org, org.account, name="Acme Corp")
    assert recorded() == []
    admin_change(client, org, Account.objects.get(pk=org.account.pk), status="at_risk")
    assert recorded() == [
        (events.ACCOUNT_STATUS_CHANGED, "Acme Corp is now at risk (it was active).")
    ]


def test_a_move_sent_twice_from_the_same_page_makes_one_transition_and_one_event(org):
    case = GapCaseFactory(account=org.account, owner=org.csm)
    seen_twice = GapCase.objects.get(pk=case.pk)  # the second request read the case before
    gap_case_move(case=case, to="acknowledged", by=org.csm)
    with pytest.raises(TransitionRefused):
        gap_case_move(case=seen_twice, to="acknowledged", by=org.csm)
    assert GapTransition.objects.filter(case=case).count() == 1
    assert len(recorded(events.GAP_MOVED)) == 1


def test_an_archiving_sent_twice_records_one_status_change(org):
    seen_twice = Account.objects.get(pk=org.account.pk)
    account_archive(account=org.account)
    account_archive(account=seen_twice)
    assert recorded() == [(events.ACCOUNT_STATUS_CHANGED, "Acme is now archived (it was active).")]
