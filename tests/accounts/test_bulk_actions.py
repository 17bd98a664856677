"""Bulk actions on the account list: reassign, change the lifecycle status, export the selection.
One transaction, one history row per account changed, one recompute request per account, only
accounts the user may see, and a summary of what changed."""

import csv
import io

import pytest

from accounts.models import Account
from core.models import Event
from dataio.services import report_lines
from relationships.models import RecomputeRequest
from tests.factories import AccountFactory, UserFactory

HTMX = {"HX-Request": "true", "HX-Target": "account-results"}


@pytest.fixture
def accounts(org):
    """Acme (the CSM's) and three more of Team A, one of them the teammate's."""
    AccountFactory(name="Birch Bank", team=org.team, owner=org.teammate)
    AccountFactory(name="Cedar Cloud", team=org.team, owner=org.csm)
    AccountFactory(name="Dune Data", team=org.team, owner=org.csm)
    return org


def pks(*names):
    return list(Account.objects.filter(name__in=names).values_list("pk", flat=True))


def owners():
    return dict(Account.objects.values_list("name", "owner__email"))


def post(client, action, names, **fields):
    data = {"action": action, "accounts": pks(*names), "list_query": "sort=name", **fields}
    return client.post("/accounts/bulk/", data)


def test_reassigning_gives_the_accounts_to_the_new_owner_and_says_what_changed(client, accounts):
    client.force_login(accounts.csm)
    RecomputeRequest.objects.all().delete()
    names = ("Acme", "Birch Bank", "Cedar Cloud", "Dune Data")
    response = post(client, "reassign", names, owner=accounts.teammate.pk)
    assert response.url == "/?sort=name"
    assert set(owners().values()) == {"teammate@example.com", "outsider@example.com"}
    page = client.get(response.url)
    teammate = str(accounts.teammate)
    assert f"3 accounts reassigned to {teammate}; 1 skipped: already {teammate}’s." in page.text
    # one history row per account changed, by whom; one recompute request per account
    for name in ("Acme", "Cedar Cloud", "Dune Data"):
        latest = Account.objects.get(name=name).history.first()
        assert (latest.owner_id, latest.history_user) == (accounts.teammate.pk, accounts.csm)
    assert Account.objects.get(name="Birch Bank").history.count() == 1  # created, untouched
    assert set(RecomputeRequest.objects.values_list("account__name", flat=True)) == {
        "Acme",
        "Cedar Cloud",
        "Dune Data",
    }


def test_reassigning_to_someone_outside_an_accounts_team_is_refused_and_writes_nothing(
    client, accounts
):
    stranger = UserFactory(email="stranger@example.com", full_name="Sol Stranger")
    accounts.other_team.members.add(stranger)
    client.force_login(accounts.admin)
    before = owners()
    response = post(client, "reassign", ["Acme", "Globex"], owner=stranger.pk)
    assert response.status_code == 422
    assert "Sol Stranger is not in the team of Acme." in response.text
    assert owners() == before


def test_an_account_the_user_may_not_see_refuses_the_whole_action(client, accounts):
    client.force_login(accounts.csm)
    before = owners()
    response = post(client, "reassign", ["Acme", "Globex"], owner=accounts.teammate.pk)
    assert response.status_code == 422
    assert "An account you may not see, or that is gone, was chosen" in response.text
    assert owners() == before


def test_changing_the_status_records_each_change_and_skips_those_already_there(client, accounts):
    Account.objects.filter(name="Dune Data").update(status="at_risk")
    client.force_login(accounts.csm)
    response = post(client, "status", ["Acme", "Cedar Cloud", "Dune Data"], status="at_risk")
    assert response.status_code == 302
    statuses = dict(Account.objects.values_list("name", "status"))
    assert [statuses[n] for n in ("Acme", "Birch Bank", "Cedar Cloud")] == [
        "at_risk",
        "active",
        "at_risk",
    ]
    events = Event.objects.filter(kind="account.status_changed").values_list("payload", flat=True)
    assert sorted(e["previous_status"] + ">" + e["status"] for e in events) == [
        "active>at_risk",
        "active>at_risk",
    ]
    page = client.get(response.url)
    assert "2 accounts now at risk; 1 skipped: already at risk." in page.text


@pytest.mark.parametrize("archived", [False, True])
def test_archiving_or_restoring_is_refused_in_bulk(client, accounts, archived):
    if archived:
        Account.objects.filter(name="Cedar Cloud").update(status="archived")
    client.force_login(accounts.manager)
    status = "active" if archived else "archived"
    before = dict(Account.objects.values_list("name", "status"))
    response = post(client, "status", ["Acme", "Cedar Cloud"], status=status)
    assert response.status_code == 422
    assert dict(Account.objects.values_list("name", "status")) == before
    if archived:
        assert "Archiving and restoring are actions of their own" in response.text
        assert "Archived: Cedar Cloud." in response.text


def test_the_export_is_the_account_report_of_the_accounts_chosen(client, accounts):
    client.force_login(accounts.csm)
    response = post(client, "export", ["Acme", "Dune Data"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    exported = b"".join(response.streaming_content).decode()
    chosen = Account.objects.filter(name__in=["Acme", "Dune Data"])
    assert exported == "".join(report_lines(accounts=chosen))
    rows = list(csv.reader(io.StringIO(exported)))
    assert [row[rows[0].index("name")] for row in rows[1:]] == ["Acme", "Dune Data"]


def test_with_htmx_the_list_comes_back_in_place_with_the_summary(client, accounts):
    client.force_login(accounts.csm)
    data = {"action": "status", "accounts": pks("Acme"), "status": "churned", "list_query": ""}
    response = client.post("/accounts/bulk/", data, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="account-results">')
    assert 'id="messages" hx-swap-oob="true"' in response.text
    assert "1 account now churned." in response.text


def test_with_htmx_a_refusal_comes_back_in_place_with_the_reason(client, accounts):
    client.force_login(accounts.csm)
    data = {"action": "reassign", "accounts": pks("Acme"), "list_query": ""}
    response = client.post("/accounts/bulk/", data, headers=HTMX)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="account-results">')
    assert 'id="bulk-errors"' in response.text


def test_nothing_chosen_is_refused(client, accounts):
    client.force_login(accounts.csm)
    response = client.post("/accounts/bulk/", {"action": "status", "status": "active"})
    assert response.status_code == 422
    assert "Choose at least one account." in response.text


def test_the_list_draws_a_box_per_row_and_the_action_bar(client, accounts):
    client.force_login(accounts.csm)
    page = client.get("/?view=all").text
    for pk in pks("Acme", "Birch Bank"):
        assert f'name="accounts" value="{pk}"' in page
    assert 'data-bulk-all aria-label="Choose every account on this page"' in page
    for key in ("reassign", "status", "export"):
        assert f'name="action" value="{key}"' in page


def test_the_worked_example_of_docs_accounts(client, org):
    """docs/accounts.md, bulk actions' "A worked example": Dana's accounts go to Sam."""
    dana, sam = org.csm, org.teammate
    dana.full_name, sam.full_name = "Dana", "Sam"
    dana.save(update_fields=["full_name"])
    sam.save(update_fields=["full_name"])
    AccountFactory(name="Birch Bank", team=org.team, owner=sam)
    AccountFactory(name="Cedar Cloud", team=org.team, owner=dana)
    AccountFactory(name="Dune Data", team=org.team, owner=dana)
    names = ["Acme", "Birch Bank", "Cedar Cloud", "Dune Data"]
    RecomputeRequest.objects.all().delete()
    stranger = UserFactory(full_name="Sol Stranger")
    org.other_team.members.add(stranger)
    client.force_login(org.admin)  # an admin may choose anyone; a manager only their teams'
    refused = post(client, "reassign", names, owner=stranger.pk)
    assert "Sol Stranger is not in the team of Acme, Birch Bank, Cedar Cloud, Dune Data." in (
        refused.text
    )
    client.force_login(org.manager)
    response = client.post(
        "/accounts/bulk/",
        {"action": "reassign", "accounts": pks(*names), "owner": sam.pk},
        headers=HTMX,
    )
    assert "3 accounts reassigned to Sam; 1 skipped: already Sam’s." in response.text
    assert [a.name for a in response.context["page"].object_list] == names
    for name in ("Acme", "Cedar Cloud", "Dune Data"):
        now, before = Account.objects.get(name=name).history.all()[:2]
        assert (before.owner_id, now.owner_id, now.history_user) == (dana.pk, sam.pk, org.manager)
    assert RecomputeRequest.objects.count() == 3
