"""The page cache: a repeated read is served without rendering, with fresh secrets, and never
after the data behind it changed, whoever changed it, nor to another reader."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from core.db import changes
from core.pagecache import changes_forget
from relationships.models import Interaction, Scale, ScalePoint
from tests import services
from tests.factories import (
    AccountFactory,
    InteractionFactory,
    StakeholderFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)  # the page cache is off inside one


@pytest.fixture(autouse=True)
def catalogs():
    """The scales and catalogs the migrations write, which a flush between tests takes away."""
    for name, function in (
        ("0002_default_scales", "create_scales"),
        ("0004_default_catalogs", "create_catalogs"),
    ):
        getattr(importlib.import_module(f"relationships.migrations.{name}"), function)(apps, None)


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


def hit(client, url) -> bool:
    return read(client, url)[0]["X-Page-Cache"] == "hit"


def test_a_write_to_one_account_leaves_another_accounts_pages_kept(postgresql, team_account):
    """Invalidation is per account: logging on Initech does not draw Acme's sections again,
    and logging on Acme does, whichever path wrote."""
    other = AccountFactory(name="Initech", team=team_account.team, owner=team_account.owner)
    client = signed_in(team_account.owner)
    urls = [
        reverse(name, args=[team_account.pk])
        for name in ("account_activity", "account_people", "account_score", "account_detail")
    ]
    for url in urls:
        read(client, url)

    InteractionFactory(account=other, stakeholders=[StakeholderFactory(account=other)])
    assert [hit(client, url) for url in urls] == [True] * 4

    InteractionFactory(account=team_account, summary="Renewal call went well")
    assert hit(client, urls[0]) is False
    assert "Renewal call went well" in read(client, urls[0])[0].content.decode()
    with connection.cursor() as cursor:  # no app code: as a fix in psql would
        cursor.execute(
            "UPDATE relationships_interaction SET summary = 'Fixed by hand' WHERE account_id = %s",
            [team_account.pk],
        )
    assert "Fixed by hand" in read(client, urls[0])[0].content.decode()
    Interaction.objects.filter(account=team_account).delete()
    assert "Fixed by hand" not in read(client, urls[0])[0].content.decode()


def test_a_page_is_kept_through_writes_to_what_it_does_not_show(postgresql, team_account):
    """Invalidation is per page kind: the quadrant board reads accounts, not interactions."""
    client = signed_in(team_account.owner)
    url = reverse("quadrant_board")
    read(client, url)

    InteractionFactory(account=team_account)
    assert hit(client, url)

    Account.objects.filter(pk=team_account.pk).update(name="Initech")
    assert hit(client, url) is False


def test_a_catalog_change_draws_every_page_again(postgresql, team_account):
    """Pages read the catalogs from the cache, not with a statement: still they depend on them."""
    StakeholderFactory(account=team_account)
    client = signed_in(team_account.owner)
    url = reverse("account_people", args=[team_account.pk])  # its map's columns: the labels
    read(client, reverse("account_activity", args=[team_account.pk]))  # the catalogs cached
    read(client, url)
    assert hit(client, url)

    point = ScalePoint.objects.get(scale__slug=Scale.RELATIONSHIP, value=1)
    point.label = "Strangers"
    point.save()  # as the admin saves it
    assert "1 · Strangers" in read(client, url)[0].content.decode()


def test_a_truncated_table_draws_every_page_again(postgresql, team_account):
    InteractionFactory(account=team_account, summary="Soon gone")
    client = signed_in(team_account.owner)
    url = reverse("account_activity", args=[team_account.pk])
    read(client, url)

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE relationships_interaction CASCADE")
    assert "Soon gone" not in read(client, url)[0].content.decode()


def test_forgetting_old_changes_keeps_what_the_cache_can_still_ask(postgresql, team_account):
    client = signed_in(team_account.owner)
    url = reverse("account_activity", args=[team_account.pk])
    InteractionFactory(account=team_account)
    assert changes_forget() == 0  # the first run only marks where the next may forget from
    read(client, url)
    InteractionFactory(account=team_account, summary="After the mark")

    assert changes_forget() > 0
    assert "After the mark" in read(client, url)[0].content.decode()  # not forgotten unseen
    assert hit(client, url)
    InteractionFactory(account=team_account, summary="Later still")
    assert "Later still" in read(client, url)[0].content.decode()


def test_every_table_of_the_models_records_its_changes(postgresql):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = 'page_change_insert'"
        )
        triggered = {row[0] for row in cursor.fetchall()}
    tables = {model._meta.db_table for model in changes.tracked_models()}
    assert tables <= triggered
    assert {"relationships_interaction", "accounts_account"} <= changes.account_tables()


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
