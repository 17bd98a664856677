"""The account list's "Create a task for each": relationships adds it to accounts' registry of
bulk actions. One task per account, for its owner, in a constant number of queries."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.bulk import bulk_actions
from accounts.models import Account
from relationships.models import Task
from tests.factories import AccountFactory, UserFactory

DUE = timezone.localdate() + dt.timedelta(days=7)


def task_each(user, accounts):
    """The account list's "Create a task for each", run as the list's view runs it."""
    return bulk_actions()["task"].run(
        user=user, accounts=accounts, title="Call them", due_on=DUE, priority="normal"
    )


def test_relationships_adds_the_task_action_to_the_account_list(client, org):
    assert list(bulk_actions()) == ["reassign", "status", "task", "export"]
    client.force_login(org.csm)
    page = client.get("/?view=all").text
    assert 'name="action" value="task"' in page
    assert 'name="title"' in page


def test_a_task_for_each_account_goes_to_its_owner_and_skips_an_owner_who_left(client, org):
    birch = AccountFactory(name="Birch Bank", team=org.team, owner=org.teammate)
    gone = UserFactory(email="gone@example.com", is_active=False)
    org.team.members.add(gone)
    dune = AccountFactory(name="Dune Data", team=org.team, owner=gone)
    due = timezone.localdate() + dt.timedelta(days=7)
    client.force_login(org.csm)
    response = client.post(
        "/accounts/bulk/",
        {
            "action": "task",
            "accounts": [org.account.pk, birch.pk, dune.pk],
            "title": "  Call about   the renewal ",
            "due_on": due.isoformat(),
            "priority": "high",
        },
    )
    assert response.status_code == 302
    tasks = Task.objects.order_by("account__name")
    assert [(t.account.name, t.owner, t.title, t.due_on, t.priority) for t in tasks] == [
        ("Acme", org.csm, "Call about the renewal", due, "high"),
        ("Birch Bank", org.teammate, "Call about the renewal", due, "high"),
    ]
    assert {t.created_by for t in tasks} == {org.csm}
    assert [t.history.count() for t in tasks] == [1, 1]  # one history row each
    page = client.get("/").text
    assert (
        f"2 tasks “Call about the renewal” created, due {due:%-d %b %Y}; 1 skipped: its owner"
        " has left." in page
    )


def test_a_task_without_a_title_or_on_another_teams_account_is_refused(client, org):
    due = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    client.force_login(org.csm)
    data = {"action": "task", "accounts": [org.account.pk], "title": " ", "due_on": due}
    assert client.post("/accounts/bulk/", data).status_code == 422
    data = {**data, "title": "Call", "accounts": [org.account.pk, org.other_account.pk]}
    assert client.post("/accounts/bulk/", data).status_code == 422
    assert Task.objects.count() == 0
    assert Account.objects.count() == 2


def test_a_task_for_each_refuses_an_account_the_user_may_not_see_and_writes_nothing(org):
    with pytest.raises(ValidationError) as refused:
        task_each(org.csm, [org.account, org.other_account])
    assert refused.value.message_dict == {
        "account": ["An account you may not see, or that is gone: nothing was done."]
    }
    assert not Task.objects.exists()
    task_each(org.outsider, [org.other_account])  # the same action, by one who sees it
    assert list(Task.objects.values_list("account__name", "owner", "created_by")) == [
        ("Globex", org.outsider.pk, org.outsider.pk)
    ]


def test_a_task_for_each_refuses_an_owner_who_may_not_see_their_account(client, org):
    """An account whose owner moved to another team: the task would be on an account they no
    longer see, so the whole post is refused, naming the account."""
    birch = AccountFactory(name="Birch Bank", team=org.team, owner=org.outsider)
    client.force_login(org.csm)
    data = {
        "action": "task",
        "accounts": [org.account.pk, birch.pk],
        "title": "Call them",
        "due_on": DUE.isoformat(),
        "priority": "normal",
    }
    response = client.post("/accounts/bulk/", data)
    assert response.status_code == 422
    assert "Someone who can see the account: not so at Birch Bank." in response.text
    assert not Task.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_a_task_for_each_costs_the_same_queries_for_2_or_20_accounts(
    org, count, django_assert_num_queries
):
    """The teammate's accounts: read with their owners, checked (the accounts the user sees,
    who of the owners sees them), then the tasks and their history, one query each."""
    chosen = AccountFactory.create_batch(count, team=org.team, owner=org.teammate)
    with django_assert_num_queries(5):
        outcome = task_each(org.csm, chosen)
    assert len(outcome.changed) == count
    assert Task.objects.filter(owner=org.teammate, created_by=org.csm).count() == count
    assert {task.history.count() for task in Task.objects.all()} == {1}
