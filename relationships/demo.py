"""Demo stakeholders: an org chart at every account, with accounts that show each coverage flag.

Called by `seed_demo` after the accounts exist. Deterministic and idempotent like the rest of the
demo: people are created only for accounts that have none yet.
"""

import datetime as dt
import random

from accounts.models import Account
from relationships.models import Stakeholder
from relationships.services import coverage_refresh

FIRST = [
    "Ava", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira",
    "Luca", "Mei", "Nadia", "Omar", "Paula", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor",
    "Wen", "Yara", "Zoe",
]  # fmt: skip
LAST = [
    "Adler", "Brooks", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Sato",
    "Tanaka", "Varga", "Weber", "Young",
]  # fmt: skip

# Each story: (role, title, influence, strength, trust, respect, status, reports to index)
HEALTHY = [
    ("executive_sponsor", "Chief Operating Officer", "high", 5, "high", "high", "active", None),
    ("economic_buyer", "VP Finance", "high", 4, "high", "high", "active", 0),
    ("decision_maker", "Director of Operations", "high", 4, "high", "low", "active", 0),
    ("champion", "Operations Manager", "medium", 5, "high", "high", "active", 2),
    ("user", "Analyst", "low", 3, "", "", "active", 3),
    ("influencer", "IT Architect", "medium", 3, "low", "high", "active", 2),
]
SINGLE_THREADED = [
    ("decision_maker", "VP Customer Service", "high", 2, "low", "", "active", None),
    ("champion", "Support Lead", "medium", 5, "high", "high", "active", 0),
    ("user", "Support Agent", "low", 3, "", "", "active", 1),
    ("blocker", "Head of Procurement", "high", 1, "low", "low", "active", None),
]
NO_DECISION_MAKER = [
    ("economic_buyer", "CFO", "high", 2, "", "", "active", None),
    ("decision_maker", "Head of Logistics", "high", 3, "high", "low", "active", 0),
    ("champion", "Logistics Planner", "medium", 4, "high", "high", "active", 1),
    ("user", "Dispatcher", "low", 4, "high", "high", "active", 2),
]
CHAMPION_LEFT = [
    ("executive_sponsor", "CEO", "high", 4, "high", "high", "active", None),
    ("champion", "Program Manager", "medium", 5, "high", "high", "left", 0),
    ("decision_maker", "Director of Product", "high", 4, "high", "high", "active", 0),
    ("user", "Product Analyst", "low", 2, "", "", "active", 2),
]
STORIES = [HEALTHY, SINGLE_THREADED, NO_DECISION_MAKER, CHAMPION_LEFT, HEALTHY]


def seed(rng: random.Random, today: dt.date) -> None:
    accounts = list(
        Account.objects.filter(external_id__startswith="ACC-")
        .exclude(stakeholders__isnull=False)
        .select_related("owner")
        .order_by("external_id")
    )
    for account in accounts:
        number = int(account.external_id.removeprefix("ACC-"))
        story = STORIES[number % len(STORIES)]
        people = []
        for index, (role, title, influence, strength, trust, respect, status, _boss) in enumerate(
            story
        ):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            people.append(
                Stakeholder(
                    account=account,
                    external_id=f"STK-{number:04d}-{index + 1}",
                    name=name,
                    title=title,
                    email=f"{name.lower().replace(' ', '.')}@{account.domain}",
                    role=role,
                    buying_influence=influence,
                    relationship_since=today - dt.timedelta(days=rng.randint(60, 1500)),
                    trust=trust,
                    respect=respect,
                    strength=strength,
                    status=status,
                )
            )
        Stakeholder.objects.bulk_create(people)
        for person, (*_facts, boss) in zip(people, story, strict=True):
            if boss is not None:
                person.reports_to = people[boss]
            person.owners.add(account.owner)
        Stakeholder.objects.bulk_update(people, ["reports_to"])
    coverage_refresh(account_ids=[account.pk for account in accounts])
