"""More properties of the org chart helpers on small random charts (see also test_maps.py):
nodes_in_cycles finds exactly the people in loops, and the depth-first order puts every
manager before their reports, one level up."""

from hypothesis import given, settings
from hypothesis import strategies as st

from relationships.people.orgchart import depth_first_order, nodes_in_cycles

# {person: manager}; a manager may be outside the chart (unknown), or None
CHARTS = st.dictionaries(st.integers(0, 7), st.one_of(st.none(), st.integers(0, 9)), max_size=8)


def loops_back(managers, start) -> bool:
    """Following managers from `start` for more steps than there are people returns to it."""
    current = managers.get(start)
    for _ in range(len(managers) + 1):
        if current is None:
            return False
        if current == start:
            return True
        current = managers.get(current)
    return False


@settings(max_examples=100, deadline=None)
@given(managers=CHARTS)
def test_nodes_in_cycles_are_those_whose_chain_loops_back(managers):
    assert nodes_in_cycles(managers) == {p for p in managers if loops_back(managers, p)}


@settings(max_examples=100, deadline=None)
@given(managers=CHARTS, data=st.data())
def test_depth_first_order_lists_everyone_once_managers_first(managers, data):
    order = data.draw(st.permutations(sorted(managers)))

    listed = depth_first_order(managers, order)

    assert sorted(person for person, _ in listed) == sorted(managers)
    position = {person: index for index, (person, _) in enumerate(listed)}
    depth = dict(listed)
    for person, level in listed:
        manager = managers[person]
        if level == 0:
            assert manager is None or manager not in managers or loops_back(managers, person)
        else:
            assert position[manager] < position[person]
            assert depth[manager] == level - 1
