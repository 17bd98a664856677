"""The stakeholders.csv import file and the activity files (interactions.csv, moments.csv,
pulse_checks.csv, open_items.csv, competitor_ratings.csv); docs/import-export.md describes them.

A row's manager (reports_to_external_id) may be a later row of the file or a stakeholder
already in Rapport; either way of the same account, and the org chart after the import must
have no reporting cycle. Ids are known before writing, so managers and owners are written in
the same pass as the stakeholders.

Activity rows have no external id: each gets an import key, a hash of the file's name and the
row's identity (for an interaction: account, time, channel, direction and people), so that
importing a file again updates its rows in place.
"""

from collections.abc import Iterable
from datetime import datetime
from hashlib import sha256
from typing import ClassVar

from accounts.imports import ACCOUNT_ID, COMPETITOR_NAME, USER_EMAIL, USER_EMAILS
from core.db import bulk
from dataio.cells import (
    Amount,
    Catalog,
    Code,
    Day,
    Email,
    IdList,
    Instant,
    Text,
    ValueImpact,
    Whole,
    instant_key,
    shown,
)
from dataio.hooks import provides
from dataio.importing import Column, FileResult, FileSpec, ImportContext, Table, register
from relationships.models import (
    Channel,
    CompetitorDimension,
    CompetitorRating,
    ImportKeyed,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Stakeholder,
    Touchpoint,
)
from relationships.people.orgchart import nodes_in_cycles
from relationships.people.services import coverage_store
from relationships.scoring.recompute import recompute_request

STAKEHOLDER_ID = Text.of(Stakeholder, "external_id")


@provides("imported")
def request_recompute(*, account_ids: set[int]) -> None:
    """One recompute request per account the import changed; the task runs once the import
    commits."""
    recompute_request(account_ids=account_ids)


class NamedStakeholders:
    """The stakeholders the files of one import name, as the activity files look them up."""

    def __init__(self, context: ImportContext):
        # stakeholders.csv's external ids -> their account's external id (None: a bad cell),
        # when stakeholders.csv is part of the import
        self.in_file: dict[str, str | None] | None = None
        self.pks: dict[str, int] = {}  # filled when stakeholders.csv is written
        # stored stakeholders the files name: external id -> (pk, account pk)
        self.stored: dict[str, tuple[int, int]] = {}


def named_stakeholders(context: ImportContext) -> NamedStakeholders:
    return context.part(NamedStakeholders)


@register
class StakeholdersFile(FileSpec):
    name = "stakeholders.csv"
    order = 20
    columns = (
        Column("external_id", STAKEHOLDER_ID, required=True),
        Column("account_external_id", ACCOUNT_ID, required=True, field="account_id"),
        Column("name", Text.of(Stakeholder, "name"), required=True),
        Column("title", Text.of(Stakeholder, "title")),
        Column("email", Email()),
        Column("role", Code(Stakeholder.Role)),
        Column("buying_influence", Code(Stakeholder.Influence)),
        Column("reports_to_external_id", STAKEHOLDER_ID, field="reports_to_id"),
        Column("owner_email", USER_EMAIL),  # sets the owners, a many-to-many
        Column("relationship_since", Day.of(Stakeholder, "relationship_since")),
        Column("trust", Code(Stakeholder.Rating, empty="")),
        Column("respect", Code(Stakeholder.Rating, empty="")),
        Column("strength", Whole(1, 5)),
        Column("status", Code(Stakeholder.Status)),
        Column("other_owner_emails", USER_EMAILS),  # the owners after owner_email
    )

    def check(self, table: Table, context: ImportContext) -> None:
        table.reject_duplicates("external_id")
        context.check_accounts(table, "account_external_id")
        named_stakeholders(context).in_file = dict(
            zip(table["external_id"], table["account_external_id"], strict=True)
        )
        named_stakeholders(context).in_file.pop(None, None)
        hidden = self.load_stored(table, context)
        for index, external_id in enumerate(table["external_id"]):
            if external_id in hidden:  # external ids are unique: this much cannot be hidden
                message = "belongs to an account of a team you are not in"
                table.error(index, "external_id", message)
        OrgChart(table, context, self).check()
        self.check_emails(table, context)

    def check_emails(self, table: Table, context: ImportContext) -> None:
        """No two people of an account share an email (ignoring case; empty is none): a row
        may not take the email of an earlier row of its account, nor of someone else at the
        account in Rapport, even if the file changes theirs (all rows are written at once, in
        no set order: freeing an email and taking it needs two imports). A file without the
        email column keeps the stored emails: a row moving someone to another account is then
        refused on the account."""
        account_ids = {pk: external_id for external_id, pk in context.accounts.items()}
        in_rapport = {}  # (account external id, lower-cased email) -> (external id, name)
        for values in self.stored.values():
            account = account_ids.get(values[ACCOUNT])
            if account and values[EMAIL]:
                in_rapport[account, values[EMAIL].lower()] = (values[0], values[NAME])
        in_file = {}  # the same key -> line
        emails_kept = "email" in table.absent
        column = "account_external_id" if emails_kept else "email"
        rows = table.rows("external_id", "account_external_id", "email")
        for index, (external_id, account, email) in enumerate(rows):
            if emails_kept:
                email = self.stored[self.pks[external_id]][EMAIL] if external_id in self.pks else ""
            if not (account and email):
                continue
            key = (account, email.lower())
            holder, name = in_rapport.get(key, (external_id, ""))
            if holder != external_id:
                who = f"{shown(name)} in Rapport"
            elif key in in_file:
                who = f"line {in_file[key]}"
            else:
                in_file[key] = table.lines[index]
                continue
            message = (
                f"{shown(email)} is the email of another person of this account ({who});"
                " each person needs their own"
            )
            table.error(index, column, message)

    def load_stored(self, table: Table, context: ImportContext) -> set[str]:
        """The stored stakeholders of the accounts in the file, and any other the file names
        (moving to another account, or a manager), with the other people of their accounts.

        Those of accounts the importing user may not change are left out, so that no check
        tells anything about them (a manager among them is unknown); returns their external
        ids."""
        accounts = {
            context.accounts.get(external_id) for external_id in table["account_external_id"]
        }
        stored = bulk.fetch_current(Stakeholder, "account_id", accounts - {None}, FIELDS)
        named = set(table["external_id"]) | set(table["reports_to_external_id"])
        named -= {values[0] for values in stored.values()} | {"", None}
        elsewhere = bulk.fetch_current(Stakeholder, "external_id", named, FIELDS)
        more = {values[ACCOUNT] for values in elsewhere.values()} - accounts
        stored |= elsewhere | bulk.fetch_current(Stakeholder, "account_id", more, FIELDS)
        self.stored = {
            pk: values for pk, values in stored.items() if context.may_change(values[ACCOUNT])
        }
        self.pks = {values[0]: pk for pk, values in self.stored.items() if values[0]}
        return {values[0] for pk, values in stored.items() if pk not in self.stored} - {""}

    def write(self, table: Table, context: ImportContext) -> FileResult:
        pks = bulk.assign_pks(Stakeholder, table["external_id"], self.pks)
        row_pks = [pks[external_id] for external_id in table["external_id"]]
        columns = [table[name] for name in FIELD_COLUMNS]  # built column by column
        columns[ACCOUNT] = resolved(columns[ACCOUNT], context.account_pk)
        columns[MANAGER] = list(map(pks.get, columns[MANAGER]))
        for position, default in DEFAULTS.items():
            if None in columns[position]:  # unknown: keep the stored value, or the default
                stored = {pk: values[position] for pk, values in self.stored.items()}
                columns[position] = [
                    stored.get(pk, default) if value is None else value
                    for pk, value in zip(row_pks, columns[position], strict=True)
                ]
        rows = dict(zip(row_pks, zip(*columns, strict=True), strict=True))
        rows = bulk.keep_stored(Stakeholder, FIELDS, rows, self.stored, self.kept_fields(table))
        created, changed = bulk.save_rows(Stakeholder, FIELDS, rows, self.stored)
        if OWNER_COLUMNS - table.absent:
            changed = [*changed, *self.save_owners(row_pks, table)]
        changed = set(changed) - set(created)
        touched = {rows[pk][ACCOUNT] for pk in (*created, *changed)}
        touched |= {self.stored[pk][ACCOUNT] for pk in changed}  # moved away from
        # Every stakeholder of these accounts is a row of the file or in self.stored (see
        # load_stored): their flags come from memory, not from reading them back.
        people = {**self.stored, **rows}.values()
        coverage_store(
            account_ids=touched,
            people=((p[ACCOUNT], p[ROLE], p[STRENGTH], p[STATUS]) for p in people),
        )
        named_stakeholders(context).pks.update(pks)
        return self.finish(Stakeholder, table, created, sorted(changed), context, touched)

    def save_owners(self, row_pks: list[int], table: Table) -> set[int]:
        """Set each stakeholder's owners: `owner_email` first, then `other_owner_emails`; a
        column the file leaves out keeps those owners as stored. Returns the stakeholders whose
        owners changed."""
        through = Stakeholder.owners.through
        stored = {pk: [] for pk in row_pks if pk in self.stored}
        links = bulk.fetch_in(
            through.objects.order_by("pk"), "stakeholder_id", stored, "stakeholder_id", "user_id"
        )
        for stakeholder, user in links:
            stored[stakeholder].append(user)
        firsts = None if "owner_email" in table.absent else table["owner_email"]
        others = None if "other_owner_emails" in table.absent else table["other_owner_emails"]
        wanted = {}
        for index, pk in enumerate(row_pks):
            now = stored.get(pk, [])
            first = now[:1] if firsts is None else [firsts[index]] if firsts[index] else []
            rest = now[1:] if others is None else others[index]
            # Ordered keys compare as a set and are linked in this order: the first owner first.
            wanted[pk] = dict.fromkeys([*first, *rest]).keys()
        return bulk.save_links(through, "stakeholder_id", "user_id", wanted, stored_sets(stored))


def stored_sets(stored: dict[int, list[int]]) -> dict[int, set[int]]:
    return {pk: set(users) for pk, users in stored.items()}


OWNER_COLUMNS = {"owner_email", "other_owner_emails"}
STORED = [column for column in StakeholdersFile.columns if column.name not in OWNER_COLUMNS]
FIELD_COLUMNS = [column.name for column in STORED]
FIELDS = [column.stored_as for column in STORED]
ACCOUNT, NAME, EMAIL, ROLE, INFLUENCE, MANAGER, STRENGTH, STATUS = map(
    FIELDS.index,
    [
        "account_id", "name", "email", "role", "buying_influence", "reports_to_id", "strength",
        "status",
    ],
)  # fmt: skip
DEFAULTS = {
    ROLE: Stakeholder.Role.USER,
    INFLUENCE: Stakeholder.Influence.MEDIUM,
    STATUS: Stakeholder.Status.ACTIVE,
}


class OrgChart:
    """The reporting lines of the accounts a stakeholders file touches, as they will be after
    the import: every manager in the same account, and no cycles.

    People are the file's rows (by external id) and the stakeholders already stored (by pk).
    """

    def __init__(self, table: Table, context: ImportContext, spec: StakeholdersFile):
        self.table, self.context, self.spec = table, context, spec
        self.rows: dict[str, int] = {}
        pairs = zip(table["external_id"], table["account_external_id"], strict=True)
        for index, (external_id, account) in enumerate(pairs):
            if external_id and account:
                self.rows.setdefault(external_id, index)
        self.external_ids = {pk: external_id for external_id, pk in spec.pks.items()}
        self.managers: dict = {}
        self.accounts: dict = {}

    def person(self, pk):
        external_id = self.external_ids.get(pk)
        return external_id if external_id in self.rows else pk

    def label(self, person) -> str:
        return person if isinstance(person, str) else self.external_ids.get(person, f"#{person}")

    def stored_manager(self, pk: int):
        manager = self.spec.stored[pk][MANAGER]
        return self.person(manager) if manager else None

    def load_stored(self) -> None:
        account_ids = {pk: external_id for external_id, pk in self.context.accounts.items()}
        for pk, values in self.spec.stored.items():
            person = self.person(pk)
            if person not in self.rows:
                self.managers[person] = self.stored_manager(pk)
                self.accounts[person] = account_ids.get(values[ACCOUNT], values[ACCOUNT])

    def check(self) -> None:
        self.load_stored()
        table, rows, stored, managers = self.table, self.rows, self.spec.pks, self.managers
        reports_to, accounts = table["reports_to_external_id"], table["account_external_id"]
        managers_kept = "reports_to_external_id" in table.absent
        for external_id, index in rows.items():
            manager = reports_to[index]
            self.accounts[external_id] = accounts[index]
            if managers_kept:  # the file leaves the managers as they are
                managers[external_id] = (
                    self.stored_manager(stored[external_id]) if external_id in stored else None
                )
            elif not manager:
                managers[external_id] = None
            elif manager in rows:
                managers[external_id] = manager
            elif manager in stored:
                managers[external_id] = stored[manager]
            else:
                managers[external_id] = None
                table.error(
                    index,
                    "reports_to_external_id",
                    f"{self.context.no('stakeholder')} has the external id {shown(manager)}"
                    " (in stakeholders.csv or Rapport)",
                )
        self.check_accounts()
        self.check_cycles()

    def check_accounts(self) -> None:
        accounts = self.accounts
        for person, manager in self.managers.items():
            if manager is None or accounts.get(manager) == accounts.get(person):
                continue
            if person in self.rows:
                self.table.error(
                    self.rows[person],
                    "reports_to_external_id",
                    f"{shown(self.label(manager))} is a stakeholder of another account",
                )
            elif manager in self.rows:
                self.table.error(
                    self.rows[manager],
                    "account_external_id",
                    f"would move this stakeholder away from {shown(self.label(person))},"
                    " who reports to them",
                )

    def check_cycles(self) -> None:
        for person in sorted(nodes_in_cycles(self.managers) & self.rows.keys()):
            loop, current = [person], self.managers[person]
            while current != person:
                loop.append(current)
                current = self.managers[current]
            path = " → ".join(self.label(member) for member in [*loop, person])
            self.table.error(
                self.rows[person], "reports_to_external_id", f"makes a reporting cycle: {path}"
            )


class ActivityFile(FileSpec):
    """A file of activity rows, which have no external id. A row's import_key is a hash of the
    file's name and the row's identity (`identity`: the columns that say which row it is), so
    importing the file again updates the row in place when another column changed. A row
    logged in Rapport gets the same key (`activity_import_key`) unless a row alike holds it;
    imports never touch a row without one."""

    model: ClassVar[type[ImportKeyed]]
    identity: ClassVar[tuple[str, ...]]  # column names
    stakeholder_column: ClassVar[str] = ""  # the column naming stakeholders, if any

    def check(self, table: Table, context: ImportContext) -> None:
        context.check_accounts(table, "account_external_id")
        if self.stakeholder_column:
            check_stakeholders(table, context, self.stakeholder_column)
        self.check_rows(table)
        table.reject_repeated_rows(*self.identity)

    def check_rows(self, table: Table) -> None:
        """Checks across the columns of a row."""

    def field_values(self, table: Table, context: ImportContext) -> dict[str, list]:
        """The value of each model field, by row, the references resolved to ids."""
        values = {column.stored_as: table[column.name] for column in self.columns}
        values["account_id"] = resolved(values["account_id"], context.account_pk)
        if self.stakeholder_column:
            field = self.column(self.stakeholder_column).stored_as
            values[field] = resolved(values[field], lambda ids: stakeholder_pks(context, ids))
        return values

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def write(self, table: Table, context: ImportContext) -> FileResult:
        values = self.field_values(table, context)
        identity = [values[self.column(name).stored_as] for name in self.identity]
        keys = import_keys(self.name, identity)
        fields = [field for field in values if field != "stakeholders"]
        current = bulk.fetch_current(self.model, "import_key", keys, ["import_key", *fields])
        pks = bulk.assign_pks(self.model, keys, {stored[0]: pk for pk, stored in current.items()})
        by_row = zip(keys, *(values[field] for field in fields), strict=True)
        rows = {pks[row[0]]: row for row in by_row}
        kept = self.kept_fields(table)
        rows = bulk.keep_stored(self.model, ["import_key", *fields], rows, current, kept)
        created, changed = bulk.save_rows(self.model, ["import_key", *fields], rows, current)
        if "stakeholders" in values and "stakeholders" not in kept:
            people = zip(keys, values["stakeholders"], strict=True)
            relinked = self.save_stakeholders({pks[key]: set(ids) for key, ids in people}, current)
            bulk.touch(self.model, relinked - {*changed, *created})
            changed = sorted({*changed, *relinked} - set(created))
        account = 1 + fields.index("account_id")
        accounts = {rows[pk][account] for pk in (*created, *changed)}
        accounts |= {current[pk][account] for pk in changed}
        return self.finish(self.model, table, created, changed, context, accounts)

    def save_stakeholders(self, wanted: dict[int, set[int]], current: dict) -> set[int]:
        """Link each row to exactly the stakeholders it names; returns the rows relinked."""
        through = self.model.stakeholders.through
        source = f"{self.model._meta.model_name}_id"
        stored = {pk: set() for pk in wanted if pk in current}
        for row, stakeholder in bulk.fetch_in(
            through.objects, source, stored, source, "stakeholder_id"
        ):
            stored[row].add(stakeholder)
        return bulk.save_links(through, source, "stakeholder_id", wanted, stored)


EMPTY = {None: None, "": None, (): ()}  # an empty reference is no reference


def resolved(values: list, resolve) -> list:
    """`resolve` applied to each value of a column, once per distinct value; empty values stay
    empty (an empty text becomes None)."""
    done = {value: resolve(value) for value in set(values) - EMPTY.keys()} | EMPTY
    return [done[value] for value in values]


def import_keys(file: str, columns: list[list]) -> list[str]:
    """Each row's import key: the SHA-256 (hex) of the file name and its identity's values."""
    texts = [resolved(column, key_text) for column in columns]
    prefix = file + "\x00"
    return [
        sha256((prefix + "\x00".join(part or "" for part in parts)).encode()).hexdigest()
        for parts in zip(*texts, strict=True)
    ]


def key_text(value) -> str:
    """A value of an identity column as text: a time in UTC, people as their sorted ids."""
    if isinstance(value, datetime):
        return instant_key(value)
    if isinstance(value, tuple):
        return ";".join(map(str, sorted(value)))
    return str(value)  # ids, codes, titles, dates (ISO)


def stakeholder_owners(context: ImportContext, named: Iterable[str]) -> dict[str, object]:
    """The account of each stakeholder named that exists and that the importing user may see:
    by external id for the people in this import's stakeholders.csv (None when that cell is
    bad), by id for the stored ones whose account has no external id."""
    in_file = named_stakeholders(context).in_file or {}
    stored = named_stakeholders(context).stored
    missing = set(named) - in_file.keys() - stored.keys()
    for external_id, pk, account in bulk.fetch_in(
        Stakeholder.objects, "external_id", missing, "external_id", "pk", "account_id"
    ):
        if context.may_change(account):
            stored[external_id] = (pk, account)
    account_ids = {pk: external_id for external_id, pk in context.accounts.items()}
    owners = {
        external_id: account_ids.get(account, account)
        for external_id, (_, account) in stored.items()
    }
    return owners | in_file


def check_stakeholders(table: Table, context: ImportContext, column: str) -> None:
    """Every stakeholder a row names exists (in stakeholders.csv or in Rapport) and is a person
    of the row's account."""
    many = isinstance(table.spec.column(column).kind, IdList)  # ";"-separated ids
    named = set()
    for value in set(table[column]) - {None, "", ()}:
        named.update(value if many else (value,))
    owners = stakeholder_owners(context, named)
    skip_unknown = "stakeholders.csv" in context.unreadable
    problems = {}
    for index, pair in enumerate(table.rows("account_external_id", column)):
        account, value = pair
        if not value or account is None:
            continue
        if pair not in problems:
            problems[pair] = []
            for external_id in value if many else (value,):
                if external_id not in owners:
                    if not skip_unknown:
                        problems[pair].append(
                            f"{context.no('stakeholder')} has the external id"
                            f" {shown(external_id)} (in stakeholders.csv or Rapport)"
                        )
                elif owners[external_id] not in (account, None):
                    problems[pair].append(f"{shown(external_id)} belongs to another account")
        for problem in problems[pair]:
            table.error(index, column, problem)


def stakeholder_pk(context: ImportContext, external_id: str) -> int:
    named = named_stakeholders(context)
    return named.pks.get(external_id) or named.stored[external_id][0]


def stakeholder_pks(context: ImportContext, value) -> int | tuple[int, ...]:
    if isinstance(value, tuple):
        return tuple(sorted(stakeholder_pk(context, external_id) for external_id in value))
    return stakeholder_pk(context, value)


STAKEHOLDER_ID_LIST = IdList(Stakeholder._meta.get_field("external_id").max_length)


@register
class InteractionsFile(ActivityFile):
    name = "interactions.csv"
    order = 40
    model = Interaction
    columns = (
        Column("account_external_id", ACCOUNT_ID, required=True, field="account_id"),
        Column("stakeholder_external_ids", STAKEHOLDER_ID_LIST, field="stakeholders"),
        Column("occurred_at", Instant.of(Interaction, "occurred_at"), required=True),
        Column("channel", Catalog(Channel), required=True, field="channel_id"),
        Column("touchpoint", Catalog(Touchpoint), required=True, field="touchpoint_id"),
        Column("direction", Code(Interaction.Direction), required=True),
        Column("sentiment", Whole(-2, 2), required=True),
        Column("verbosity", Code(Interaction.Verbosity, empty=Interaction.Verbosity.NORMAL)),
        Column("response_hours", Amount(digits=7, low=0)),
        Column("summary", Text.of(Interaction, "summary")),
        Column("our_person_email", USER_EMAIL, field="our_person_id"),
    )
    identity = (
        "account_external_id",
        "occurred_at",
        "channel",
        "direction",
        "stakeholder_external_ids",
    )
    stakeholder_column = "stakeholder_external_ids"


@register
class MomentsFile(ActivityFile):
    name = "moments.csv"
    order = 50
    model = Moment
    columns = (
        Column("account_external_id", ACCOUNT_ID, required=True, field="account_id"),
        Column("stakeholder_external_id", STAKEHOLDER_ID, field="stakeholder_id"),
        Column("moment_type", Catalog(MomentType), required=True, field="moment_type_id"),
        Column("occurred_on", Day.of(Moment, "occurred_on"), required=True),
        Column("emotion", Code(Moment.Emotion), required=True),
        Column("intensity", Whole(1, 3, empty=2)),
        Column("value_impact", ValueImpact(digits=14)),  # value_impact and value_amount
        Column("identified_by", Code(Moment.IdentifiedBy, empty=Moment.IdentifiedBy.CSM)),
        Column("note", Text.of(Moment, "note")),
    )
    identity = ("account_external_id", "moment_type", "occurred_on", "stakeholder_external_id")
    stakeholder_column = "stakeholder_external_id"

    def field_values(self, table, context):
        values = super().field_values(table, context)
        impacts = values.pop("value_impact")
        values["value_impact"] = [impact for impact, _ in impacts]
        values["value_amount"] = [amount for _, amount in impacts]
        return values

    def kept_fields(self, table):
        fields = super().kept_fields(table)
        return fields | {"value_amount"} if "value_impact" in fields else fields


@register
class PulseChecksFile(ActivityFile):
    name = "pulse_checks.csv"
    order = 60
    model = PulseCheck
    columns = (
        Column("account_external_id", ACCOUNT_ID, required=True, field="account_id"),
        Column("csm_email", USER_EMAIL, required=True, field="csm_id"),
        Column("checked_on", Day.of(PulseCheck, "checked_on"), required=True),
        Column("happiness", Whole(1, 5), required=True),
        Column("note", Text.of(PulseCheck, "note")),
    )
    identity = ("account_external_id", "csm_email", "checked_on")


@register
class OpenItemsFile(ActivityFile):
    name = "open_items.csv"
    order = 70
    model = OpenItem
    columns = (
        Column("account_external_id", ACCOUNT_ID, required=True, field="account_id"),
        Column("stakeholder_external_id", STAKEHOLDER_ID, field="stakeholder_id"),
        Column("kind", Code(OpenItem.Kind), required=True),
        Column("title", Text.of(OpenItem, "title"), required=True),
        Column("opened_on", Day.of(OpenItem, "opened_on"), required=True),
        Column("due_on", Day.of(OpenItem, "due_on")),
        Column("closed_on", Day.of(OpenItem, "closed_on")),
    )
    identity = ("account_external_id", "kind", "title", "opened_on")
    stakeholder_column = "stakeholder_external_id"

    def check_rows(self, table: Table) -> None:
        for index, (opened, due, closed) in enumerate(
            table.rows("opened_on", "due_on", "closed_on")
        ):
            for column, day in (("due_on", due), ("closed_on", closed)):
                if opened is not None and day is not None and day < opened:
                    message = f"must not be before opened_on ({opened}), got {day}"
                    table.error(index, column, message)


@register
class CompetitorRatingsFile(ActivityFile):
    """A person's view of us against a competitor on one dimension. Competitors are named, and
    must be in Rapport, as in accounts.csv."""

    name = "competitor_ratings.csv"
    order = 80
    model = CompetitorRating
    columns = (
        Column("account_external_id", ACCOUNT_ID, required=True, field="account_id"),
        Column("stakeholder_external_id", STAKEHOLDER_ID, required=True, field="stakeholder_id"),
        Column("competitor", COMPETITOR_NAME, required=True, field="competitor_id"),
        Column("dimension", Catalog(CompetitorDimension), required=True, field="dimension_id"),
        Column("our_rating", Whole(1, 5), required=True),
        Column("their_rating", Whole(1, 5), required=True),
        Column("rated_on", Day.of(CompetitorRating, "rated_on"), required=True),
        Column("source", Code(CompetitorRating.Source, empty=CompetitorRating.Source.CSM)),
    )
    identity = (
        "account_external_id", "stakeholder_external_id", "competitor", "dimension", "rated_on",
    )  # fmt: skip
    stakeholder_column = "stakeholder_external_id"


ACTIVITY_FILES = (
    InteractionsFile,
    MomentsFile,
    PulseChecksFile,
    OpenItemsFile,
    CompetitorRatingsFile,
)
ACTIVITY_FILE_OF = {spec.model: spec for spec in ACTIVITY_FILES}


def activity_import_key(item: ImportKeyed, people: tuple[int, ...] = ()) -> str:
    """The import key the import gives a row with the identity of `item` (`people`: the ids
    of the stakeholders an interaction names), so that a row logged in Rapport is exported, and
    found again by a re-import, as an imported one is."""
    spec = ACTIVITY_FILE_OF[type(item)]
    fields = {column.name: column.stored_as for column in spec.columns}
    identity = [
        [people if fields[name] == "stakeholders" else getattr(item, fields[name])]
        for name in spec.identity
    ]
    return import_keys(spec.name, identity)[0]
