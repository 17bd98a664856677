"""Reading activity: the quick-log forms' choices, a person's activity."""

from statistics import median

from django.db.models import Count, Max

from accounts.models import Account
from relationships.activity import catalogs
from relationships.activity.forms import ActivityChoices
from relationships.models import (
    Interaction,
    Stakeholder,
)


def activity_choices(account: Account, stakeholders=None):
    """Options of the quick-log and timeline forms: the account's people (as given, or read
    now) and the catalogs."""
    if stakeholders is None:
        stakeholders = Stakeholder.objects.filter(account=account).only("pk", "name", "account_id")
    channels, touchpoints, moment_types = catalogs.quicklog_catalogs()
    return ActivityChoices(
        stakeholders=list(stakeholders),
        channels=channels,
        touchpoints=touchpoints,
        moment_types=moment_types,
    )


def stakeholder_activity(person: Stakeholder) -> dict:
    """What the stakeholder page shows: recent interactions, moments and open items, last
    contact, the channels used and the median response time of their replies."""
    interactions = list(
        person.interactions.select_related("channel", "touchpoint", "our_person").order_by(
            "-occurred_at"
        )[:20]
    )
    channels = list(
        person.interactions.values("channel__name")
        .annotate(count=Count("pk"), last=Max("occurred_at"))
        .order_by("-count", "channel__name")
    )
    hours = [
        float(h)
        for h in person.interactions.filter(
            direction=Interaction.Direction.INBOUND, response_hours__isnull=False
        ).values_list("response_hours", flat=True)
    ]
    return {
        "interactions": interactions,
        "interaction_count": sum(channel["count"] for channel in channels),
        "last_contact": max((c["last"] for c in channels), default=None),
        "channels": channels,
        "median_response_hours": median(hours) if hours else None,
        "moments": list(person.moments.select_related("moment_type").order_by("-occurred_on")[:20]),
        "open_items": list(person.open_items.order_by("closed_on", "-opened_on")[:20]),
    }
