"""Reference data nearly every page reads: the scales' labels, the channels, touchpoints and
moment types of the quick-log forms, the competitor dimensions, the scoring configuration in
use and the quadrant thresholds (the recompute reads its labels, configuration, dimensions and
thresholds here too).

Admins change these rarely (in the admin), pages and recomputes read them constantly, so they are
kept in the cache and dropped whenever a row of one of them is saved or deleted, and again once
that change commits (a read in between would have cached what was there before). With several
processes the cache must be shared (CACHE_URL); TIMEOUT bounds how stale a per-process cache can
get.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.pagecache import pages_read_through_cache
from relationships.gaps import model as gaps
from relationships.models import (
    Channel,
    CompetitorDimension,
    MomentType,
    QuadrantSettings,
    Scale,
    ScalePoint,
    ScoringConfiguration,
    Touchpoint,
)
from relationships.scoring.config import Configs, configs_in_use

TIMEOUT = 300
PREFIX = "catalog:"


def _cached_many(loads: dict[str, Callable[[], object]]) -> list:
    """The catalogs named, read from the cache in one round trip; those missing are loaded and
    kept."""
    keys = {name: PREFIX + name for name in loads}
    found = cache.get_many(list(keys.values()))
    values = []
    for name, load in loads.items():
        value = found.get(keys[name])
        if value is None:
            value = load()
            cache.set(keys[name], value, TIMEOUT)
        values.append(value)
    return values


def _cached(name: str, load: Callable[[], object]):
    return _cached_many({name: load})[0]


def _scale_labels() -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    rows = ScalePoint.objects.order_by("scale", "value").values_list(
        "scale__slug", "value", "label"
    )
    for slug, value, label in rows:
        labels.setdefault(slug, {})[value] = label
    return labels


def scales() -> dict[str, dict[int, str]]:
    """Every scale's labels by value: {"relationship": {1: "No relationship", ...}}."""
    return _cached("scales", _scale_labels)


def _channels() -> list[Channel]:
    return list(Channel.objects.all())


def _touchpoints() -> list[Touchpoint]:
    return list(Touchpoint.objects.all())


def _moment_types() -> list[MomentType]:
    return list(MomentType.objects.select_related("touchpoint"))


def channels() -> list[Channel]:
    return _cached("channels", _channels)


def touchpoints() -> list[Touchpoint]:
    return _cached("touchpoints", _touchpoints)


def moment_types() -> list[MomentType]:
    return _cached("moment_types", _moment_types)


def quicklog_catalogs() -> tuple[list[Channel], list[Touchpoint], list[MomentType]]:
    """channels(), touchpoints() and moment_types(), the quick-log forms' options, in one read
    of the cache (a round trip to a shared cache costs a page more than what it brings)."""
    loads = {"channels": _channels, "touchpoints": _touchpoints, "moment_types": _moment_types}
    return tuple(_cached_many(loads))


def dimensions() -> list[CompetitorDimension]:
    return _cached("dimensions", lambda: list(CompetitorDimension.objects.all()))


def quadrant_settings() -> QuadrantSettings:
    return _cached("quadrant_settings", QuadrantSettings.current)


def configs() -> Configs:
    """The scoring configuration in use, as the scoring and gap models take it."""
    return _cached("configs", configs_in_use)


def gap_config() -> gaps.GapConfig:
    """The gap model's numbers in the configuration in use (pages explain a spread with them)."""
    return configs().gaps


NAMES = (
    "scales",
    "channels",
    "touchpoints",
    "moment_types",
    "dimensions",
    "quadrant_settings",
    "configs",
)
MODELS = (
    Scale,
    ScalePoint,
    Channel,
    Touchpoint,
    MomentType,
    CompetitorDimension,
    QuadrantSettings,
    ScoringConfiguration,
)


def forget(**kwargs) -> None:
    """Drop every cached catalog, now and once the change commits: the next read loads them
    again."""
    keys = [PREFIX + name for name in NAMES]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def connect() -> None:
    pages_read_through_cache(*MODELS)
    for model in MODELS:
        post_save.connect(forget, sender=model, dispatch_uid=f"catalogs-save-{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"catalogs-del-{model.__name__}")
