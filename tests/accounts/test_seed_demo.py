"""python manage.py seed_demo builds a believable organisation, the same every time."""

from io import StringIO

from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Account, Team, User


def snapshot():
    return (
        sorted(User.objects.values_list("email", "role", "password")),
        sorted(Team.objects.values_list("name", "manager__email")),
        sorted(Account.objects.values_list("name", "owner__email", "team__name")),
    )


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
    assert len(first[2]) == 30
    assert len(first[1]) == 2


def test_seed_demo_csm_sees_their_team_and_not_the_other(db, client):
    call_command("seed_demo", stdout=StringIO())
    assert client.login(username="csm@rapport.example", password=DEMO_PASSWORD)
    csm = User.objects.get(email="csm@rapport.example")
    visible = set(Account.objects.visible_to(csm).values_list("team__name", flat=True))
    assert visible == {"Enterprise"}
    response = client.get("/")
    assert "Acme Logistics" in response.text  # an Enterprise account
    assert "Birchwood Health" not in response.text  # a Growth account


def test_seed_demo_has_a_login_for_every_role(db):
    call_command("seed_demo", stdout=StringIO())
    roles = set(
        User.objects.filter(email__endswith="@rapport.example").values_list("role", flat=True)
    )
    assert roles == {"csm", "manager", "admin"}


def test_seed_demo_tells_a_story_every_coverage_flag_shows_up(db):
    call_command("seed_demo", stdout=StringIO())
    accounts = Account.objects.all()
    assert accounts.filter(single_threaded=True).exists()
    assert accounts.filter(no_decision_maker_coverage=True, single_threaded=False).exists()
    assert accounts.filter(champion_left=True).exists()
    healthy = accounts.filter(
        single_threaded=False, no_decision_maker_coverage=False, champion_left=False
    )
    assert healthy.exists()
    for account in accounts:
        assert account.stakeholders.filter(reports_to__isnull=False).exists(), account
        assert account.usage.count() == 12, account
