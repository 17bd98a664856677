"""Saved views of the account list: saving the filters and sort under a name, opening a view,
the default view, sharing with the team, renaming and deleting one's own, and a view whose
filters name something gone."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import SavedView, User
from tests import services
from tests.factories import AccountFactory, TeamFactory, UserFactory

HTMX = {"HX-Request": "true", "HX-Target": "account-results"}


def names_in(response):
    return [account.name for account in response.context["page"].object_list]


@pytest.fixture
def accounts(org):
    AccountFactory(name="Birch Bank", team=org.team, owner=org.teammate, status="at_risk")
    AccountFactory(name="Cedar Cloud", team=org.team, owner=org.csm, arr=90000, status="at_risk")
    return org


def save_view(client, query, name="At risk", **extra):
    return client.post("/views/", {"name": name, "query": query, **extra})


def test_saving_a_view_keeps_the_filters_and_sort_and_opens_it(client, accounts):
    client.force_login(accounts.csm)
    response = save_view(client, "status=at_risk&sort=-arr&page=2&junk=1")
    view = SavedView.objects.get(owner=accounts.csm)
    assert (view.name, view.query, view.shared) == ("At risk", "status=at_risk&sort=-arr", False)
    assert response.url == f"/?view={view.pk}"
    opened = client.get(response.url)
    assert names_in(opened) == ["Cedar Cloud", "Birch Bank"]
    assert "Saved the view “At risk”." in opened.text


def test_saving_leaves_out_a_filter_the_form_cannot_read(client, accounts):
    client.force_login(accounts.csm)
    save_view(client, f"status=at_risk&team={accounts.other_team.pk}&flag=nonsense")
    assert SavedView.objects.get().query == "status=at_risk"


def test_a_view_name_is_unique_per_user_and_a_second_one_is_refused_on_its_field(client, accounts):
    client.force_login(accounts.csm)
    save_view(client, "status=at_risk")
    refused = save_view(client, "status=churned")
    assert refused.status_code == 422
    assert refused.context["form"].errors["name"] == ["You already have a view named “At risk”."]
    assert list(SavedView.objects.values_list("query", flat=True)) == ["status=at_risk"]
    client.force_login(accounts.teammate)  # another user may use the same name
    assert save_view(client, "status=churned").status_code == 302
    assert SavedView.objects.filter(name="At risk").count() == 2


def test_the_database_refuses_two_views_of_one_name_for_one_user(accounts):
    from django.db import IntegrityError, transaction

    SavedView.objects.create(owner=accounts.csm, name="Mine", query="")
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedView.objects.create(owner=accounts.csm, name="Mine", query="status=active")


def test_the_default_view_applies_when_the_list_opens_without_a_query(client, accounts):
    client.force_login(accounts.csm)
    save_view(client, "status=at_risk&sort=-arr", default="on")
    assert names_in(client.get("/")) == ["Cedar Cloud", "Birch Bank"]
    every = client.get("/?view=all")  # the visible way back: every open account
    assert names_in(every) == ["Acme", "Birch Bank", "Cedar Cloud"]
    assert 'href="/?view=all"' in client.get("/").text
    # any query string is the user's own choice: the default does not apply to it
    assert names_in(client.get("/?q=birch")) == ["Birch Bank"]


def test_the_default_view_keeps_its_filters_on_the_sort_and_page_links(client, accounts):
    client.force_login(accounts.csm)
    save_view(client, "status=at_risk", default="on")
    view = SavedView.objects.get()
    page = client.get("/").text
    assert f'href="?view={view.pk}&amp;sort=-name"' in page
    assert names_in(client.get(f"/?view={view.pk}&sort=-name")) == ["Cedar Cloud", "Birch Bank"]


def test_choosing_the_default_and_going_back_to_all_accounts(client, accounts):
    view = SavedView.objects.create(owner=accounts.csm, name="Risk", query="status=at_risk")
    client.force_login(accounts.csm)
    response = client.post("/views/default/", {"view": view.pk})
    assert response.url == "/"
    assert User.objects.get(pk=accounts.csm.pk).default_view == view
    assert names_in(client.get("/")) == ["Birch Bank", "Cedar Cloud"]
    client.post("/views/default/", {"view": "all"})
    assert User.objects.get(pk=accounts.csm.pk).default_view is None
    assert names_in(client.get("/")) == ["Acme", "Birch Bank", "Cedar Cloud"]


def test_a_shared_view_shows_to_teammates_who_may_open_it_but_not_change_it(client, accounts):
    shared = SavedView.objects.create(
        owner=accounts.csm, name="Team risk", query="status=at_risk", shared=True
    )
    private = SavedView.objects.create(owner=accounts.csm, name="Mine", query="q=acme")
    client.force_login(accounts.teammate)
    page = client.get("/")
    assert [view.name for view in page.context["query"].views] == ["Team risk"]
    assert names_in(client.get(f"/?view={shared.pk}")) == ["Birch Bank", "Cedar Cloud"]
    assert client.post("/views/default/", {"view": shared.pk}).url == "/"
    assert client.post(f"/views/{shared.pk}/edit/", {"name": "Ours"}).status_code == 404
    assert client.post(f"/views/{shared.pk}/delete/").status_code == 404
    assert SavedView.objects.get(pk=shared.pk).name == "Team risk"
    assert client.post("/views/default/", {"view": private.pk}).status_code == 422
    client.force_login(accounts.outsider)
    assert client.get("/").context["query"].views == []
    assert client.post("/views/default/", {"view": shared.pk}).status_code == 422
    opened = client.get(f"/?view={shared.pk}")  # not theirs: every account, and a word why
    assert names_in(opened) == ["Globex"]
    assert "not yours to open" in opened.text


def test_an_unshared_view_stops_being_a_teammates_default(client, accounts):
    view = SavedView.objects.create(
        owner=accounts.csm, name="Team risk", query="status=at_risk", shared=True
    )
    User.objects.filter(pk=accounts.teammate.pk).update(default_view=view)
    client.force_login(accounts.csm)
    client.post(f"/views/{view.pk}/edit/", {"name": "Team risk"})
    assert SavedView.objects.get(pk=view.pk).shared is False
    client.force_login(accounts.teammate)
    assert names_in(client.get("/")) == ["Acme", "Birch Bank", "Cedar Cloud"]


def test_renaming_and_deleting_ones_own_view(client, accounts):
    view = SavedView.objects.create(owner=accounts.csm, name="Risk", query="status=at_risk")
    SavedView.objects.create(owner=accounts.csm, name="Taken", query="")
    client.force_login(accounts.csm)
    renamed = client.post(f"/views/{view.pk}/edit/", {"name": " Renewals ", "shared": "on"})
    assert renamed.url == "/views/"
    assert SavedView.objects.filter(pk=view.pk).values_list("name", "shared").get() == (
        "Renewals",
        True,
    )
    refused = client.post(f"/views/{view.pk}/edit/", {"name": "Taken"})
    assert refused.status_code == 422
    assert "You already have a view named “Taken”." in refused.text
    assert SavedView.objects.get(pk=view.pk).name == "Renewals"
    User.objects.filter(pk=accounts.csm.pk).update(default_view=view)
    assert client.post(f"/views/{view.pk}/delete/").url == "/views/"
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert User.objects.get(pk=accounts.csm.pk).default_view is None


def test_a_view_naming_a_team_gone_opens_with_the_rest_and_says_so(client, accounts):
    gone = TeamFactory(name="Old team", members=[accounts.csm])
    view = SavedView.objects.create(
        owner=accounts.csm, name="Old", query=f"team={gone.pk}&status=at_risk"
    )
    gone.members.clear()
    gone.delete()
    client.force_login(accounts.csm)
    opened = client.get(f"/?view={view.pk}")
    assert opened.status_code == 200
    assert names_in(opened) == ["Birch Bank", "Cedar Cloud"]
    assert "Part of the view “Old” no longer applies and is left out: team." in opened.text


def test_the_saved_views_page_lists_own_and_shared_views(client, accounts):
    SavedView.objects.create(owner=accounts.teammate, name="Shared", query="", shared=True)
    SavedView.objects.create(owner=accounts.teammate, name="Private", query="")
    SavedView.objects.create(owner=accounts.csm, name="Mine", query="status=active")
    client.force_login(accounts.csm)
    page = client.get("/views/")
    assert [view.name for view in page.context["views"]] == ["Mine", "Shared"]
    assert "shared by" in page.text
    assert page.text.count("Delete<span") == 1  # only one's own views can be deleted


def test_the_list_with_views_reads_the_same_number_of_queries_for_one_view_or_many(
    client, accounts
):
    client.force_login(accounts.csm)
    view = SavedView.objects.create(owner=accounts.csm, name="V0", query="status=at_risk")
    User.objects.filter(pk=accounts.csm.pk).update(default_view=view)

    def cost(url, headers=None):
        client.get(url, headers=headers)  # warm
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, headers=headers).status_code == 200
        return len(captured)

    pages = [("/", None), ("/", HTMX), (f"/?view={view.pk}", None), ("/views/", None)]
    small = [cost(url, headers) for url, headers in pages]
    for n in range(1, 12):
        SavedView.objects.create(owner=accounts.csm, name=f"V{n}", query="q=a")
        SavedView.objects.create(owner=accounts.teammate, name=f"T{n}", query="", shared=True)
    assert [cost(url, headers) for url, headers in pages] == small


@pytest.mark.django_db(transaction=True)
def test_the_page_cache_keeps_each_users_default_apart_and_follows_a_new_default():
    """On PostgreSQL the list is served from the page cache: the same address, `/`, shows each
    user their own default view, and a new default shows at once."""
    services.need(connection.vendor == "postgresql", "the page cache needs PostgreSQL")
    csm, teammate = UserFactory(email="c@example.com"), UserFactory(email="t@example.com")
    team = TeamFactory(name="Team A", members=[csm, teammate])
    AccountFactory(name="Acme", team=team, owner=csm)
    AccountFactory(name="Birch", team=team, owner=csm, status="at_risk")
    view = SavedView.objects.create(owner=csm, name="Risk", query="status=at_risk")
    User.objects.filter(pk=csm.pk).update(default_view=view)
    clients = {}
    for user in (csm, teammate):
        clients[user] = Client()
        clients[user].force_login(user)

    def shown(user):
        """The rows of the list, as the second read (from the cache) shows them."""
        clients[user].get("/")
        page = clients[user].get("/").text
        return [name for name in ("Acme", "Birch") if f">{name}</a>" in page]

    assert shown(csm) == ["Birch"]
    assert shown(teammate) == ["Acme", "Birch"]
    clients[csm].post("/views/default/", {"view": "all"})
    assert shown(csm) == ["Acme", "Birch"]
    clients[csm].post("/views/default/", {"view": view.pk})
    assert shown(csm) == ["Birch"]


def test_the_worked_example_of_docs_accounts(client, org):
    """docs/accounts.md, "A worked example": Dana's default view of the accounts at risk."""
    dana, sam = org.csm, org.teammate
    AccountFactory(name="Birch Bank", team=org.team, owner=sam, arr=5000, status="at_risk")
    AccountFactory(name="Cedar Cloud", team=org.team, owner=dana, arr=90000, status="at_risk")
    client.force_login(dana)
    assert names_in(client.get("/?status=at_risk&sort=-arr")) == ["Cedar Cloud", "Birch Bank"]
    client.post(
        "/views/",
        {"name": "At risk by ARR", "query": "status=at_risk&sort=-arr", "shared": "on",
         "default": "on"},
    )  # fmt: skip
    assert names_in(client.get("/")) == ["Cedar Cloud", "Birch Bank"]
    assert names_in(client.get("/?view=all")) == ["Acme", "Birch Bank", "Cedar Cloud"]
    view = SavedView.objects.get(name="At risk by ARR")
    client.force_login(sam)
    assert "At risk by ARR" in client.get("/").text
    assert names_in(client.get("/")) == ["Acme", "Birch Bank", "Cedar Cloud"]
    assert names_in(client.get(f"/?view={view.pk}")) == ["Cedar Cloud", "Birch Bank"]
    assert client.post(f"/views/{view.pk}/delete/").status_code == 404


def test_the_lists_picker_names_who_shared_a_view_and_hides_private_ones(client, accounts):
    SavedView.objects.create(owner=accounts.teammate, name="Shared", query="", shared=True)
    SavedView.objects.create(owner=accounts.teammate, name="Private", query="")
    SavedView.objects.create(owner=accounts.outsider, name="Elsewhere", query="", shared=True)
    SavedView.objects.create(owner=accounts.csm, name="Mine", query="status=active")
    User.objects.filter(pk=accounts.teammate.pk).update(full_name="")
    client.force_login(accounts.csm)
    picker = client.get("/?view=all").text.split('aria-label="Saved views">')[1].split("</nav>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", picker).split())
    assert text == f"All accounts Mine Shared shared by · {accounts.teammate.email}"
