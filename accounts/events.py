"""Events about accounts (core.events), for every layer above: the caller says what happened,
this adds who follows the account (its owner, and any `followers` the caller names), its team,
the page to link to and the account in the payload, for any number of events in one query."""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from accounts.models import Account
from accounts.selectors import who_sees_teams
from core.events import EventDraft, events_record_many
from core.models import Event


@dataclass
class AccountEvent:
    kind: str
    account_id: int
    summary: str
    payload: dict = field(default_factory=dict)
    path: str = ""
    followers: list[int] = field(default_factory=list)
    actor_id: int | None = None
    account: Account | None = None  # the account's row, if the caller has read it already


def account_events_record(*, events: list[AccountEvent]) -> list[Event]:
    """Record these events in the current transaction; `summary` may name the account as
    `{account}`. Accounts not given with their events are read in one query."""
    if not events:
        return []
    accounts = {
        event.account_id: (event.account.name, event.account.team_id, event.account.owner_id)
        for event in events
        if event.account is not None
    }
    unread = {event.account_id for event in events} - set(accounts)
    if unread:
        accounts |= {
            pk: (name, team_id, owner_id)
            for pk, name, team_id, owner_id in Account.objects.filter(pk__in=unread).values_list(
                "pk", "name", "team_id", "owner_id"
            )
        }
    followers = {user for event in events for user in event.followers}
    owners = {owner_id for _name, _team, owner_id in accounts.values()}
    teams = {team_id for _name, team_id, _owner in accounts.values()}
    seeing = who_sees_teams(owners | followers, teams)
    drafts = []
    for event in events:
        name, team_id, owner_id = accounts[event.account_id]
        page = reverse("account_detail", args=[event.account_id])
        drafts.append(
            EventDraft(
                kind=event.kind,
                summary=event.summary.replace("{account}", name),
                path=event.path or page,
                payload={
                    "account": {
                        "id": event.account_id,
                        "name": name,
                        "url": settings.SITE_URL + page,
                    },
                    **event.payload,
                },
                account_id=event.account_id,
                team_id=team_id,
                # only those who may see the account now (an owner may have left its team)
                audience=[
                    user for user in [owner_id, *event.followers] if (user, team_id) in seeing
                ],
                actor_id=event.actor_id,
            )
        )
    return events_record_many(drafts=drafts)


def account_event_record(**kwargs) -> Event:
    """One event (the fields of AccountEvent, by keyword)."""
    return account_events_record(events=[AccountEvent(**kwargs)])[0]
