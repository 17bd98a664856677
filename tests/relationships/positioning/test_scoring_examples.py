"""The quadrant and competitor examples of docs/scoring.md, computed: every bold number."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import Account
from relationships.models import CompetitorDimension, CompetitorStanding
from relationships.positioning.quadrant import (
    CUSTOMER_SUCCESS,
    Thresholds,
    company_happiness,
    customer_happiness,
    place,
)
from relationships.scoring import recompute
from tests.factories import CompetitorFactory, CompetitorRatingFactory, StakeholderFactory

DOC = Path(__file__).resolve().parents[3] / "docs" / "scoring.md"


def bold_numbers(section: str) -> set[str]:
    text = DOC.read_text().split(f"## {section}")[1].split("\n## ")[0]
    return set(re.findall(r"\*\*([^*]+)\*\*", text))


def test_quadrant_example_matches_the_documentation():
    margin = company_happiness(arr=120_000, cost_to_serve=84_000)
    happiness = customer_happiness(customer_voice=None, relationship_score=3.8, pulse=4)
    placed = place(happiness=happiness, margin=margin, thresholds=Thresholds())
    shown = {f"{margin:.0%}".replace("%", " %"), f"{happiness:.2f}", f"{placed.strength:.3f}"}
    assert shown <= bold_numbers("Customer happiness and company happiness")
    assert placed.quadrant == CUSTOMER_SUCCESS


@pytest.mark.django_db
def test_competitor_example_matches_the_documentation(org):
    orbit = CompetitorFactory(name="Orbit CX")
    service, integration = (
        CompetitorDimension.objects.get(slug=slug) for slug in ("service", "technology_integration")
    )
    dana, lee, sam = (
        StakeholderFactory(account=org.account, name=name, buying_influence=influence)
        for name, influence in (("Dana", "high"), ("Lee", "medium"), ("Sam", "low"))
    )
    for person, dimension, ours, theirs in [
        (dana, service, 4, 3),
        (dana, integration, 2, 4),
        (lee, integration, 4, 4),
        (sam, service, 2, 4),
    ]:
        CompetitorRatingFactory(
            stakeholder=person, competitor=orbit, dimension=dimension,
            our_rating=ours, their_rating=theirs,
        )  # fmt: skip
    recompute.scores_recompute(account_ids=[org.account.pk])

    account = Account.objects.get(pk=org.account.pk)
    indices = dict(
        CompetitorStanding.objects.filter(account=account).values_list("dimension__slug", "index")
    )
    assert indices == {"service": Decimal("0.40"), "technology_integration": Decimal("-1.26")}
    shown = {
        f"{indices['service']:+.2f}",
        f"{indices['technology_integration']:+.2f}".replace("-", "−"),
        f"{account.competitor_index:+.2f}".replace("-", "−"),
        account.weakest_dimension,
        account.competitor_leads,
    }
    assert shown <= bold_numbers("Competitors: our relationship alongside theirs")
