"""The account list's "Create a task for each": relationships adds it to accounts' registry of
bulk actions. One task per account, for its owner, in a constant number of queries."""

import datetime as dt

from django.utils import timezone

from accounts.bulk import bulk_actions
from accounts.models import Account
from relationships.models import Task
from tests.factories import AccountFactory, UserFactory


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
