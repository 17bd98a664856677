"""The worked example of docs/scoring.md, computed: every number the page shows in bold."""

import datetime as dt
import re
from pathlib import Path

import pytest

from relationships.scoring.model import (
    InteractionEvent,
    MomentEvent,
    OpenItemEvent,
    Person,
    ScoringConfig,
    score_account,
    score_stakeholder,
    signals_from_events,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "scoring.md"
CONFIG = ScoringConfig()
AS_OF = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def maria():
    signals = signals_from_events(
        as_of=AS_OF,
        config=CONFIG,
        interactions=[
            InteractionEvent(utc(2026, 6, 21), 1, 0.6, True, 4.0),
            InteractionEvent(utc(2026, 5, 2), 0, 0.3, False),
            InteractionEvent(utc(2026, 3, 3), 2, 1.0, True, 20.0),
        ],
        moments=[MomentEvent(dt.date(2026, 4, 1), "delighted", 3)],
        open_items=[OpenItemEvent(dt.date(2026, 6, 1), dt.date(2026, 6, 15))],
        trust="high",
        respect="high",
        relationship_since=dt.date(2025, 7, 1),
        csm_rating=4,
    )
    return score_stakeholder(signals, CONFIG)


@pytest.fixture
def tom():
    return score_stakeholder(
        signals_from_events(as_of=AS_OF, config=CONFIG, trust="low", csm_rating=2), CONFIG
    )


def bold_numbers():
    """The bold numbers of the worked-example section of docs/scoring.md."""
    example = DOC.read_text().split("## Worked example")[1].split("\n## ")[0]
    return re.findall(r"\*\*([0-9]+\.[0-9]+)\*\*", example)


def test_maria_components_and_score_match_the_document(maria):
    components = {name: f"{value:.3f}" for name, value in maria.components.items()}
    assert components == {
        "sentiment": "0.841",
        "channels": "0.585",
        "engagement": "1.000",
        "responsiveness": "0.667",
        "open_items": "0.492",
        "trust_respect": "1.000",
        "tenure": "0.333",
        "csm_rating": "0.750",
    }
    assert f"{maria.value:.2f}" == "4.16"
    assert f"{maria.confidence:.2f}" == "1.00"


def test_tom_with_little_known_has_low_confidence(tom):
    assert (f"{tom.value:.2f}", f"{tom.confidence:.2f}") == ("1.25", "0.20")


def test_account_score_matches_the_document(maria, tom):
    account = score_account(
        [
            Person("decision_maker", "high", maria.value, maria.confidence),
            Person("user", "low", tom.value, tom.confidence),
        ],
        CONFIG,
    )
    assert f"{account.breadth:.3f}" == "0.478"
    assert f"{account.key_coverage:.3f}" == "0.789"
    assert account.single_threaded
    assert f"{account.value:.2f}" == "2.91"
    assert f"{account.confidence:.2f}" == "0.84"


def test_every_bold_number_of_the_example_is_checked_here():
    checked = {
        "0.841", "0.585", "1.000", "0.667", "0.492", "0.333", "0.750", "1.00", "4.16", "1.25",
        "0.478", "0.789", "2.91", "0.84",
    }  # fmt: skip
    assert set(bold_numbers()) == checked
