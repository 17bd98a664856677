"""Every route that takes a form, found in the URL configuration: a post with every field of the
form left out is refused with 422 and writes nothing. The routes whose post needs no input (an
action, not a form) are listed, each with what its post does; a new route is one or the other."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils.timezone import now

from accounts.models import SavedView
from api.services import api_token_create
from core.models import ChatHook
from relationships.activity.views import QUICKLOG_FORMS
from relationships.models import Alert
from tests.capture.factories import (
    CalendarFeedFactory,
    MailboxFactory,
    PersonSignalFactory,
    SuggestedStakeholderFactory,
    captured_interaction,
)
from tests.factories import (
    CampaignFactory,
    FeedbackItemFactory,
    GapCaseFactory,
    InvitationFactory,
    OpenItemFactory,
    StakeholderFactory,
    TaskFactory,
    invitation_token,
)

PROJECT_APPS = ("accounts", "api", "capture", "core", "dataio", "relationships", "surveys")
ACTIONS = {
    "account_archive": "archives the account",
    "account_restore": "restores the account",
    "stakeholder_left": "marks the person as having left (or undoes it)",
    "open_item_close": "closes the item",
    "gap_action_toggle": "ticks the playbook action (or unticks it)",
    "task_complete": "marks the task done",
    "task_reopen": "opens the task again",
    "alert_restore": "puts the alert back in Needs attention",
    "campaign_cancel": "cancels the campaign",
    "feedback_acknowledge": "acknowledges the feedback",
    "survey_opt_out": "opts the person out (one-click unsubscribe)",
    "logout": "signs out",
    **{
        f"{kind}_{action}": f"{done} the {what}"
        for kind, what in (("mailbox", "mailbox"), ("feed", "calendar"))
        for action, done in (
            ("pause", "pauses"),
            ("resume", "resumes"),
            ("read", "queues a read of"),
            ("remove", "removes"),
        )
    },  # fmt: skip
    "suggestion_accept": "adds the suggested person as a stakeholder",
    "suggestion_dismiss": "dismisses the suggestion",
    "signal_confirm": "marks the person as having left",
    "signal_dismiss": "says the person has not left",
    "captured_hide": "removes the captured message's text",
    "api_token_revoke": "revokes the user's API token",
    "notifications_read": "marks the notifications shown as read",
    "notifications_read_all": "marks every notification up to the newest the page knew of read",
    "chat_hook_remove": "removes the user's chat hook",
    "chat_hook_test": "sends a test message to the user's chat hook",
    "saved_view_delete": "deletes the user's saved view",
}
SIGNED_OUT = {"login"}


def routes(patterns=None, prefix=""):
    """(route, name) of every URL pattern but the admin's and the JSON API's."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            # the JSON API answers its refusals in JSON: tests/api/test_refusals.py
            if pattern.app_name != "admin" and pattern.namespace != "api":
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name


ROUTES = {name: route for route, name in routes()}


def database_state() -> dict:
    """Every row of the project's tables."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for name in PROJECT_APPS
        for model in apps.get_app_config(name).get_models()
    }


@pytest.fixture
def addresses(org):
    """The addresses of a route, for a row of each kind the routes name."""
    person = StakeholderFactory(account=org.account)
    case = GapCaseFactory(account=org.account)
    invitation = InvitationFactory(account=org.account, stakeholder=person)
    alert = Alert.objects.create(
        account=org.account, kind="score_drop", key="score_drop", reason="-", first_seen=now()
    )
    rows = {
        "accounts": org.account.pk,
        "stakeholders": person.pk,
        "open-items": OpenItemFactory(account=org.account).pk,
        "gaps": case.pk,
        "gaps/actions": case.actions.first().pk,
        "campaigns": CampaignFactory().pk,
        "survey-templates": invitation.campaign.template.pk,
        "feedback": FeedbackItemFactory(account=org.account).pk,
        "capture/mailboxes": MailboxFactory(owner=org.admin).pk,
        "capture/calendars": CalendarFeedFactory(owner=org.admin).pk,
        "capture/suggestions": SuggestedStakeholderFactory(account=org.account).pk,
        "capture/signals": PersonSignalFactory(stakeholder=person).pk,
        "capture/interactions": captured_interaction(org.account, person=person).interaction_id,
        "preferences/tokens": api_token_create(user=org.admin, name="CRM sync")[0].pk,
        "tasks": TaskFactory(account=org.account).pk,
        "attention": alert.pk,
        "views": SavedView.objects.create(owner=org.admin, name="Mine", query="").pk,
        "preferences/chat": ChatHook.objects.create(
            user=org.admin, kind="slack", url="-", events=["test"]
        ).pk,
    }

    def urls(name: str) -> list[str]:
        route = ROUTES[name]
        kwargs = {}
        if "<int:pk>" in route:
            kwargs["pk"] = rows[route.split("/<")[0]]
        if "<int:account_pk>" in route:
            kwargs["account_pk"] = org.account.pk
        if "<str:token>" in route:
            kwargs["token"] = invitation_token(invitation)
        if "<slug:kind>" in route:
            return [reverse(name, kwargs={**kwargs, "kind": kind}) for kind in QUICKLOG_FORMS]
        return [reverse(name, kwargs=kwargs)]

    return urls


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_an_empty_form_is_refused_with_422_and_writes_nothing(name, org, addresses):
    client = Client()
    if name not in SIGNED_OUT:
        client.force_login(org.admin)
    for url in addresses(name):
        before = database_state()
        response = client.post(url, {"no-such-field": ""})  # bound, but with nothing filled
        if response.status_code == 405:
            assert name not in ACTIONS, f"{url} takes no POST: remove it from ACTIONS"
            continue  # not a form: the route takes no POST
        if name in ACTIONS:
            continue
        assert response.status_code == 422, f"{url} answered {response.status_code}"
        assert database_state() == before, f"{url} refused the form but wrote"
