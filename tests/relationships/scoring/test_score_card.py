"""The account page's score card: what was logged since the previous snapshot."""

import datetime as dt
import re

from django.utils import timezone

from relationships.models import Channel, Moment, MomentType
from relationships.scoring.recompute import scores_recompute
from tests.factories import InteractionFactory, MomentFactory, StakeholderFactory, catalog


def test_score_card_names_the_newest_five_interactions_and_moments_since_the_previous_score(
    client, org
):
    today = timezone.localdate()
    scores_recompute(account_ids=[org.account.pk], day=today - dt.timedelta(days=7))
    person = StakeholderFactory(account=org.account, role="decision_maker")
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    for days, sentiment in [(1, 2), (2, -1), (3, 0), (4, 1), (5, -2), (6, 1), (9, 2)]:
        InteractionFactory(
            account=org.account, stakeholders=[person], sentiment=sentiment,
            occurred_at=noon - dt.timedelta(days=days),
            channel=catalog(Channel, "call" if days % 2 else "email"),
        )  # fmt: skip
    for days, emotion in [(2, Moment.Emotion.ENRAGED), (4, Moment.Emotion.DELIGHTED), (8, "met")]:
        MomentFactory(
            account=org.account, stakeholder=person, emotion=emotion,
            occurred_on=today - dt.timedelta(days=days),
        )  # fmt: skip
    scores_recompute(account_ids=[org.account.pk])  # the score moved since a week ago
    client.force_login(org.csm)

    card = client.get(f"/accounts/{org.account.pk}/score/", headers={"HX-Request": "true"})

    moment = str(catalog(MomentType, "go_live"))
    call, email = str(catalog(Channel, "call")), str(catalog(Channel, "email"))
    days = [f"{noon - dt.timedelta(days=n):%-d %b %Y}" for n in range(1, 6)]
    assert re.search(r"Behind it: [^<]*\.", card.text)[0] == (
        f"Behind it: {moment} (enraged), {moment} (delighted); {call} {days[0]} (+2), "
        f"{email} {days[1]} (-1), {call} {days[2]} (+0), {email} {days[3]} (+1), "
        f"{call} {days[4]} (-2)."
    )
