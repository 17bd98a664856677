"""The account report: one CSV row per account, its columns in one ordered registry.

Later releases append columns to COLUMNS (a column never changes its name or place). A column
says how to read its value from an account and, when it needs one, how to prepare the query
(select_related, an annotation), so the whole report stays a single query.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from dataio.formulas import quote_formula
from relationships.models import GapCase


@dataclass(frozen=True)
class ReportColumn:
    name: str
    value: Callable[[object], object]
    prepare: Callable[[QuerySet], QuerySet] | None = None


def stored(name: str) -> ReportColumn:
    return ReportColumn(name, attrgetter(name))


# The state of the newest case of the account's current gap class; none without a gap.
GAP_STATE = Subquery(
    GapCase.objects.filter(account=OuterRef("pk"), gap_class=OuterRef("gap_class"))
    .order_by("-opened_at")
    .values("state")[:1]
)

COLUMNS: list[ReportColumn] = [
    stored("external_id"),
    stored("name"),
    ReportColumn("owner_email", attrgetter("owner.email"), lambda qs: qs.select_related("owner")),
    ReportColumn("team", attrgetter("team.name"), lambda qs: qs.select_related("team")),
    stored("arr"),
    stored("status"),
    ReportColumn(
        "stakeholders",  # active stakeholders only: people who left are not counted
        attrgetter("active_stakeholders"),
        lambda qs: qs.annotate(
            active_stakeholders=Count("stakeholders", filter=Q(stakeholders__status="active"))
        ),
    ),
    stored("strong_relationships"),
    stored("single_threaded"),
    stored("no_decision_maker_coverage"),
    stored("champion_left"),
    # Relationship scores (docs/scoring.md)
    stored("relationship_score"),
    stored("relationship_label"),
    stored("score_confidence"),
    stored("score_trend_30d"),
    stored("engagement_drop"),
    # Relationship gaps (docs/scoring.md)
    stored("customer_voice"),
    stored("product_usage"),
    stored("csm_perception"),
    stored("gap_size"),
    stored("gap_class"),
    ReportColumn("gap_state", attrgetter("gap_state"), lambda qs: qs.annotate(gap_state=GAP_STATE)),
    # Quadrant and competitors (docs/scoring.md): quadrant codes and dimension slugs
    stored("customer_happiness"),
    stored("company_happiness"),
    stored("quadrant"),
    stored("competitor_index"),
    stored("weakest_dimension"),
    stored("competitor_leads"),  # slugs separated by ";"
]


def encode(value) -> str:
    """Booleans as true/false, unknown as an empty cell, dates as YYYY-MM-DD, a text that looks
    like a formula behind a single quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        return quote_formula(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def report_rows(accounts: QuerySet) -> Iterator[list[str]]:
    """The header, then one row per account ordered by name; one query in all."""
    for column in COLUMNS:
        if column.prepare:
            accounts = column.prepare(accounts)
    yield [column.name for column in COLUMNS]
    for account in accounts.order_by("name", "pk").iterator(chunk_size=2000):
        yield [encode(column.value(account)) for column in COLUMNS]


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows (the header first) as UTF-8 CSV, written the way the report is."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()
