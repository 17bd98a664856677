"""The worked example of docs/scoring.md, computed: every number the page shows in bold."""

import datetime as dt
import re
from pathlib import Path

import pytest

from relationships.gaps import model as gaps
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
    email = InteractionEvent(utc(2026, 5, 22), -1, 0.3, False)
    signals = signals_from_events(
        as_of=AS_OF, config=CONFIG, interactions=[email], trust="low", csm_rating=2
    )
    return score_stakeholder(signals, CONFIG)


@pytest.fixture
def account(maria, tom):
    return [Person.scored("decision_maker", "high", maria), Person.scored("user", "low", tom)]


def bold_numbers():
    """The bold numbers of the worked-example section of docs/scoring.md."""
    example = DOC.read_text().split("## Worked example")[1].split("\n## ")[0]
    return re.findall(r"\*\*([0-9]+\.[0-9]+)\*\*", example)


def test_maria_components_and_score_match_the_document(maria):
    components = {name: f"{value:.3f}" for name, value in maria.components.items()}
    assert components == {
        "sentiment": "0.682",
        "channels": "0.542",
        "engagement": "0.609",
        "responsiveness": "0.490",
        "open_items": "0.492",
        "trust_respect": "1.000",
        "tenure": "0.333",
        "csm_rating": "0.750",
    }
    assert (f"{maria.observed:.3f}", f"{maria.reported:.3f}") == ("0.521", "0.938")
    assert (f"{maria.value:.2f}", f"{maria.confidence:.2f}") == ("3.19", "1.00")


def test_toms_cold_email_earns_nothing_and_his_low_rating_cannot_go_below_1(tom):
    assert f"{tom.observed:.3f}" == "0.000"
    assert (f"{tom.value:.2f}", f"{tom.confidence:.2f}") == ("1.00", "0.75")


def test_account_score_matches_the_document(account):
    result = score_account(account, CONFIG)
    assert f"{result.breadth:.3f}" == "0.313"
    assert f"{result.key_coverage:.3f}" == "0.521"
    assert result.single_threaded
    assert f"{result.observed:.2f}" == "2.08"
    assert f"{result.reported:.3f}" == "0.763"
    assert (f"{result.value:.2f}", f"{result.confidence:.2f}") == ("2.15", "0.95")
    assert result.disagreement == "csm_high"
    assert "**CSM rates high, behaviour says low**" in DOC.read_text()


def test_a_pulse_check_of_2_takes_half_the_reported_part(account):
    perception = gaps.csm_perception(
        (AS_OF.date() - dt.timedelta(days=1), 2), today=AS_OF.date() - dt.timedelta(days=1),
        config=gaps.GapConfig(),
    )  # fmt: skip
    result = score_account(account, CONFIG, perception=perception)
    assert f"{result.reported:.3f}" == "0.506"
    assert f"{result.value:.2f}" == "2.09"
    assert result.disagreement == ""


def test_every_bold_number_of_the_example_is_checked_here():
    checked = {
        "0.682", "0.542", "0.609", "0.490", "0.333", "0.492", "1.000", "0.750", "0.521", "0.938",
        "1.00", "3.19", "0.000", "0.75", "0.313", "2.08", "0.763", "2.15", "0.95", "0.506", "2.09",
    }  # fmt: skip
    assert set(bold_numbers()) == checked
