"""Stored markup never becomes markup: every text field of every model is filled with HTML that
carries htmx attributes and breaks out of attribute values, then every page, every section of
the account page, the campaign preview, the emails' HTML parts, the board's SVG and every admin
page is read back. Any element or attribute that came from stored text fails the test.

The fields are discovered from the models, so a new text field is covered without editing
this file; the few left out say why below.
"""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.mail.models import OutboundEmail
from core.mail.outbox import email_render
from relationships.activity.views import QUICKLOG_FORMS
from relationships.gaps.mail import gap_digests_send, gap_emails_queue
from relationships.models import GapCase, Task
from relationships.work.mail import task_digests_send
from surveys.models import Campaign
from surveys.services import EMAIL_TEMPLATE
from tests.factories import campaign_form_data
from tests.pages import SECTIONS, section_url
from tests.populated import populate
from tests.test_access_matrix import MATRIX, OK
from tests.test_admin import admin_request

PROBE = "xss-probe"
# Longest first: each field gets the longest that fits, with a row number for unique fields.
PAYLOADS = [
    f'"\'><{PROBE} hx-post="/admin/accounts/user/1/change/" hx-trigger="load" data-{PROBE}>'
    f"<img src=x onerror=alert(1)></{PROBE}>",
    f"\"'><{PROBE} data-{PROBE}>",
    f"<{PROBE}>",
]
ID_DIGITS = 12
APPS = {"accounts", "relationships", "surveys", "core", "capture"}
# Text that no person writes: hashes, and codes the recompute writes from fixed lists.
NOT_TYPED = {
    "accounts.User.password": "a password hash, never shown",
    "surveys.InvitationToken.token_hash": "a token hash, never shown",
    "accounts.Account.gap_class": "a code written by the recompute",
    "accounts.Account.quadrant": "a code written by the recompute",
    "accounts.Account.weakest_dimension": "a code written by the recompute",
    "accounts.HistoricalAccount.history_change_reason": "written by the services",
    "relationships.AccountScore.gap_class": "a code written by the recompute",
    "relationships.AccountScore.quadrant": "a code written by the recompute",
    "relationships.AccountScore.weakest_dimension": "a code written by the recompute",
    "relationships.GapTransition.from_state": "a state code",
    "relationships.GapTransition.to_state": "a state code",
    "relationships.Alert.key": "a code written by the recompute",
    "surveys.Answer.kind": "a question type code",
    "surveys.Campaign.reminder_days": "digits and commas, validated by every form",
    "surveys.OutboundEmail.body_html": "HTML the email templates write: checked below",
    "capture.Mailbox.secret": "encrypted, never shown",
    "capture.CalendarFeed.url": "encrypted, never shown",
}


def text_fields():
    """(model, field) for every stored text a person can type, in the project's apps."""
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.concrete_fields:
            key = f"{model._meta.label}.{field.name}"
            typed = isinstance(field, (models.CharField, models.TextField)) and not field.choices
            if typed and key not in NOT_TYPED and not field.primary_key:
                yield model, field


def fill_with_markup() -> int:
    """Every row's every typed text field holds a payload, ended by the row's id (for unique
    fields and constraints); returns how many fields."""
    count = 0
    for model, field in text_fields():
        limit = field.max_length or 10_000
        payload = next((p for p in PAYLOADS if len(p) + ID_DIGITS <= limit), None)
        if payload is not None:
            value = Concat(models.Value(payload), models.F("pk"), output_field=field)
            model._base_manager.update(**{field.name: value})
            count += 1
    return count


class Injected(HTMLParser):
    """Elements and attributes in a page that came from the payloads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if PROBE in tag or any(PROBE in name or name == "onerror" for name, _ in attrs):
            self.found.append(self.get_starttag_text())

    handle_startendtag = handle_starttag


def injected(html: str) -> list[str]:
    parser = Injected()
    parser.feed(html)
    parser.close()
    return parser.found


def injected_anywhere(pages: dict[str, str]) -> dict[str, list[str]]:
    """Where (page name) and what came from stored text."""
    return {where: hits for where, html in pages.items() if (hits := injected(html))}


@pytest.fixture
def everything(org):
    """Rows in every table the pages read, on the org's account, then markup in all text; the
    arguments of every page of the access matrix."""
    populate(org)
    pages = {name: route.args(org) for name, route in MATRIX.items() if route.method == "get"}
    assert fill_with_markup() > 40
    return pages


def read(client, url, **kwargs) -> str:
    """The page's HTML ("" for a download, which no browser renders)."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    if not response["Content-Type"].startswith("text/html"):
        return ""
    return response.content.decode()


def test_stored_markup_is_text_on_every_page_and_section(client, org, everything):
    pages = {}
    for role in ("csm", "admin"):
        client.force_login(getattr(org, role))
        for name, route in MATRIX.items():
            if name in everything and route.expect[role] == OK:
                url = reverse(name, args=everything[name])
                pages[f"{role} {url}"] = read(client, url)
        quicklog_tabs = [f"quicklog-{kind}" for kind in QUICKLOG_FORMS]
        for section in [*SECTIONS, *quicklog_tabs]:  # as the page loads them
            url = section_url(org.account, section)
            pages[f"{role} {url} (htmx)"] = read(client, url, headers={"HX-Request": "true"})
        timeline = reverse("account_timeline", args=[org.account.pk])
        pages[f"{role} {timeline} (htmx)"] = read(client, timeline, headers={"HX-Request": "true"})
    assert injected_anywhere(pages) == {}
    assert len(pages) > 60
    board = pages["csm /board/"]
    assert '<a class="board-link"' in board
    assert f"<title>&quot;&#x27;&gt;&lt;{PROBE}" in board  # the board's SVG names the account
    shown = [where for where, html in pages.items() if PROBE in html]
    assert len(shown) > 50  # the stored text is on the pages, as text


def test_stored_markup_is_text_in_the_campaign_preview(client, org, everything):
    client.force_login(org.admin)
    campaign = Campaign.objects.first()
    response = client.post(
        "/campaigns/new/",
        campaign_form_data(
            name=campaign.name,
            template=campaign.template_id,
            quiet_days="0",
            accounts=[org.account.pk],
            action="preview",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The email" in page
    assert injected(page) == []


def test_stored_markup_is_text_in_every_email(org, everything):
    invitation = Campaign.objects.first().invitations.select_related("stakeholder", "account")[0]
    survey = email_render(
        EMAIL_TEMPLATE,
        {
            "campaign": invitation.campaign,
            "stakeholder": invitation.stakeholder,
            "account": invitation.account,
            "expires_at": invitation.expires_at,
            "survey_url": "http://testserver/s/x/",
            "opt_out_url": "http://testserver/s/y/opt-out/",
        },
    )
    OutboundEmail.objects.all().delete()
    User.objects.filter(pk=org.outsider.pk).update(gap_emails=User.GapEmails.DAILY)
    detected = GapCase.objects.get(account=org.other_account)  # for the outsider's digest
    detected.transitions.create(to_state="detected", at=timezone.now())
    gap_emails_queue(case_ids=list(GapCase.objects.values_list("pk", flat=True)), reopened=set())
    gap_digests_send()
    Task.objects.update(due_on=timezone.localdate())  # the populated task, in today's digest
    assert task_digests_send() == 1
    emails = [survey.html, *OutboundEmail.objects.values_list("body_html", flat=True)]
    assert len(emails) > 2
    for html in emails:
        assert PROBE in html  # the stored text is there, as text
        assert injected(html) == []


def test_stored_markup_is_text_on_every_admin_page(client, org, everything):
    client.force_login(org.admin)
    pages = {}
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        pages[f"admin:{info[0]}_{info[1]}_changelist"] = read(
            client, reverse("admin:{}_{}_changelist".format(*info))
        )
        if model_admin.has_add_permission(admin_request(org.admin)):
            url = reverse("admin:{}_{}_add".format(*info))
            pages[url] = read(client, url)
        row = model._default_manager.first()
        if row is not None:
            url = reverse("admin:{}_{}_change".format(*info), args=[row.pk])
            pages[url] = read(client, url)
    assert injected_anywhere(pages) == {}
    assert len(pages) > 2 * len(admin.site._registry)
