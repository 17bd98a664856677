"""Who sees which accounts: the single gate `Account.objects.visible_to(user)`."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import Account
from accounts.selectors import who_sees_teams
from tests.factories import UserFactory


def names(user):
    return sorted(Account.objects.visible_to(user).values_list("name", flat=True))


def test_visible_to_csm_sees_only_their_teams_accounts(org):
    assert names(org.csm) == ["Acme"]
    assert names(org.outsider) == ["Globex"]


def test_visible_to_manager_sees_the_team_they_manage(org):
    assert names(org.manager) == ["Acme"]


def test_visible_to_admin_sees_every_account(org):
    assert names(org.admin) == ["Acme", "Globex"]


def test_visible_to_anonymous_and_inactive_users_see_nothing(org):
    assert names(AnonymousUser()) == []
    org.csm.is_active = False
    assert names(org.csm) == []


def test_visible_to_user_in_two_teams_sees_each_account_once(org):
    org.other_team.members.add(org.csm)
    assert names(org.csm) == ["Acme", "Globex"]


def test_account_page_for_teammate_and_404_for_outsider(client, org):
    client.force_login(org.teammate)
    response = client.get(org.account.get_absolute_url())
    assert response.status_code == 200
    assert "Acme" in response.text
    client.force_login(org.outsider)
    response = client.get(org.account.get_absolute_url())
    assert response.status_code == 404
    assert "Acme" not in response.text


def test_account_page_sends_anonymous_users_to_login(client, org):
    response = client.get(org.account.get_absolute_url())
    assert response.status_code == 302
    assert response.url == f"/login/?next={org.account.get_absolute_url()}"


def test_who_sees_teams_agrees_with_the_gate_for_every_user_and_team(org):
    inactive = UserFactory(email="gone@example.com", is_active=False)
    org.team.members.add(inactive)
    users = [org.admin, org.manager, org.csm, org.teammate, org.outsider, inactive]
    teams = [org.team, org.other_team]
    gate = {
        (user.pk, team.pk)
        for user in users
        for team in teams
        if Account.objects.visible_to(user).filter(team=team).exists()
    }
    assert who_sees_teams({u.pk for u in users}, {t.pk for t in teams}) == gate
