"""The daily task digest: overdue and due-today tasks, once a day, to those who want it."""

import datetime as dt

from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import User
from config.celery import app
from relationships.models import Task
from relationships.work.mail import task_digests_send
from tests.factories import TaskFactory

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


def send(capture) -> int:
    with capture(execute=True):
        return task_digests_send()


def test_the_digest_lists_overdue_and_todays_tasks_once_a_day(
    org, django_capture_on_commit_callbacks
):
    TaskFactory(account=org.account, title="Send the QBR deck", due_on=TODAY() - 2 * DAY)
    TaskFactory(account=org.account, title="Call Ada", due_on=TODAY())
    TaskFactory(account=org.account, title="Plan the renewal", due_on=TODAY() + DAY)
    done = TaskFactory(account=org.account, title="Already done", due_on=TODAY())
    Task.objects.filter(pk=done.pk).update(state="done", completed_at=timezone.now())
    assert send(django_capture_on_commit_callbacks) == 1
    assert send(django_capture_on_commit_callbacks) == 0  # a second tick the same day
    [digest] = mail.outbox
    assert (digest.to, digest.subject) == (["csm@example.com"], "2 tasks due, 1 overdue")
    assert "Overdue:\n- Send the QBR deck (Acme, due" in digest.body
    assert "Due today:\n- Call Ada (Acme)" in digest.body
    assert "Plan the renewal" not in digest.body
    assert "Already done" not in digest.body
    assert User.objects.get(pk=org.csm.pk).task_digest_on == TODAY()


def test_a_user_who_opted_out_gets_no_digest(org, client, django_capture_on_commit_callbacks):
    TaskFactory(account=org.account, due_on=TODAY())
    client.force_login(org.csm)
    response = client.post("/preferences/", {"gap_emails": "each"})  # the box left unticked
    assert response.status_code == 302
    assert User.objects.get(pk=org.csm.pk).task_digest is False
    assert send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_nothing_due_sends_nothing(org, django_capture_on_commit_callbacks):
    TaskFactory(account=org.account, due_on=TODAY() + DAY)
    assert send(django_capture_on_commit_callbacks) == 0


def test_a_snoozed_task_is_in_the_digest_only_from_its_day(org, django_capture_on_commit_callbacks):
    task = TaskFactory(account=org.account, title="Snoozed one", due_on=TODAY() - DAY)
    Task.objects.filter(pk=task.pk).update(state="snoozed", snoozed_until=TODAY() + DAY)
    assert send(django_capture_on_commit_callbacks) == 0


def test_a_task_on_an_account_the_owner_no_longer_sees_is_left_out(
    org, django_capture_on_commit_callbacks
):
    TaskFactory(account=org.account, owner=org.teammate, title="Theirs no more", due_on=TODAY())
    org.team.members.remove(org.teammate)
    assert send(django_capture_on_commit_callbacks) == 0


def test_the_digest_runs_every_morning_from_the_beat(db):
    entry = settings.CELERY_BEAT_SCHEDULE["task-digest"]
    assert entry["task"] == "tasks.daily_digest"
    assert entry["task"] in app.tasks
