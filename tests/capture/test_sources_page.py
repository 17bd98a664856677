"""The "Mail and calendar" page: a user connects their mailboxes (after a login check) and
calendars, pauses, resumes, reads now and removes them, and sees how each read goes in words.
Secrets are stored encrypted and never come back in any response."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from capture import services
from capture.models import CalendarFeed, CapturedMessage, Health, Mailbox
from core import queue
from core.secrets import decrypt
from tests.capture.factories import (
    FEED_URL,
    MAILBOX_SECRET,
    CalendarFeedFactory,
    CapturedMessageFactory,
    MailboxFactory,
)
from tests.pages import section_text

HTMX = {"HX-Request": "true"}
TYPED_SECRET = "typed-app-password-4711"
NOT_FOUND = "The mail server imap.invalid could not be found."


@pytest.fixture
def logins(monkeypatch):
    """The login check, answered here: what it was asked, and what it says ("" = it works)."""
    asked, answer = [], {"said": ""}

    def check(**connection):
        asked.append(connection)
        return answer["said"]

    monkeypatch.setattr(services, "mailbox_connect_check", check)
    return asked, answer


@pytest.fixture
def queued(monkeypatch):
    """The tasks queued by name (core.queue.enqueue), instead of running them."""
    sent = []
    monkeypatch.setattr(queue, "enqueue", lambda name, **kwargs: sent.append((name, kwargs)))
    return sent


def mailbox_data(**changes) -> dict:
    data = {
        "name": "Work mail",
        "host": "imap.example.com",
        "port": "993",
        "use_tls": "on",
        "username": "csm@example.com",
        "auth": "password",
        "secret": TYPED_SECRET,
        "excluded": "Legal@Example.com\nnewsletters.example",
    }
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def test_the_page_shows_each_own_source_and_its_state_in_words(client, org):
    failed = MailboxFactory(
        owner=org.csm,
        name="Work mail",
        health=Health.FAILED,
        last_error="The server refused the user name or password.",
    )
    MailboxFactory(owner=org.teammate, name="Teammate's mail")
    MailboxFactory(owner=None, is_bcc_log=True, name="Team log")
    CalendarFeedFactory(
        owner=org.csm, name="Work calendar", health=Health.OK, last_synced_at=timezone.now()
    )
    client.force_login(org.csm)

    page = client.get("/capture/").content.decode()

    mailbox = section_text(page, f"mailbox-{failed.pk}")
    assert "Work mail" in mailbox
    assert "Failed" in mailbox
    assert "The last read failed: The server refused the user name or password." in mailbox
    assert "Not read yet" in mailbox
    assert "Teammate's mail" not in page
    assert "Team log" not in page  # the BCC mailbox is the admins'
    feeds = section_text(page, "feeds")
    assert "Work calendar ICS address stored encrypted Up to date Last read" in feeds


def test_an_admin_sees_and_connects_the_teams_bcc_mailbox(client, org, logins, queued):
    MailboxFactory(owner=None, is_bcc_log=True, name="Team log", username="log@example.com")
    client.force_login(org.admin)
    assert "Team BCC-to-log" in section_text(client.get("/capture/").text, "mailboxes")

    response = client.post(
        "/capture/mailboxes/new/",
        mailbox_data(username="log2@example.com", is_bcc_log="on"),
        headers=HTMX,
    )

    assert response.status_code == 200
    bcc = Mailbox.objects.get(username="log2@example.com")
    assert (bcc.owner, bcc.is_bcc_log) == (None, True)


def test_a_csm_cannot_make_their_mailbox_the_bcc_one_nor_reach_it(client, org, logins, queued):
    bcc = MailboxFactory(owner=None, is_bcc_log=True, name="Team log")
    client.force_login(org.csm)

    client.post("/capture/mailboxes/new/", mailbox_data(is_bcc_log="on"))

    mine = Mailbox.objects.get(username="csm@example.com")
    assert (mine.owner, mine.is_bcc_log) == (org.csm, False)
    for url in (f"/capture/mailboxes/{bcc.pk}/", f"/capture/mailboxes/{bcc.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/capture/mailboxes/{bcc.pk}/pause/").status_code == 404
    bcc.refresh_from_db()
    assert bcc.paused is False


@pytest.mark.parametrize("who", ["teammate", "manager", "admin"])
def test_no_one_else_reaches_a_users_mailbox_or_calendar(client, org, who):
    mailbox, feed = MailboxFactory(owner=org.csm), CalendarFeedFactory(owner=org.csm)
    client.force_login(getattr(org, who))
    for prefix, pk in (("mailboxes", mailbox.pk), ("calendars", feed.pk)):
        assert client.get(f"/capture/{prefix}/{pk}/").status_code == 404
        assert client.get(f"/capture/{prefix}/{pk}/edit/").status_code == 404
        for action in ("pause", "resume", "read", "remove"):
            assert client.post(f"/capture/{prefix}/{pk}/{action}/").status_code == 404
    assert Mailbox.objects.get().paused is False
    assert CalendarFeed.objects.get().paused is False


def test_connecting_a_mailbox_tries_the_login_stores_the_secret_encrypted_and_reads_it(
    client, org, logins, queued, django_capture_on_commit_callbacks
):
    asked, _answer = logins
    client.force_login(org.csm)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/capture/mailboxes/new/", mailbox_data(), headers=HTMX)

    mailbox = Mailbox.objects.get()
    assert response.status_code == 200
    assert "Connected Work mail: it is being read." in response.text
    assert f'id="mailbox-{mailbox.pk}"' in response.text
    assert asked == [
        {
            "host": "imap.example.com",
            "port": 993,
            "use_tls": True,
            "username": "csm@example.com",
            "auth": "password",
            "secret": TYPED_SECRET,
        }
    ]
    assert mailbox.owner == org.csm
    assert TYPED_SECRET not in mailbox.secret
    assert decrypt(mailbox.secret) == TYPED_SECRET
    assert mailbox.excluded == "legal@example.com\nnewsletters.example"
    assert queued == [("capture.sync_mailbox", {"mailbox_id": mailbox.pk})]
    assert TYPED_SECRET not in response.text


def test_a_mailbox_whose_server_cannot_be_found_is_refused_in_words_and_nothing_is_written(
    client, org, logins, queued
):
    _asked, answer = logins
    answer["said"] = NOT_FOUND
    client.force_login(org.csm)

    response = client.post(
        "/capture/mailboxes/new/", mailbox_data(host="imap.invalid"), headers=HTMX
    )

    assert response.status_code == 422
    assert NOT_FOUND in response.text
    assert response.context["mailbox_form"].errors["host"] == [NOT_FOUND]
    assert not Mailbox.objects.exists()
    assert queued == []
    assert TYPED_SECRET not in response.text  # the typed secret is not drawn back either


def test_a_refused_password_is_said_on_the_secret_field(client, org, logins):
    logins[1]["said"] = services.LOGIN_REFUSED
    client.force_login(org.csm)

    response = client.post("/capture/mailboxes/new/", mailbox_data())

    assert response.status_code == 422
    assert response.context["mailbox_form"].errors["secret"] == [services.LOGIN_REFUSED]
    assert not Mailbox.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"host": ""}, "host"),
        ({"port": "0"}, "port"),
        ({"port": "imap"}, "port"),
        ({"secret": ""}, "secret"),
        ({"auth": "kerberos"}, "auth"),
        ({"username": "x" * 300}, "username"),
    ],
)
def test_bad_mailbox_input_is_refused_by_field_and_writes_nothing(
    client, org, logins, changes, field
):
    client.force_login(org.csm)

    response = client.post("/capture/mailboxes/new/", mailbox_data(**changes), headers=HTMX)

    assert response.status_code == 422
    assert field in response.context["mailbox_form"].errors
    assert not Mailbox.objects.exists()
    assert logins[0] == []  # no login tried with input that is wrong already


def test_the_same_mailbox_cannot_be_connected_twice(client, org, logins):
    MailboxFactory(owner=org.teammate, host="IMAP.example.com", username="CSM@example.com")
    client.force_login(org.csm)

    response = client.post("/capture/mailboxes/new/", mailbox_data())

    assert response.status_code == 422
    assert response.context["mailbox_form"].errors["username"] == [
        "This mailbox is connected already."
    ]
    assert Mailbox.objects.count() == 1


def test_an_edit_with_a_blank_secret_keeps_the_stored_one_and_tries_no_login(
    client, org, logins, queued
):
    mailbox = MailboxFactory(owner=org.csm, username="csm@example.com")
    stored = mailbox.secret
    client.force_login(org.csm)

    form = client.get(f"/capture/mailboxes/{mailbox.pk}/edit/", headers=HTMX).text
    response = client.post(
        f"/capture/mailboxes/{mailbox.pk}/edit/",
        mailbox_data(name="Renamed", secret="", excluded=""),
        headers=HTMX,
    )

    assert 'type="password" name="secret"' in form
    assert MAILBOX_SECRET not in form
    assert response.status_code == 200
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.secret, mailbox.excluded) == ("Renamed", stored, "")
    assert logins[0] == []
    assert queued == []


def test_a_new_server_is_tried_with_the_stored_secret_and_reads_again_from_the_start(
    client, org, logins, queued, django_capture_on_commit_callbacks
):
    mailbox = MailboxFactory(owner=org.csm, username="csm@example.com", last_error="Old error")
    mailbox.folders.create(name="INBOX", uidvalidity=3, last_uid=99)
    client.force_login(org.csm)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/capture/mailboxes/{mailbox.pk}/edit/",
            mailbox_data(host="mail.example.net", secret=""),
            headers=HTMX,
        )

    assert logins[0][0]["host"] == "mail.example.net"
    assert logins[0][0]["secret"] == MAILBOX_SECRET
    mailbox.refresh_from_db()
    assert (mailbox.host, mailbox.last_error) == ("mail.example.net", "")
    assert not mailbox.folders.exists()
    assert queued == [("capture.sync_mailbox", {"mailbox_id": mailbox.pk})]


def test_pausing_resuming_and_reading_now_answer_the_row_in_place(
    client, org, queued, django_capture_on_commit_callbacks
):
    mailbox = MailboxFactory(owner=org.csm)
    client.force_login(org.csm)
    url = f"/capture/mailboxes/{mailbox.pk}"

    paused = client.post(f"{url}/pause/", headers=HTMX)
    refused = client.post(f"{url}/read/", headers=HTMX)
    with django_capture_on_commit_callbacks(execute=True):
        resumed = client.post(f"{url}/resume/", headers=HTMX)
    with django_capture_on_commit_callbacks(execute=True):
        read = client.post(f"{url}/read/", headers=HTMX)

    assert section_text(paused.text, f"mailbox-{mailbox.pk}").count("Paused") == 1
    assert "Resume" in paused.text
    assert "Read now" not in paused.text
    assert "is paused: it is not read until you resume it." in paused.text
    assert refused.status_code == 422
    assert "This source is paused: resume it to read it." in refused.text
    assert "Read now" in resumed.text
    assert "Waiting for the read to start" in read.text
    assert 'hx-trigger="every 2s"' in read.text
    assert queued == [("capture.sync_mailbox", {"mailbox_id": mailbox.pk})] * 2
    mailbox.refresh_from_db()
    assert mailbox.paused is False


def test_a_read_under_way_shows_its_progress_and_the_poll_stops_when_it_is_done(client, org):
    mailbox = MailboxFactory(
        owner=org.csm, health=Health.SYNCING, progress_done=30, progress_total=120
    )
    client.force_login(org.csm)
    url = f"/capture/mailboxes/{mailbox.pk}/"

    reading = client.get(url, headers=HTMX).text
    Mailbox.objects.filter(pk=mailbox.pk).update(
        health=Health.OK, progress_done=120, last_synced_at=timezone.now()
    )
    done = client.get(url, headers=HTMX).text

    assert '<progress class="w-100" max="120" value="30"' in reading
    assert "30 of 120 messages read (25 %)" in reading
    assert f'hx-get="{url}" hx-trigger="every 2s"' in reading
    assert "every 2s" not in done
    assert "Up to date" in section_text(done, f"mailbox-{mailbox.pk}")


def test_removing_a_mailbox_keeps_what_it_captured(client, org):
    mailbox = MailboxFactory(owner=org.csm, name="Old mail")
    message = CapturedMessageFactory(account=org.account, mailbox=mailbox)
    client.force_login(org.csm)

    response = client.post(f"/capture/mailboxes/{mailbox.pk}/remove/", headers=HTMX)

    assert response.status_code == 200
    assert "Removed the mailbox Old mail; what it captured stays." in response.text
    assert f"mailbox-{mailbox.pk}" not in response.text
    assert "No mailbox connected" in section_text(response.text, "mailboxes")
    assert not Mailbox.objects.exists()
    message.refresh_from_db()
    assert message.mailbox is None
    assert CapturedMessage.objects.count() == 1


def test_adding_a_calendar_stores_its_address_encrypted_and_reads_it(
    client, org, queued, django_capture_on_commit_callbacks
):
    client.force_login(org.csm)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/capture/calendars/new/", {"name": "Work", "url": FEED_URL}, headers=HTMX
        )

    feed = CalendarFeed.objects.get()
    assert response.status_code == 200
    assert "Added the calendar Work: it is being read." in response.text
    assert (feed.owner, decrypt(feed.url)) == (org.csm, FEED_URL)
    assert FEED_URL not in feed.url
    assert FEED_URL not in response.text
    assert queued == [("capture.sync_calendar", {"feed_id": feed.pk})]


@pytest.mark.parametrize("url", ["", "ftp://calendar.example/x.ics", "calendar.ics", "https://"])
def test_a_calendar_address_that_is_not_one_is_refused_and_nothing_is_written(client, org, url):
    client.force_login(org.csm)

    response = client.post("/capture/calendars/new/", {"name": "Work", "url": url}, headers=HTMX)

    assert response.status_code == 422
    assert "url" in response.context["feed_form"].errors
    assert not CalendarFeed.objects.exists()


def test_a_calendar_edit_with_a_blank_address_keeps_the_stored_one(client, org, queued):
    feed = CalendarFeedFactory(owner=org.csm)
    stored = feed.url
    client.force_login(org.csm)

    response = client.post(
        f"/capture/calendars/{feed.pk}/edit/", {"name": "Renamed", "url": ""}, headers=HTMX
    )

    assert response.status_code == 200
    feed.refresh_from_db()
    assert (feed.name, feed.url) == ("Renamed", stored)
    assert queued == []


def test_no_secret_appears_in_any_response(client, org, logins, queued):
    """The page, the forms, a refusal, the rows, and the admin's list and change pages."""
    mailbox = MailboxFactory(owner=org.csm, username="csm@example.com")
    feed = CalendarFeedFactory(owner=org.csm)
    secrets = [MAILBOX_SECRET, mailbox.secret, FEED_URL, feed.url, "private-3f9a1c"]
    responses = []
    for user in (org.csm, org.admin):
        client.force_login(user)
        responses += [client.get("/capture/"), client.get("/capture/mailboxes/new/")]
    client.force_login(org.csm)
    for prefix, pk in (("mailboxes", mailbox.pk), ("calendars", feed.pk)):
        responses += [
            client.get(f"/capture/{prefix}/{pk}/", headers=HTMX),
            client.get(f"/capture/{prefix}/{pk}/edit/", headers=HTMX),
            client.post(f"/capture/{prefix}/{pk}/pause/", headers=HTMX),
        ]
    logins[1]["said"] = services.LOGIN_REFUSED
    responses.append(
        client.post(f"/capture/mailboxes/{mailbox.pk}/edit/", mailbox_data(secret=MAILBOX_SECRET))
    )
    client.force_login(org.admin)
    for model, pk in (("mailbox", mailbox.pk), ("calendarfeed", feed.pk)):
        responses += [
            client.get(f"/admin/capture/{model}/"),
            client.get(f"/admin/capture/{model}/{pk}/change/"),
        ]

    assert [response.status_code for response in responses if response.status_code >= 300] == [422]
    assert [
        (response.request["PATH_INFO"], secret)
        for response in responses
        for secret in secrets
        if secret in response.content.decode()
    ] == []


def test_the_admin_lists_each_mailboxs_health_and_last_error_in_words(client, org):
    MailboxFactory(
        owner=org.csm,
        name="Work mail",
        health=Health.FAILED,
        last_error="imap.example.com:993 did not answer within 30 seconds (connecting).",
    )
    MailboxFactory(owner=None, is_bcc_log=True, name="Team log", health=Health.OK)
    client.force_login(org.admin)

    page = " ".join(client.get("/admin/capture/mailbox/").text.split())

    assert "Work mail" in page
    assert "Failed" in page
    assert "imap.example.com:993 did not answer within 30 seconds (connecting)." in page
    assert "Team log" in page
    assert "Up to date" in page


def test_the_admin_replaces_a_secret_encrypted_and_keeps_it_when_left_blank(
    client, org, queued, django_capture_on_commit_callbacks
):
    mailbox = MailboxFactory(owner=org.csm, username="csm@example.com")
    client.force_login(org.admin)
    url = f"/admin/capture/mailbox/{mailbox.pk}/change/"
    data = {
        "name": "Work mail", "owner": org.csm.pk, "host": "imap.example.com", "port": "993",
        "use_tls": "on", "username": "csm@example.com", "auth": "password", "excluded": "",
        "folders-TOTAL_FORMS": "0", "folders-INITIAL_FORMS": "0",
    }  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "new_secret": ""})
    kept = Mailbox.objects.get().secret
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "new_secret": "replaced-secret"})

    assert decrypt(kept) == MAILBOX_SECRET
    assert decrypt(Mailbox.objects.get().secret) == "replaced-secret"
    assert queued == [("capture.sync_mailbox", {"mailbox_id": mailbox.pk})]  # the new one


@pytest.mark.parametrize("kind", ["mailbox", "feed"])
def test_the_page_and_its_writes_cost_the_same_queries_whatever_the_number_of_sources(
    client, org, kind, logins, queued
):
    client.force_login(org.csm)
    factory = MailboxFactory if kind == "mailbox" else CalendarFeedFactory
    prefix = "mailboxes" if kind == "mailbox" else "calendars"
    source = factory(owner=org.csm)

    refused = mailbox_data(port="0") if kind == "mailbox" else {"name": "Work", "url": "x"}
    added = {"mailbox": mailbox_data, "feed": lambda **_: {"name": "Work", "url": FEED_URL}}[kind]
    made = iter(range(1000))

    def counts():
        measured = []
        for method, url, data, status in (
            ("get", "/capture/", {}, 200),
            ("post", f"/capture/{prefix}/{source.pk}/pause/", {}, 200),
            ("post", f"/capture/{prefix}/{source.pk}/resume/", {}, 200),
            ("post", f"/capture/{prefix}/{source.pk}/edit/", {**refused, "secret": ""}, 422),
            ("post", f"/capture/{prefix}/new/", refused, 422),
            ("post", f"/capture/{prefix}/new/", added(username=f"u{next(made)}@x.example"), 200),
        ):
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(url, data, headers=HTMX)
            assert response.status_code == status, url
            measured.append(len(captured))
        return measured

    counts()  # warm: the session comes from the cache
    few = counts()
    factory.create_batch(8, owner=org.csm)
    assert counts() == few


@pytest.mark.parametrize(
    ("url", "data", "model"),
    [
        ("/capture/mailboxes/new/", mailbox_data(), Mailbox),
        ("/capture/calendars/new/", {"name": "Work", "url": FEED_URL}, CalendarFeed),
    ],
)
def test_a_form_sent_twice_connects_once_and_answers_as_the_first_time(
    client, org, logins, queued, url, data, model
):
    client.force_login(org.csm)
    form = client.get(url, headers=HTMX).text
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', form).group(1)

    first = client.post(url, {**data, "submission_key": key}, headers=HTMX)
    second = client.post(url, {**data, "submission_key": key}, headers=HTMX)

    assert (first.status_code, second.status_code) == (200, 200)
    assert model.objects.count() == 1
    assert "Connect a mailbox" in second.text or "Add a calendar" in second.text


@pytest.mark.parametrize(
    ("outcome", "shown"),
    [
        ({"health": Health.FAILED, "last_error": NOT_FOUND}, f"The last read failed: {NOT_FOUND}"),
        ({"health": Health.OK, "last_synced_at": "now"}, "Up to date"),
    ],
)
def test_a_read_asked_for_says_how_it_went_and_stops_waiting(
    transactional_db, client, org, monkeypatch, outcome, shown
):
    """Without a broker the read runs as the write commits, before the answer: the row shows
    how it went at once."""
    mailbox = MailboxFactory(owner=org.csm, health=Health.FAILED, last_error="An older error.")

    def read(name, **kwargs):  # the task, run in place: it fails or succeeds
        done = {**outcome, "last_synced_at": timezone.now()} if "last_synced_at" in outcome else {}
        Mailbox.objects.filter(pk=kwargs["mailbox_id"]).update(**{**outcome, **done})

    monkeypatch.setattr(queue, "enqueue", read)
    client.force_login(org.csm)

    response = client.post(f"/capture/mailboxes/{mailbox.pk}/read/", headers=HTMX)

    row = section_text(response.text, f"mailbox-{mailbox.pk}")
    assert shown in row
    assert "An older error." not in row
    assert "Waiting for the read to start" not in row
    assert "every 2s" not in response.text


def test_a_queued_read_is_waited_for_until_a_worker_takes_it(client, org, queued):
    mailbox = MailboxFactory(owner=org.csm, health=Health.FAILED, last_error="An older error.")
    client.force_login(org.csm)

    response = client.post(f"/capture/mailboxes/{mailbox.pk}/read/", headers=HTMX)
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="every 2s"', response.text).group(1)
    still = client.get(poll.replace("&amp;", "&"), headers=HTMX)
    Mailbox.objects.filter(pk=mailbox.pk).update(health=Health.SYNCING)
    taken = client.get(poll.replace("&amp;", "&"), headers=HTMX)

    assert "Waiting for the read to start" in section_text(response.text, f"mailbox-{mailbox.pk}")
    assert "Waiting for the read to start" in still.text
    assert "Reading" in section_text(taken.text, f"mailbox-{mailbox.pk}")
    assert "Waiting" not in taken.text
    assert f'hx-get="/capture/mailboxes/{mailbox.pk}/" hx-trigger="every 2s"' in taken.text


@pytest.mark.parametrize("queued", ["2026-13-45T99:00:00+00:00", "yesterday", "2026-01-01T10:00"])
def test_a_poll_with_a_damaged_time_answers_the_row_without_waiting(client, org, queued):
    mailbox = MailboxFactory(owner=org.csm)
    client.force_login(org.csm)

    response = client.get(f"/capture/mailboxes/{mailbox.pk}/", {"queued": queued}, headers=HTMX)

    assert response.status_code == 200
    assert "Not read yet" in section_text(response.text, f"mailbox-{mailbox.pk}")
    assert "every 2s" not in response.text
