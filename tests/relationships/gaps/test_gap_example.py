"""The gap model's worked example in docs/scoring.md, number by number."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from relationships.gaps import model as gaps

TODAY = date(2026, 6, 30)
CONFIG = gaps.GapConfig()
DOC = (Path(__file__).resolve().parents[3] / "docs" / "scoring.md").read_text()
SIXTY_DAYS_AGO = TODAY - timedelta(days=60)


def voice() -> float:
    return gaps.customer_voice(
        gaps.voice_inputs(
            today=TODAY,
            config=CONFIG,
            inbound_sentiments=[(TODAY, 2), (SIXTY_DAYS_AGO, 1)],
            moments=[(SIXTY_DAYS_AGO, "delighted", 3)],
        ),
        CONFIG,
    )


def usage(latest: float) -> float:
    """1,000 in each of three months, then `latest` with 20 of 50 seats and 6 of 10 features."""
    months = [date(2026, month, 1) for month in (3, 4, 5, 6)]
    points = [gaps.UsagePoint(start, None, 1000.0) for start in months[:3]]
    points.append(gaps.UsagePoint(months[3], 20, latest, 6, 10))
    return gaps.product_usage(points, seats_purchased=50, config=CONFIG)


def test_worked_example_in_the_docs():
    csm = gaps.csm_perception((SIXTY_DAYS_AGO, 4), today=TODAY, config=CONFIG)
    gap = gaps.detect(gaps.Factors(voice(), usage(600), csm), CONFIG)

    assert f"{voice():+.3f}" == "+0.733"
    assert f"{usage(600):+.3f}" == "-0.400"
    assert f"{csm:+.3f}" == "+0.250"
    assert f"{gap.size:.3f}" == "1.133"
    assert gap.gap_class == gaps.SAYS_HAPPY_USAGE_DOWN
    for figure in ("**+0.733**", "**−0.400**", "**+0.250**", "**1.133**"):
        assert figure in DOC


def test_worked_example_of_the_margin_between_a_gap_and_agreement():
    case = gaps.CaseView(1, gaps.SAYS_HAPPY_USAGE_DOWN, gaps.INVESTIGATING)
    old_pulse = gaps.csm_perception((SIXTY_DAYS_AGO, 4), today=TODAY, config=CONFIG)
    between = gaps.detect(gaps.Factors(voice(), usage(1100), old_pulse), CONFIG)
    pulse_today = gaps.csm_perception((TODAY, 4), today=TODAY, config=CONFIG)
    agree = gaps.detect(gaps.Factors(voice(), usage(1300), pulse_today), CONFIG)

    assert (f"{usage(1100):+.3f}", f"{between.size:.3f}") == ("+0.100", "0.633")
    assert gaps.standing(between.size, CONFIG) == gaps.BETWEEN
    assert gaps.case_plan(between, [], today=TODAY, config=CONFIG) == gaps.CasePlan()
    assert gaps.case_plan(between, [case], today=TODAY, config=CONFIG) == gaps.CasePlan()
    assert (f"{usage(1300):+.3f}", f"{pulse_today:+.3f}") == ("+0.300", "+0.500")
    assert f"{agree.size:.3f}" == "0.433"
    plan = gaps.case_plan(agree, [case], today=TODAY, config=CONFIG)
    assert plan == gaps.CasePlan(converged=[1])
    for figure in ("**+0.100**", "**0.633**", "**+0.300**", "**+0.500**", "**0.433**"):
        assert figure in DOC


@pytest.mark.parametrize("code", list(gaps.CLASS_LABELS))
def test_every_class_is_in_the_documented_table(code):
    assert f"| `{code}`" in DOC
