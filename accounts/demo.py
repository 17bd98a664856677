"""The demo organisation: two teams, a user for each role, about thirty customer accounts.

Deterministic (the caller's seeded random generator) and idempotent (rows are looked up by
natural keys, so a second run changes nothing). The apps above add their own demo data on top;
`seed_demo` (surveys/demo.py) runs them in order.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils.text import slugify

from accounts.models import Account, Competitor, Team, UsageSnapshot, User

DEMO_PASSWORD = "rapport-demo"

# (email, full name, role, team, manages the team)
DEMO_USERS = [
    ("admin@rapport.example", "Alex Admin", User.Role.ADMIN, None, False),
    ("manager@rapport.example", "Maya Patel", User.Role.MANAGER, "Enterprise", True),
    ("csm@rapport.example", "Dana Reyes", User.Role.CSM, "Enterprise", False),
    ("sam@rapport.example", "Sam Okafor", User.Role.CSM, "Enterprise", False),
    ("leo@rapport.example", "Leo Grant", User.Role.MANAGER, "Growth", True),
    ("priya@rapport.example", "Priya Nair", User.Role.CSM, "Growth", False),
    ("tom@rapport.example", "Tom Becker", User.Role.CSM, "Growth", False),
]

ACCOUNT_NAMES = [
    "Acme Logistics",
    "Birchwood Health",
    "Cobalt Insurance",
    "Delta Foods",
    "Evergreen Energy",
    "Fjord Analytics",
    "Granite Capital",
    "Harbor Freight Lines",
    "Ion Mobility",
    "Juniper Retail",
    "Keystone Manufacturing",
    "Lumen Media",
    "Meridian Travel",
    "Northwind Traders",
    "Orchid Biotech",
    "Pioneer Telecom",
    "Quarry Construction",
    "Redwood Education",
    "Summit Legal",
    "Tidewater Shipping",
    "Umbra Security",
    "Vantage Realty",
    "Willow Apparel",
    "Xenon Robotics",
    "Yellowstone Outfitters",
    "Zephyr Airlines",
    "Aurora Pharma",
    "Beacon Credit Union",
    "Cascade Water",
    "Driftwood Hotels",
]

COMPETITORS = ["Northstar Success", "Orbit CX", "Pulsewise"]
SEGMENTS = {"Enterprise": ["Enterprise", "Strategic"], "Growth": ["Mid-market", "SMB"]}
STATUSES = ["active"] * 6 + ["onboarding", "at_risk"]
# Usage stories, by account number: monthly active users as a share of seats over a year.
USAGE_TRENDS = {
    "growing": lambda month: 0.45 + 0.04 * month,
    "steady": lambda month: 0.78,
    "declining": lambda month: 0.9 - 0.05 * month,
}


def seed_users() -> dict[str, User]:
    users = {}
    for email, full_name, role, _team, _manages in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "role": role,
                "is_staff": role == User.Role.ADMIN,
                "is_superuser": role == User.Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[email] = user
    return users


def seed_teams(users: dict[str, User]) -> dict[str, Team]:
    teams = {}
    for email, _name, _role, team_name, manages in DEMO_USERS:
        if team_name is None:
            continue
        team, _ = Team.objects.get_or_create(name=team_name)
        teams[team_name] = team
        if manages and team.manager_id != users[email].pk:
            team.manager = users[email]
            team.save(update_fields=["manager"])
        elif not manages:
            team.members.add(users[email])
    return teams


def seed_accounts(
    users: dict[str, User], teams: dict[str, Team], rng: random.Random, today: dt.date
) -> None:
    csms_by_team = {
        team_name: [
            users[email]
            for email, _n, role, t, _m in DEMO_USERS
            if t == team_name and role == User.Role.CSM
        ]
        for team_name in teams
    }
    competitors = [Competitor.objects.get_or_create(name=name)[0] for name in COMPETITORS]
    existing = set(Account.objects.values_list("external_id", flat=True))
    for number, name in enumerate(ACCOUNT_NAMES, start=1):
        team_name = "Enterprise" if number % 2 else "Growth"
        seats = rng.choice([25, 50, 120, 300, 800])
        arr = Decimal(seats * rng.choice([300, 450, 600]))
        profile = {
            "name": name,
            "domain": f"{slugify(name)}.example",
            "segment": rng.choice(SEGMENTS[team_name]),
            "owner": rng.choice(csms_by_team[team_name]),
            "team": teams[team_name],
            "customer_since": today - dt.timedelta(days=rng.randint(200, 2400)),
            "renewal_date": today + dt.timedelta(days=rng.randint(10, 360)),
            "arr": arr,
            "cost_to_serve": (arr * Decimal(rng.choice(["0.35", "0.6", "0.9", "1.2"]))).quantize(
                Decimal("1")
            ),
            "seats_purchased": seats,
            "share_of_wallet": Decimal(rng.randint(20, 90)),
            "status": rng.choice(STATUSES),
            "leading_competitor": rng.choice(competitors),
        }
        external_id = f"ACC-{number:04d}"
        if external_id in existing:
            continue
        account = Account.objects.create(external_id=external_id, **profile)
        account.competitors.set(rng.sample(competitors, 2) + [profile["leading_competitor"]])
        seed_usage(account, number, rng, today)


def seed_usage(account: Account, number: int, rng: random.Random, today: dt.date) -> None:
    """Twelve monthly usage snapshots that tell the account's usage story."""
    trend = list(USAGE_TRENDS.values())[number % len(USAGE_TRENDS)]
    first_month = (today.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
    snapshots = []
    for month in range(12):
        start = (first_month + dt.timedelta(days=31 * month)).replace(day=1)
        share = max(0.05, min(1.0, trend(month) + rng.uniform(-0.04, 0.04)))
        users = round(account.seats_purchased * share)
        snapshots.append(
            UsageSnapshot(
                account=account,
                period_start=start,
                active_users=users,
                usage_value=Decimal(users * rng.randint(8, 15)),
                features_used=min(20, 6 + month // 2 + rng.randint(0, 3)),
                features_available=20,
            )
        )
    UsageSnapshot.objects.bulk_create(snapshots)


def seed(rng: random.Random, today: dt.date) -> None:
    """The demo users, teams and accounts with their usage."""
    users = seed_users()
    teams = seed_teams(users)
    seed_accounts(users, teams, rng, today)
