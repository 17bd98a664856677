"""The stakeholders.csv import file; docs/import-export.md describes it.

A row's manager (reports_to_external_id) may be a later row of the file or a stakeholder
already in Rapport; either way of the same account, and the org chart after the import must
have no reporting cycle. Ids are known before writing, so managers and owners are written in
the same pass as the stakeholders.
"""

from accounts.dataio import bulk
from accounts.dataio.cells import Code, Day, Email, Text, Whole, shown
from accounts.dataio.importing import Column, FileResult, FileSpec, ImportContext, Table, register
from accounts.imports import ACCOUNT_ID, USER_EMAIL
from relationships.models import Stakeholder
from relationships.orgchart import nodes_in_cycles
from relationships.services import coverage_refresh

STAKEHOLDER_ID = Text.of(Stakeholder, "external_id")


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
        Column("relationship_since", Day()),
        Column("trust", Code(Stakeholder.Rating, empty="")),
        Column("respect", Code(Stakeholder.Rating, empty="")),
        Column("strength", Whole(1, 5)),
        Column("status", Code(Stakeholder.Status)),
    )

    def check(self, table: Table, context: ImportContext) -> None:
        table.reject_duplicates("external_id")
        context.check_accounts(table, "account_external_id")
        context.stakeholders_in_file = {
            external_id: account
            for external_id, account in table.rows("external_id", "account_external_id")
            if external_id
        }
        self.load_stored(table, context)
        for index, external_id in enumerate(table["external_id"]):
            pk = self.pks.get(external_id)
            if pk is not None and not context.may_change(self.stored[pk][ACCOUNT]):
                table.error(index, "external_id", "belongs to an account of a team you are not in")
        OrgChart(table, context, self).check()

    def load_stored(self, table: Table, context: ImportContext) -> None:
        """The stored stakeholders of the accounts in the file, and any other the file names
        (moving to another account, or a manager), with the other people of their accounts."""
        accounts = {
            context.accounts.get(external_id) for external_id in table["account_external_id"]
        }
        self.stored = bulk.fetch_current(Stakeholder, "account_id", accounts - {None}, FIELDS)
        named = set(table["external_id"]) | set(table["reports_to_external_id"])
        named -= {values[0] for values in self.stored.values()} | {"", None}
        elsewhere = bulk.fetch_current(Stakeholder, "external_id", named, FIELDS)
        more = {values[ACCOUNT] for values in elsewhere.values()} - accounts
        self.stored |= elsewhere | bulk.fetch_current(Stakeholder, "account_id", more, FIELDS)
        self.pks = {values[0]: pk for pk, values in self.stored.items() if values[0]}

    def write(self, table: Table, context: ImportContext) -> FileResult:
        pks = bulk.assign_pks(Stakeholder, table["external_id"], self.pks)
        rows, owners = {}, {}
        for row, owner in zip(table.rows(*FIELD_COLUMNS), table["owner_email"], strict=True):
            values = list(row)
            values[ACCOUNT] = context.account_pk(values[ACCOUNT])
            values[MANAGER] = pks.get(values[MANAGER])
            pk = pks[values[0]]
            rows[pk] = bulk.fill_unknown(values, self.stored.get(pk), DEFAULTS)
            owners[pk] = {owner} if owner else set()
        created, changed = bulk.save_rows(Stakeholder, FIELDS, rows, self.stored)
        changed = (set(changed) | self.save_owners(owners)) - set(created)
        touched = {rows[pk][ACCOUNT] for pk in (*created, *changed)}
        touched |= {self.stored[pk][ACCOUNT] for pk in changed}  # moved away from
        coverage_refresh(account_ids=touched)
        context.stakeholder_pks.update(pks)
        return self.finish(Stakeholder, table, created, sorted(changed), context, touched)

    def save_owners(self, owners: dict[int, set[int]]) -> set[int]:
        """Set each stakeholder's owners; returns the stakeholders whose owners changed."""
        through = Stakeholder.owners.through
        current = {pk: set() for pk in owners if pk in self.stored}
        for stakeholder, user in bulk.fetch_in(
            through.objects, "stakeholder_id", current, "stakeholder_id", "user_id"
        ):
            current[stakeholder].add(user)
        return bulk.save_links(through, "stakeholder_id", "user_id", owners, current)


STORED = [column for column in StakeholdersFile.columns if column.name != "owner_email"]
FIELD_COLUMNS = [column.name for column in STORED]
FIELDS = [column.stored_as for column in STORED]
ACCOUNT, ROLE, INFLUENCE, MANAGER, STATUS = map(
    FIELDS.index, ["account_id", "role", "buying_influence", "reports_to_id", "status"]
)
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
        for index, external_id in enumerate(table["external_id"]):
            if external_id and table["account_external_id"][index]:
                self.rows.setdefault(external_id, index)
        self.external_ids = {pk: external_id for external_id, pk in spec.pks.items()}
        self.managers: dict = {}
        self.accounts: dict = {}

    def person(self, pk):
        external_id = self.external_ids.get(pk)
        return external_id if external_id in self.rows else pk

    def label(self, person) -> str:
        return person if isinstance(person, str) else self.external_ids.get(person, f"#{person}")

    def load_stored(self) -> None:
        account_ids = {pk: external_id for external_id, pk in self.context.accounts.items()}
        for pk, values in self.spec.stored.items():
            person = self.person(pk)
            if person not in self.rows:
                manager = values[MANAGER]
                self.managers[person] = self.person(manager) if manager else None
                self.accounts[person] = account_ids.get(values[ACCOUNT], values[ACCOUNT])

    def check(self) -> None:
        self.load_stored()
        table = self.table
        for external_id, index in self.rows.items():
            manager = table["reports_to_external_id"][index]
            self.accounts[external_id] = table["account_external_id"][index]
            if not manager:
                self.managers[external_id] = None
            elif manager in self.rows:
                self.managers[external_id] = manager
            elif manager in self.spec.pks:
                self.managers[external_id] = self.spec.pks[manager]
            else:
                self.managers[external_id] = None
                table.error(
                    index,
                    "reports_to_external_id",
                    f"no stakeholder has the external id {shown(manager)}"
                    " (in stakeholders.csv or Rapport)",
                )
        self.check_accounts()
        self.check_cycles()

    def check_accounts(self) -> None:
        for person, manager in self.managers.items():
            if manager is None or self.accounts.get(manager) == self.accounts.get(person):
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
