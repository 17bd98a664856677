"""Layout of the quadrant board: plain values in, SVG coordinates and per-quadrant totals out.

Items and dots are slotted dataclasses, not frozen ones: a frozen dataclass sets each field
through object.__setattr__, paid for each of a manager's thousand accounts on every board."""

import math
from dataclasses import dataclass

from relationships.positioning import quadrant

WIDTH, HEIGHT, PAD = 640, 480, 32  # the plot area leaves PAD on every side for the labels
SMALLEST, LARGEST = 5.0, 18.0  # dot radius at no ARR and at the largest ARR shown
INSET = LARGEST + 2  # dots at the edge of the scale stay inside the plot area


@dataclass(slots=True)
class Item:
    key: int
    name: str
    owner: str
    arr: float
    happiness: float | None
    margin: float | None
    previous_happiness: float | None = None
    previous_margin: float | None = None
    href: str = ""  # the account page's address


@dataclass(slots=True)
class Dot:
    item: Item
    placement: quadrant.Placement
    cx: float
    cy: float
    r: float
    trail: tuple[float, float] | None  # where the account was a period ago, when it moved
    previous: quadrant.Placement | None = None

    @property
    def label(self) -> str:
        return quadrant.QUADRANTS[self.placement.quadrant][0]

    @property
    def previous_label(self) -> str:
        """The quadrant it was in a period ago, when another one."""
        if self.previous is None or self.previous.quadrant == self.placement.quadrant:
            return ""
        return quadrant.QUADRANTS[self.previous.quadrant][0]


@dataclass
class Quadrant:
    code: str
    label: str
    action: str
    accounts: int = 0
    arr: float = 0.0


EDGE = PAD + INSET
HALF_WIDTH, HALF_HEIGHT = (WIDTH - 2 * EDGE) / 2, (HEIGHT - 2 * EDGE) / 2  # of the dots' area


def _point(placement: quadrant.Placement) -> tuple[float, float]:
    return (
        round(EDGE + (placement.x + 1) * HALF_WIDTH, 1),
        round(EDGE + (1 - placement.y) * HALF_HEIGHT, 1),
    )


def layout(items: list[Item], thresholds: quadrant.Thresholds) -> tuple[list[Dot], list[Item]]:
    """The dots of the placed items (largest ARR first, so small dots stay on top and
    clickable) and the items that cannot be placed (no happiness or no margin yet)."""
    dots, unplaced = [], []
    largest = max((item.arr for item in items), default=0.0)
    for item in sorted(items, key=lambda item: (-item.arr, item.name)):
        placement = quadrant.place(
            happiness=item.happiness, margin=item.margin, thresholds=thresholds
        )
        if placement is None:
            unplaced.append(item)
            continue
        before = (
            placement
            if (item.previous_happiness, item.previous_margin) == (item.happiness, item.margin)
            else quadrant.place(
                happiness=item.previous_happiness,
                margin=item.previous_margin,
                thresholds=thresholds,
            )
        )
        cx, cy = _point(placement)
        trail = _point(before) if before else None
        size = math.sqrt(item.arr / largest) if largest > 0 else 0.0
        dots.append(
            Dot(
                item=item,
                placement=placement,
                cx=cx,
                cy=cy,
                r=round(SMALLEST + (LARGEST - SMALLEST) * size, 1),
                trail=trail if trail != (cx, cy) else None,
                previous=before,
            )
        )
    return dots, sorted(unplaced, key=lambda item: item.name)


def totals(dots: list[Dot]) -> list[Quadrant]:
    """Accounts and ARR in each quadrant, in the board's reading order."""
    summary = {
        code: Quadrant(code, label, action) for code, (label, action) in quadrant.QUADRANTS.items()
    }
    for dot in dots:
        cell = summary[dot.placement.quadrant]
        cell.accounts += 1
        cell.arr += dot.item.arr
    return list(summary.values())


def axes(thresholds: quadrant.Thresholds) -> dict:
    """The intersection lines and the plot's corners, for the template."""
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "mid_x": WIDTH / 2,
        "mid_y": HEIGHT / 2,
        "right": WIDTH - PAD,
        "bottom": HEIGHT - PAD,
        "cell_width": WIDTH / 2 - PAD,
        "cell_height": HEIGHT / 2 - PAD,
        "thresholds": thresholds,
    }
