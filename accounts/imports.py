"""The accounts.csv and usage.csv import files, and what the CSV framework asks of accounts:
who may import into and export which accounts; docs/import-export.md describes the files."""

from functools import cached_property

from django.db.models import QuerySet

from accounts.models import Account, Competitor, Team, UsageSnapshot, User, owner_rule
from accounts.selectors import teams_visible_to, users_of_teams
from accounts.services import status_changes_record
from core.db import bulk
from dataio.cells import Amount, Code, Day, Lookup, LookupList, Text, Whole, shown
from dataio.hooks import provides
from dataio.importing import Column, FileResult, FileSpec, ImportContext, Table, register


@provides("visible_accounts")
def visible_accounts(user: User | None) -> QuerySet[Account]:
    return Account.objects.all() if user is None else Account.objects.visible_to(user)


@provides("sees_everything")
def sees_everything(user: User | None) -> bool:
    return user is None or user.sees_all_accounts


@provides("may_import")
def may_import(user: User) -> bool:
    return user.may_import


class Names:
    """The users, teams and competitors an import may name, by the names the files use."""

    def __init__(self, context: ImportContext):
        self.context = context

    @cached_property
    def users_by_email(self) -> dict[str, int]:
        """Lower-cased email -> pk of the users the import may name."""
        users = User.objects if self.context.sees_everything else users_of_teams(self.teams)
        return {email.lower(): pk for email, pk in users.values_list("email", "pk")}

    @cached_property
    def teams_by_name(self) -> dict[str, int]:
        """Name -> pk of the teams the import may import accounts into."""
        return dict(self.teams.values_list("name", "pk"))

    @cached_property
    def competitors_by_name(self) -> dict[str, int]:
        return dict(Competitor.objects.values_list("name", "pk"))

    @property
    def teams(self) -> QuerySet[Team]:
        if self.context.sees_everything:
            return Team.objects.all()
        return teams_visible_to(self.context.user)

    @cached_property
    def team_people(self) -> dict[int, set[int]]:
        """Team pk -> the pks of its members and its manager: who may own its accounts."""
        people = {
            pk: {manager} - {None} for pk, manager in Team.objects.values_list("pk", "manager_id")
        }
        for team, user in Team.members.through.objects.values_list("team_id", "user_id"):
            people[team].add(user)
        return people


def names(context: ImportContext) -> Names:
    return context.part(Names)


def user_emails(kind: type[Lookup]) -> Lookup:
    """A column naming users by email, in any case: one user (Lookup) or several (LookupList)."""
    return kind(
        lambda context: names(context).users_by_email,
        lambda context: context.no("user") + " has the email {}",
        normalize=str.lower,
    )


USER_EMAIL, USER_EMAILS = user_emails(Lookup), user_emails(LookupList)
TEAM = Lookup(
    lambda context: names(context).teams_by_name,
    lambda context: (
        "no team is named {}" if context.sees_everything else "must be one of your teams, got {}"
    ),
)
COMPETITOR_NAME = Lookup(
    lambda context: names(context).competitors_by_name,
    lambda context: "no competitor is named {}",
)
ACCOUNT_ID = Text.of(Account, "external_id")


@register
class AccountsFile(FileSpec):
    name = "accounts.csv"
    order = 10
    columns = (
        Column("external_id", ACCOUNT_ID, required=True),
        Column("name", Text.of(Account, "name"), required=True),
        Column("domain", Text.of(Account, "domain")),
        Column("segment", Text.of(Account, "segment")),
        Column("owner_email", USER_EMAIL, required=True, field="owner_id"),
        Column("team", TEAM, required=True, field="team_id"),
        Column("customer_since", Day.of(Account, "customer_since")),
        Column("renewal_date", Day.of(Account, "renewal_date")),
        Column("arr", Amount(low=0)),
        Column("cost_to_serve", Amount(low=0)),
        Column("seats_purchased", Whole()),
        Column("share_of_wallet", Amount(digits=5, low=0, high=100)),
        Column("status", Code(Account.Status)),
        Column("leading_competitor", COMPETITOR_NAME, field="leading_competitor_id"),
        Column("notes", Text.of(Account, "notes")),
    )
    fields = [column.stored_as for column in columns]
    STATUS, COMPETITOR = fields.index("status"), fields.index("leading_competitor_id")

    def check(self, table: Table, context: ImportContext) -> None:
        """An external id that is not taken by an account the user may not change, an owner
        who is in the account's team (a member or its manager), and a renewal date not before
        customer_since."""
        table.reject_duplicates("external_id")
        context.accounts_in_file = set(table["external_id"])
        team_names = {pk: name for name, pk in names(context).teams_by_name.items()}
        rows = table.rows("external_id", "owner_email", "team")
        for index, (external_id, owner, team) in enumerate(rows):
            pk = context.accounts.get(external_id)
            if pk is not None and not context.may_change(pk):
                table.error(index, "external_id", "is an account of a team you are not in")
            if None not in (owner, team) and owner not in names(context).team_people[team]:
                table.error(index, "owner_email", owner_rule(shown(team_names[team])))
        self.check_renewals(table)

    def check_renewals(self, table: Table) -> None:
        """The renewal date is not before customer_since, as the account will be stored: a
        date column the file leaves out keeps the stored date (reported on the other one)."""
        kept = {"customer_since", "renewal_date"} & table.absent
        if len(kept) == 2:
            return
        stored = {}
        if kept:
            external_ids = set(table["external_id"]) - {None}
            (name,) = kept
            stored = dict(
                bulk.fetch_in(Account.objects, "external_id", external_ids, "external_id", name)
            )
        rows = table.rows("external_id", "customer_since", "renewal_date")
        for index, (external_id, since, renewal) in enumerate(rows):
            if "customer_since" in kept:
                since = stored.get(external_id)
            if "renewal_date" in kept:
                renewal = stored.get(external_id)
            if since is None or renewal is None or renewal >= since:
                continue
            if "renewal_date" in kept:
                table.error(
                    index,
                    "customer_since",
                    f"must not be after renewal_date ({renewal}), got {since}",
                )
            else:
                table.error(
                    index,
                    "renewal_date",
                    f"must not be before customer_since ({since}), got {renewal}",
                )

    def write(self, table: Table, context: ImportContext) -> FileResult:
        current = bulk.fetch_current(Account, "external_id", table["external_id"], self.fields)
        found = {values[0]: pk for pk, values in current.items()}
        pks = bulk.assign_pks(Account, table["external_id"], found)
        rows = {}
        for values in table.rows():
            pk = pks[values[0]]
            rows[pk] = bulk.fill_unknown(
                list(values), current.get(pk), {self.STATUS: Account.Status.ACTIVE}
            )
        rows = bulk.keep_stored(Account, self.fields, rows, current, self.kept_fields(table))
        created, changed = bulk.save_rows(Account, self.fields, rows, current)
        status_changes_record(
            {pk: (current[pk][self.STATUS], rows[pk][self.STATUS]) for pk in changed}
        )
        linked = set() if "leading_competitor" in table.absent else self.add_competitors(rows)
        context.account_pks.update(pks)
        return self.finish(
            Account, table, created, changed, context, accounts={*created, *changed, *linked}
        )

    def add_competitors(self, rows: dict[int, tuple]) -> set[int]:
        """The leading competitor of each account is one of its competitors; returns the
        accounts whose competitors changed."""
        through = Account.competitors.through
        links = {pk: set() for pk in rows}
        for account, competitor in bulk.fetch_in(
            through.objects, "account_id", rows, "account_id", "competitor_id"
        ):
            links[account].add(competitor)
        wanted = {
            pk: links[pk] | ({values[self.COMPETITOR]} - {None}) for pk, values in rows.items()
        }
        return bulk.save_links(through, "account_id", "competitor_id", wanted, links)


@register
class UsageFile(FileSpec):
    name = "usage.csv"
    order = 30
    columns = (
        Column("account_external_id", ACCOUNT_ID, required=True, field="account_id"),
        Column("period_start", Day(), required=True),
        Column("active_users", Whole()),
        Column("usage_value", Amount()),
        Column("features_used", Whole()),
        Column("features_available", Whole()),
    )
    fields = [column.stored_as for column in columns]
    paired = (("features_used", "features_available"),)  # checked against each other

    def check(self, table: Table, context: ImportContext) -> None:
        table.reject_duplicates("account_external_id", "period_start")
        context.check_accounts(table, "account_external_id")
        for index, (used, available) in enumerate(
            table.rows("features_used", "features_available")
        ):
            if used is not None and available is not None and used > available:
                table.error(
                    index,
                    "features_used",
                    f"must not be more than features_available ({available}), got {used}",
                )

    def write(self, table: Table, context: ImportContext) -> FileResult:
        accounts = [context.account_pk(external_id) for external_id in table["account_external_id"]]
        current = bulk.fetch_current(UsageSnapshot, "account_id", accounts, self.fields)
        found = {values[:2]: pk for pk, values in current.items()}
        pks = bulk.assign_pks(
            UsageSnapshot, zip(accounts, table["period_start"], strict=True), found
        )
        rows = {}
        for account, values in zip(accounts, table.rows(), strict=True):
            rows[pks[account, values[1]]] = (account, *values[1:])
        rows = bulk.keep_stored(UsageSnapshot, self.fields, rows, current, self.kept_fields(table))
        created, changed = bulk.save_rows(UsageSnapshot, self.fields, rows, current)
        accounts = {rows[pk][0] for pk in (*created, *changed)}
        return self.finish(UsageSnapshot, table, created, changed, context, accounts)
