"""Tasks: the services that write them, the constraints that hold them, the playbook steps and
the admin's rules that make them (each once)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.events import AccountEvent, account_events_record
from core import events
from relationships.models import Alert, GapCase, PlaybookStep, Task, TaskRule
from relationships.scoring import recompute
from relationships.work import rules
from relationships.work.selectors import tasks_for_list
from relationships.work.services import (
    playbook_tasks_create,
    task_complete,
    task_create,
    task_dismiss,
    task_reopen,
    task_rules_apply,
    task_snooze,
)
from surveys.models import Question, SurveyTemplate
from tests.factories import (
    GapCaseFactory,
    InvitationFactory,
    PulseCheckFactory,
    StakeholderFactory,
    TaskFactory,
    invitation_token,
)
from tests.relationships.gaps.test_gap_mail import usage_collapses
from tests.surveys.test_answering import answers

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


def make(org, **overrides):
    return task_create(
        **{
            "account": org.account,
            "title": "Send the renewal quote",
            "owner": org.csm,
            "due_on": TODAY() + DAY,
            "created_by": org.csm,
            **overrides,
        }
    )


# --- services ---------------------------------------------------------------------------------


def test_task_create_writes_an_open_task_with_its_history(org):
    task = make(org, title="  Send   the quote ", priority="high")
    assert Task.objects.values_list("title", "state", "priority", "source", "owner").get() == (
        "Send the quote",
        "open",
        "high",
        "manual",
        org.csm.pk,
    )
    assert task.history.count() == 1


def test_task_create_refuses_an_owner_who_cannot_see_the_account(org):
    with pytest.raises(ValidationError) as refused:
        make(org, owner=org.outsider)
    assert refused.value.message_dict == {"owner": ["Someone who can see this account."]}
    assert not Task.objects.exists()


def test_task_create_refuses_an_account_its_creator_may_not_see(org):
    with pytest.raises(ValidationError) as refused:
        make(org, account=org.other_account, owner=org.outsider)
    assert refused.value.message_dict == {
        "account": ["An account you may not see, or that is gone: nothing was done."]
    }
    assert not Task.objects.exists()


def test_task_create_refuses_a_person_or_case_of_another_account(org):
    with pytest.raises(ValidationError) as refused:
        make(
            org,
            stakeholder=StakeholderFactory(account=org.other_account),
            gap_case=GapCaseFactory(account=org.other_account),
        )
    assert set(refused.value.message_dict) == {"stakeholder", "gap_case"}
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "   "), ("due_on", dt.date(1999, 12, 31)), ("priority", "urgent")],
)
def test_task_create_refuses_bad_values_by_field(org, field, value):
    with pytest.raises(ValidationError) as refused:
        make(org, **{field: value})
    assert field in refused.value.message_dict
    assert not Task.objects.exists()


def test_task_complete_marks_it_done_once(org):
    task = make(org)
    task_complete(task=task, by=org.csm)
    done_at = Task.objects.get().completed_at
    task_complete(task=Task.objects.get(), by=org.csm)
    assert Task.objects.values_list("state", "completed_at").get() == ("done", done_at)


def test_task_snooze_needs_a_day_after_today(org):
    task = make(org)
    for day in (None, TODAY()):
        with pytest.raises(ValidationError) as refused:
            task_snooze(task=task, until=day)
        assert list(refused.value.message_dict) == ["until"]
    assert Task.objects.get().state == "open"
    task_snooze(task=task, until=TODAY() + 3 * DAY)
    assert Task.objects.values_list("state", "snoozed_until").get() == (
        "snoozed",
        TODAY() + 3 * DAY,
    )


def test_task_snooze_refuses_a_task_done(org):
    task = task_complete(task=make(org))
    with pytest.raises(ValidationError):
        task_snooze(task=task, until=TODAY() + DAY)
    assert Task.objects.get().state == "done"


def test_task_dismiss_needs_a_reason_and_reopen_clears_it(org):
    task = make(org)
    with pytest.raises(ValidationError) as refused:
        task_dismiss(task=task, reason="  ")
    assert list(refused.value.message_dict) == ["reason"]
    task_dismiss(task=task, reason="They renewed already.")
    assert Task.objects.values_list("state", "dismissed_reason").get() == (
        "dismissed",
        "They renewed already.",
    )
    task_reopen(task=task)
    assert Task.objects.values_list("state", "dismissed_reason", "snoozed_until").get() == (
        "open",
        "",
        None,
    )


def test_a_change_is_judged_from_the_row_as_stored(org):
    """A second tab's complete after a dismiss: the dismissal is cleared, not left half-set."""
    task = make(org)
    stale = Task.objects.get()
    task_dismiss(task=task, reason="Not needed.")
    task_complete(task=stale)
    assert Task.objects.values_list("state", "dismissed_reason").get() == ("done", "")


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "snoozed"},
        {"state": "open", "snoozed_until": dt.date(2030, 1, 1)},
        {"state": "dismissed"},
        {"state": "done"},
        {"state": "open", "completed_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
    ],
    ids=["snoozed-no-day", "open-with-day", "dismissed-no-reason", "done-no-time", "open-done"],
)
def test_the_database_refuses_a_task_in_an_impossible_state(org, fields):
    task = TaskFactory(account=org.account)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(**fields)


def test_a_snoozed_task_comes_back_on_its_day(org):
    task = task_snooze(task=make(org), until=TODAY() + 2 * DAY)
    listed = lambda state, day: list(  # noqa: E731
        tasks_for_list(user=org.csm, owner=org.csm, state=state, today=day)
    )
    assert listed("open", TODAY()) == []
    assert listed("snoozed", TODAY()) == [task]
    assert listed("open", TODAY() + 2 * DAY) == [task]


def test_tasks_of_an_account_the_user_cannot_see_are_not_listed(org):
    TaskFactory(account=org.other_account, owner=org.csm)
    assert list(tasks_for_list(user=org.csm, owner=org.csm, state="open", today=TODAY())) == []


# --- playbook steps ----------------------------------------------------------------------------


def test_a_new_gap_case_makes_a_task_of_each_playbook_step_once(org):
    usage_collapses(org.account)
    PulseCheckFactory(account=org.account, csm=org.csm, happiness=5)
    recompute.scores_recompute(account_ids=[org.account.pk])
    case = GapCase.objects.get(account=org.account)
    steps = list(PlaybookStep.objects.filter(playbook__gap_class=case.gap_class))
    assert steps, "the default playbooks have steps"
    recompute.scores_recompute(account_ids=[org.account.pk])
    playbook_tasks_create(case_ids=[case.pk], today=TODAY())
    tasks = Task.objects.filter(gap_case=case).order_by("due_on", "pk")
    assert [(t.title, t.owner_id, t.source, t.due_on) for t in tasks] == [
        (step.text, case.owner_id, "playbook", TODAY() + dt.timedelta(days=step.due_in_days))
        for step in sorted(steps, key=lambda step: (step.due_in_days, step.pk))
    ]


def test_the_shipped_playbook_steps_are_spread_over_the_weeks(db):
    days = [
        list(playbook.values_list("due_in_days", flat=True))
        for playbook in (
            PlaybookStep.objects.filter(playbook=pk).order_by("position", "pk")
            for pk in PlaybookStep.objects.values_list("playbook", flat=True).distinct()
        )
    ]
    assert days
    assert all(spread[:2] == [2, 7] for spread in days if len(spread) > 1)


# --- rules ------------------------------------------------------------------------------------


def test_the_triggers_are_the_alert_kinds_and_event_kinds(db):
    assert set(rules.ALERT_TRIGGERS) == set(Alert.Kind.values)
    assert set(rules.EVENT_TRIGGERS) <= set(events.KINDS)
    assert {events.ALERT_RAISED, events.SCORE_DROPPED} == rules.ALERT_EVENTS


def test_the_example_rules_are_shipped_inactive(db):
    assert list(
        TaskRule.objects.values_list("name", "trigger", "due_in_days", "active").order_by("name")
    ) == [
        ("Champion left", "champion_left", 14, False),
        ("Detractor answer", "survey.detractor", 2, False),
    ]


def test_a_champion_left_rule_makes_one_task_through_the_recompute(org):
    TaskRule.objects.filter(trigger="champion_left").update(active=True)
    StakeholderFactory(account=org.account, role="champion", status="left")
    recompute.scores_recompute(account_ids=[org.account.pk])
    recompute.scores_recompute(account_ids=[org.account.pk])
    task = Task.objects.get()
    assert (task.title, task.owner, task.due_on, task.priority, task.source, task.alert_key) == (
        "Find a new champion at Acme",
        org.csm,
        TODAY() + 14 * DAY,
        "high",
        "rule",
        "champion_left",
    )
    assert Alert.objects.filter(account=org.account, key=task.alert_key).exists()


def test_an_inactive_rule_makes_nothing(org):
    StakeholderFactory(account=org.account, role="champion", status="left")
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert not Task.objects.exists()


def test_a_detractor_rule_makes_a_task_about_the_person_from_the_survey(client, org):
    TaskRule.objects.filter(trigger="survey.detractor").update(active=True)
    ada = StakeholderFactory(account=org.account, name="Ada Lovelace", email="ada@x.example")
    invitation = InvitationFactory(
        account=org.account,
        stakeholder=ada,
        campaign__template=SurveyTemplate.objects.get(slug="relationship-check"),
    )
    nps = Question.objects.get(template__slug="relationship-check", kind="nps")
    link = reverse("survey_answer", args=[invitation_token(invitation)])
    assert client.post(link, answers(**{f"q{nps.pk}": "3"})).status_code == 302
    client.post(link, answers(**{f"q{nps.pk}": "3"}))  # answered already: nothing more
    assert list(Task.objects.values_list("title", "stakeholder", "owner", "due_on")) == [
        (
            "Call Ada Lovelace at Acme about their survey answer",
            ada.pk,
            org.csm.pk,
            TODAY() + 2 * DAY,
        )
    ]


def detractor_events(org, count: int):
    return account_events_record(
        events=[
            AccountEvent(
                kind=events.SURVEY_DETRACTOR, account_id=org.account.pk, summary="{account}"
            )
            for _ in range(count)
        ]
    )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.integers(1, 4),
    batches=st.lists(st.lists(st.integers(0, 3), max_size=5), min_size=1, max_size=4),
    rule_count=st.integers(1, 2),
)
def test_a_rule_never_makes_two_tasks_of_one_event(org, count, batches, rule_count):
    """However often and in whatever batches the same events are applied, each active rule
    makes exactly one task of each event it fires on."""
    Task.objects.all().delete()
    TaskRule.objects.all().delete()
    for n in range(rule_count):
        TaskRule.objects.create(
            name=f"Rule {n}", trigger="survey.detractor", title_template="Call", due_in_days=n
        )
    recorded = detractor_events(org, count)
    applied = set()
    for batch in batches:
        chosen = [recorded[i % count] for i in batch]
        task_rules_apply(events=chosen)
        applied |= {event.pk for event in chosen}
    assert Task.objects.count() == rule_count * len(applied)
    assert sorted(
        Task.objects.order_by("source_key").values_list("source_key", flat=True).distinct()
    ) == sorted(rules.source_key(pk) for pk in applied)


def test_the_title_template_names_the_account_and_the_person():
    assert (
        rules.title_render(
            "Call {stakeholder} at {account}  {other}", account="Acme", stakeholder="Ada"
        )
        == "Call Ada at Acme {other}"
    )
