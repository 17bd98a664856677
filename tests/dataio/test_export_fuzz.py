"""Export then import is an identity: random valid import files (account notes and people
with several owners among them), imported, exported, imported again change nothing, and the
files exported then are the same, byte for byte; imported into a database without those
accounts, they make the same files again.

RAPPORT_FUZZ_EXAMPLES sets the number of examples (1,000 unless set, as in CI)."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Account, Team, User
from accounts.services import account_create
from dataio.cells import cell_text
from dataio.importing import ImportRejected
from dataio.services import csv_import
from dataio.snapshot import export_files
from relationships.activity.services import (
    interaction_create,
    moment_create,
    open_item_create,
    pulse_check_create,
)
from relationships.models import (
    Channel,
    CompetitorDimension,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    RecomputeRequest,
    Stakeholder,
    Touchpoint,
)
from relationships.people.services import stakeholder_create
from tests.dataio.files import ACTIVITY_FILES, COMPETITORS, as_csv
from tests.fuzz import FUZZ

# Free text: any characters but NUL and surrogates, quotes, commas and line breaks included, and
# texts that look like formulas; the import strips spaces around a cell, so the text has none
# there.
CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
TRICKY = st.sampled_from(
    ['say "hi", then', "two\nlines", "crlf\r\nhere", "Zoë 北京 🙂", "a;b"]
    + ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "'=1", "''-x"]  # formulas
)


def text(max_size: int = 20, *, required: bool = False):
    free = st.one_of(TRICKY, st.text(CHARACTERS, max_size=max_size)).map(str.strip)
    return free.filter(bool) if required else free


EMAIL = st.from_regex(r"[a-z0-9._+-]{1,8}@[a-z0-9-]{1,8}\.[a-z]{2,4}", fullmatch=True)
USERS = ["csm@example.com", "teammate@example.com", "outsider@example.com", "Admin@Example.com"]
PAST = {"min_value": dt.date(2000, 1, 2), "max_value": dt.date(2025, 12, 31)}  # in core.limits


def maybe(strategy):
    """A value of `strategy` as text, or an empty cell."""
    return st.one_of(st.just(""), strategy.map(str))


def amount(low, high, places: int = 2):
    numbers = st.decimals(min_value=low, max_value=high, places=places, allow_nan=False)
    return maybe(numbers.map(lambda value: format(value, "f")))


def dates(**bounds):
    return st.dates(**(bounds or PAST)).map(dt.date.isoformat)


def slugs(model) -> list[str]:
    return list(model.objects.order_by("slug").values_list("slug", flat=True))


def instant(draw) -> tuple[str, dt.datetime]:
    """An occurred_at cell in one of the ways the import reads, and the time it means (UTC)."""
    moment = draw(
        st.datetimes(dt.datetime(2000, 1, 2), dt.datetime(2025, 12, 31), timezones=st.just(dt.UTC))
    )
    if draw(st.booleans()):
        moment = moment.replace(microsecond=0)
    form = draw(st.sampled_from(["utc", "offset", "z"]))
    if form == "z":
        return moment.isoformat().replace("+00:00", "Z"), moment
    if form == "offset":
        zone = dt.timezone(dt.timedelta(minutes=draw(st.integers(-12 * 60, 14 * 60))))
        return moment.astimezone(zone).isoformat(), moment
    return moment.isoformat(), moment


def choice(values):
    return st.sampled_from(list(values))


NAME, SHORT, LONG = text(12, required=True), text(8), text(16)
# A renewal is not before "customer since", when both are known.
SINCE_AND_RENEWAL = st.one_of(st.none(), st.dates(**PAST)).flatmap(
    lambda since: st.fixed_dictionaries(
        {
            "customer_since": st.just("" if since is None else since.isoformat()),
            "renewal_date": maybe(st.dates(since or PAST["min_value"], dt.date(2099, 12, 31))),
        }
    )
)
ACCOUNT = st.fixed_dictionaries(
    {
        "name": NAME,
        "domain": SHORT,
        "segment": SHORT,
        "arr": amount(0, Decimal("999999999999.99")),
        "cost_to_serve": amount(0, 10**6, places=0),
        "seats_purchased": maybe(st.integers(0, 2_147_483_647)),
        "share_of_wallet": amount(0, 100),
        "status": choice(["", *Account.Status.values]),
        "leading_competitor": choice(["", *COMPETITORS]),
        "notes": text(40),
    }
)
# An account's owner is a member or the manager of its team.
OWNERS = {
    "Team A": ["csm@example.com", "teammate@example.com", "Manager@Example.com"],
    "Team B": ["outsider@example.com"],
}
OWNED = choice(OWNERS).flatmap(
    lambda team: st.fixed_dictionaries({"team": st.just(team), "owner_email": choice(OWNERS[team])})
)
PERSON = st.fixed_dictionaries(
    {
        "name": NAME,
        "title": SHORT,
        "email": maybe(EMAIL),
        "role": choice(["", *Stakeholder.Role.values]),
        "buying_influence": choice(["", *Stakeholder.Influence.values]),
        "owner_email": choice(["", *USERS]),
        "relationship_since": maybe(st.dates(**PAST)),
        "trust": choice(["", "high", "low"]),
        "respect": choice(["", "high", "low"]),
        "strength": maybe(st.integers(1, 5)),
        "status": choice(["", *Stakeholder.Status.values]),
        "other_owner_emails": st.lists(choice(USERS), max_size=3).map(";".join),
    }
)
FEATURES = st.integers(0, 50).flatmap(
    lambda available: st.tuples(maybe(st.integers(0, available)), st.just(str(available)))
) | st.tuples(maybe(st.integers(0, 50)), st.just(""))
USAGE = st.fixed_dictionaries(
    {
        "period_start": dates(),
        "active_users": maybe(st.integers(0, 10**6)),
        "usage_value": amount(-(10**6), 10**6),
        "features": FEATURES,
    }
)


def import_files(data) -> dict[str, bytes]:
    """Valid import files: one or two accounts, their people (some reporting to others, in
    either order), usage and activity; every optional column sometimes empty."""
    draw = data.draw
    accounts, people, usage = [], [], []
    activity = {name: {} for name in ("interactions", "moments", "pulse", "open", "ratings")}
    for number in range(draw(st.integers(1, 2), label="accounts")):
        account = f"A-{number}" + draw(SHORT, label="account id")
        accounts.append(
            {
                "external_id": account,
                **draw(ACCOUNT, label="account"),
                **draw(SINCE_AND_RENEWAL, label="customer since and renewal"),
                **draw(OWNED, label="owner and team"),
            }
        )
        suffixes = draw(st.lists(text(3), max_size=3), label="people")
        mine = [f"S-{number}.{n}{suffix}".replace(";", ",") for n, suffix in enumerate(suffixes)]
        rows, emails = [], set()
        for index, person in enumerate(mine):
            row = draw(PERSON, label="person")
            if row["email"].lower() in emails:  # one person per email at an account
                row["email"] = ""
            emails.add(row["email"].lower())
            # a manager among the people before: no reporting cycle
            manager = draw(choice(["", *mine[:index]]), label="manager")
            rows.append(
                {
                    "external_id": person,
                    "account_external_id": account,
                    "reports_to_external_id": manager,
                    **row,
                }
            )
        people += rows[::-1] if draw(st.booleans()) else rows  # managers after their people
        periods = draw(st.lists(USAGE, max_size=3, unique_by=lambda row: row["period_start"]))
        for row in periods:
            used, available = row.pop("features")
            usage.append(
                {
                    "account_external_id": account,
                    "features_used": used,
                    "features_available": available,
                    **row,
                }
            )
        draw_activity(draw, account, mine, activity)
    files = {
        "accounts.csv": as_csv("accounts.csv", accounts),
        "stakeholders.csv": as_csv("stakeholders.csv", people),
        "usage.csv": as_csv("usage.csv", usage),
    }
    for name, rows in zip(ACTIVITY_FILES, activity.values(), strict=True):
        files[name] = as_csv(name, list(rows.values()))
    return files


def catalog(name: str):
    """A slug of an admin catalog, read once the test database exists."""
    return st.deferred(lambda: choice(CATALOGS[name]))


INTERACTION = st.fixed_dictionaries(
    {
        "touchpoint": catalog("touchpoints"),
        "sentiment": choice(["-2", "-1", "0", "1", "+1", "2"]),
        "verbosity": choice(["", *Interaction.Verbosity.values]),
        "response_hours": amount(0, Decimal("99999.99")),
        "summary": LONG,
        "our_person_email": choice(["", *USERS]),
    }
)
VALUE_IMPACT = choice(["", "created", "destroyed"]) | st.tuples(
    choice(["", "+", "-"]), st.decimals(Decimal("0.01"), Decimal("10") ** 11, places=2)
).map(lambda pair: pair[0] + format(pair[1], "f"))
MOMENT = st.fixed_dictionaries(
    {
        "moment_type": catalog("moment types"),
        "occurred_on": dates(),
        "emotion": choice(Moment.Emotion.values),
        "intensity": maybe(st.integers(1, 3)),
        "value_impact": VALUE_IMPACT,
        "identified_by": choice(["", *Moment.IdentifiedBy.values]),
        "note": LONG,
    }
)
PULSE_CHECK = st.fixed_dictionaries(
    {
        "csm_email": choice(USERS),
        "checked_on": dates(),
        "happiness": st.integers(1, 5),
        "note": LONG,
    }
)
OPEN_ITEM = st.dates(**PAST).flatmap(
    lambda opened: st.fixed_dictionaries(
        {
            "kind": choice(OpenItem.Kind.values),
            "title": NAME,
            "opened_on": st.just(opened.isoformat()),
            "due_on": maybe(st.dates(opened, dt.date(2099, 12, 31))),
            "closed_on": maybe(st.dates(opened, PAST["max_value"])),
        }
    )
)
RATING = st.fixed_dictionaries(
    {
        "competitor": choice(COMPETITORS),
        "dimension": catalog("dimensions"),
        "our_rating": st.integers(1, 5),
        "their_rating": st.integers(1, 5),
        "rated_on": dates(),
        "source": choice(["", "csm", "survey"]),
    }
)


def draw_activity(draw, account: str, people: list[str], activity: dict) -> None:
    """Up to two interactions and one row of each other activity file for this account, keyed
    by their identity (a row whose identity repeats an earlier one replaces it: the import
    refuses repeats)."""
    person = choice(["", *people])
    for _ in range(draw(st.integers(0, 2), label="interactions")):
        named = draw(st.sets(choice(people), max_size=3)) if people else set()
        occurred, when = instant(draw)
        channel, direction = draw(catalog("channels")), draw(DIRECTIONS)
        activity["interactions"][account, when, channel, direction, frozenset(named)] = {
            "account_external_id": account,
            "stakeholder_external_ids": draw(choice([";", "; "])).join(named),
            "occurred_at": occurred,
            "channel": channel,
            "direction": direction,
            **draw(INTERACTION),
        }
    for _ in range(draw(st.integers(0, 1), label="moments")):
        row = {
            "account_external_id": account,
            "stakeholder_external_id": draw(person),
            **draw(MOMENT),
        }
        identity = ("moment_type", "occurred_on", "stakeholder_external_id")
        activity["moments"][account, *(row[column] for column in identity)] = row
    for _ in range(draw(st.integers(0, 1), label="pulse checks")):
        row = {"account_external_id": account, **draw(PULSE_CHECK)}
        activity["pulse"][account, row["csm_email"].lower(), row["checked_on"]] = row
    for _ in range(draw(st.integers(0, 1), label="open items")):
        row = {
            "account_external_id": account,
            "stakeholder_external_id": draw(person),
            **draw(OPEN_ITEM),
        }
        activity["open"][account, row["kind"], row["title"], row["opened_on"]] = row
    for _ in range(draw(st.integers(0, 1), label="ratings") if people else 0):
        row = {
            "account_external_id": account,
            "stakeholder_external_id": draw(choice(people)),
            **draw(RATING),
        }
        identity = ("stakeholder_external_id", "competitor", "dimension", "rated_on")
        activity["ratings"][account, *(row[column] for column in identity)] = row


DIRECTIONS = st.sampled_from(Interaction.Direction.values)
CATALOGS: dict[str, list[str]] = {}


def load_catalogs() -> None:
    """The slugs of the catalogs the data migrations fill, read once."""
    if CATALOGS:
        return
    CATALOGS.update(
        channels=slugs(Channel),
        touchpoints=slugs(Touchpoint),
        dimensions=slugs(CompetitorDimension),
        **{"moment types": slugs(MomentType)},
    )


def records(files: dict[str, bytes], name: str) -> list[dict]:
    """The rows of a file, by column name."""
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"), newline="")))


def said(files: dict[str, bytes]) -> dict:
    """What the files say of the values a file holds beside a row's own columns: each account's
    notes and each person's owners (owner_email and other_owner_emails), by external id."""

    def owners(row) -> set[str]:
        emails = [row["owner_email"], *row["other_owner_emails"].split(";")]
        return {email.strip().lower() for email in emails if email.strip()}

    return {
        "notes": {
            row["external_id"]: cell_text(row["notes"]) for row in records(files, "accounts.csv")
        },
        "owners": {row["external_id"]: owners(row) for row in records(files, "stakeholders.csv")},
    }


def stored(ids: dict) -> dict:
    """The same values as stored, for the accounts and people of `ids` (said(...))."""
    people = Stakeholder.objects.filter(external_id__in=ids["owners"]).prefetch_related("owners")
    return {
        "notes": dict(
            Account.objects.filter(external_id__in=ids["notes"]).values_list("external_id", "notes")
        ),
        "owners": {
            person.external_id: {user.email.lower() for user in person.owners.all()}
            for person in people
        },
    }


# Activity logged in Rapport: on days after every imported row's, so that no logged row is
# alike an imported one (two rows alike share one import key: no file can tell them apart).
LOGGED_ON = st.dates(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def created_in_rapport(data) -> list[Account]:
    """Maybe an account made in Rapport without an external id (as the new-account form leaves
    it), with people added without one: Rapport gives each its own."""
    if not data.draw(st.booleans(), label="an account made in Rapport"):
        return []
    team = Team.objects.get(name="Team A")
    account = account_create(
        name=data.draw(NAME, label="its name"), team=team, owner=team.manager, external_id=""
    )
    for name in data.draw(st.lists(NAME, max_size=2), label="its people"):
        stakeholder_create(account=account, name=name, owners=[team.manager], external_id="")
    return [account]


def log_in_rapport(data, accounts: list[Account]) -> int:
    """Activity logged through the services the quick-log forms call, on the imported
    accounts: up to four rows of any kind, none alike. Returns how many."""
    draw, logged = data.draw, {}
    for kind in draw(st.lists(choice(["interaction", "moment", "open item", "pulse"]), max_size=4)):
        account = draw(choice(accounts), label="account")
        people = list(account.stakeholders.order_by("pk"))
        day = draw(LOGGED_ON, label="day")
        if kind == "interaction" and people:
            named = draw(st.sets(choice(people), min_size=1, max_size=2), label="people")
            channel = Channel.objects.get(slug=draw(catalog("channels")))
            when = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23))), dt.UTC)
            direction = draw(DIRECTIONS)
            identity = (kind, account.pk, when, channel.pk, direction, frozenset(named))
            values = {
                "account": account, "occurred_at": when, "stakeholders": named,
                "channel": channel, "direction": direction, "summary": draw(LONG),
                "touchpoint": Touchpoint.objects.get(slug=draw(catalog("touchpoints"))),
                "sentiment": draw(st.integers(-2, 2)),
            }  # fmt: skip
            logged.setdefault(identity, lambda values=values: interaction_create(**values))
        elif kind == "moment":
            moment_type = MomentType.objects.get(slug=draw(catalog("moment types")))
            person = draw(choice([None, *people]), label="person")
            identity = (kind, account.pk, moment_type.pk, day, person)
            values = {
                "account": account, "moment_type": moment_type, "occurred_on": day,
                "stakeholder": person, "emotion": draw(choice(Moment.Emotion.values)),
                "note": draw(LONG),
            }  # fmt: skip
            logged.setdefault(identity, lambda values=values: moment_create(**values))
        elif kind == "open item":
            title, item_kind = draw(NAME, label="title"), draw(choice(OpenItem.Kind.values))
            identity = (kind, account.pk, item_kind, title, day)
            values = {"account": account, "kind": item_kind, "title": title, "opened_on": day}
            logged.setdefault(identity, lambda values=values: open_item_create(**values))
        elif kind == "pulse":
            csm = User.objects.get(email__iexact=draw(choice(USERS), label="csm"))
            identity = (kind, account.pk, csm.pk, day)
            values = {
                "account": account, "csm": csm, "checked_on": day,
                "happiness": draw(st.integers(1, 5)), "note": draw(LONG),
            }  # fmt: skip
            logged.setdefault(identity, lambda values=values: pulse_check_create(**values))
    for log in logged.values():
        log()
    return len(logged)


ACTIVITY_NAMES = set(ACTIVITY_FILES)


def activity_rows(files: dict[str, bytes]) -> int:
    """The rows of the activity files."""
    return sum(len(records(files, name)) for name in ACTIVITY_NAMES)


def everything(database_state) -> dict:
    return {**database_state(), "recompute requests": RecomputeRequest.objects.count()}


@FUZZ
@given(data=st.data())
def test_export_then_import_changes_nothing(org, database_state, data):
    load_catalogs()
    files = import_files(data)
    with transaction.atomic():
        with transaction.atomic():
            try:
                csv_import(files=files)
            except ImportRejected as rejected:  # the generated files must be valid
                raise AssertionError("\n".join(map(str, rejected.errors))) from None
            assert stored(said(files)) == said(files)
            accounts = list(Account.objects.exclude(pk__in=[org.account.pk, org.other_account.pk]))
            accounts += created_in_rapport(data)
            logged = log_in_rapport(data, accounts)
            exported, held = export_files(Account.objects.all())
            assert [str(result) for result in held if result.left_out] == []
            assert sum(result.rows for result in held if result.file in ACTIVITY_NAMES) == (
                activity_rows(files) + logged
            )
            before = everything(database_state)

            summary = csv_import(files=exported)

            assert all(result.created == result.updated == 0 for result in summary.files)
            assert everything(database_state) == before  # no row changed, no history written
            transaction.set_rollback(True)  # back to a database without these accounts

        # Into a database without these accounts: the same files again, holding what the first
        # files said.
        csv_import(files=exported)
        assert stored(said(files)) == said(files)
        assert export_files(Account.objects.all())[0] == exported
        transaction.set_rollback(True)  # undo the example for the next one
