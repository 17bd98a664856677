"""The page cache: a repeated read is served without rendering, with fresh secrets, and never
after the data behind it changed, whoever changed it, nor to another reader."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from tests import services
from tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    services.need(
        connection.vendor == "postgresql",
        "the page cache names the data by PostgreSQL's snapshot (set DATABASE_URL)",
    )


@pytest.fixture
def team_account():
    csm = UserFactory(email="csm@example.com")
    team = TeamFactory(name="Team A", members=[csm])
    return AccountFactory(name="Acme", team=team, owner=csm)


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def read(client, url, **headers):
    """The response and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response, len(queries)


def nonce_of(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return policy.split("'nonce-", 1)[1].split("'", 1)[0]


SUBMISSION_KEY = re.compile(r'name="[\w-]*submission_key" value="([0-9a-f-]{36})"')


def submission_keys(response) -> list[str]:
    return SUBMISSION_KEY.findall(response.content.decode())


def without_secrets(response) -> str:
    """The page with this response's CSRF token, CSP nonce and forms' keys blanked out."""
    body = response.content.decode()
    token = response.wsgi_request.response_csrf_token
    body = body.replace(token, "<csrf>").replace(nonce_of(response), "<nonce>")
    return SUBMISSION_KEY.sub("<submission key>", body)


def test_a_repeated_read_is_served_without_rendering_and_with_its_own_secrets(
    postgresql, team_account
):
    client = signed_in(team_account.owner, enforce_csrf_checks=True)
    url = reverse("account_activity", args=[team_account.pk])  # the page, its quick log open
    rendered, rendering_queries = read(client, url)
    served, serving_queries = read(client, url)

    assert serving_queries <= 2 < rendering_queries  # the user, the database's snapshot
    assert (rendered["X-Page-Cache"], served["X-Page-Cache"]) == ("miss", "hit")
    assert without_secrets(served) == without_secrets(rendered)
    assert nonce_of(served) != nonce_of(rendered)
    assert f'nonce="{nonce_of(served)}"' in served.content.decode()
    assert len(submission_keys(rendered)) == 1  # the quick-log form's: each copy has its own
    assert submission_keys(served) != submission_keys(rendered)
    token = served.wsgi_request.response_csrf_token
    assert token != rendered.wsgi_request.response_csrf_token
    assert f'name="csrfmiddlewaretoken" value="{token}"' in served.content.decode()
    # The token served is one this session can post with.
    response = client.post(
        reverse("account_edit", args=[team_account.pk]),
        {"name": "Acme Renamed"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code != 403


def test_an_htmx_section_and_the_page_are_kept_apart(postgresql, team_account):
    client = signed_in(team_account.owner)
    url = reverse("account_usage", args=[team_account.pk])  # without htmx: the page around it
    page, _ = read(client, url)
    section, _ = read(client, url, HX_Request="true")
    again, _ = read(client, url)

    assert "<html" in page.content.decode()
    assert "<html" in again.content.decode()
    assert "<html" not in section.content.decode()


@pytest.mark.parametrize("write", ["orm", "sql"])
def test_a_change_shows_on_the_next_read_whoever_wrote_it(postgresql, team_account, write):
    client = signed_in(team_account.owner)
    url = reverse("home")
    read(client, url)
    assert "Acme" in read(client, url)[0].content.decode()

    if write == "orm":
        Account.objects.filter(pk=team_account.pk).update(name="Initech")
    else:  # as an import's COPY or a fix in psql would: no signal, no app code
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_account SET name = 'Initech' WHERE id = %s", [team_account.pk]
            )

    page = read(client, url)[0].content.decode()
    assert "Initech" in page
    assert "Acme" not in page


def test_a_reader_never_gets_a_page_kept_for_another(postgresql, team_account):
    owner = signed_in(team_account.owner)
    outsider = signed_in(UserFactory(email="outsider@example.com"))
    read(owner, reverse("home"))
    read(owner, team_account.get_absolute_url())

    assert "Acme" not in read(outsider, reverse("home"))[0].content.decode()
    assert outsider.get(team_account.get_absolute_url()).status_code == 404


def test_a_flash_message_is_shown_once_not_kept(postgresql, team_account):
    client = signed_in(team_account.owner)
    client.post(reverse("preferences"), {"gap_emails": "off"})
    assert "Your preferences are saved." in read(client, reverse("home"))[0].content.decode()

    assert "Your preferences are saved." not in read(client, reverse("home"))[0].content.decode()


def test_turned_off_every_read_renders(settings, team_account):
    settings.PAGE_CACHE = False
    client = signed_in(team_account.owner)
    url = team_account.get_absolute_url()
    read(client, url)  # the session and the catalogs are cached from here on
    _, queries = read(client, url)
    assert read(client, url)[1] == queries > 2


def test_a_page_is_drawn_again_each_minute(postgresql, team_account, monkeypatch):
    """What a page says about time ("due in 3 days", "5 minutes ago") is never a minute old."""
    client = signed_in(team_account.owner)
    url = reverse("home")
    minute = 29_000_000 * 60.0
    monkeypatch.setattr("core.pagecache.time.time", lambda: minute + 1)
    read(client, url)
    assert read(client, url)[1] <= 2
    monkeypatch.setattr("core.pagecache.time.time", lambda: minute + 61)
    assert read(client, url)[1] > 2


def test_a_page_says_it_was_rendered_when_the_cache_is_off(team_account, settings):
    settings.PAGE_CACHE = False
    client = signed_in(team_account.owner)
    response, _queries = read(client, reverse("home"))
    assert response["X-Page-Cache"] == "off"
