"""Reading tasks, always through the gate: a task is seen by whoever may see its account.

A snoozed task wakes on its day: from then on it is listed with the open ones (`active`).
"""

import datetime as dt

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from accounts.models import Account, Team, User
from accounts.selectors import teams_visible_to
from relationships.models import Alert, Task

State = Task.State
OVERDUE, TODAY, UPCOMING = "overdue", "today", "upcoming"
STATES = {
    "open": "Open",
    "snoozed": "Snoozed",
    "done": "Done",
    "dismissed": "Dismissed",
}


def active(today: dt.date) -> Q:
    """Open, or snoozed until a day that has come."""
    return Q(state=State.OPEN) | Q(state=State.SNOOZED, snoozed_until__lte=today)


def tasks_visible_to(user) -> QuerySet[Task]:
    return Task.objects.filter(account__in=Account.objects.visible_to(user))


def get_task_for_user(user, pk) -> Task:
    """The task if `user` may see its account; 404 otherwise."""
    return get_object_or_404(
        tasks_visible_to(user).select_related("account", "owner", "stakeholder"), pk=pk
    )


def get_alert_for_user(user, pk) -> Alert:
    return get_object_or_404(
        Alert.objects.filter(account__in=Account.objects.visible_to(user)).select_related(
            "account", "stakeholder", "assigned_to"
        ),
        pk=pk,
    )


def owners_for(user) -> QuerySet[User]:
    """Whose tasks `user` may list: their own, and a manager's or admin's team members too."""
    if user.may_manage_accounts:
        teams = teams_visible_to(user).values("pk")
        return User.objects.filter(
            Q(teams__in=teams, is_active=True)
            | Q(managed_teams__in=teams, is_active=True)
            | Q(pk=user.pk)
        ).distinct()
    return User.objects.filter(pk=user.pk)


def with_when(tasks: QuerySet[Task], today: dt.date) -> QuerySet[Task]:
    """Each task's `when`: overdue, today or upcoming (by its due day)."""
    return tasks.annotate(
        when_rank=Case(
            When(due_on__lt=today, then=Value(0)),
            When(due_on=today, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


PRIORITY_RANK = Case(
    When(priority=Task.Priority.HIGH, then=Value(0)),
    When(priority=Task.Priority.NORMAL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def tasks_for_list(*, user, owner: User, state: str, today: dt.date) -> QuerySet[Task]:
    """`owner`'s tasks in `state` (open: with the snoozed ones whose day has come) on the
    accounts `user` may see, soonest first, the most urgent first within a day."""
    tasks = tasks_visible_to(user).filter(owner=owner)
    if state == "snoozed":
        tasks = tasks.filter(state=State.SNOOZED, snoozed_until__gt=today)
    elif state in (State.DONE, State.DISMISSED):
        tasks = tasks.filter(state=state)
    else:
        tasks = tasks.filter(active(today))
    order = ["-completed_at", "-pk"] if state == State.DONE else ["due_on", PRIORITY_RANK, "pk"]
    return with_when(tasks, today).select_related("account", "stakeholder").order_by(*order)


def account_tasks(account: Account, *, today: dt.date, limit: int = 20) -> list[Task]:
    """The account's open tasks (with those woken from a snooze), soonest first."""
    return list(
        with_when(account.tasks.filter(active(today)), today)
        .select_related("owner", "stakeholder")
        .order_by("due_on", PRIORITY_RANK, "pk")[:limit]
    )


def tasks_due(*, owner_ids, today: dt.date) -> QuerySet[Task]:
    """The open tasks of these owners due today or before (the digest; "My day"), on the
    accounts each may still see: overdue first."""
    return (
        with_when(Task.objects.filter(active(today), owner_id__in=owner_ids), today)
        .filter(due_on__lte=today)
        .select_related("account")
        .order_by("owner_id", "due_on", PRIORITY_RANK, "pk")
    )


def alerts_for_attention(*, user, kind: str | None, today: dt.date, worked: bool = False):
    """The alerts `user` may see, newest first. By default those still to look at (neither
    dismissed nor snoozed); `worked` lists the dismissed and snoozed ones instead."""
    alerts = Alert.objects.filter(account__in=Account.objects.visible_to(user))
    waiting = Q(dismissed_at__isnull=True) & (
        Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)
    )
    alerts = alerts.exclude(waiting) if worked else alerts.filter(waiting)
    if kind:
        alerts = alerts.filter(kind=kind)
    return alerts.select_related("account", "stakeholder", "assigned_to").order_by(
        "-first_seen", "account__name", "pk"
    )


def assignable_by_team(team_ids: set[int]) -> dict[int, list[User]]:
    """Who may be given an alert of each of these teams: its members, its manager and the
    admins; three queries for any number of teams."""
    admins = list(
        User.objects.filter(Q(is_superuser=True) | Q(role=User.Role.ADMIN), is_active=True)
    )
    people = {user.pk: user for user in admins}
    by_team: dict[int, dict[int, User]] = {team: dict(people) for team in team_ids}
    for membership in Team.members.through.objects.filter(
        team_id__in=team_ids, user__is_active=True
    ).select_related("user"):
        by_team[membership.team_id][membership.user_id] = membership.user
    for team in Team.objects.filter(pk__in=team_ids, manager__is_active=True).select_related(
        "manager"
    ):
        by_team[team.pk][team.manager_id] = team.manager
    return {
        team: sorted(users.values(), key=lambda user: (user.full_name, user.email))
        for team, users in by_team.items()
    }
