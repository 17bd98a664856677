"""The demo organisation below capture, for `seed_demo` (capture.demo adds the captured mail):
each app's demo data in order, and surveys' own, a campaign sent three weeks ago to
the people of five Enterprise accounts, most of whom answered, so the campaign page, the
feedback loop and the scores have a story. The campaign is made once (it is its own marker).
"""

import datetime as dt
import random

from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Account, User
from core.mail.models import OutboundEmail
from relationships import demo as relationships_demo
from relationships.models import MomentType, Stakeholder
from surveys.models import (
    Campaign,
    Invitation,
    SurveyTemplate,
)
from surveys.selectors import question_specs
from surveys.services import response_submit

RANDOM_SEED = 20261123
NAME = "Spring relationship check"
FEEDBACK = [
    "Keep the weekly check-ins: they are the reason the rollout went well.",
    "Support tickets sometimes wait two days for a first answer.",
    "We would love a clearer roadmap before the renewal conversation.",
    "The invoice format changed without notice; finance had to chase it.",
    "",
]


def seed() -> None:
    """The whole demo, the same every time: accounts, their people and activity, the survey
    campaign, the scores they give a month ago and today, and gap cases being worked."""
    rng = random.Random(RANDOM_SEED)
    today = timezone.localdate()
    accounts_demo.seed(rng, today)
    relationships_demo.seed(rng, today)
    seed_campaign(rng, today)
    relationships_demo.seed_scores(today)
    relationships_demo.seed_gap_work()


def seed_campaign(rng: random.Random, today: dt.date) -> None:
    if Campaign.objects.filter(name=NAME).exists():
        return
    template = SurveyTemplate.objects.get(slug="relationship-check")
    sent = timezone.now() - dt.timedelta(days=21)
    campaign = Campaign.objects.create(
        name=NAME,
        template=template,
        created_by=User.objects.get(email="csm@rapport.example"),
        send_at=sent,
        sender_name="Dana Reyes, Customer Success",
        created_at=sent,
    )
    accounts = list(Account.objects.filter(team__name="Enterprise").order_by("name")[:5])
    campaign.chosen_accounts.set(accounts)
    people = list(
        Stakeholder.objects.filter(
            account__in=accounts,
            status=Stakeholder.Status.ACTIVE,
        )
        .exclude(email="")
        .select_related("account")
        .order_by("account__name", "name")
    )
    emails = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            to=person.email,
            from_email=f"{campaign.sender_name} <rapport@localhost>",
            subject=f"{campaign.sender_name} would like your view, {person.name}",
            body_text="",
            sensitive=True,
            state=OutboundEmail.State.SENT,
            attempts=1,
            created_at=sent,
            sent_at=sent,
        )
        for person in people
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(
            campaign=campaign,
            stakeholder=person,
            account=person.account,
            email=email,
            sent_at=sent,
            expires_at=sent + dt.timedelta(days=campaign.expiry_days),
            reminders_sent=2,
            opened_at=sent + dt.timedelta(days=1),
        )
        for person, email in zip(people, emails, strict=True)
    )
    questions = question_specs(template)
    moment_types = list(MomentType.objects.values_list("pk", flat=True))
    for invitation in invitations:
        if rng.random() < 0.3:
            continue  # not everyone answers
        mood = rng.choice([5, 4, 4, 3, 2])
        response_submit(
            invitation=invitation,
            questions=questions,
            cleaned=_answers(questions, mood, rng, moment_types),
        )


def _answers(questions, mood: int, rng: random.Random, moment_types: list[int]) -> dict:
    """Answers that hang together: a happy person recommends us and trusts us."""
    emotions = {5: "delighted", 4: "met", 3: "met", 2: "missed"}
    cleaned = {}
    for _pk, spec in questions:
        if spec.kind == "scale":
            cleaned[spec.key] = mood
        elif spec.kind == "nps":
            cleaned[spec.key] = min(10, max(0, mood * 2 + rng.choice([-1, 0, 0, 1])))
        elif spec.kind in ("trust", "respect"):
            cleaned[spec.key] = "high" if mood >= 4 or rng.random() < 0.3 else "low"
        elif spec.kind == "moments":
            for type_id in rng.sample(moment_types, 2):
                cleaned[f"{spec.key}_{type_id}"] = emotions[mood]
        elif spec.kind == "text":
            cleaned[spec.key] = rng.choice(FEEDBACK)
    return cleaned
