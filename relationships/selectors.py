"""Reads of stakeholders, always through the accounts a user may see."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Account
from relationships import maps
from relationships.models import Scale, ScalePoint, Stakeholder


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


def scale_labels(slug: str) -> dict[int, str]:
    return dict(
        ScalePoint.objects.filter(scale__slug=slug).values_list("value", "label").order_by("value")
    )


def relationship_scale() -> dict[int, str]:
    return scale_labels(Scale.RELATIONSHIP)


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
