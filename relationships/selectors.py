"""Reads of stakeholders, always through the accounts a user may see."""

from statistics import median

from django.db.models import Count, Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Account
from relationships import maps
from relationships.forms import ActivityChoices
from relationships.models import (
    Channel,
    Interaction,
    MomentType,
    ScalePoint,
    Stakeholder,
    Touchpoint,
)


def get_stakeholder_for_user(user, pk) -> Stakeholder:
    """The stakeholder with `pk` if `user` may see its account; 404 otherwise."""
    return get_object_or_404(
        Stakeholder.objects.filter(account__in=Account.objects.visible_to(user)).select_related(
            "account", "account__team"
        ),
        pk=pk,
    )


def stakeholders_of(account: Account) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(account=account).prefetch_related(
        Prefetch("owners", to_attr="owner_list")
    )


def stakeholder_map(stakeholders) -> dict:
    """The org chart, the two grids and the "needs work" list for the account page."""
    people = [
        maps.MapPerson(
            key=s.pk,
            name=s.name,
            role=s.role,
            buying_influence=s.buying_influence,
            strength=s.strength,
            trust=s.trust,
            respect=s.respect,
            reports_to=s.reports_to_id,
            active=s.is_active,
            item=s,
        )
        for s in stakeholders
    ]
    return {
        "org_chart": maps.org_chart(people),
        "influence_grid": maps.influence_strength_grid(people),
        "trust_grid": maps.trust_respect_grid(people),
        "needs_work": maps.needs_work(people),
    }


def activity_choices(account: Account):
    """Options of the quick-log and timeline forms: the account's people and the catalogs."""
    return ActivityChoices(
        stakeholders=list(Stakeholder.objects.filter(account=account).only("pk", "name")),
        channels=list(Channel.objects.all()),
        touchpoints=list(Touchpoint.objects.all()),
        moment_types=list(MomentType.objects.all()),
    )


def scales() -> dict[str, dict[int, str]]:
    """Every scale's labels by value, in one query: {"relationship": {1: "No relationship"}}."""
    labels: dict[str, dict[int, str]] = {}
    rows = ScalePoint.objects.order_by("scale", "value").values_list(
        "scale__slug", "value", "label"
    )
    for slug, value, label in rows:
        labels.setdefault(slug, {})[value] = label
    return labels


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
