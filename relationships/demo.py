"""Demo stakeholders and their year of activity: an org chart at every account, accounts that
show each coverage flag, and interactions, moments, open items and pulse checks that tell stories;
then competitor ratings, references and a few recent escalations, so the quadrant board has
accounts in every quadrant and the competitor view has something to say.

Called by `seed_demo` (surveys/demo.py) after the accounts exist; once the surveys are
answered too, it computes the scores and works some of the gap cases they open. Deterministic
and idempotent like the rest of the demo: people are created only for accounts that have none
yet.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import Account
from relationships.gaps.services import gap_action_toggle, gap_case_move
from relationships.models import (
    Channel,
    CompetitorDimension,
    CompetitorRating,
    GapCase,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Stakeholder,
    Touchpoint,
)
from relationships.people.services import coverage_refresh
from relationships.positioning.selectors import TRAIL_DAYS
from relationships.scoring.recompute import account_chunks, scores_recompute

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
    ("user", "Analyst", "low", 2, "", "", "active", 3),
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
    seed_stakeholders(rng, today)
    seed_activity(rng, today)
    seed_competition(rng, today)


def seed_stakeholders(rng: random.Random, today: dt.date) -> None:
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


# Channels a relationship of each strength mostly uses: closer people, more intimate channels.
CHANNELS_BY_STRENGTH = {
    1: ["email"],
    2: ["email", "email", "call"],
    3: ["email", "call", "video"],
    4: ["email", "call", "video", "chat"],
    5: ["call", "chat", "text", "in_person"],
}
SUMMARIES = {
    "inbound": [
        "Asked how to set up the new reporting workflow.",
        "Shared feedback from their team on the last release.",
        "Wanted an update on the open ticket.",
        "Invited us to their planning session.",
        "Raised a concern about response times.",
    ],
    "outbound": [
        "Checked in after the rollout to the second region.",
        "Sent the usage summary for the month.",
        "Followed up on the promised integration timeline.",
        "Proposed an agenda for the next business review.",
        "Shared a customer story from a similar company.",
    ],
}
# How a relationship of each strength behaves: how often the person is the one we talk to, how
# often they start the conversation, how their words lean, and how quickly they reply (hours).
BEHAVIOUR_BY_STRENGTH = {
    1: (1, 0.2, -1, [24, 48, 72]),
    2: (2, 0.3, -1, [8, 24, 48]),
    3: (3, 0.4, 0, [4, 8, 24]),
    4: (5, 0.5, 0, [2, 4, 8]),
    5: (7, 0.6, 1, [1, 2, 4]),
}
# Account moods, by account number: how their year felt, which shapes sentiment and moments.
MOODS = ["content", "tense", "warm", "mixed", "content", "warm"]
MOOD_SENTIMENT = {"warm": (0, 2), "content": (-1, 2), "mixed": (-2, 1), "tense": (-2, 1)}


def _catalogs():
    return (
        {c.slug: c for c in Channel.objects.all()},
        {t.slug: t for t in Touchpoint.objects.all()},
        {m.slug: m for m in MomentType.objects.all()},
    )


def seed_activity(rng: random.Random, today: dt.date) -> None:
    """A year of interactions, moments, open items and pulse checks for each demo account
    that has none yet, including a few stories a CSM would recognise."""
    channels, touchpoints, moment_types = _catalogs()
    accounts = list(
        Account.objects.filter(external_id__startswith="ACC-", interactions__isnull=True)
        .select_related("owner")
        .prefetch_related("stakeholders")
        .order_by("external_id")
    )
    interactions, links, moments, items, pulses = [], [], [], [], []
    for account in accounts:
        number = int(account.external_id.removeprefix("ACC-"))
        mood = MOODS[number % len(MOODS)]
        people = [p for p in account.stakeholders.all() if p.is_active]
        often = [BEHAVIOUR_BY_STRENGTH[p.strength or 2][0] for p in people]
        for day in range(365, 0, -rng.randint(4, 9)):
            person = rng.choices(people, weights=often)[0]
            quiet_champion = number % 7 == 3 and person.role == "champion" and day < 90
            if quiet_champion:
                continue  # the champion has gone quiet in the last three months
            _often, starts, lean, replies = BEHAVIOUR_BY_STRENGTH[person.strength or 2]
            direction = "inbound" if rng.random() < starts else "outbound"
            low, high = MOOD_SENTIMENT[mood]
            interaction = Interaction(
                account=account,
                occurred_at=_at(today, day, rng),
                our_person=account.owner,
                channel=channels[rng.choice(CHANNELS_BY_STRENGTH[person.strength or 2])],
                touchpoint=touchpoints[rng.choice(["service", "service", "sales", "delivery"])],
                direction=direction,
                sentiment=max(-2, min(2, rng.randint(low, high) + lean)),
                verbosity=rng.choice(["short", "normal", "normal", "long"]),
                response_hours=Decimal(rng.choice(replies)) if direction == "inbound" else None,
                summary=rng.choice(SUMMARIES[direction]),
            )
            interactions.append(interaction)
            links.append((interaction, person))
        moments.extend(_moments(account, number, mood, people, moment_types, today, rng))
        items.extend(_open_items(account, people, today, rng))
        pulses.extend(
            PulseCheck(
                account=account,
                csm=account.owner,
                checked_on=today - dt.timedelta(days=day),
                happiness=max(
                    1,
                    min(
                        5,
                        {"warm": 4, "content": 4, "mixed": 3, "tense": 3}[mood]
                        + rng.randint(-1, 1),
                    ),
                ),
                note="Monthly read.",
            )
            for day in range(330, 0, -30)
        )
        if number in STORY_PULSES:
            happiness, note = STORY_PULSES[number]
            pulses.append(
                PulseCheck(
                    account=account,
                    csm=account.owner,
                    checked_on=today - dt.timedelta(days=2),
                    happiness=happiness,
                    note=note,
                )
            )
    Interaction.objects.bulk_create(interactions)
    Interaction.stakeholders.through.objects.bulk_create(
        Interaction.stakeholders.through(interaction_id=i.pk, stakeholder_id=p.pk) for i, p in links
    )
    Moment.objects.bulk_create(moments)
    OpenItem.objects.bulk_create(items)
    PulseCheck.objects.bulk_create(pulses)


def _at(today: dt.date, days_ago: int, rng: random.Random) -> dt.datetime:
    day = today - dt.timedelta(days=days_ago)
    return dt.datetime.combine(
        day, dt.time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])), dt.UTC
    )


def _moments(account, number, mood, people, moment_types, today, rng):
    """The year's moments: kickoff and QBRs for everyone, plus the account's own story."""

    def moment(slug, days_ago, emotion, impact="", amount=None, by="csm", note=""):
        return Moment(
            account=account,
            stakeholder=rng.choice(people),
            moment_type=moment_types[slug],
            occurred_on=today - dt.timedelta(days=days_ago),
            emotion=emotion,
            intensity={"delighted": 3, "met": 1, "missed": 2, "enraged": 3}[emotion],
            value_impact=impact,
            value_amount=Decimal(amount) if amount else None,
            identified_by=by,
            note=note,
        )

    story = [moment("qbr", 280, "met"), moment("qbr", 100, "met" if mood != "tense" else "missed")]
    if number % 5 == 2:  # an outage, an escalation that went well
        story += [
            moment(
                "outage",
                160,
                "enraged",
                "destroyed",
                15000,
                "customer",
                "Four-hour outage during their month-end close.",
            ),
            moment(
                "escalation",
                155,
                "delighted",
                "created",
                8000,
                "customer",
                "Our war room fixed it in a day; they said so in the steering meeting.",
            ),
        ]
    if number % 6 == 1:  # a run of missed expectations at delivery
        story += [
            moment("delivery_milestone", days, "missed", "destroyed", amount, note="Slipped again.")
            for days, amount in ((200, 4000), (140, 6000), (60, 9000))
        ]
    if number % 4 == 0:
        story.append(
            moment(
                "first_invoice",
                300,
                "missed",
                "destroyed",
                2000,
                "customer",
                "Invoice did not match the order.",
            )
        )
    if mood == "warm":
        story.append(
            moment("go_live", 250, "delighted", "created", 20000, note="Went live two weeks early.")
        )
    story.append(moment("renewal_negotiation", 30, "met" if mood != "tense" else "missed"))
    if number == USES_NEEDS_UNMET_ACCOUNT:  # seed scenario 2: they use it, it falls short
        story += [
            moment("escalation", days, "enraged", "destroyed", 5000, "customer", note)
            for days, note in (
                (12, "Audit trail missing: their compliance team cannot sign off."),
                (8, "Bulk edits time out for their largest region."),
                (3, "Told us on the call the product does not meet their reporting needs."),
            )
        ]
    return story


# Accounts whose demo data shows the gap scenarios the others do not show by themselves.
USES_NEEDS_UNMET_ACCOUNT = 24  # heavy usage, unmet needs
CSM_WORRIED_ACCOUNT = 2  # a happy customer, a worried CSM
STORY_PULSES = {
    USES_NEEDS_UNMET_ACCOUNT: (3, "Hard call: the product falls short of what they need."),
    CSM_WORRIED_ACCOUNT: (1, "Sponsor silent since their reorg; I am worried about renewal."),
}


def _open_items(account, people, today, rng):
    kinds = [
        ("promise", "Send the integration roadmap"),
        ("ticket", "SSO login fails for new users"),
        ("feature_request", "Export dashboards to PDF"),
        ("unanswered_email", "Question about invoice terms"),
    ]
    items = []
    for kind, title in rng.sample(kinds, rng.randint(1, 3)):
        opened = today - dt.timedelta(days=rng.randint(5, 120))
        closed = opened + dt.timedelta(days=rng.randint(2, 30)) if rng.random() < 0.5 else None
        items.append(
            OpenItem(
                account=account,
                stakeholder=rng.choice(people),
                kind=kind,
                title=title,
                opened_on=opened,
                due_on=opened + dt.timedelta(days=14),
                closed_on=closed if closed and closed <= today else None,
            )
        )
    return items


# How far the demo's CSMs have worked their gap cases: (account number, moves, note).
GAP_WORK = [
    (1, ["acknowledged"], "Seen; booking time with their ops lead."),
    (5, ["acknowledged", "investigating"], "Usage fell in the Nordics region only."),
    (8, ["acknowledged", "investigating", "action_planned"], "Training for the new team."),
    (9, ["investigating", "resolved"], "Fixed the export bug they raised in the survey."),
    (11, ["dismissed"], "Seasonal: their plants close for maintenance every autumn."),
]


def seed_scores(today: dt.date) -> None:
    """Every account's scores as of a month ago and today, so the quadrant board shows
    movement."""
    for chunk in account_chunks():
        scores_recompute(account_ids=chunk, day=today - dt.timedelta(days=TRAIL_DAYS))
        scores_recompute(account_ids=chunk)


def seed_gap_work() -> None:
    """Move some detected cases along the workflow, as their CSMs would have. Only cases no one
    has moved yet are moved, so running the demo again changes nothing."""
    numbers = {f"ACC-{number:04d}": (moves, note) for number, moves, note in GAP_WORK}
    cases = (
        GapCase.objects.filter(account__external_id__in=numbers, state=GapCase.State.DETECTED)
        .annotate(moves=Count("transitions", filter=Q(transitions__by__isnull=False)))
        .filter(moves=0)
        .select_related("account", "owner")
    )
    for case in cases:
        moves, note = numbers[case.account.external_id]
        for state in moves:
            # the CSM's words: the reason a dismissal or an early resolution needs, and the
            # trail's note of any move
            gap_case_move(case=case, to=state, by=case.owner, reason=note)
        first = case.actions.order_by("position").first()
        if first and len(moves) > 1:
            gap_action_toggle(action=first, by=case.owner)


# Where each leading competitor is stronger than us, in the eyes of the customers who buy both.
COMPETITOR_EDGE = {
    "Northstar Success": ["technology_integration", "product"],
    "Orbit CX": ["service", "value"],
    "Pulsewise": ["delivery", "sales_relationship"],
}
ESCALATED = 6  # every sixth account had a recent escalation: the CSM's latest read is unhappy


def seed_competition(rng: random.Random, today: dt.date) -> None:
    """For each demo account without ratings yet: its people rate us against its leading
    competitor on three or four dimensions, promoters agree to be references, and some
    accounts get a recent unhappy pulse check."""
    accounts = list(
        Account.objects.filter(external_id__startswith="ACC-", leading_competitor__isnull=False)
        .exclude(pk__in=CompetitorRating.objects.values("account_id"))
        .select_related("owner", "leading_competitor")
        .prefetch_related("stakeholders")
        .order_by("external_id")
    )
    dimensions = {d.slug: d for d in CompetitorDimension.objects.all()}
    ratings, pulses = [], []
    for account in accounts:
        number = int(account.external_id.removeprefix("ACC-"))
        competitor = account.leading_competitor
        edge = COMPETITOR_EDGE.get(competitor.name, [])
        rated_on = today - dt.timedelta(days=rng.randint(10, 80))
        for slug in rng.sample(sorted(dimensions), rng.randint(3, 4)):
            for person in account.stakeholders.all():
                if not person.is_active or person.buying_influence == "low":
                    continue
                ours = max(1, min(5, (person.strength or 3) + rng.randint(-1, 0)))
                theirs = max(1, min(5, ours + (rng.randint(1, 2) if slug in edge else -1)))
                ratings.append(
                    CompetitorRating(
                        account=account, stakeholder=person, competitor=competitor,
                        dimension=dimensions[slug], our_rating=ours, their_rating=theirs,
                        rated_on=rated_on, source=rng.choice(["csm", "survey"]),
                    )
                )  # fmt: skip
        if number % ESCALATED == 1:
            pulses.append(
                PulseCheck(
                    account=account, csm=account.owner, happiness=1,
                    checked_on=today - dt.timedelta(days=rng.randint(1, 5)),
                    note="After the escalation: they are talking to other vendors.",
                )
            )  # fmt: skip
    CompetitorRating.objects.bulk_create(ratings)
    PulseCheck.objects.bulk_create(pulses)
    Stakeholder.objects.filter(account__in=accounts, strength=5, status="active").update(
        reference_willing=True
    )
