"""The My tasks page, the account page's Tasks section, the actions in place, and "Needs
attention" worked in place (its state surviving a real recompute)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relationships.models import Alert, Task
from relationships.scoring import recompute
from tests.factories import AccountFactory, StakeholderFactory, TaskFactory

HTMX = {"HX-Request": "true"}
TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


@pytest.fixture
def csm(client, org):
    client.force_login(org.csm)
    return client


def test_my_tasks_lists_overdue_today_and_upcoming_in_that_order(csm, org):
    TaskFactory(account=org.account, title="Next week", due_on=TODAY() + 7 * DAY)
    TaskFactory(account=org.account, title="Late", due_on=TODAY() - DAY)
    TaskFactory(account=org.account, title="Now", due_on=TODAY(), priority="high")
    TaskFactory(account=org.account, owner=org.teammate, title="Not mine")
    page = csm.get(reverse("task_list")).text
    order = [page.index(text) for text in ("Overdue", "Late", "Today", "Now", "Upcoming")]
    assert order == sorted(order)
    assert page.index("Upcoming") < page.index("Next week")
    assert "Not mine" not in page


def test_my_tasks_filters_by_state(csm, org):
    TaskFactory(account=org.account, title="Open one")
    done = TaskFactory(account=org.account, title="Done one")
    Task.objects.filter(pk=done.pk).update(state="done", completed_at=timezone.now())
    page = csm.get(reverse("task_list"), {"state": "done"}).text
    assert "Done one" in page
    assert "Open one" not in page


def test_a_manager_picks_a_csm_of_their_team_and_a_csm_cannot(client, org):
    TaskFactory(account=org.account, title="Ring Acme")
    client.force_login(org.manager)
    assert "Ring Acme" in client.get(reverse("task_list"), {"owner": org.csm.pk}).text
    client.force_login(org.teammate)
    page = client.get(reverse("task_list"), {"owner": org.csm.pk}).text
    assert "Ring Acme" not in page


def test_the_account_section_offers_a_task_for_the_accounts_owner_due_in_two_days(csm, org):
    client = csm
    client.force_login(org.manager)
    section = client.get(reverse("account_tasks", args=[org.account.pk]), headers=HTMX).text
    assert f'<option value="{org.csm.pk}" selected>' in section
    assert f'value="{(TODAY() + 2 * DAY).isoformat()}"' in section


def test_a_task_added_from_the_account_section_appears_in_it(csm, org):
    data = {
        "task-title": "Send the QBR deck",
        "task-due_on": (TODAY() + DAY).isoformat(),
        "task-priority": "high",
        "task-owner": org.csm.pk,
    }
    response = csm.post(reverse("task_new", args=[org.account.pk]), data, headers=HTMX)
    assert response.status_code == 200
    assert "Send the QBR deck" in response.text
    assert Task.objects.values_list("title", "created_by", "priority").get() == (
        "Send the QBR deck",
        org.csm.pk,
        "high",
    )


def test_a_task_without_a_title_answers_422_with_the_error_and_writes_nothing(csm, org):
    data = {"task-title": "", "task-due_on": "2026-13-40", "task-owner": org.csm.pk}
    response = csm.post(reverse("task_new", args=[org.account.pk]), data, headers=HTMX)
    assert response.status_code == 422
    assert response.text.count("invalid-feedback") >= 2
    assert not Task.objects.exists()


def test_an_owner_from_another_team_is_refused(csm, org):
    data = {
        "task-title": "Call",
        "task-due_on": (TODAY() + DAY).isoformat(),
        "task-priority": "normal",
        "task-owner": org.outsider.pk,
    }
    response = csm.post(reverse("task_new", args=[org.account.pk]), data, headers=HTMX)
    assert response.status_code == 422
    assert not Task.objects.exists()


def test_done_swaps_the_row_in_place(csm, org):
    task = TaskFactory(account=org.account, title="Ring them")
    response = csm.post(reverse("task_complete", args=[task.pk]), headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="task-{task.pk}"')
    assert "Reopen" in response.text
    assert Task.objects.get().state == "done"


def test_a_snooze_to_a_past_day_answers_422_on_the_row_and_writes_nothing(csm, org):
    task = TaskFactory(account=org.account)
    response = csm.post(
        reverse("task_snooze", args=[task.pk]), {"until": TODAY().isoformat()}, headers=HTMX
    )
    assert response.status_code == 422
    assert "A day after today." in response.text
    assert Task.objects.get().state == "open"


def test_a_dismiss_without_a_reason_answers_422_and_writes_nothing(csm, org):
    task = TaskFactory(account=org.account)
    response = csm.post(reverse("task_dismiss", args=[task.pk]), {"reason": ""}, headers=HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert Task.objects.get().state == "open"


def test_a_plain_form_post_goes_back_to_my_tasks(csm, org):
    task = TaskFactory(account=org.account)
    response = csm.post(reverse("task_snooze", args=[task.pk]), {"until": "2099-01-01"})
    assert response.status_code == 422  # after the end of next year
    response = csm.post(
        reverse("task_snooze", args=[task.pk]), {"until": (TODAY() + DAY).isoformat()}
    )
    assert (response.status_code, response.url) == (302, "/tasks/")


def test_an_outsider_cannot_touch_a_task(client, org):
    task = TaskFactory(account=org.account)
    client.force_login(org.outsider)
    assert client.post(reverse("task_complete", args=[task.pk])).status_code == 404
    assert Task.objects.get().state == "open"


# --- Needs attention ----------------------------------------------------------------------------


@pytest.fixture
def champion_gone(org):
    """Acme's champion left: the recompute raises champion_left."""
    StakeholderFactory(account=org.account, role="champion", status="left", name="Cy Champion")
    recompute.scores_recompute(account_ids=[org.account.pk])
    return Alert.objects.get(account=org.account, kind="champion_left")


def test_a_dismissed_alert_stays_dismissed_through_a_recompute(csm, org, champion_gone):
    response = csm.post(
        reverse("alert_dismiss", args=[champion_gone.pk]),
        {"reason": "They hired a new one."},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Dismissed: They hired a new one." in response.text
    recompute.scores_recompute(account_ids=[org.account.pk])
    alert = Alert.objects.get(account=org.account, kind="champion_left")
    assert (alert.pk, alert.dismissed_reason) == (champion_gone.pk, "They hired a new one.")
    row = f'id="alert-{alert.pk}"'
    assert row not in csm.get(reverse("attention")).text
    assert row in csm.get(reverse("attention"), {"show": "worked"}).text


def test_an_alert_that_ends_and_comes_back_is_new_again(csm, org, champion_gone):
    csm.post(reverse("alert_dismiss", args=[champion_gone.pk]), {"reason": "Fine."})
    org.account.stakeholders.update(status="active")
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert not Alert.objects.filter(kind="champion_left").exists()
    org.account.stakeholders.update(status="left")
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert Alert.objects.get(kind="champion_left").dismissed_reason == ""


def test_assigning_and_snoozing_an_alert_survive_a_recompute(csm, org, champion_gone):
    assert (
        csm.post(
            reverse("alert_assign", args=[champion_gone.pk]), {"to": org.teammate.pk}, headers=HTMX
        ).status_code
        == 200
    )
    until = TODAY() + 3 * DAY
    csm.post(reverse("alert_snooze", args=[champion_gone.pk]), {"until": until}, headers=HTMX)
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert Alert.objects.values_list("assigned_to", "snoozed_until").get() == (
        org.teammate.pk,
        until,
    )


def test_an_assigned_alert_can_be_given_back_to_nobody(csm, org, champion_gone):
    Alert.objects.update(assigned_to=org.teammate)
    response = csm.post(reverse("alert_assign", args=[champion_gone.pk]), {"to": ""}, headers=HTMX)
    assert response.status_code == 200
    assert Alert.objects.get().assigned_to is None
    assert "Assigned to" not in response.text


def test_assigning_an_unassigned_alert_to_nobody_is_refused(csm, org, champion_gone):
    response = csm.post(reverse("alert_assign", args=[champion_gone.pk]), {"to": ""}, headers=HTMX)
    assert response.status_code == 422
    assert "Choose who works it." in response.text


def test_an_alert_cannot_be_assigned_to_an_outsider(csm, org, champion_gone):
    response = csm.post(
        reverse("alert_assign", args=[champion_gone.pk]), {"to": org.outsider.pk}, headers=HTMX
    )
    assert response.status_code == 422
    assert Alert.objects.get().assigned_to is None


def test_an_alert_becomes_a_task_for_whoever_it_is_assigned_to(csm, org, champion_gone):
    Alert.objects.update(assigned_to=org.teammate)
    response = csm.post(
        reverse("alert_task", args=[champion_gone.pk]),
        {"title": "Find a new champion", "due_on": (TODAY() + DAY).isoformat(), "priority": "high"},
        headers=HTMX,
    )
    assert response.status_code == 200
    task = Task.objects.get()
    assert (task.title, task.owner, task.alert_key, task.account) == (
        "Find a new champion",
        org.teammate,
        "champion_left",
        org.account,
    )


def test_an_outsider_cannot_work_an_alert(client, org, champion_gone):
    client.force_login(org.outsider)
    response = client.post(reverse("alert_dismiss", args=[champion_gone.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert Alert.objects.get().dismissed_at is None


def test_the_attention_page_lists_alerts_with_who_may_be_assigned(csm, org, champion_gone):
    AccountFactory(team=org.team, owner=org.csm)
    page = csm.get(reverse("attention")).text
    assert f'<option value="{org.teammate.pk}">' in page
    assert f'<option value="{org.outsider.pk}">' not in page
