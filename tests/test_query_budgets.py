"""Query budgets: every page answers in at most 12 SQL queries and every htmx fragment in at
most 6, the same number whether an account has one of everything or many.

The routes come from the access matrix (tests/test_access_matrix.py), so a new URL is budgeted
as soon as it has an access rule. Each GET route is read by a role allowed to see it, once as a
page and once per htmx target the templates ask it for, before and after the organisation grows,
in the steady state (a first request of the same URL has filled the cache).
"""

import datetime as dt

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.models import UsageSnapshot
from relationships.models import Alert
from relationships.scoring.recompute import scores_recompute
from tests.capture.factories import (
    CalendarFeedFactory,
    MailboxFactory,
    PersonSignalFactory,
    SuggestedStakeholderFactory,
    captured_interaction,
)
from tests.factories import (
    AccountFactory,
    CompetitorRatingFactory,
    FeedbackItemFactory,
    GapCaseFactory,
    InteractionFactory,
    InvitationFactory,
    MomentFactory,
    OpenItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
    TaskFactory,
)
from tests.test_access_matrix import BACK, MATRIX, OK

PAGE_BUDGET = 12
FRAGMENT_BUDGET = 6
# The htmx requests each GET route serves, by the target the templates swap them into: the
# account page's sections come from their own addresses.
FRAGMENTS = {
    "home": ["account-results"],
    "account_edit": ["profile"],
    "account_score": ["score"],
    "account_gaps": ["gaps"],
    "account_usage": ["usage"],
    "account_people": ["people"],
    "account_activity": ["activity"],
    "activity_log": ["quicklog-pulse"],  # a quick-log tab's blank form
    "account_timeline": ["timeline", "timeline-more"],
    "account_competitors": ["competitors"],
    "account_goals": ["goals"],
    "account_surveys": ["survey-section"],
    "stakeholder_create": ["people"],
    "stakeholder_edit": ["people"],
    "gap_board": ["gap-board"],
    "quadrant_board": ["results"],
    "competitor_overview": ["results"],
    "goals_rollup": ["results"],
    "account_captured": ["captured"],
    "mailbox_new": ["mailboxes"],
    "mailbox_edit": ["mailboxes"],
    "mailbox_status": ["mailbox-row"],
    "feed_new": ["feeds"],
    "feed_edit": ["feeds"],
    "feed_status": ["feed-row"],
    "notifications_bell": ["notification-bell"],
    "notifications": ["notification-menu"],
    "chat_hooks": ["chat-hooks"],
    "search": ["search-suggestions"],
}
MONTH = dt.timedelta(days=31)


def grow(org, count: int) -> None:
    """`count` more of everything an account page, a board or a report shows."""
    account = org.account
    people = StakeholderFactory.create_batch(
        count, account=account, email=factory.Sequence(lambda n: f"p{n}@customer.example")
    )
    today = timezone.localdate()
    latest = account.usage.order_by("-period_start").values_list("period_start", flat=True)
    start = (latest.first() or today - 50 * MONTH) + MONTH
    for n, person in enumerate(people):
        InteractionFactory(account=account, stakeholders=[person, people[0]])
        MomentFactory(account=account, stakeholder=person)
        OpenItemFactory(account=account, stakeholder=person)
        PulseCheckFactory(account=account, csm=org.csm)
        CompetitorRatingFactory(stakeholder=person)
        FeedbackItemFactory(account=account, stakeholder=person)
        InvitationFactory(account=account, stakeholder=person)
        UsageSnapshot.objects.create(
            account=account, period_start=(start + n * MONTH).replace(day=1), active_users=n
        )
        GapCaseFactory(account=AccountFactory(team=org.team, owner=org.csm))
        # what capture keeps: the CSM's sources, and findings and messages on the account
        MailboxFactory(owner=org.csm)
        CalendarFeedFactory(owner=org.csm)
        SuggestedStakeholderFactory(account=account)
        PersonSignalFactory(stakeholder=person)
        captured_interaction(account, person=person)
        TaskFactory(account=account, stakeholder=person, title=f"Call {person.name}")
    # two snapshots a week apart: the score card explains what moved between them
    scores_recompute(account_ids=[account.pk], day=today - dt.timedelta(days=7))
    scores_recompute(account_ids=[account.pk])
    # alerts on "Needs attention", each given to someone (after the recompute, which would
    # drop them: their condition does not hold)
    Alert.objects.bulk_create(
        Alert(
            account=account, stakeholder=person, kind=Alert.Kind.ENGAGEMENT_DROP,
            key=f"worked:{person.pk}", reason="Engagement fell.", first_seen=timezone.now(),
            assigned_to=org.teammate,
        )
        for person in people
    )  # fmt: skip


def reader(org, name):
    """A user allowed to read `name` (or to write through it): the owning CSM, or the manager
    where CSMs may not."""
    expect = MATRIX[name].expect
    allowed = (OK, BACK)
    role = next(role for role in ("csm", "manager", "anonymous") if expect[role] in allowed)
    return None if role == "anonymous" else getattr(org, role)


GET_ROUTES = sorted(
    name
    for name, route in MATRIX.items()
    if route.method == "get" and any(outcome == OK for outcome in route.expect.values())
)
CASES = [(name, None) for name in GET_ROUTES] + [
    (name, target) for name, targets in FRAGMENTS.items() for target in targets
]


def queries(client, url, target) -> int:
    headers = {"HX-Request": "true", "HX-Target": target} if target else {}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(("name", "target"), CASES, ids=[f"{n}-{t or 'page'}" for n, t in CASES])
def test_query_budget(client, org, name, target):
    grow(org, 1)
    if user := reader(org, name):
        client.force_login(user)
    url = reverse(name, args=MATRIX[name].args(org))
    queries(client, url, target)  # warm: the session and the catalogs come from the cache
    small = queries(client, url, target)
    grow(org, 7)
    large = queries(client, url, target)
    budget = FRAGMENT_BUDGET if target else PAGE_BUDGET
    assert (small, large) == (small, small), f"{url} grows with the data: {small} -> {large}"
    assert small <= budget, f"{url} ({target or 'page'}) runs {small} queries, budget {budget}"


def account_writes(client, org) -> list[int]:
    """The queries of creating an account, archiving it and restoring it, as a manager."""
    data = {"name": "Initech", "team": org.team.pk, "owner": org.csm.pk, "status": "active"}
    with CaptureQueriesContext(connection) as captured:
        created = client.post(reverse("account_new"), data)
    assert created.status_code == 302
    counts = [len(captured)]
    pk = resolve(created.url).kwargs["pk"]
    for name in ("account_archive", "account_restore"):
        with CaptureQueriesContext(connection) as captured:
            assert client.post(reverse(name, args=[pk])).status_code == 302
        counts.append(len(captured))
    return counts


def test_account_writes_cost_the_same_whatever_the_data(client, org):
    client.force_login(org.manager)
    grow(org, 1)
    account_writes(client, org)  # warm
    small = account_writes(client, org)
    grow(org, 7)
    assert account_writes(client, org) == small


@pytest.mark.parametrize("target", [None, "search-suggestions"], ids=["page", "dropdown"])
def test_search_costs_the_same_whatever_it_finds(client, org, target):
    """The search results page and the navigation bar's dropdown, with a query that finds more
    of every kind as the organisation grows: two queries for the page (the count, the page of
    results), one for the dropdown, besides the session's."""
    client.force_login(org.csm)
    grow(org, 1)
    url = reverse("search") + "?q=acme+director+interaction+promise+tickets"
    url_each = [url.replace("?q=acme+director+interaction+promise+tickets", f"?q={word}")
                for word in ("acme", "director", "interaction", "promise", "tickets")]  # fmt: skip
    queries(client, url, target)
    small = [queries(client, each, target) for each in url_each]
    grow(org, 7)
    large = [queries(client, each, target) for each in url_each]
    budget = FRAGMENT_BUDGET if target else PAGE_BUDGET
    assert large == small, f"search grows with the data: {small} -> {large}"
    assert max(small) <= budget


def fill_the_day(org, count: int) -> None:
    """`count` more of everything My day lists, on accounts of the CSM's and of a teammate's."""
    today = timezone.localdate()
    for n in range(count):
        for owner in (org.csm, org.teammate):
            account = AccountFactory(
                team=org.team, owner=owner, renewal_date=today + dt.timedelta(days=n + 1),
                arr=1000 * (n + 1), relationship_score=1 + n % 4, quadrant="reassess",
            )  # fmt: skip
            person = StakeholderFactory(account=account)
            TaskFactory(account=account, stakeholder=person, due_on=today - dt.timedelta(days=n))
            GapCaseFactory(account=account)
            SuggestedStakeholderFactory(account=account)
            PersonSignalFactory(stakeholder=person)
            Alert.objects.create(
                account=account, stakeholder=person, kind=Alert.Kind.ENGAGEMENT_DROP,
                key=f"day:{person.pk}", reason="Engagement fell.", first_seen=timezone.now(),
            )  # fmt: skip


@pytest.mark.parametrize(
    ("role", "query"),
    [("csm", ""), ("manager", ""), ("manager", "?csm={teammate}")],
    ids=["csm", "manager-team", "manager-one-csm"],
)
def test_my_day_costs_the_same_whatever_the_day_holds(client, org, role, query):
    """My day with 2 and with 30 rows in each of its sections (past its cap of 20)."""
    client.force_login(getattr(org, role))
    url = reverse("my_day") + query.format(teammate=org.teammate.pk)
    fill_the_day(org, 1)
    queries(client, url, None)  # warm
    small = queries(client, url, None)
    fill_the_day(org, 14)
    large = queries(client, url, None)
    assert large == small, f"My day grows with the data: {small} -> {large}"
    assert small <= PAGE_BUDGET, f"My day runs {small} queries, budget {PAGE_BUDGET}"
