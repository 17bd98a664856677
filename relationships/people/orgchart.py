"""Org chart arithmetic on plain values: reporting lines as a {person: manager} mapping."""

from collections.abc import Hashable, Mapping


def creates_cycle(managers: Mapping[Hashable, Hashable | None], *, node, new_manager) -> bool:
    """Would making `node` report to `new_manager` close a loop in the reporting lines?

    `node` may be None for a person not saved yet, who cannot be anyone's manager so far.
    """
    if new_manager is None:
        return False
    if node is None:
        return False
    seen = set()
    current = new_manager
    while current is not None and current not in seen:
        if current == node:
            return True
        seen.add(current)
        current = managers.get(current)
    return False


def nodes_in_cycles(managers: Mapping[Hashable, Hashable | None]) -> set:
    """Every person whose chain of managers loops back on itself."""
    in_cycle: set = set()
    walked: set = set()  # everyone on a chain already followed: each chain is walked once
    for start in managers:
        if start in walked:
            continue
        path: list = []
        position: dict = {}
        current = start
        while current is not None and current not in position and current not in walked:
            position[current] = len(path)
            path.append(current)
            current = managers.get(current)
        if current is not None and current in position:
            in_cycle.update(path[position[current] :])
        walked.update(path)
    return in_cycle


def depth_first_order(managers: Mapping[Hashable, Hashable | None], order: list) -> list[tuple]:
    """People as (person, depth) in org-chart reading order: each manager before their reports.

    `order` gives the sibling order. People whose manager is unknown or outside the mapping are
    roots. Anyone caught in a cycle is listed as a root so that nobody disappears from the chart.
    """
    cyclic = nodes_in_cycles(managers)
    reports: dict = {}
    roots = []
    for person in order:
        manager = managers.get(person)
        if manager is None or manager not in managers or person in cyclic:
            roots.append(person)
        else:
            reports.setdefault(manager, []).append(person)
    result: list[tuple] = []
    stack = [(person, 0) for person in reversed(roots)]
    while stack:
        person, depth = stack.pop()
        result.append((person, depth))
        stack.extend((child, depth + 1) for child in reversed(reports.get(person, [])))
    return result
