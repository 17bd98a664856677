"""Tasks through the JSON API: created with the page's defaults, refused by field, completed."""

import datetime as dt
import json

from django.utils import timezone

from relationships.models import Task
from tests.factories import TaskFactory


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_a_task_created_with_a_title_alone_is_the_account_owners_due_in_two_days(api_client, org):
    response = post(api_client, "/api/v1/tasks", {"account": org.account.pk, "title": "Call"})
    assert response.status_code == 201
    task = Task.objects.get()
    assert response.json()["id"] == task.pk
    assert (task.owner, task.due_on, task.created_by, task.priority) == (
        org.csm,
        timezone.localdate() + dt.timedelta(days=2),
        org.csm,
        "normal",
    )


def test_an_owner_who_cannot_see_the_account_is_refused_on_owner(api_client, org):
    body = {"account": org.account.pk, "title": "Call", "owner": org.outsider.pk}
    response = post(api_client, "/api/v1/tasks", body)
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["owner"]
    assert not Task.objects.exists()


def test_complete_marks_the_task_done_and_lists_filter_by_state(api_client, org):
    task = TaskFactory(account=org.account)
    TaskFactory(account=org.account)
    response = post(api_client, f"/api/v1/tasks/{task.pk}/complete")
    assert (response.status_code, response.json()["state"]) == (200, "done")
    done = api_client.get("/api/v1/tasks", {"state": "done"}).json()["results"]
    assert [row["id"] for row in done] == [task.pk]
