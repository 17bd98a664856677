"""The daily task digest: each user who wants it (User.task_digest) gets, once a day, the tasks
overdue and due today on the accounts they may still see, through the email outbox. Users are
claimed for the day as the gap digest claims them (accounts.services.users_claim_for_day), so
two runs never send two digests; a user with nothing due gets no email."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import who_sees_teams
from accounts.services import users_claim_for_day
from core.mail.outbox import Draft, outbox_enqueue_many
from relationships.work.selectors import tasks_due


@transaction.atomic
def task_digests_send(*, now: dt.datetime | None = None) -> int:
    """Send today's digests not sent yet; returns how many emails were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    users = users_claim_for_day(
        users=User.objects.filter(task_digest=True, is_active=True),
        field="task_digest_on",
        today=today,
    )
    if not users:
        return 0
    tasks = list(tasks_due(owner_ids=[user.pk for user in users], today=today))
    seeing = who_sees_teams({task.owner_id for task in tasks}, {t.account.team_id for t in tasks})
    due: dict[int, list] = {}
    for task in tasks:
        if (task.owner_id, task.account.team_id) in seeing:
            due.setdefault(task.owner_id, []).append(task)
    drafts = [
        Draft(
            to=user.email,
            template="relationships/email/task_digest",
            context={
                "user": user,
                "count": len(due[user.pk]),
                "overdue": [task for task in due[user.pk] if task.due_on < today],
                "due_today": [task for task in due[user.pk] if task.due_on == today],
            },
        )
        for user in users
        if user.pk in due
    ]
    if drafts:
        outbox_enqueue_many(drafts=drafts)
    return len(drafts)
