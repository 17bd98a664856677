"""The demo organisation: two teams, a user for each role, about thirty customer accounts.

Deterministic (a fixed random seed) and idempotent (rows are looked up by natural keys, so a
second run changes nothing). Later parts of the product add their own demo data on top.
"""

import random

from accounts.models import Account, Team, User

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

RANDOM_SEED = 20261123


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


def seed_accounts(users: dict[str, User], teams: dict[str, Team], rng: random.Random) -> None:
    csms_by_team = {
        team_name: [
            users[email]
            for email, _n, role, t, _m in DEMO_USERS
            if t == team_name and role == User.Role.CSM
        ]
        for team_name in teams
    }
    existing = set(Account.objects.values_list("name", flat=True))
    new_accounts = []
    for index, name in enumerate(ACCOUNT_NAMES):
        team_name = "Enterprise" if index % 2 == 0 else "Growth"
        owner = rng.choice(csms_by_team[team_name])
        if name not in existing:
            new_accounts.append(Account(name=name, owner=owner, team=teams[team_name]))
    Account.objects.bulk_create(new_accounts)


def seed() -> None:
    rng = random.Random(RANDOM_SEED)
    users = seed_users()
    teams = seed_teams(users)
    seed_accounts(users, teams, rng)
