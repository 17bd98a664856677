"""Small server-rendered charts: coordinates computed here, drawn as SVG by the templates."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str


def trend(
    values: Sequence[float | None],
    labels: Sequence[str],
    *,
    width: int = 300,
    height: int = 80,
    pad: int = 6,
) -> list[Point]:
    """Points of a line chart scaled to the box; unknown values are skipped, not drawn as 0."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return []
    low, high = min(v for _, v in known), max(v for _, v in known)
    span_y = (high - low) or 1
    span_x = max(len(values) - 1, 1)
    return [
        Point(
            x=round(pad + (width - 2 * pad) * i / span_x, 1),
            y=round(height - pad - (height - 2 * pad) * (v - low) / span_y, 1),
            value=v,
            label=labels[i],
        )
        for i, v in known
    ]


def polyline(points: Sequence[Point]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points)
