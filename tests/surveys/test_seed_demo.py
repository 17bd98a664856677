"""python manage.py seed_demo builds a believable organisation, the same every time."""

import datetime as dt
from io import StringIO

from django.core.management import call_command, get_commands
from django.db.models import Count, Max
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Account, Team, User
from relationships.models import Stakeholder


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


def test_seed_demo_is_the_top_apps_command_and_says_the_password_and_every_login(db):
    assert get_commands()["seed_demo"] == "capture"  # the top app puts the demo together
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Demo data ready. Logins (password: {DEMO_PASSWORD}):",
        "  admin@rapport.example      Alex Admin (Admin)",
        "  manager@rapport.example    Maya Patel (Manager, Enterprise)",
        "  csm@rapport.example        Dana Reyes (CSM, Enterprise)",
        "  sam@rapport.example        Sam Okafor (CSM, Enterprise)",
        "  leo@rapport.example        Leo Grant (Manager, Growth)",
        "  priya@rapport.example      Priya Nair (CSM, Growth)",
        "  tom@rapport.example        Tom Becker (CSM, Growth)",
    ]


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


def test_seed_demo_has_a_year_of_activity_with_recognisable_stories(db):
    from relationships.models import Interaction, Moment, OpenItem, PulseCheck

    call_command("seed_demo", stdout=StringIO())
    assert Interaction.objects.count() > 1000
    assert PulseCheck.objects.count() >= 30 * 11
    assert OpenItem.objects.filter(closed_on__isnull=True).exists()
    escalation_went_well = Moment.objects.filter(
        moment_type__slug="escalation", emotion="delighted", value_impact="created"
    )
    assert escalation_went_well.exists()
    delivery_misses = (
        Moment.objects.filter(moment_type__touchpoint__slug="delivery", emotion="missed")
        .values("account")
        .annotate(n=Count("pk"))
    )
    assert max(row["n"] for row in delivery_misses) >= 3
    champions = Stakeholder.objects.filter(role="champion", status="active").annotate(
        last=Max("interactions__occurred_at")
    )
    quiet = [c for c in champions if c.last and c.last < timezone.now() - dt.timedelta(days=90)]
    assert quiet, "a champion who used to talk to us and has gone quiet"


def test_seed_demo_shows_each_gap_scenario_with_cases_being_worked(db):
    from relationships.models import GapCase, GapTransition

    call_command("seed_demo", stdout=StringIO())
    classes = set(GapCase.objects.values_list("gap_class", flat=True))
    assert {"says_happy_usage_down", "uses_needs_unmet", "csm_fine_customer_not"} <= classes
    states = set(GapCase.objects.values_list("state", flat=True))
    assert {"detected", "acknowledged", "investigating", "action_planned"} <= states
    assert {"resolved", "dismissed"} <= states
    worked = GapTransition.objects.exclude(by=None).count()
    call_command("seed_demo", stdout=StringIO())
    assert GapTransition.objects.exclude(by=None).count() == worked


def test_seed_demo_fills_every_quadrant_and_the_competitor_view(db, client):
    call_command("seed_demo", stdout=StringIO())
    quadrants = set(Account.objects.values_list("quadrant", flat=True))
    assert quadrants == {
        "customer_success", "work_to_keep_unprofitable", "work_to_keep_flight_risk", "reassess",
    }  # fmt: skip
    assert Account.objects.exclude(competitor_leads="").exists()
    assert Stakeholder.objects.filter(reference_willing=True).exists()
    assert client.login(username="manager@rapport.example", password=DEMO_PASSWORD)
    board = client.get("/board/")
    assert any(dot.trail for dot in board.context["dots"])  # movement over the last month
    competitors = client.get("/competitors/").context["rows"]
    assert len(competitors) == 3
