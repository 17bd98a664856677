"""The stakeholder map views and the org chart arithmetic behind them."""

from hypothesis import given
from hypothesis import strategies as st

from relationships.people.maps import (
    MapPerson,
    influence_strength_grid,
    needs_work,
    org_chart,
    relationship_level,
    trust_respect_grid,
)
from relationships.people.orgchart import creates_cycle, depth_first_order, nodes_in_cycles


def person(key, reports_to=None, **facts):
    defaults = {"role": "user", "buying_influence": "medium", "strength": None}
    defaults |= {"trust": "", "respect": ""}
    return MapPerson(key=key, name=f"P{key}", reports_to=reports_to, **{**defaults, **facts})


def test_org_chart_puts_managers_before_their_reports_with_depth():
    people = [person(3, reports_to=2), person(1), person(2, reports_to=1), person(4, reports_to=1)]
    assert [(p.key, depth) for p, depth in org_chart(people)] == [(1, 0), (2, 1), (3, 2), (4, 1)]


def test_org_chart_keeps_people_whose_manager_is_unknown_as_roots():
    people = [person(1, reports_to=99), person(2)]
    assert [(p.key, depth) for p, depth in org_chart(people)] == [(1, 0), (2, 0)]


def test_influence_grid_places_active_people_by_influence_and_strength():
    people = [
        person(1, buying_influence="high", strength=5),
        person(2, buying_influence="low", strength=None),
        person(3, buying_influence="high", strength=5, active=False),
    ]
    grid = influence_strength_grid(people)
    high_row = {cell.column: [p.key for p in cell.people] for cell in grid[0]}
    low_row = {cell.column: [p.key for p in cell.people] for cell in grid[2]}
    assert high_row[5] == [1]
    assert low_row[None] == [2]


def test_relationship_is_high_only_when_trust_and_respect_are_both_high():
    assert relationship_level("high", "high") == "high"
    assert relationship_level("high", "low") == "needs work"
    assert relationship_level("", "high") == "needs work"
    people = [person(1, trust="high", respect="high"), person(2, trust="high", respect="low")]
    assert [p.key for p in needs_work(people)] == [2]
    grid = trust_respect_grid(people)
    assert [p.key for p in grid[0][0].people] == [1]
    assert [p.key for p in grid[0][1].people] == [2]


def brute_force_cycle(managers, node, new_manager):
    chart = {**managers, node: new_manager}
    current, steps = node, 0
    while current is not None and steps <= len(chart):
        current = chart.get(current)
        steps += 1
        if current == node:
            return True
    return False


forests = st.dictionaries(st.integers(0, 15), st.none() | st.integers(0, 15), max_size=16)


@given(forests, st.integers(0, 15), st.none() | st.integers(0, 15))
def test_creates_cycle_agrees_with_walking_the_chain(managers, node, new_manager):
    assert creates_cycle(managers, node=node, new_manager=new_manager) == brute_force_cycle(
        managers, node, new_manager
    )


@given(forests)
def test_depth_first_order_lists_everyone_exactly_once(managers):
    order = sorted(managers)
    listed = [person for person, _depth in depth_first_order(managers, order)]
    assert sorted(listed) == order


@given(forests)
def test_people_in_cycles_reach_themselves(managers):
    for start in nodes_in_cycles(managers):
        assert brute_force_cycle(managers, start, managers[start])
