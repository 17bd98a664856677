"""Reading stakeholders: one behind the access gate, an account's people, its map."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Account
from relationships.models import (
    Stakeholder,
)
from relationships.people import maps


def get_stakeholder_for_user(user, pk) -> Stakeholder:
    """The stakeholder with `pk` if `user` may see its account; 404 otherwise."""
    return get_object_or_404(
        Stakeholder.objects.filter(account__in=Account.objects.visible_to(user)).select_related(
            "account", "account__team", "account__owner"
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
