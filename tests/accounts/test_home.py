"""The home page lists the accounts a user may see."""

from tests.factories import AccountFactory


def test_home_lists_visible_accounts_only(client, org):
    client.force_login(org.csm)
    response = client.get("/")
    assert "Acme" in response.text
    assert "Globex" not in response.text
    assert "1 account" in response.text


def test_home_shows_empty_state_for_a_user_without_team(client, django_user_model, db):
    loner = django_user_model.objects.create_user("loner@example.com", "pw-irrelevant-123")
    client.force_login(loner)
    response = client.get("/")
    assert "No accounts yet" in response.text


def test_home_paginates_25_accounts_per_page(client, org):
    AccountFactory.create_batch(30, team=org.team, owner=org.csm)
    client.force_login(org.csm)
    first = client.get("/")
    assert first.text.count('href="/accounts/') == 25
    assert "Page 1 of 2" in first.text
    second = client.get("/?page=2")
    assert second.text.count('href="/accounts/') == 6
