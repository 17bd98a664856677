"""Double submits: every drawn form that writes carries a one-time key; a second submission of
the same form (a double click, a resent request) writes nothing and is answered as the first
one was, even when both arrive at once."""

import datetime as dt
import re
import threading
import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.models import SubmissionKey
from core.tasks import submission_keys_forget
from relationships.activity import services
from relationships.models import (
    Channel,
    CompetitorDimension,
    CompetitorRating,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Touchpoint,
)
from surveys import views as campaign_views
from surveys.models import Campaign, Invitation
from tests import services as real_services
from tests.factories import CompetitorFactory, StakeholderFactory, campaign_form_data, catalog
from tests.pages import section_url
from tests.waiting import wait_until

HTMX = {"HX-Request": "true"}
ACTIVITY = {"HX-Request": "true", "HX-Target": "activity"}
KEY = re.compile(r'name="(?:\w+-)?submission_key" value="([0-9a-f-]{36})"')


def quick_log(kind: str, person) -> tuple[type, dict]:
    """The model a quick-log form writes, and a valid filling of the form about `person`."""
    today = timezone.localdate().isoformat()
    forms = {
        "interaction": (
            Interaction,
            {
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "channel": catalog(Channel, "call").pk,
                "touchpoint": catalog(Touchpoint, "delivery").pk,
                "direction": "inbound",
                "sentiment": "1",
                "verbosity": "normal",
                "stakeholders": person.pk,
            },
        ),
        "moment": (
            Moment,
            {
                "moment_type": catalog(MomentType, "outage").pk,
                "occurred_on": today,
                "emotion": "enraged",
                "intensity": "2",
                "identified_by": "csm",
            },
        ),
        "open_item": (OpenItem, {"kind": "promise", "title": "Send the plan", "opened_on": today}),
        "pulse": (PulseCheck, {"happiness": "3", "checked_on": today}),
    }
    model, data = forms[kind]
    return model, {f"{kind}-{name}": value for name, value in data.items()}


def drawn_key(response) -> str:
    return KEY.search(response.text).group(1)


def quick_log_form(client, account, kind: str) -> str:
    """The key of the quick-log form of `kind` as the account page's tab draws it."""
    return drawn_key(client.get(section_url(account, f"quicklog-{kind}"), headers=HTMX))


def test_a_task_form_sent_twice_makes_one_task(client, org):
    from relationships.models import Task

    client.force_login(org.csm)
    data = {
        "task-title": "Send the renewal quote",
        "task-due_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        "task-priority": "normal",
        "task-owner": org.csm.pk,
        "task-submission_key": drawn_key(
            client.get(section_url(org.account, "tasks"), headers=HTMX)
        ),
    }
    url = f"/accounts/{org.account.pk}/tasks/new/"

    first = client.post(url, data, headers={**HTMX, "HX-Target": "tasks"})
    second = client.post(url, data, headers={**HTMX, "HX-Target": "tasks"})

    assert list(Task.objects.values_list("title", flat=True)) == ["Send the renewal quote"]
    for response in (first, second):  # both answered with the section as it now is
        assert response.status_code == 200
        assert "Send the renewal quote" in response.text


@pytest.mark.parametrize("kind", ["interaction", "moment", "open_item", "pulse"])
def test_a_quick_log_form_sent_twice_writes_one_row(client, org, kind):
    model, data = quick_log(kind, StakeholderFactory(account=org.account))
    client.force_login(org.csm)
    data[f"{kind}-submission_key"] = quick_log_form(client, org.account, kind)
    url = f"/accounts/{org.account.pk}/log/{kind}/"

    first = client.post(url, data, headers=ACTIVITY)
    second = client.post(url, data, headers=ACTIVITY)

    assert model.objects.count() == 1
    for response in (first, second):  # both answered with the section as it now is
        assert response.status_code == 200
        assert response.text.lstrip().startswith('<section id="activity"')
        assert [entry.item.pk for entry in response.context["timeline"].entries] == [
            model.objects.get().pk
        ]


def test_each_drawn_form_has_a_key_of_its_own(client, org):
    client.force_login(org.csm)
    first, second = (quick_log_form(client, org.account, "pulse") for _ in range(2))
    _model, data = quick_log("pulse", StakeholderFactory(account=org.account))
    data["pulse-submission_key"] = first
    saved = client.post(f"/accounts/{org.account.pk}/log/pulse/", data, headers=ACTIVITY)
    assert len({first, second, drawn_key(saved)}) == 3  # the blank form after a save, too


@pytest.mark.parametrize("key", ["not-a-key", "1"])
def test_a_damaged_key_is_refused_with_an_error_and_writes_nothing(client, org, key):
    _model, data = quick_log("open_item", StakeholderFactory(account=org.account))
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/log/open_item/",
        {**data, "open_item-submission_key": key},
        headers=ACTIVITY,
    )
    assert "This form is damaged: reload the page and fill it in again." in response.text
    forms = {kind: form for kind, _label, form in response.context["quicklog_forms"]}
    assert forms["open_item"].errors["submission_key"] == ["Enter a valid UUID."]
    assert not OpenItem.objects.exists()


def test_a_competitor_rating_sent_twice_writes_one_row(client, org):
    person = StakeholderFactory(account=org.account)
    client.force_login(org.csm)
    section = client.get(section_url(org.account, "competitors"), headers=HTMX)
    data = {
        "rating-stakeholder": person.pk,
        "rating-competitor": CompetitorFactory().pk,
        "rating-dimension": CompetitorDimension.objects.first().pk,
        "rating-our_rating": "4",
        "rating-their_rating": "3",
        "rating-rated_on": timezone.localdate().isoformat(),
        "rating-source": "csm",
        "rating-submission_key": drawn_key(section),
    }
    url = f"/accounts/{org.account.pk}/competitor-ratings/"
    for _ in range(2):
        assert client.post(url, data).status_code == 302
    assert CompetitorRating.objects.count() == 1


def campaign_form(key: str, **data) -> dict:
    return campaign_form_data(submission_key=key, **data)


def test_create_campaign_sent_twice_creates_one_campaign_and_one_set_of_emails(
    client, org, django_capture_on_commit_callbacks
):
    for name in ("ada", "bob", "cy"):
        StakeholderFactory(account=org.account, email=f"{name}@acme.example")
    client.force_login(org.csm)
    key = drawn_key(client.get(f"/campaigns/new/?accounts={org.account.pk}"))
    preview = client.post("/campaigns/new/", campaign_form(key, accounts=[org.account.pk]))
    assert drawn_key(preview) == key  # Preview draws the same form again, unsent

    create = campaign_form(key, accounts=[org.account.pk], action="create")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/campaigns/new/", create)
        second = client.post("/campaigns/new/", create)

    campaign = Campaign.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == campaign.get_absolute_url()
    assert sorted(to for message in mail.outbox for to in message.to) == [
        "ada@acme.example", "bob@acme.example", "cy@acme.example",
    ]  # fmt: skip


def test_keys_older_than_a_day_are_forgotten(org):
    now = timezone.now()
    old = SubmissionKey.objects.create(
        key=uuid.uuid4(), user=org.csm, created_at=now - dt.timedelta(days=1, minutes=1)
    )
    recent = SubmissionKey.objects.create(key=uuid.uuid4(), user=org.csm)
    assert submission_keys_forget.delay().get() == 1
    assert list(SubmissionKey.objects.all()) == [recent]
    assert not SubmissionKey.objects.filter(pk=old.pk).exists()
    schedule = settings.CELERY_BEAT_SCHEDULE["submission-keys-forget"]
    assert schedule["task"] == submission_keys_forget.name


@pytest.fixture
def postgresql(transactional_db):
    """Rows committed for real, on PostgreSQL."""
    real_services.need(
        connection.vendor == "postgresql",
        "only PostgreSQL runs two writing transactions at once (set DATABASE_URL)",
    )


def another_writer_waits() -> bool:
    """Another connection to the test database waits on a lock (the key this one recorded)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh activity, not this transaction's
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def held_open(module, name: str):
    """Patch `module.name` to wait first: the first writer holds its transaction open, key
    recorded, until the second has arrived and waits for it."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        wait_until(another_writer_waits, 15, "the second writer waiting on the first")
        return original(*args, **kwargs)

    return mock.patch.object(module, name, slow)


def at_once(user, url: str, data: dict, headers=None) -> list:
    """The answers to two posts of `data` sent at the same moment by `user`."""
    start, answers = threading.Barrier(2), []

    def post():
        client = Client()
        client.force_login(user)
        start.wait()
        answers.append(client.post(url, data, headers=headers or {}))
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_quick_log_sent_twice_at_the_same_moment_writes_once(postgresql, org):
    _model, data = quick_log("pulse", StakeholderFactory(account=org.account))
    data["pulse-submission_key"] = str(uuid.uuid4())
    with held_open(services, "recompute_request"):
        answers = at_once(org.csm, f"/accounts/{org.account.pk}/log/pulse/", data, ACTIVITY)
    assert [answer.status_code for answer in answers] == [200, 200]
    assert PulseCheck.objects.count() == 1


def test_create_campaign_sent_twice_at_the_same_moment_creates_once(postgresql, org):
    StakeholderFactory(account=org.account, email="ada@acme.example")
    data = campaign_form(str(uuid.uuid4()), accounts=[org.account.pk], action="create")
    with held_open(campaign_views, "campaign_create"):
        answers = at_once(org.csm, "/campaigns/new/", data)
    campaign = Campaign.objects.get()
    assert [answer.url for answer in answers] == [campaign.get_absolute_url()] * 2
    assert Invitation.objects.count() == 1
