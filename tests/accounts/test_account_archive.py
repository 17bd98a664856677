"""Archiving instead of deleting: managers and admins archive an account after confirming, it
leaves the account list, and restoring it brings back the status it had."""

import pytest

from accounts.models import Account

ARCHIVE = '<a class="btn btn-sm btn-outline-danger" href="/accounts/{pk}/archive/">Archive</a>'


def test_the_account_page_offers_archiving_to_managers_only(client, org):
    client.force_login(org.manager)
    assert ARCHIVE.format(pk=org.account.pk) in client.get(org.account.get_absolute_url()).text
    client.force_login(org.csm)
    assert "/archive/" not in client.get(org.account.get_absolute_url()).text


def test_archiving_asks_to_confirm_first(client, org):
    client.force_login(org.manager)
    response = client.get(f"/accounts/{org.account.pk}/archive/")
    assert "Archive Acme?" in response.text
    assert f'<form method="post" action="/accounts/{org.account.pk}/archive/"' in response.text
    assert Account.objects.get(pk=org.account.pk).status == "active"


def test_an_archived_account_leaves_the_account_list_and_can_be_found_again(client, org):
    client.force_login(org.manager)
    response = client.post(f"/accounts/{org.account.pk}/archive/")
    assert response.url == org.account.get_absolute_url()
    page = client.get(response.url).text
    assert "Archived Acme: it no longer shows in the account list." in page
    assert "This account is archived: it is not in the account list." in page
    assert f'action="/accounts/{org.account.pk}/restore/"' in page
    assert [a.name for a in client.get("/").context["page"]] == []
    assert [a.name for a in client.get("/?status=archived").context["page"]] == ["Acme"]
    assert Account.objects.get(pk=org.account.pk).status == "archived"


def test_restoring_brings_back_the_status_before_archiving(client, org):
    Account.objects.filter(pk=org.account.pk).update(status="at_risk")
    account = Account.objects.get(pk=org.account.pk)
    account.save()  # a history row with the status at risk
    client.force_login(org.admin)
    client.post(f"/accounts/{org.account.pk}/archive/")
    response = client.post(f"/accounts/{org.account.pk}/restore/")
    assert response.url == org.account.get_absolute_url()
    assert "Restored Acme: it is at risk again." in client.get(response.url).text
    account = Account.objects.get(pk=org.account.pk)
    assert account.status == "at_risk"
    assert [record.status for record in account.history.all()][:3] == [
        "at_risk", "archived", "at_risk"
    ]  # fmt: skip
    assert [a.name for a in client.get("/").context["page"]] == ["Acme", "Globex"]


@pytest.mark.parametrize(
    ("url", "status"),
    [("/accounts/{pk}/archive/", "active"), ("/accounts/{pk}/restore/", "archived")],
)
def test_csms_get_403_and_outsiders_404_and_nothing_changes(client, org, url, status):
    Account.objects.filter(pk=org.account.pk).update(status=status)
    client.force_login(org.csm)
    assert client.post(url.format(pk=org.account.pk)).status_code == 403
    client.force_login(org.outsider)
    assert client.post(url.format(pk=org.account.pk)).status_code == 404
    assert Account.objects.get(pk=org.account.pk).status == status
