"""My day (/day/, desk.day): whose day it shows, each section's rows, the portfolio strip, and a
task completed from it leaving the list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from desk.day import my_day
from relationships.models import Alert, Task
from tests.capture.factories import PersonSignalFactory, SuggestedStakeholderFactory
from tests.factories import (
    AccountFactory,
    GapCaseFactory,
    StakeholderFactory,
    TaskFactory,
)

DAY = reverse("my_day")


def today():
    return timezone.localdate()


def days(n):
    return today() + dt.timedelta(days=n)


def section(response, name):
    """The HTML of one section of the page, by its id."""
    text = response.text
    start = text.index(f'id="day-{name}"')
    return text[start : text.index("</section>", start)]


def alert(account, **fields):
    return Alert.objects.create(
        account=account, kind=Alert.Kind.ENGAGEMENT_DROP, key=f"engagement:{account.pk}",
        reason="Engagement fell.", first_seen=timezone.now(), **fields,
    )  # fmt: skip


# --- whose day ----------------------------------------------------------------------------------


def test_a_csm_sees_their_overdue_task_and_not_a_teammates(client, org):
    TaskFactory(account=org.account, owner=org.csm, title="Send the QBR deck", due_on=days(-2))
    mate = AccountFactory(name="Initech", team=org.team, owner=org.teammate)
    TaskFactory(account=mate, owner=org.teammate, title="Teammate's call", due_on=days(-2))
    client.force_login(org.csm)
    tasks = section(client.get(DAY), "tasks")
    assert "Send the QBR deck" in tasks
    assert "overdue" in tasks
    assert "Teammate&#x27;s call" not in tasks
    assert "Teammate's call" not in tasks


def test_tasks_due_later_are_not_on_the_day_and_snoozed_ones_come_back_on_their_day(client, org):
    TaskFactory(account=org.account, title="Next week's call", due_on=days(7))
    TaskFactory(account=org.account, title="Due today", due_on=today())
    TaskFactory(
        account=org.account, title="Woken today", due_on=days(-3),
        state=Task.State.SNOOZED, snoozed_until=today(),
    )  # fmt: skip
    TaskFactory(
        account=org.account, title="Still asleep", due_on=days(-3),
        state=Task.State.SNOOZED, snoozed_until=days(2),
    )  # fmt: skip
    client.force_login(org.csm)
    tasks = section(client.get(DAY), "tasks")
    assert "Due today" in tasks
    assert "Woken today" in tasks
    assert "Next week" not in tasks
    assert "Still asleep" not in tasks


def test_a_csm_sees_their_own_accounts_not_their_teammates(client, org):
    Account.objects.filter(pk=org.account.pk).update(renewal_date=days(20))
    mate = AccountFactory(name="Initech", team=org.team, owner=org.teammate, renewal_date=days(30))
    alert(mate)
    GapCaseFactory(account=mate)
    client.force_login(org.csm)
    response = client.get(DAY)
    assert "Acme" in section(response, "renewals")
    assert "Initech" not in response.text


def test_a_manager_sees_the_whole_team_and_filtering_by_csm_shows_that_csms_items(client, org):
    mate = AccountFactory(name="Initech", team=org.team, owner=org.teammate, renewal_date=days(30))
    Account.objects.filter(pk=org.account.pk).update(renewal_date=days(20))
    TaskFactory(account=org.account, owner=org.csm, title="CSM's task", due_on=today())
    TaskFactory(account=mate, owner=org.teammate, title="Mate's task", due_on=today())
    GapCaseFactory(account=mate)
    client.force_login(org.manager)

    team = client.get(DAY)
    assert "My team's day" in team.text
    assert "CSM&#x27;s task" in team.text
    assert "Mate&#x27;s task" in team.text
    assert "Acme" in section(team, "renewals")
    assert "Initech" in section(team, "renewals")

    theirs = client.get(DAY, {"csm": org.teammate.pk})
    assert "Mate&#x27;s task" in section(theirs, "tasks")
    assert "CSM&#x27;s task" not in section(theirs, "tasks")
    assert "Initech" in section(theirs, "renewals")
    assert "Acme" not in section(theirs, "renewals")
    assert "Initech" in section(theirs, "gaps")
    assert f'<option value="{org.teammate.pk}" selected>' in theirs.text


def test_a_csm_cannot_look_at_a_teammates_day_by_naming_them(client, org):
    mate = AccountFactory(name="Initech", team=org.team, owner=org.teammate)
    TaskFactory(account=mate, owner=org.teammate, title="Mate's task", due_on=today())
    client.force_login(org.csm)
    response = client.get(DAY, {"csm": org.teammate.pk})
    assert response.status_code == 200
    assert "Mate&#x27;s task" not in response.text
    assert 'name="csm"' not in response.text  # no filter for a CSM


def test_an_outsiders_data_never_appears(client, org):
    other = org.other_account
    Account.objects.filter(pk=other.pk).update(
        renewal_date=days(10), arr=Decimal("999999"), status=Account.Status.AT_RISK
    )
    TaskFactory(account=other, owner=org.outsider, title="Globex task", due_on=today())
    alert(other)
    GapCaseFactory(account=other)
    SuggestedStakeholderFactory(account=other, name="Globex Person")
    PersonSignalFactory(stakeholder=StakeholderFactory(account=other, name="Globex Leaver"))
    for user in (org.csm, org.manager):
        client.force_login(user)
        text = client.get(DAY).text
        assert "Globex" not in text, user
        assert "999,999" not in text, user
        assert "999999" not in text, user


# --- the sections -------------------------------------------------------------------------------


def test_renewals_beyond_ninety_days_are_not_listed(client, org):
    for name, in_days in (("Soon Co", 89), ("Edge Co", 90), ("Later Co", 91), ("Past Co", -1)):
        AccountFactory(name=name, team=org.team, owner=org.csm, renewal_date=days(in_days))
    client.force_login(org.csm)
    renewals = section(client.get(DAY), "renewals")
    assert "Soon Co" in renewals
    assert "Edge Co" in renewals
    assert "Later Co" not in renewals
    assert "Past Co" not in renewals


def test_a_renewal_shows_its_score_trend_and_arr(client, org):
    Account.objects.filter(pk=org.account.pk).update(
        renewal_date=days(45), relationship_score=Decimal("3.40"),
        score_trend_30d=Decimal("-0.30"), arr=Decimal("120000"),
    )  # fmt: skip
    client.force_login(org.csm)
    renewals = section(client.get(DAY), "renewals")
    assert ">3.4<" in renewals
    assert "-0.30" in renewals
    assert "120,000" in renewals


def test_alerts_gap_cases_and_captured_suggestions_on_the_csms_accounts_are_listed(client, org):
    alert(org.account)
    GapCaseFactory(account=org.account)
    SuggestedStakeholderFactory(account=org.account, name="Nadia Brooks")
    PersonSignalFactory(stakeholder=StakeholderFactory(account=org.account, name="Omar Petrov"))
    dismissed = AccountFactory(name="Quiet Co", team=org.team, owner=org.csm)
    alert(dismissed, dismissed_at=timezone.now(), dismissed_reason="Known: holidays.")
    client.force_login(org.csm)
    response = client.get(DAY)
    assert "Engagement dropped" in section(response, "alerts")
    assert "Quiet Co" not in section(response, "alerts")  # dismissed: no longer new
    gaps = section(response, "gaps")
    case = org.account.gap_cases.get()
    assert f'href="{case.get_absolute_url()}"' in gaps
    captured = section(response, "captured")
    assert "Nadia Brooks" in captured
    assert "Omar Petrov" in captured
    assert f'href="{org.account.get_absolute_url()}#captured"' in captured


def test_each_section_says_when_it_is_empty(client, org):
    Account.objects.all().delete()
    client.force_login(org.csm)
    response = client.get(DAY)
    assert "Nothing due today" in response.text
    assert "No renewal in the next 90 days" in response.text
    assert "No new alert" in response.text
    assert "No open gap case" in response.text
    assert "Nothing waiting for a decision" in response.text
    assert "No active account here yet" in response.text


def test_a_section_caps_its_rows_and_links_to_the_whole_list(client, org):
    for n in range(21):
        TaskFactory(account=org.account, title=f"Chore {n}", due_on=today())
    client.force_login(org.csm)
    tasks = section(client.get(DAY), "tasks")
    assert tasks.count('class="list-group-item task-row') == 20
    assert "see them all" in tasks


def test_the_portfolio_counts_quadrants_score_bands_and_the_arr_at_risk(org):
    """ARR at risk: accounts marked at risk, and those scoring under 2.5, each counted once;
    churned and archived accounts are not in the portfolio."""

    def account(name, **fields):
        AccountFactory(name=name, team=org.team, owner=org.csm, **fields)

    Account.objects.filter(pk=org.account.pk).delete()
    account("A", relationship_score=Decimal("1.80"), arr=Decimal("10000"), quadrant="reassess")
    account("B", relationship_score=Decimal("2.49"), arr=Decimal("20000"),
            status=Account.Status.AT_RISK)  # fmt: skip
    account("C", relationship_score=Decimal("4.20"), arr=Decimal("40000"),
            status=Account.Status.AT_RISK, quadrant="customer_success")  # fmt: skip
    account("D", relationship_score=Decimal("5.00"), arr=Decimal("80000"),
            quadrant="customer_success")  # fmt: skip
    account("E", arr=Decimal("160000"))
    account("F", relationship_score=Decimal("1.00"), arr=Decimal("320000"),
            status=Account.Status.CHURNED)  # fmt: skip
    strip = my_day(user=org.csm, csm=None, today=today())["portfolio"]
    assert strip["total"] == 5
    assert strip["arr_at_risk"] == Decimal("70000")  # A + B + C
    assert strip["at_risk"] == 3
    assert dict(strip["scores"]) == {"1-2": 1, "2-3": 1, "3-4": 0, "4-5": 2, "none": 1}
    quadrants = {code: count for code, _, count in strip["quadrants"]}
    assert quadrants["customer_success"] == 2
    assert quadrants["reassess"] == 1
    assert quadrants[""] == 2


# --- working the day ----------------------------------------------------------------------------


def test_completing_a_task_from_my_day_removes_it_from_the_list(client, org):
    task = TaskFactory(account=org.account, title="Send the QBR deck", due_on=today())
    client.force_login(org.csm)
    page = section(client.get(DAY), "tasks")
    # the page's row posts to the task's own endpoint and swaps itself
    assert f'hx-post="{reverse("task_complete", args=[task.pk])}"' in page
    assert 'data-open-only="day-tasks-empty"' in page
    row = client.post(reverse("task_complete", args=[task.pk]), headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert "task-row task-done" in row.text  # the answer the page drops from its list
    assert "Send the QBR deck" not in section(client.get(DAY), "tasks")


def test_login_without_a_next_page_lands_on_my_day(client, org):
    from tests.factories import PASSWORD

    response = client.post("/login/", {"username": "csm@example.com", "password": PASSWORD})
    assert response.url == DAY


@pytest.mark.parametrize("role", ["csm", "manager", "admin"])
def test_my_day_is_first_in_the_navigation_bar(client, org, role):
    client.force_login(getattr(org, role))
    nav = client.get(DAY).text.split('class="navbar-nav', 1)[1]
    assert nav.index(f'href="{DAY}"') < nav.index('href="/"')
