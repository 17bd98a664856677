"""The worked example of docs/tasks.md, step by step."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail

from relationships.models import Alert, Task, TaskRule
from relationships.scoring import recompute
from relationships.work.mail import task_digests_send
from relationships.work.services import alert_snooze, task_complete
from tests.factories import StakeholderFactory

DOC = (Path(__file__).resolve().parents[2] / "docs" / "tasks.md").read_text()
ZONE = ZoneInfo(settings.TIME_ZONE)


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=ZONE)


def test_the_worked_example_in_the_docs(org, time_machine, django_capture_on_commit_callbacks):
    assert "Find a new champion at Acme" in DOC
    org.csm.full_name = "Dana"
    org.csm.save()
    TaskRule.objects.filter(name="Champion left").update(active=True)

    # 1. 2 March: Cy, the champion, has left; the recompute raises the alert and the task.
    time_machine.move_to(at(2), tick=False)
    StakeholderFactory(account=org.account, name="Cy", role="champion", status="left")
    recompute.scores_recompute(account_ids=[org.account.pk])
    task = Task.objects.get()
    assert (task.title, task.priority, task.owner, task.due_on) == (
        "Find a new champion at Acme",
        "high",
        org.csm,
        dt.date(2026, 3, 16),
    )
    assert (task.source, task.alert_key) == ("rule", "champion_left")
    alert = Alert.objects.get(account=org.account, key="champion_left")
    first_seen = alert.first_seen

    # 2. The nightly recompute: the alert stays, no second task.
    time_machine.move_to(at(3, 2), tick=False)
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert Task.objects.count() == 1
    assert Alert.objects.get(pk=alert.pk).first_seen == first_seen

    # 3. Snoozed until 5 March; the next recompute keeps it so.
    alert_snooze(alert=alert, until=dt.date(2026, 3, 5))
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert Alert.objects.get(pk=alert.pk).snoozed_until == dt.date(2026, 3, 5)

    # 4. 16 March, 07:05: the digest; then done from My tasks.
    time_machine.move_to(at(16, 7, 5), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert task_digests_send() == 1
    [digest] = mail.outbox
    assert digest.subject == "1 task due"
    assert "Due today:\n- Find a new champion at Acme (Acme)" in digest.body
    task_complete(task=task, by=org.csm)
    assert Task.objects.get().state == "done"
