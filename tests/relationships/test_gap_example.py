"""The gap model's worked example in docs/scoring.md, number by number."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from relationships import gaps

TODAY = date(2026, 6, 30)
CONFIG = gaps.GapConfig()
DOC = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text()


def test_worked_example_in_the_docs():
    sixty_days_ago = TODAY - timedelta(days=60)
    voice = gaps.customer_voice(
        gaps.voice_inputs(
            today=TODAY,
            config=CONFIG,
            inbound_sentiments=[(TODAY, 2), (sixty_days_ago, 1)],
            moments=[(sixty_days_ago, "delighted", 3)],
        )
    )
    months = [date(2026, month, 1) for month in (3, 4, 5, 6)]
    points = [gaps.UsagePoint(start, None, 1000.0) for start in months[:3]]
    points.append(gaps.UsagePoint(months[3], 20, 600.0, 6, 10))
    usage = gaps.product_usage(points, seats_purchased=50, config=CONFIG)
    csm = gaps.csm_perception((sixty_days_ago, 4), today=TODAY, config=CONFIG)
    gap = gaps.detect(gaps.Factors(voice, usage, csm), CONFIG)

    assert f"{voice:+.3f}" == "+0.917"
    assert f"{usage:+.3f}" == "-0.400"
    assert f"{csm:+.3f}" == "+0.250"
    assert f"{gap.size:.3f}" == "1.317"
    assert gap.gap_class == gaps.SAYS_HAPPY_USAGE_DOWN
    for figure in ("**+0.917**", "**−0.400**", "**+0.250**", "**1.317**"):
        assert figure in DOC


@pytest.mark.parametrize("code", list(gaps.CLASS_LABELS))
def test_every_class_is_in_the_documented_table(code):
    assert f"| `{code}`" in DOC
