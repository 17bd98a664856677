"""Layout of the quadrant board: where dots go, how big, trails and totals."""

from hypothesis import given
from hypothesis import strategies as st

from relationships.positioning.board import (
    HEIGHT,
    LARGEST,
    PAD,
    SMALLEST,
    WIDTH,
    Item,
    layout,
    totals,
)
from relationships.positioning.quadrant import Thresholds

LIMITS = Thresholds()


def item(name, arr, happiness, margin, **earlier):
    return Item(key=hash(name), name=name, owner="Dana", arr=arr, happiness=happiness,
                margin=margin, **earlier)  # fmt: skip


def test_layout_sizes_dots_by_arr_and_lists_unplaced_accounts():
    dots, unplaced = layout(
        [item("Big", 400.0, 0.5, 0.2), item("Small", 0.0, -0.5, 0.1), item("New", 9.0, None, 0.2)],
        LIMITS,
    )
    assert [(dot.item.name, dot.r) for dot in dots] == [("Big", LARGEST), ("Small", SMALLEST)]
    assert [i.name for i in unplaced] == ["New"]


def test_layout_trail_only_when_the_account_moved():
    moved, still, first = layout(
        [
            item("Moved", 3.0, 0.5, 0.2, previous_happiness=-0.5, previous_margin=0.2),
            item("Still", 2.0, 0.5, 0.2, previous_happiness=0.5, previous_margin=0.2),
            item("First", 1.0, 0.5, 0.2),
        ],
        LIMITS,
    )[0]
    assert moved.trail[0] < moved.cx
    assert moved.trail[1] == moved.cy
    assert moved.previous_label == "Work to keep: profitable but unhappy"
    assert (still.trail, still.previous_label, first.previous) == (None, "", None)


def test_totals_count_accounts_and_arr_per_quadrant():
    dots, _ = layout([item("A", 100.0, 0.5, 0.2), item("B", 50.0, 0.9, 0.5)], LIMITS)
    summary = {cell.code: (cell.accounts, cell.arr) for cell in totals(dots)}
    assert summary["customer_success"] == (2, 150.0)
    assert summary["reassess"] == (0, 0.0)


@given(happiness=st.floats(-1, 1), margin=st.floats(-10, 1), arr=st.floats(0, 1e9, allow_nan=False))
def test_layout_dots_stay_inside_the_plot_area(happiness, margin, arr):
    (dot,), _ = layout([item("A", arr, happiness, margin)], LIMITS)
    assert dot.cx - dot.r >= PAD
    assert dot.cx + dot.r <= WIDTH - PAD
    assert dot.cy - dot.r >= PAD
    assert dot.cy + dot.r <= HEIGHT - PAD
