"""What relationships writes out: the account report's columns (dataio/exporting.py) and
stakeholders.csv and the activity files written from Rapport's data (dataio/snapshot.py), so
that importing them again changes nothing."""

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cached_property
from operator import attrgetter

from django.db.models import CharField, Count, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast

from accounts.models import Competitor, User
from dataio.cells import Catalog, IdList, Lookup, ValueImpact
from dataio.exporting import ReportColumn, stored
from dataio.snapshot import CHUNK, FileExport, Snapshot, cell, exported
from relationships.imports import ACTIVITY_FILES, import_keys
from relationships.models import GapCase, Stakeholder

# The state of the newest case of the account's current gap class; none without a gap.
GAP_STATE = Subquery(
    GapCase.objects.filter(account=OuterRef("pk"), gap_class=OuterRef("gap_class"))
    .order_by("-opened_at")
    .values("state")[:1]
)

# The account report (docs/import-export.md): a column never changes its name or place; new
# columns go at the end. The top app that adds columns (capture.exports) provides the hook.
REPORT_COLUMNS: list[ReportColumn] = [
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


class People:
    """The exported accounts' stakeholders and the names activity rows are written with."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot

    @cached_property
    def stakeholders(self) -> QuerySet:
        return Stakeholder.objects.filter(account__in=self.snapshot.accounts.values("pk"))

    @cached_property
    def stakeholder_ids(self) -> dict[int, str]:
        """The exported stakeholders' external ids, by id."""
        rows = self.stakeholders.exclude(external_id="").values_list("pk", "external_id")
        return dict(rows)

    @cached_property
    def emails(self) -> dict[int, str]:
        return dict(User.objects.values_list("pk", "email"))

    @cached_property
    def competitors(self) -> dict[int, str]:
        return dict(Competitor.objects.values_list("pk", "name"))


def people_of(snapshot: Snapshot) -> People:
    return snapshot.part(People)


def value_impact(impact: str, amount: Decimal | None) -> str:
    """moments.csv's value_impact: created, destroyed, or a signed amount (+1200, -5000)."""
    if amount is None or not impact:
        return impact
    return ("-" if impact == "destroyed" else "+") + format(amount, "f")


@exported("stakeholders.csv")
def stakeholders_rows(snapshot: Snapshot, spec, result: FileExport) -> Iterator[list[str]]:
    rows = (
        people_of(snapshot)
        .stakeholders.order_by("account__external_id", "external_id", "pk")
        .values_list(
            "external_id",
            "account__external_id",
            "name",
            "title",
            "email",
            "role",
            "buying_influence",
            "reports_to_id",
            "pk",  # its first owner's email
            "relationship_since",
            "trust",
            "respect",
            "strength",
            "status",
            "pk",  # the emails of its other owners
        )
    )
    managers = people_of(snapshot).stakeholder_ids
    owners = owner_emails(people_of(snapshot).stakeholders)
    for row in rows.iterator(CHUNK):
        if not row[0]:
            result.left_out += 1
            continue
        row = list(row)
        row[7] = managers.get(row[7], "")  # a manager without an external id: none
        first, *others = owners.get(row[8], [None])
        row[8], row[-1] = first, ";".join(sorted(others))
        result.rows += 1
        yield list(map(cell, row))


def owner_emails(stakeholders: QuerySet) -> dict[int, list[str]]:
    """Each stakeholder's owners' emails, in the order they became owners (the first is the
    one stakeholders.csv's owner_email names)."""
    links = Stakeholder.owners.through.objects.filter(stakeholder__in=stakeholders.values("pk"))
    owners: dict[int, list[str]] = {}
    for stakeholder, email in links.order_by("pk").values_list("stakeholder_id", "user__email"):
        owners.setdefault(stakeholder, []).append(email)
    return owners


@exported(*(spec.name for spec in ACTIVITY_FILES))
def activity_rows(snapshot: Snapshot, spec, result: FileExport) -> Iterator[list[str]]:
    """The rows of an activity file (relationships.imports.ActivityFile) that the import finds
    again by their import key: the key the row's values give is the one it is stored with."""
    model = spec.model
    fields, encoders, read_from = [], [], {}  # read_from: column name -> its field
    for column in spec.columns:
        if isinstance(column.kind, ValueImpact):
            fields += ["value_impact", "value_amount"]
        else:
            read_from[column.name] = (
                "people" if column.stored_as == "stakeholders" else column.stored_as
            )
            fields.append(read_from[column.name])
        encoders.append(encoder(snapshot, column))
    identity = [1 + fields.index(read_from[name]) for name in spec.identity]  # after the key
    queryset = model.objects.filter(account__in=snapshot.accounts.values("pk"))
    if "people" in fields:
        people = StringAgg(Cast("stakeholders__pk", CharField()), Value(","), default="")
        queryset = queryset.annotate(people=people)
    # By the identity's values as the file writes them (not by the ids they refer to, which
    # another database numbers otherwise), then as the rows were imported.
    order = [natural(spec, fields[i - 1]) for i in identity if fields[i - 1] != "people"]
    rows = queryset.order_by(*order, "pk").values_list("import_key", *fields)
    for row in rows.iterator(CHUNK):
        row = list(row)
        if "people" in fields:
            position = 1 + fields.index("people")
            row[position] = tuple(sorted(int(pk) for pk in row[position].split(",") if pk))
        key = import_keys(spec.name, [[row[i]] for i in identity])[0]
        cells = encode(row[1:], encoders) if key == row[0] else None
        if cells is None:
            result.left_out += 1
            continue
        result.rows += 1
        yield cells


def natural(spec, field: str) -> str:
    """The lookup that orders a field of an activity file by the text the file holds."""
    column = next(column for column in spec.columns if column.stored_as == field)
    if not field.endswith("_id"):
        return field
    relation = field.removesuffix("_id")
    if relation == "competitor":
        return "competitor__name"
    if isinstance(column.kind, Catalog):
        return f"{relation}__slug"
    if isinstance(column.kind, Lookup):
        return f"{relation}__email"
    return f"{relation}__external_id"  # account, stakeholder


class LeftOut(Exception):
    """A value the import file cannot hold: the row is left out."""


def encode(values: list, encoders: list[Callable]) -> list[str] | None:
    values = iter(values)
    try:
        return [encode_cell(values) for encode_cell in encoders]
    except LeftOut:
        return None


def encoder(snapshot: Snapshot, column) -> Callable[[Iterator], str]:
    """How to write one column of an activity file from the row's values (one value for most
    columns, two for a value impact)."""
    kind, field = column.kind, column.stored_as

    def looked_up(table: Callable[[], dict]):
        def encode_cell(values):
            value = next(values)
            if value is None:
                return ""
            found = table().get(value)
            if found is None:
                raise LeftOut
            return cell(found)

        return encode_cell

    if isinstance(kind, ValueImpact):
        return lambda values: value_impact(next(values), next(values))
    if isinstance(kind, IdList):
        ids = people_of(snapshot).stakeholder_ids

        def people(values):
            named = [ids.get(pk) for pk in next(values)]
            if None in named or any(";" in external_id for external_id in named):
                raise LeftOut
            return cell(";".join(sorted(named)))

        return people
    if field == "account_id":
        return looked_up(lambda: snapshot.account_ids)
    if field == "stakeholder_id":
        return looked_up(lambda: people_of(snapshot).stakeholder_ids)
    if field == "competitor_id":
        return looked_up(lambda: people_of(snapshot).competitors)
    if isinstance(kind, Catalog):
        return looked_up(lambda: snapshot.slugs(kind.model))
    if isinstance(kind, Lookup):  # users, by email
        return looked_up(lambda: people_of(snapshot).emails)
    return lambda values: cell(next(values))
