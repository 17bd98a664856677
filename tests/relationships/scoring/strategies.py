"""Hypothesis strategies for a stakeholder's history, shared by the scoring model's tests."""

import datetime as dt

from hypothesis import strategies as st

from relationships.scoring.model import InteractionEvent, MomentEvent, OpenItemEvent, Person

AS_OF = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)


def days_ago(days: int) -> dt.date:
    return AS_OF.date() - dt.timedelta(days=days)


interaction = st.builds(
    InteractionEvent,
    occurred_at=st.integers(0, 400).map(lambda days: AS_OF - dt.timedelta(days=days)),
    sentiment=st.integers(-2, 2),
    intimacy=st.sampled_from([0.0, 0.3, 0.6, 0.7, 0.9, 1.0]),
    inbound=st.booleans(),
    response_hours=st.none() | st.floats(0, 500),
)
interactions = st.lists(interaction, max_size=25)
moment = st.builds(
    MomentEvent,
    occurred_on=st.integers(0, 400).map(days_ago),
    emotion=st.sampled_from(["enraged", "missed", "met", "delighted"]),
    intensity=st.integers(1, 3),
)
moments = st.lists(moment, max_size=6)
open_items = st.lists(
    st.builds(
        OpenItemEvent,
        opened_on=st.integers(0, 200).map(days_ago),
        due_on=st.none() | st.integers(0, 200).map(days_ago),
    ),
    max_size=4,
)
survey_answers = st.lists(
    st.tuples(st.integers(0, 400).map(days_ago), st.integers(1, 5)), max_size=4
)
ratings = st.sampled_from(["", "high", "low"])
history = st.fixed_dictionaries(
    {
        "interactions": interactions,
        "moments": moments,
        "survey_happiness": survey_answers,
        "open_items": open_items,
        "trust": ratings,
        "respect": ratings,
        "relationship_since": st.none() | st.integers(0, 2000).map(days_ago),
        "csm_rating": st.none() | st.integers(1, 5),
    }
)
people = st.lists(
    st.builds(
        Person,
        role=st.sampled_from(["decision_maker", "economic_buyer", "champion", "user", "blocker"]),
        influence=st.sampled_from(["high", "medium", "low"]),
        score=st.none() | st.floats(1, 5),
        confidence=st.floats(0, 1),
        active=st.booleans(),
        reported=st.none() | st.floats(0, 1),
    ),
    max_size=10,
)
