"""Writing tasks and working alerts: form-free, by keyword, a refusal is a ValidationError by
field and writes nothing.

Callers pass objects they have already fetched through the gate (`Account.objects.visible_to`,
relationships.work.selectors); a service checks what the gate cannot: that a task's owner may
see its account, that its person and case are the account's. Tasks made by hand pass the gate
again in `tasks_check`, for whoever makes them, since some callers (the account list's bulk
action, the admin) choose the accounts by id. A task's state changes are judged from its row
as stored once it is held, so two clicks make one change.

Tasks also come from two pipelines: `playbook_tasks_create` (a gap case's playbook, called by
the detection that opens or reclassifies the case) and `task_rules_apply` (the admin's rules,
called with the events the recompute and the survey record). Both write each task once: a
database constraint holds one task per case and step, and one per rule and event.
"""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Account, User
from accounts.selectors import who_sees_teams
from core.idempotency import submission_claim
from core.models import Event
from relationships.models import Alert, GapCase, PlaybookStep, Stakeholder, Task, TaskRule
from relationships.work import rules

State = Task.State


def _may_see(user: User, account_id: int) -> bool:
    return Account.objects.visible_to(user).filter(pk=account_id).exists()


def task_create(
    *,
    account: Account,
    title: str,
    owner: User,
    due_on: dt.date,
    created_by: User,
    priority: str = Task.Priority.NORMAL,
    stakeholder: Stakeholder | None = None,
    gap_case: GapCase | None = None,
    alert_key: str = "",
    submission_key: UUID | None = None,
) -> Task:
    """A task made by hand by `created_by`, for `owner`: as `tasks_create` makes each. A form's
    `submission_key` makes it once: AlreadySubmitted the second time, and nothing is written."""
    task = Task(
        account=account,
        title=title,
        owner=owner,
        due_on=due_on,
        priority=priority,
        stakeholder=stakeholder,
        gap_case=gap_case,
        alert_key=alert_key,
    )
    with transaction.atomic():
        if submission_key is not None:
            submission_claim(key=submission_key, user=created_by)
        return tasks_create(tasks=[task], by=created_by)[0]


def tasks_check(*, tasks: list[Task], by: User) -> None:
    """Whether `by` may make these tasks by hand: every account is one `by` may see, each
    owner is someone still here who may see the task's account, its person and gap case are
    the account's, and each task keeps Task's rules (its title written on one line first).
    ValidationError by field otherwise. One query for any number of tasks (the accounts `by`
    sees) and three more when someone else owns any of them (who of the owners sees them)."""
    for task in tasks:
        task.title = " ".join((task.title or "").split())
    accounts = {task.account_id for task in tasks}
    teams = dict(
        Account.objects.visible_to(by).filter(pk__in=accounts).values_list("pk", "team_id")
    )
    if len(teams) < len(accounts):
        raise ValidationError(
            {"account": ["An account you may not see, or that is gone: nothing was done."]}
        )
    others = [task for task in tasks if task.owner_id != by.pk]
    seeing = who_sees_teams(
        {task.owner_id for task in others}, {teams[task.account_id] for task in others}
    )
    blind = [task for task in others if (task.owner_id, teams[task.account_id]) not in seeing]
    errors: dict[str, list[str]] = {}
    if blind:
        names = ", ".join(sorted({task.account.name for task in blind}))
        errors["owner"] = [
            "Someone who can see this account."
            if len(tasks) == 1
            else f"Someone who can see the account: not so at {names}."
        ]
    if any(t.stakeholder_id and t.stakeholder.account_id != t.account_id for t in tasks):
        errors["stakeholder"] = ["A person of this account."]
    if any(t.gap_case_id and t.gap_case.account_id != t.account_id for t in tasks):
        errors["gap_case"] = ["A gap case of this account."]
    for task in tasks:
        try:
            task.full_clean(
                exclude=["account", "owner", "stakeholder", "gap_case", "created_by", "rule"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                known = errors.setdefault(field, [])
                known.extend(message for message in messages if message not in known)
    if errors:
        raise ValidationError(errors)


def tasks_create(*, tasks: list[Task], by: User) -> list[Task]:
    """Write these tasks (unsaved, each with its account, owner, title, due day and priority,
    and perhaps a person, a gap case or an alert's key) as made by hand by `by`, after
    `tasks_check`: a refusal writes none of them. One transaction, one history row each (by
    `by`): two queries, whatever the number of tasks."""
    tasks_check(tasks=tasks, by=by)
    for task in tasks:
        task.created_by, task.source = by, Task.Source.MANUAL
    return bulk_create_with_history(tasks, Task, default_user=by)


def _held(task: Task) -> Task:
    """The task's row as stored, held until the transaction ends; its fields copied to `task`."""
    stored = Task.objects.select_for_update(no_key=True).get(pk=task.pk)
    for name in ("state", "snoozed_until", "dismissed_reason", "completed_at"):
        setattr(task, name, getattr(stored, name))
    return task


def _save(task: Task, reason: str) -> Task:
    task._change_reason = reason
    task.save(
        update_fields=["state", "snoozed_until", "dismissed_reason", "completed_at", "updated_at"]
    )
    return task


@transaction.atomic
def task_complete(*, task: Task, by: User | None = None) -> Task:
    """Done now. A task done already stays as it was; a dismissed one is reopened first."""
    _held(task)
    if task.state == State.DONE:
        return task
    task.state, task.completed_at = State.DONE, timezone.now()
    task.snoozed_until, task.dismissed_reason = None, ""
    return _save(task, f"Done{f' by {by}' if by else ''}")


@transaction.atomic
def task_snooze(*, task: Task, until: dt.date | None, by: User | None = None) -> Task:
    """Out of the lists until `until`, a day after today; a task done or dismissed is not
    snoozed."""
    _held(task)
    today = timezone.localdate()
    if until is None or until <= today:
        raise ValidationError({"until": ["A day after today."]})
    if until > rules.due_on(today, rules.MAX_DUE_IN_DAYS):
        raise ValidationError({"until": ["Within a year."]})
    if task.is_closed:
        raise ValidationError({"until": [f"The task is {task.get_state_display().lower()}."]})
    task.state, task.snoozed_until = State.SNOOZED, until
    return _save(task, f"Snoozed{f' by {by}' if by else ''}")


@transaction.atomic
def task_dismiss(*, task: Task, reason: str, by: User | None = None) -> Task:
    """Not to be done, and why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": ["Say why it need not be done."]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["At most 500 characters."]})
    _held(task)
    if task.state == State.DISMISSED:
        return task
    task.state, task.dismissed_reason = State.DISMISSED, reason
    task.snoozed_until, task.completed_at = None, None
    return _save(task, f"Dismissed{f' by {by}' if by else ''}")


@transaction.atomic
def task_reopen(*, task: Task, by: User | None = None) -> Task:
    """Open again, whatever it was."""
    _held(task)
    if task.state == State.OPEN:
        return task
    task.state = State.OPEN
    task.snoozed_until, task.dismissed_reason, task.completed_at = None, "", None
    return _save(task, f"Reopened{f' by {by}' if by else ''}")


# --- tasks from the pipelines ------------------------------------------------------------------


def playbook_tasks_create(*, case_ids: list[int], today: dt.date) -> int:
    """Each step of the playbook of each case's class as a task for the case's owner, due
    `due_in_days` after `today`; a step already made a task of for the case is skipped. Runs in
    the detection's transaction; returns how many tasks it wrote."""
    if not case_ids:
        return 0
    cases = list(
        GapCase.objects.filter(pk__in=case_ids).values_list(
            "pk", "account_id", "gap_class", "owner_id"
        )
    )
    steps: dict[str, list[tuple[int, str, int]]] = {}
    for gap_class, pk, text, days in PlaybookStep.objects.filter(
        playbook__gap_class__in={gap_class for _pk, _a, gap_class, _o in cases}
    ).values_list("playbook__gap_class", "pk", "text", "due_in_days"):
        steps.setdefault(gap_class, []).append((pk, text, days))
    tasks = [
        Task(
            title=text[:200],
            account_id=account_id,
            gap_case_id=case_id,
            owner_id=owner_id,
            due_on=rules.due_on(today, days),
            source=Task.Source.PLAYBOOK,
            playbook_step_id=step_id,
        )
        for case_id, account_id, gap_class, owner_id in cases
        for step_id, text, days in steps.get(gap_class, [])
    ]
    return len(Task.objects.bulk_create(tasks, ignore_conflicts=True)) if tasks else 0


def playbook_tasks_reclassified(*, case_ids: list[int], today: dt.date) -> None:
    """After these open cases took another class: the open tasks of steps of another playbook
    are dismissed (as their checklist's actions not done are dropped), the new playbook's steps
    become tasks."""
    stale = Task.objects.filter(gap_case_id__in=case_ids, source=Task.Source.PLAYBOOK).filter(
        Q(state=State.OPEN) | Q(state=State.SNOOZED)
    )
    for gap_class in set(
        GapCase.objects.filter(pk__in=case_ids).values_list("gap_class", flat=True)
    ):
        stale.filter(gap_case__gap_class=gap_class).exclude(
            playbook_step__playbook__gap_class=gap_class
        ).update(
            state=State.DISMISSED,
            snoozed_until=None,
            dismissed_reason="The gap was reclassified: its playbook changed.",
            updated_at=timezone.now(),
        )
    playbook_tasks_create(case_ids=case_ids, today=today)


def task_rules_apply(*, events: list[Event], today: dt.date | None = None) -> int:
    """The tasks the active rules make of these events (each rule once per event: a database
    constraint), for the account's owner. Runs in the transaction that records the events;
    returns how many tasks it tried to write (those made before are skipped)."""
    events = [event for event in events if event.account_id and event.pk]
    if not events:
        return 0
    fired = {event.pk: rules.triggers_of(event.kind, event.payload) for event in events}
    wanted = set().union(*fired.values())
    active = list(TaskRule.objects.filter(active=True, trigger__in=wanted))
    if not active:
        return 0
    today = today or timezone.localdate()
    accounts = {
        pk: (name, owner_id)
        for pk, name, owner_id in Account.objects.filter(
            pk__in={event.account_id for event in events}
        ).values_list("pk", "name", "owner_id")
    }
    people = {rules.stakeholder_of(event.payload) for event in events} - {None}
    names = dict(
        Stakeholder.objects.filter(pk__in=people, account_id__in=list(accounts)).values_list(
            "pk", "name"
        )
    )
    tasks = []
    for event in events:
        if event.account_id not in accounts:
            continue
        name, owner_id = accounts[event.account_id]
        person = rules.stakeholder_of(event.payload)
        person = person if person in names else None
        for rule in active:
            if rule.trigger not in fired[event.pk]:
                continue
            tasks.append(
                Task(
                    title=rules.title_render(
                        rule.title_template, account=name, stakeholder=names.get(person, "")
                    )[:200]
                    or rule.name,
                    account_id=event.account_id,
                    stakeholder_id=person,
                    alert_key=rules.alert_key(event.payload),
                    owner_id=owner_id,
                    due_on=rules.due_on(today, rule.due_in_days),
                    priority=rule.priority,
                    source=Task.Source.RULE,
                    rule=rule,
                    source_key=rules.source_key(event.pk),
                )
            )
    if tasks:
        Task.objects.bulk_create(tasks, ignore_conflicts=True)
    return len(tasks)


# --- working the alerts of "Needs attention" ----------------------------------------------------


def alert_assign(*, alert: Alert, to: User | None) -> Alert:
    """Give the alert to someone who can see its account, or back to nobody."""
    if to is None and alert.assigned_to_id is None:
        raise ValidationError({"to": ["Choose who works it."]})
    if to is not None and not (to.is_active and _may_see(to, alert.account_id)):
        raise ValidationError({"to": ["Someone who can see this account."]})
    alert.assigned_to = to
    Alert.objects.filter(pk=alert.pk).update(assigned_to=to)
    return alert


def alert_snooze(*, alert: Alert, until: dt.date | None) -> Alert:
    """Out of "Needs attention" until `until` (a day after today), while it holds."""
    today = timezone.localdate()
    if until is None or until <= today:
        raise ValidationError({"until": ["A day after today."]})
    if until > rules.due_on(today, rules.MAX_DUE_IN_DAYS):
        raise ValidationError({"until": ["Within a year."]})
    alert.snoozed_until = until
    Alert.objects.filter(pk=alert.pk).update(snoozed_until=until)
    return alert


def alert_dismiss(*, alert: Alert, reason: str) -> Alert:
    """Out of "Needs attention" for as long as the condition holds (a recompute that finds it
    gone deletes it; one that raises it again later raises a new alert), and why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": ["Say why it needs no attention."]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["At most 500 characters."]})
    alert.dismissed_reason, alert.dismissed_at = reason, timezone.now()
    Alert.objects.filter(pk=alert.pk).update(
        dismissed_reason=alert.dismissed_reason, dismissed_at=alert.dismissed_at
    )
    return alert


def alert_restore(*, alert: Alert) -> Alert:
    """Back in "Needs attention": neither snoozed nor dismissed."""
    alert.snoozed_until, alert.dismissed_reason, alert.dismissed_at = None, "", None
    Alert.objects.filter(pk=alert.pk).update(
        snoozed_until=None, dismissed_reason="", dismissed_at=None
    )
    return alert


def alert_task_create(
    *, alert: Alert, title: str, owner: User, due_on: dt.date, priority: str, created_by: User
) -> Task:
    """A task about the alert (its account, its person, its key)."""
    return task_create(
        account=alert.account,
        title=title,
        owner=owner,
        due_on=due_on,
        priority=priority,
        stakeholder=alert.stakeholder,
        alert_key=alert.key,
        created_by=created_by,
    )
