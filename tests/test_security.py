"""Security gates over the whole site: CSRF on every POST, no method but the ones a route
takes, the response headers of every page, stored script in every free-text field rendered
inert, survey tokens that cannot be guessed, and sessions that end when they should."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relationships.models import Channel, MomentType, Touchpoint
from tests.factories import (
    FeedbackItemFactory,
    GapCaseFactory,
    InvitationFactory,
    StakeholderFactory,
    catalog,
    invitation_token,
)
from tests.pages import section_url
from tests.test_access_matrix import ADMIN_LOGIN, FORBIDDEN, HOME, MATRIX, NOT_FOUND, OK, PUBLIC
from tests.test_stored_markup import injected

# The survey pages are the one exemption: the unguessable token in their URL is the secret a
# CSRF token would be, and their Referrer-Policy makes browsers send "Origin: null"
# (docs/surveys.md).
CSRF_EXEMPT = {name for name, route in MATRIX.items() if route.expect == PUBLIC}
# Pages that show a form on GET and take it back on POST; every other route takes one method.
FORMS = {
    "account_archive",
    "activity_log",  # a quick-log tab's blank form
    "account_edit",
    "account_new",
    "api_tokens",
    "campaign_new",
    "feed_edit",
    "feed_new",
    "import_upload",
    "login",
    "mailbox_edit",
    "mailbox_new",
    "password_change",
    "preferences",
    "saved_views",  # the views, and the form that saves the list's filters as one
    "stakeholder_create",
    "stakeholder_edit",
    "stakeholder_left",
    "survey_answer",
    "survey_opt_out",
}
DJANGO_FORM_VIEWS = {"login", "password_change"}
TURNED_AWAY = {NOT_FOUND, FORBIDDEN, ADMIN_LOGIN, HOME}
POSTS = sorted(
    name
    for name, route in MATRIX.items()
    if (route.method == "post" or name in FORMS) and name not in CSRF_EXEMPT
)
PAGES = sorted(name for name, route in MATRIX.items() if route.method == "get")


@pytest.mark.parametrize("name", POSTS)
def test_every_post_without_a_csrf_token_is_refused(org, name):
    route = MATRIX[name]
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.csm)
    data = route.data(org) if callable(route.data) else route.data
    response = client.post(reverse(name, args=route.args(org)), data)
    assert response.status_code == 403
    assert b"CSRF" in response.content


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_other_method_is_refused(client, org, name):
    route = MATRIX[name]
    # someone the route lets through: an outsider's 404 or a CSM's 403 comes before the method
    role = next(
        (role for role in ("csm", "manager", "admin") if route.expect[role] not in TURNED_AWAY),
        "anonymous",
    )
    if role != "anonymous":
        client.force_login(getattr(org, role))
    url = reverse(name, args=route.args(org))
    allowed = {"get", "post"} if name in FORMS else {route.method}
    if name in DJANGO_FORM_VIEWS:
        allowed.add("put")  # Django's form views take a PUT as a POST
    for method in sorted({"get", "post", "put", "patch", "delete"} - allowed):
        assert getattr(client, method)(url).status_code == 405, f"{method.upper()} {url}"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_carries_the_security_headers(client, org, name):
    route = MATRIX[name]
    role = "csm" if route.expect.get("csm") == OK else "anonymous"
    if role == "csm":
        client.force_login(org.csm)
    response = client.get(reverse(name, args=route.args(org)))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    body = b"".join(response) if response.streaming else response.content
    scripts = re.findall(r"<script[^>]*>", body.decode())
    assert all(' nonce="' in tag for tag in scripts)  # every script runs by its nonce
    if scripts:
        assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    expected = "no-referrer" if name in CSRF_EXEMPT and name != "healthz" else "same-origin"
    assert response.headers["Referrer-Policy"] == expected


# Script, plain HTML and htmx attributes (which htmx would act on even under the CSP).
PAYLOAD = (
    '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
    '<xss-probe hx-post="/logout/" hx-trigger="load">'
)
# The payload's script as text: Django writes a quote as &quot;, Jinja2 (markupsafe) as &#34;.
ESCAPED = tuple(
    f"&lt;script&gt;alert({quote}pwned{quote})&lt;/script&gt;" for quote in ("&quot;", "&#34;")
)


def _now():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _today():
    return timezone.localdate().isoformat()


def _log(kind, fields):
    def post(client, org):
        url = f"/accounts/{org.account.pk}/log/{kind}/"
        return client.post(url, {f"{kind}-{key}": value for key, value in fields(org).items()})

    return post


def _person(org):
    return StakeholderFactory(account=org.account, name="Rita").pk


# Each free-text field a signed-in user can write, and the page that shows it back (a section's
# address opened on its own: the account page with that section in place).
WRITES = {
    "account name and notes": (
        lambda client, org: client.post(
            f"/accounts/{org.account.pk}/edit/",
            {
                "name": PAYLOAD,
                "status": "active",
                "team": org.team.pk,
                "owner": org.csm.pk,
                "notes": PAYLOAD,
                "version": org.account.version,
            },
        ),  # fmt: skip
        lambda org: org.account.get_absolute_url(),
    ),
    "stakeholder name and title": (
        lambda client, org: client.post(
            f"/accounts/{org.account.pk}/stakeholders/new/",
            {
                "name": PAYLOAD,
                "title": PAYLOAD,
                "role": "user",
                "buying_influence": "low",
                "status": "active",
            },
        ),  # fmt: skip
        lambda org: section_url(org.account, "people"),
    ),
    "interaction summary": (
        _log(
            "interaction",
            lambda org: {
                "occurred_at": _now(),
                "channel": catalog(Channel, "call").pk,
                "touchpoint": catalog(Touchpoint, "service").pk,
                "direction": "inbound",
                "sentiment": "0",
                "verbosity": "normal",
                "summary": PAYLOAD,
                "stakeholders": [_person(org)],
            },
        ),  # fmt: skip
        lambda org: section_url(org.account, "activity"),
    ),
    "moment note": (
        _log(
            "moment",
            lambda org: {
                "moment_type": catalog(MomentType, "outage").pk,
                "occurred_on": _today(),
                "emotion": "enraged",
                "intensity": "2",
                "identified_by": "csm",
                "note": PAYLOAD,
            },
        ),  # fmt: skip
        lambda org: section_url(org.account, "activity"),
    ),
    "open item title": (
        _log("open_item", lambda org: {"kind": "ticket", "title": PAYLOAD, "opened_on": _today()}),
        lambda org: section_url(org.account, "activity"),
    ),
    "pulse check note": (
        _log("pulse", lambda org: {"happiness": "3", "checked_on": _today(), "note": PAYLOAD}),
        lambda org: section_url(org.account, "activity"),
    ),
    "gap case notes and move note": (
        lambda client, org: (
            client.post(
                f"/gaps/{GapCaseFactory(account=org.account, pk=900).pk}/edit/",
                {"owner": org.csm.pk, "notes": PAYLOAD, "version": 0},
            ),
            client.post("/gaps/900/move/", {"to": "investigating", "note": PAYLOAD}),
        )[-1],
        lambda org: "/gaps/900/",
    ),
    "feedback action note": (
        lambda client, org: client.post(
            f"/feedback/{FeedbackItemFactory(account=org.account).pk}/acted/", {"note": PAYLOAD}
        ),
        lambda org: section_url(org.account, "survey-section"),
    ),
    "survey free-text answer, as feedback": (
        lambda client, org: _answer_survey(org, PAYLOAD),
        lambda org: section_url(org.account, "survey-section"),
    ),
}


def _answer_survey(org, text):
    """A stakeholder answers only the free-text question of the default survey."""
    from surveys.models import Question

    invitation = InvitationFactory(account=org.account, stakeholder__account=org.account)
    required = Question.objects.filter(template=invitation.campaign.template, required=True)
    answers = {f"q{question.pk}": ANSWERS[question.kind] for question in required}
    question = Question.objects.get(template=invitation.campaign.template, kind="text")
    answers[f"q{question.pk}"] = text
    return Client().post(f"/s/{invitation_token(invitation)}/", answers)


ANSWERS = {"scale": "4", "nps": "8", "trust": "high", "respect": "high"}


@pytest.mark.parametrize("field", sorted(WRITES))
def test_script_in_a_free_text_field_is_shown_as_text(client, org, field):
    write, page = WRITES[field]
    client.force_login(org.csm)
    response = write(client, org)
    assert response.status_code == 302, getattr(response, "context", None) and [
        form.errors for form in response.context.get("form", []) if hasattr(form, "errors")
    ]
    shown = client.get(page(org)).content.decode()
    assert any(escaped in shown for escaped in ESCAPED)
    assert PAYLOAD not in shown
    assert injected(shown) == []


def test_logout_makes_the_old_session_cookie_worthless(org):
    client = Client()
    client.force_login(org.csm)
    cookie = client.cookies["sessionid"].value
    client.post("/logout/")
    thief = Client()
    thief.cookies["sessionid"] = cookie
    response = thief.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_a_session_past_its_age_asks_for_the_login_again(org, settings, time_machine):
    client = Client()
    client.force_login(org.csm)
    assert client.get("/").status_code == 200
    # past its age in the database and in the cache alike
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
