"""Every URL of the project, checked for every role.

The walk over the URL configuration fails when a pattern has no entry in MATRIX, so each new
URL must say here who may use it. Roles: anonymous, a CSM of the owning team, a CSM of another
team (the outsider), the owning team's manager, an admin.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import ChatHook
from surveys.models import SurveyTemplate
from tests.capture.factories import (
    CalendarFeedFactory,
    MailboxFactory,
    PersonSignalFactory,
    SuggestedStakeholderFactory,
    captured_interaction,
)
from tests.factories import (
    FeedbackItemFactory,
    GapCaseFactory,
    InvitationFactory,
    OpenItemFactory,
    StakeholderFactory,
    invitation_token,
)

ROLES = ("anonymous", "csm", "outsider", "manager", "admin")

OK, LOGIN, NOT_FOUND, ADMIN_LOGIN, HOME = "ok", "login", "404", "admin login", "my day"
BACK = "back to the account page"
CASE = "back to the gap case page"
CAMPAIGN = "back to the campaign page"
FORBIDDEN = "403"
REFUSED = "422: the form again, with its errors"
PUBLIC = dict.fromkeys(ROLES, OK)
SIGNED_IN = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}
TEAM_ONLY = {**SIGNED_IN, "outsider": NOT_FOUND}
TEAM_ONLY_CHANGE = {**dict.fromkeys(ROLES, BACK), "anonymous": LOGIN, "outsider": NOT_FOUND}
TEAM_ONLY_CASE_CHANGE = {**TEAM_ONLY_CHANGE, **dict.fromkeys(("csm", "manager", "admin"), CASE)}
STAFF_ONLY = {**dict.fromkeys(ROLES, ADMIN_LOGIN), "anonymous": LOGIN, "admin": OK}
MANAGERS_ONLY = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "manager": OK, "admin": OK}
TEAM_MANAGERS_ONLY = {**TEAM_ONLY, "csm": FORBIDDEN}
TEAM_MANAGERS_ONLY_CHANGE = {**TEAM_ONLY_CHANGE, "csm": FORBIDDEN}
SOURCES = "back to the Mail and calendar page"
TOKENS = "back to the API tokens"
CAPTURED = "back to the captured message page"
# A user's own mailboxes and calendars (the csm's here): no one else's, whatever their role.
OWNER_ONLY = {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": LOGIN, "csm": OK}
OWNER_ONLY_CHANGE = {**OWNER_ONLY, "csm": SOURCES}
# A user's own notifications and chat hooks: after a change, back to a page of theirs.
NOTIFICATIONS, PREFERENCES = "to /notifications/", "to /preferences/"
OWN_CHAT_HOOK_CHANGE = {**OWNER_ONLY, "csm": PREFERENCES}
TEAM_ONLY_CAPTURED_CHANGE = {
    **TEAM_ONLY_CHANGE,
    **dict.fromkeys(("csm", "manager", "admin"), CAPTURED),
}


@dataclass
class Route:
    expect: dict[str, str]
    args: Callable = lambda org: []
    method: str = "get"
    data: dict | Callable = field(default_factory=dict)


def a_stakeholder(org):
    return [StakeholderFactory(account=org.account).pk]


def an_open_item(org):
    return [OpenItemFactory(account=org.account).pk]


def a_gap_case(org):
    return [GapCaseFactory(account=org.account).pk]


def a_gap_action(org):
    return [GapCaseFactory(account=org.account).actions.get().pk]


def a_campaign(org):
    return [InvitationFactory(account=org.account, stakeholder__account=org.account).campaign.pk]


def a_survey_link(org):
    return [invitation_token(InvitationFactory(stakeholder__account=org.account))]


def a_feedback_item(org):
    return [FeedbackItemFactory(account=org.account).pk]


def a_mailbox(org):
    return [MailboxFactory(owner=org.csm).pk]


def a_calendar_feed(org):
    return [CalendarFeedFactory(owner=org.csm).pk]


def a_suggestion(org):
    return [SuggestedStakeholderFactory(account=org.account).pk]


def a_departure(org):
    return [PersonSignalFactory(stakeholder__account=org.account).pk]


def a_chat_hook(org):
    return [ChatHook.objects.create(user=org.csm, kind="slack", url="-", events=["test"]).pk]


def a_captured_interaction(org):
    return [captured_interaction(org.account).interaction_id]


def an_api_token(org):
    from api.services import api_token_create

    return [api_token_create(user=org.csm, name="CRM sync")[0].pk]


def a_saved_view(org):
    """The CSM's view, shared with their team (the manager sees it, the outsider does not)."""
    from accounts.models import SavedView

    name = f"At risk {SavedView.objects.count()}"
    view = SavedView.objects.create(owner=org.csm, name=name, query="status=at_risk", shared=True)
    return [view.pk]


def a_task(org):
    from tests.factories import TaskFactory

    return [TaskFactory(account=org.account).pk]


def an_alert(org):
    from django.utils import timezone

    from relationships.models import Alert

    alert = Alert.objects.create(
        account=org.account,
        kind="score_drop",
        key=f"score_drop{Alert.objects.count()}",
        reason="The score fell.",
        first_seen=timezone.now(),
    )
    return [alert.pk]


def a_day(days: int) -> str:
    import datetime as dt

    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def a_case_of_its_own(org):
    """A gap case on an account of its own (an account has one open case at a time)."""
    from tests.factories import AccountFactory

    return [GapCaseFactory(account=AccountFactory(team=org.team, owner=org.csm)).pk]


def source_routes(kind: str, source) -> dict[str, "Route"]:
    """A source's row (polled while it is read) and its actions, as its owner alone uses them."""
    return {
        f"{kind}_edit": Route(OWNER_ONLY, args=source),
        f"{kind}_status": Route(OWNER_ONLY, args=source),
        **{
            f"{kind}_{action}": Route(OWNER_ONLY_CHANGE, args=source, method="post")
            for action in ("pause", "resume", "read", "remove")
        },
    }


MATRIX: dict[str, Route] = {
    "home": Route(SIGNED_IN),
    "account_new": Route(MANAGERS_ONLY),
    "account_detail": Route(TEAM_ONLY, args=lambda org: [org.account.pk]),
    # GET asks to confirm; the POST that archives is tested in tests/accounts
    "account_archive": Route(TEAM_MANAGERS_ONLY, args=lambda org: [org.account.pk]),
    "account_restore": Route(
        TEAM_MANAGERS_ONLY_CHANGE, args=lambda org: [org.account.pk], method="post"
    ),
    "account_edit": Route(TEAM_ONLY, args=lambda org: [org.account.pk]),
    "account_history": Route(TEAM_ONLY, args=lambda org: [org.account.pk]),
    # the account page's sections, each from the app that owns it
    **{
        name: Route(TEAM_ONLY, args=lambda org: [org.account.pk])
        for name in (
            *("account_score", "account_gaps", "account_usage", "account_people"),
            *("account_activity", "account_competitors", "account_goals", "account_surveys"),
        )
    },
    "attention": Route(SIGNED_IN),
    # tasks: whoever sees the account works them; after a plain post, back to My tasks
    "task_list": Route(SIGNED_IN),
    "account_tasks": Route(TEAM_ONLY, args=lambda org: [org.account.pk]),
    "task_new": Route(
        TEAM_ONLY_CHANGE,
        args=lambda org: [org.account.pk],
        method="post",
        data=lambda org: {
            "task-title": "Send the renewal quote",
            "task-due_on": a_day(2),
            "task-priority": "normal",
            "task-owner": org.csm.pk,
        },
    ),
    **{
        f"task_{action}": Route(
            {**TEAM_ONLY_CHANGE, **dict.fromkeys(("csm", "manager", "admin"), "to /tasks/")},
            args=a_task,
            method="post",
            data=data,
        )
        for action, data in (
            ("complete", {}),
            ("reopen", {}),
            ("snooze", lambda org: {"until": a_day(3)}),
            ("dismiss", {"reason": "Done by phone."}),
        )
    },
    # the alerts of Needs attention, worked by whoever sees the account; back to the page
    **{
        f"alert_{action}": Route(
            {**TEAM_ONLY_CHANGE, **dict.fromkeys(("csm", "manager", "admin"), "to /attention/")},
            args=an_alert,
            method="post",
            data=data,
        )
        for action, data in (
            ("assign", lambda org: {"to": org.teammate.pk}),
            ("snooze", lambda org: {"until": a_day(3)}),
            ("dismiss", {"reason": "Known: a reorganisation."}),
            ("restore", {}),
            ("task", lambda org: {"title": "Call", "due_on": a_day(1), "priority": "high"}),
        )
    },
    "stakeholder_create": Route(TEAM_ONLY, args=lambda org: [org.account.pk]),
    "stakeholder_detail": Route(TEAM_ONLY, args=a_stakeholder),
    "moments_report": Route(SIGNED_IN),
    "stakeholder_edit": Route(TEAM_ONLY, args=a_stakeholder),
    "activity_log": Route(
        TEAM_ONLY_CHANGE,
        args=lambda org: [org.account.pk, "pulse"],
        method="post",
        data={"pulse-happiness": "4", "pulse-checked_on": "2026-01-05"},
    ),
    "account_timeline": Route(TEAM_ONLY, args=lambda org: [org.account.pk]),
    "open_item_close": Route(TEAM_ONLY_CHANGE, args=an_open_item, method="post"),
    "stakeholder_left": Route(TEAM_ONLY_CHANGE, args=a_stakeholder, method="post"),
    "gap_board": Route(SIGNED_IN),
    "gap_detail": Route(TEAM_ONLY, args=a_gap_case),
    "gap_move": Route(
        TEAM_ONLY_CASE_CHANGE, args=a_gap_case, method="post", data={"to": "acknowledged"}
    ),
    "gap_edit": Route(
        TEAM_ONLY_CASE_CHANGE,
        args=a_gap_case,
        method="post",
        data=lambda org: {"owner": org.csm.pk, "due_on": "2026-12-24", "version": 0},
    ),
    "gap_action_toggle": Route(TEAM_ONLY_CASE_CHANGE, args=a_gap_action, method="post"),
    "quadrant_board": Route(SIGNED_IN),
    "competitor_overview": Route(SIGNED_IN),
    "goals_rollup": Route(SIGNED_IN),
    # an empty rating: the team sees the form again with its errors
    "competitor_rating_add": Route(
        {**TEAM_ONLY, **dict.fromkeys(("csm", "manager", "admin"), REFUSED)},
        args=lambda org: [org.account.pk],
        method="post",
    ),
    "campaign_list": Route(SIGNED_IN),
    "campaign_new": Route(SIGNED_IN),
    "campaign_detail": Route(TEAM_ONLY, args=a_campaign),
    # someone else created it: only an admin may cancel it
    "campaign_cancel": Route(
        {**TEAM_ONLY_CHANGE, "csm": FORBIDDEN, "manager": FORBIDDEN, "admin": CAMPAIGN},
        args=a_campaign,
        method="post",
    ),
    "survey_template_preview": Route(
        SIGNED_IN, args=lambda org: [SurveyTemplate.objects.get(slug="relationship-check").pk]
    ),
    "feedback_acknowledge": Route(TEAM_ONLY_CHANGE, args=a_feedback_item, method="post"),
    "feedback_act": Route(
        TEAM_ONLY_CHANGE, args=a_feedback_item, method="post", data={"note": "Called them."}
    ),
    "survey_answer": Route(PUBLIC, args=a_survey_link),
    "survey_opt_out": Route(PUBLIC, args=a_survey_link),
    "healthz": Route(PUBLIC),
    "login": Route({**dict.fromkeys(ROLES, HOME), "anonymous": OK}),
    "logout": Route({**dict.fromkeys(ROLES, LOGIN)}, method="post"),
    "password_change": Route(SIGNED_IN),
    "preferences": Route(SIGNED_IN),
    # the bell and the notifications: each user's own (filtered by the accounts they see)
    "notifications": Route(SIGNED_IN),
    "notifications_bell": Route(SIGNED_IN),
    "notifications_read": Route(
        {**dict.fromkeys(ROLES, NOTIFICATIONS), "anonymous": LOGIN}, method="post"
    ),
    "notifications_read_all": Route(
        {**dict.fromkeys(ROLES, NOTIFICATIONS), "anonymous": LOGIN}, method="post"
    ),
    "chat_hooks": Route(SIGNED_IN),
    # an empty form: the user sees it again with its errors
    "chat_hook_add": Route({**dict.fromkeys(ROLES, REFUSED), "anonymous": LOGIN}, method="post"),
    "chat_hook_remove": Route(OWN_CHAT_HOOK_CHANGE, args=a_chat_hook, method="post"),
    "chat_hook_test": Route(OWN_CHAT_HOOK_CHANGE, args=a_chat_hook, method="post"),
    "password_change_done": Route(SIGNED_IN),
    "import_upload": Route(MANAGERS_ONLY),
    "report_export": Route(SIGNED_IN),
    # mail and calendar capture: a user's own sources; an account's findings, for its team
    "capture_sources": Route(SIGNED_IN),
    "mailbox_new": Route(SIGNED_IN),
    "feed_new": Route(SIGNED_IN),
    **source_routes("mailbox", a_mailbox),
    **source_routes("feed", a_calendar_feed),
    "account_captured": Route(TEAM_ONLY, args=lambda org: [org.account.pk]),
    "suggestion_accept": Route(TEAM_ONLY_CHANGE, args=a_suggestion, method="post"),
    "suggestion_dismiss": Route(TEAM_ONLY_CHANGE, args=a_suggestion, method="post"),
    "signal_confirm": Route(TEAM_ONLY_CHANGE, args=a_departure, method="post"),
    "signal_dismiss": Route(TEAM_ONLY_CHANGE, args=a_departure, method="post"),
    "captured_message": Route(TEAM_ONLY, args=a_captured_interaction),
    "captured_sentiment": Route(
        TEAM_ONLY_CAPTURED_CHANGE,
        args=a_captured_interaction,
        method="post",
        data={"sentiment": "1"},
    ),
    "captured_hide": Route(TEAM_ONLY_CAPTURED_CHANGE, args=a_captured_interaction, method="post"),
    # search: what the user may see of everything (tests/desk/test_search.py: no outsider's data)
    "search": Route(SIGNED_IN),
    # My day: the user's own (a manager's team's); tests/desk/test_my_day.py: no outsider's data
    "my_day": Route(SIGNED_IN),
    # personal API tokens: a user's own (the JSON API's routes are in tests/api/test_access.py)
    "api_tokens": Route(SIGNED_IN),
    "api_token_revoke": Route({**OWNER_ONLY, "csm": TOKENS}, args=an_api_token, method="post"),
    # bulk actions of the account list: on accounts the user may see; any other is refused
    "accounts_bulk": Route(
        {**dict.fromkeys(ROLES, "to /"), "anonymous": LOGIN, "outsider": REFUSED},
        method="post",
        data=lambda org: {"action": "status", "status": "at_risk", "accounts": [org.account.pk]},
    ),
    # the gap board's bulk actions: on cases the user may see; any other is refused
    "gap_bulk": Route(
        {**TEAM_ONLY_CASE_CHANGE, "outsider": REFUSED},
        method="post",
        data=lambda org: {"action": "move", "to": "acknowledged", "cases": a_case_of_its_own(org)},
    ),
    # saved views of the account list: a user's own, and their teammates' shared ones
    "saved_views": Route(SIGNED_IN),
    "saved_view_edit": Route(
        {**OWNER_ONLY, "csm": "to /views/"},
        args=a_saved_view,
        method="post",
        data=lambda org: {"name": f"Renewals {uuid.uuid4()}"},
    ),
    "saved_view_delete": Route(
        {**OWNER_ONLY, "csm": "to /views/"}, args=a_saved_view, method="post"
    ),
    # making a view one's default: the owner and a teammate (the manager); a view one may not
    # open is refused
    "saved_view_default": Route(
        {**dict.fromkeys(ROLES, REFUSED), "anonymous": LOGIN, "csm": "to /", "manager": "to /"},
        method="post",
        data=lambda org: {"view": a_saved_view(org)[0]},
    ),
}
# The configuration admin: one entry for the whole namespace, checked on these pages.
ADMIN_SAMPLES = [
    "admin:index",
    "admin:accounts_account_changelist",
    "admin:accounts_user_changelist",
]


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (
                f"{namespace}{pattern.name}"
                if pattern.name
                else f"{namespace}<unnamed {pattern.pattern}>"
            )


def test_every_url_pattern_has_an_access_rule():
    missing = sorted(
        name
        for name in set(url_names())
        if name not in MATRIX and not name.startswith(("admin:", "api:"))
    )
    assert missing == [], f"add these URL names to MATRIX in {__file__}"


def user_for(org, role):
    return None if role == "anonymous" else getattr(org, role)


def assert_outcome(response, outcome, url, org):
    if outcome == OK:
        assert response.status_code == 200, url
    elif outcome == NOT_FOUND:
        assert response.status_code == 404, url
    elif outcome == FORBIDDEN:
        assert response.status_code == 403, url
    elif outcome == REFUSED:
        assert response.status_code == 422, url
    elif outcome == LOGIN:
        assert response.status_code == 302, url
        assert response.url.startswith(("/login/", "/admin/login/")), url
    elif outcome == ADMIN_LOGIN:
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/"), url
    elif outcome == BACK:
        assert response.status_code == 302, url
        assert response.url == org.account.get_absolute_url(), url
    elif outcome == CASE:
        assert response.status_code == 302, url
        assert response.url.startswith("/gaps/"), url
    elif outcome == CAMPAIGN:
        assert response.status_code == 302, url
        assert response.url.startswith("/campaigns/"), url
    elif outcome == SOURCES:
        assert response.status_code == 302, url
        assert response.url == "/capture/", url
    elif outcome == TOKENS:
        assert response.status_code == 302, url
        assert response.url == "/preferences/tokens/", url
    elif outcome == CAPTURED:
        assert response.status_code == 302, url
        assert response.url.startswith("/capture/interactions/"), url
    elif outcome.startswith("to /"):
        assert response.status_code == 302, url
        assert response.url == outcome.removeprefix("to "), url
    elif outcome == HOME:
        assert response.status_code == 302, url
        assert response.url == "/day/", url
    else:
        pytest.fail(f"unknown outcome {outcome}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(client, org, name, role):
    route = MATRIX[name]
    url = reverse(name, args=route.args(org))
    if user := user_for(org, role):
        client.force_login(user)
    data = route.data(org) if callable(route.data) else route.data
    response = getattr(client, route.method)(url, data)
    assert_outcome(response, route.expect[role], url, org)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ADMIN_SAMPLES)
def test_access_matrix_admin(client, org, name, role):
    if user := user_for(org, role):
        client.force_login(user)
    url = reverse(name)
    assert_outcome(client.get(url), STAFF_ONLY[role], url, org)
