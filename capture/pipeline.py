"""The one path every source takes (docs/capture.md, "The pipeline"): messages and meetings
become captured rows for the accounts they concern, interactions through the activity
services, suggested stakeholders, and signals about people.

Sources call `capture_mail(raws, origin=...)` or `capture_meetings(meetings, origin=...)`. Each
batch is written in one transaction, so a run that stops half-way keeps whole batches only, and
a message is stored once per account by its Message-ID (a meeting by its UID and start), so
running a source again changes nothing.
"""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from itertools import batched
from multiprocessing import get_context
from typing import SupportsBytes

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from capture.directory import Directory
from capture.messages import Address, Message, ParseError, parse
from capture.models import (
    CapturedMessage,
    Decision,
    Mailbox,
    PersonSignal,
    RepeatedRequest,
    SuggestedStakeholder,
    TouchpointKeyword,
)
from capture.sentiment import sentiment
from capture.threads import asks_again, verbosity
from core.db.bulk import fetch_pairs, insert_rows
from core.limits import DayRange
from relationships.activity.services import interactions_bulk_create, open_items_bulk_create
from relationships.models import Channel, Interaction, OpenItem, Stakeholder, Touchpoint
from relationships.people.services import may_have_left_record

log = logging.getLogger(__name__)

BATCH = 2000  # items per transaction: per-batch queries and the recompute request amortised
INBOUND, OUTBOUND = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND
MOST_HOURS = Decimal("99999.99")  # what Interaction.response_hours holds


@dataclass(frozen=True)
class Origin:
    """Where what is captured comes from: its kind, whose mail or calendar it is (None for the
    team's BCC-to-log mailbox), and the addresses and domains never to capture."""

    kind: str  # CapturedMessage.Origin
    owner: object = None  # a User
    mailbox: Mailbox | None = None
    excluded: frozenset[str] = frozenset()

    @classmethod
    def of_mailbox(cls, mailbox: Mailbox) -> "Origin":
        kind = CapturedMessage.Origin.BCC if mailbox.is_bcc_log else CapturedMessage.Origin.MAILBOX
        return cls(kind, mailbox.owner, mailbox, mailbox.excluded_set())

    @classmethod
    def of_feed(cls, feed) -> "Origin":
        return cls(CapturedMessage.Origin.CALENDAR, feed.owner)

    def excludes(self, address: str) -> bool:
        return address in self.excluded or address.rpartition("@")[2] in self.excluded


@dataclass
class CaptureResult:
    """What a run did, in counts: messages read; rows captured (one per account a message
    concerns); already captured; not about a customer (not stored); sent by a machine (not
    stored); unreadable or undated (not stored)."""

    read: int = 0
    captured: int = 0
    duplicates: int = 0
    ignored: int = 0
    skipped: int = 0
    unreadable: int = 0
    accounts: set[int] = field(default_factory=set)

    def __str__(self) -> str:
        return (
            f"{self.read} read: {self.captured} captured, {self.duplicates} already captured, "
            f"{self.ignored} not about a customer, {self.skipped} sent by a machine, "
            f"{self.unreadable} unreadable or undated; {len(self.accounts)} accounts"
        )


@dataclass(frozen=True)
class Item:
    """A message or a meeting, as the pipeline decides about it."""

    key: str
    kind: str  # CapturedMessage.Kind
    sent_at: datetime | None
    sender: Address
    others: tuple[Address, ...]
    subject: str
    text: str  # the author's own words ("" for a meeting)
    snippet: str
    words: int
    thread: str
    in_reply_to: str
    channel: str  # a Channel slug
    automated: bool = False
    left_signal: str = ""
    left_address: str = ""
    title: str = ""  # the sender's title, from their signature


def stored_id(value: str) -> str:
    """A message or thread id as stored (255 characters at most): a longer one as its hash,
    the same wherever it is read."""
    if len(value) <= 255:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def item_from_message(message: Message) -> Item:
    thread = (message.references or message.in_reply_to or (message.message_id,))[0]
    return Item(
        key=stored_id(message.message_id),
        kind=CapturedMessage.Kind.EMAIL,
        sent_at=message.sent_at,
        sender=message.sender,
        others=message.to + message.cc + message.bcc,
        subject=message.subject,
        text=message.text,
        snippet=message.snippet,
        words=message.words,
        thread=stored_id(thread),
        in_reply_to=stored_id(message.in_reply_to[0]) if message.in_reply_to else "",
        channel="email",
        automated=message.automated,
        left_signal=message.left_signal,
        left_address=message.left_address,
        title=message.title,
    )


def item_from_meeting(meeting) -> Item:
    """A meeting of capture.calendars: its organiser "sends" it to its attendees."""
    return Item(
        key=stored_id(meeting.key),
        kind=CapturedMessage.Kind.MEETING,
        sent_at=meeting.start,
        sender=meeting.organizer,
        others=tuple(meeting.attendees),
        subject=meeting.summary,
        text="",
        snippet="",
        words=0,
        thread=stored_id(meeting.key),
        in_reply_to="",
        channel=meeting.channel(),
    )


def capture_mail(
    raws: Iterable[bytes | SupportsBytes],
    *,
    origin: Origin,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> CaptureResult:
    """Capture raw messages (as a mailbox holds them) from `origin`, a batch at a time;
    `progress` hears how many have been read after each batch. With `workers` > 1, messages
    are read, graded and planned in that many forked processes while this one writes (for a
    command's backfill: a Celery worker's processes cannot fork their own)."""
    result = CaptureResult()
    context = Context.load(origin)

    def counted():
        for raw in raws:
            result.read += 1
            yield raw

    if workers <= 1:
        return _run(map(partial(_read_with, context), counted()), context, result, progress)
    forked = get_context("fork").Pool(workers, _reading_starts, (context,))
    with forked as pool:
        return _run(pool.imap(_read, counted(), chunksize=64), context, result, progress)


# The run's context in a reading process forked by capture_mail (set as it starts).
_context: "Context | None" = None


def _reading_starts(context: "Context") -> None:
    global _context
    _context = context


def _read(raw: bytes | SupportsBytes) -> "Read":
    """_read_with the context a forked reading process started with."""
    return _read_with(_context, raw)


def _read_with(context: "Context", raw: bytes | SupportsBytes) -> "Read":
    """A raw message read and planned; an item of None when it is not an email at all."""
    try:
        item = item_from_message(parse(raw))
    except ParseError:
        return Read(None)
    return _planned(context, item)


def capture_meetings(meetings: Iterable, *, origin: Origin) -> CaptureResult:
    """Capture meetings (capture.calendars.Meeting) from `origin`."""
    result = CaptureResult()
    context = Context.load(origin)

    def read():
        for meeting in meetings:
            result.read += 1
            yield _planned(context, item_from_meeting(meeting))

    return _run(read(), context, result, None)


def _run(read: Iterable["Read"], context: "Context", result: CaptureResult, progress):
    for batch in batched(read, BATCH):
        _capture_batch(batch, context, result)
        if progress is not None:
            progress(result.read)
    going_dark_refresh(account_ids=result.accounts)
    return result


@dataclass
class Context:
    """What a run reads once: who is who, the channels, the touchpoint keywords."""

    origin: Origin
    directory: Directory
    channels: dict[str, Channel]
    keywords: list[tuple[str, Touchpoint]]
    default_touchpoint: Touchpoint

    @classmethod
    def load(cls, origin: Origin) -> "Context":
        touchpoints = {touchpoint.slug: touchpoint for touchpoint in Touchpoint.objects.all()}
        default = touchpoints.get(settings.CAPTURE_DEFAULT_TOUCHPOINT)
        if default is None:
            raise LookupError(
                f"There is no touchpoint {settings.CAPTURE_DEFAULT_TOUCHPOINT!r} for captured "
                "mail (CAPTURE_DEFAULT_TOUCHPOINT): add it in the admin or change the setting."
            )
        keywords = TouchpointKeyword.objects.select_related("touchpoint")
        return cls(
            origin=origin,
            directory=Directory.load(),
            channels={channel.slug: channel for channel in Channel.objects.all()},
            keywords=[(keyword.keyword.lower(), keyword.touchpoint) for keyword in keywords],
            default_touchpoint=default,
        )

    def touchpoint(self, subject: str) -> Touchpoint:
        words = subject.lower()
        for keyword, touchpoint in self.keywords:
            if keyword in words:
                return touchpoint
        return self.default_touchpoint

    def channel(self, slug: str) -> Channel:
        if slug not in self.channels:
            raise LookupError(
                f"There is no channel {slug!r} for captured activity: add it in the admin."
            )
        return self.channels[slug]


@dataclass
class Plan:
    """One item to store for one account."""

    item: Item
    account_id: int
    direction: str
    our_person_id: int | None
    people: list[int]  # the account's stakeholders taking part
    outside: list[str]
    sentiment: int
    response_hours: Decimal | None = None


@dataclass(frozen=True)
class Read:
    """What reading makes of one message or meeting: the item (None when it is not an email
    at all, or undated) and what to store of it for each account it concerns (none when it is
    not about a customer, or a machine sent it)."""

    item: Item | None
    plans: tuple[Plan, ...] = ()


def _capture_batch(batch: tuple[Read, ...], context: Context, result: CaptureResult) -> None:
    plans, departures = [], []
    for read in batch:
        if read.item is None:
            result.unreadable += 1
        elif read.item.automated:
            result.skipped += 1
            if read.item.left_signal and read.item.left_address:
                departures.append(read.item)
        elif not read.plans:
            result.ignored += 1
        plans.extend(read.plans)
    plans = _new_only(plans, result)
    if not plans and not departures:
        return
    _response_times(plans)
    with transaction.atomic():
        _write(plans, context)
        _suggest(plans, context.directory)
        _repeated_requests(plans)
        _departures(departures, context.directory)
    result.captured += len(plans)
    result.accounts.update(plan.account_id for plan in plans)


def _in_range(moment: datetime | None) -> bool:
    return moment is not None and DayRange("now").allows(moment, timezone.now())


def _planned(context: Context, item: Item) -> Read:
    """What to store of an item for each account it concerns, a customer's words graded."""
    if item.automated:
        return Read(item)
    if not _in_range(item.sent_at):
        return Read(None)
    directory, origin = context.directory, context.origin
    addresses = [a.address for a in (item.sender, *item.others) if a.address]
    addresses = list(dict.fromkeys(addresses))
    outside = [a for a in addresses if not directory.is_internal(a)]
    accounts = set().union(*(directory.accounts_of(a) for a in outside))
    if not accounts or any(origin.excludes(a) for a in addresses):
        return Read(item)
    outbound = directory.is_internal(item.sender.address)
    # Who of us: the sender of what we sent, else the mailbox's owner; for the BCC-to-log
    # mailbox (no owner), the first user among the people on the message, if any.
    ours = (directory.users[a] for a in addresses if a in directory.users)
    our_person = directory.users.get(item.sender.address) if outbound else None
    if our_person is None:
        our_person = next(ours, None) if origin.owner is None else origin.owner.pk
    email = item.kind == CapturedMessage.Kind.EMAIL
    said = sentiment(item.text) if email and not outbound else 0
    return Read(
        item,
        tuple(
            Plan(
                item=item,
                account_id=account_id,
                direction=OUTBOUND if outbound else INBOUND,
                our_person_id=our_person,
                people=[
                    person.pk
                    for a in outside
                    if (person := directory.stakeholder(a, account_id)) is not None
                ],
                outside=outside,
                sentiment=said,
            )
            for account_id in sorted(accounts)
        ),
    )


_KEY = ("account_id", "message_id")  # a captured message's key


def _new_only(plans: list[Plan], result: CaptureResult) -> list[Plan]:
    """The plans not stored before (nor earlier in the batch)."""
    keys = {(plan.account_id, plan.item.key) for plan in plans}
    stored = set(fetch_pairs(CapturedMessage.objects, _KEY, keys, "account_id", "message_id"))
    new = []
    for plan in plans:
        key = (plan.account_id, plan.item.key)
        if key in stored:
            result.duplicates += 1
            continue
        stored.add(key)
        new.append(plan)
    return new


def _response_times(plans: list[Plan]) -> None:
    """A reply's response time: how long after the message it answers, when that came from the
    other side (the customer answering us, or we them)."""
    replies = [plan for plan in plans if plan.item.in_reply_to]
    if not replies:
        return
    answered = {
        (account_id, message_id): (direction, sent_at)
        for account_id, message_id, direction, sent_at in fetch_pairs(
            CapturedMessage.objects,
            _KEY,
            {(plan.account_id, plan.item.in_reply_to) for plan in replies},
            "account_id",
            "message_id",
            "direction",
            "sent_at",
        )
    }
    answered.update(
        ((plan.account_id, plan.item.key), (plan.direction, plan.item.sent_at)) for plan in plans
    )
    for plan in replies:
        direction, sent_at = answered.get((plan.account_id, plan.item.in_reply_to), (None, None))
        if direction is not None and direction != plan.direction and sent_at <= plan.item.sent_at:
            hours = Decimal((plan.item.sent_at - sent_at).total_seconds() / 3600)
            plan.response_hours = min(hours.quantize(Decimal("0.01")), MOST_HOURS)


def _interaction_row(message: dict, people: list[int]) -> dict:
    """interaction_create's arguments for a captured message (its column values) with these
    people."""
    email = message["kind"] == CapturedMessage.Kind.EMAIL
    return {
        "account_id": message["account_id"],
        "occurred_at": message["sent_at"],
        "stakeholder_ids": people,
        "channel_id": message["channel_id"],
        "touchpoint_id": message["touchpoint_id"],
        "direction": message["direction"],
        "sentiment": message["sentiment"],
        "verbosity": verbosity(message["words"]) if email else Interaction.Verbosity.NORMAL,
        "response_hours": message["response_hours"],
        "our_person_id": message["our_person_id"],
        "summary": message["subject"],
        "source": Interaction.Source.EMAIL if email else Interaction.Source.MEETING,
    }


def _write(plans: list[Plan], context: Context) -> None:
    """The captured rows, and the interactions of those naming a stakeholder. The rows go in
    as column values, not model instances: a backfill writes hundreds of thousands."""
    if not plans:
        return
    keep_bodies = settings.CAPTURE_STORE_BODIES
    mailbox = context.origin.mailbox.pk if context.origin.mailbox else None
    rows = []
    for plan in plans:
        item = plan.item
        rows.append(
            {
                "account_id": plan.account_id,
                "message_id": item.key,
                "kind": item.kind,
                "origin": context.origin.kind,
                "mailbox_id": mailbox,
                "interaction_id": None,
                "our_person_id": plan.our_person_id,
                "direction": plan.direction,
                "channel_id": context.channel(item.channel).pk,
                "touchpoint_id": context.touchpoint(item.subject).pk,
                "sender": item.sender.address[:254],
                "outside": "\n".join(plan.outside),
                "subject": item.subject[:255],
                "snippet": item.snippet,
                "body": item.text if keep_bodies else "",
                "sent_at": item.sent_at,
                "thread": item.thread,
                "in_reply_to": item.in_reply_to,
                "words": item.words,
                "sentiment": plan.sentiment,
                "response_hours": plan.response_hours,
            }
        )
    logged = [(plan, row) for plan, row in zip(plans, rows, strict=True) if plan.people]
    pks = interactions_bulk_create(_interaction_row(row, plan.people) for plan, row in logged)
    for (_, row), pk in zip(logged, pks, strict=True):
        row["interaction_id"] = pk
    insert_rows(CapturedMessage, list(rows[0]), [tuple(row.values()) for row in rows])


def _values(message: CapturedMessage) -> dict:
    """A stored captured message's column values, as _write builds them."""
    return {
        field.attname: getattr(message, field.attname) for field in message._meta.concrete_fields
    }


def log_waiting(*, account_id: int, address: str) -> int:
    """Log as interactions the captured messages of the account that were waiting for this
    person to become a stakeholder; how many."""
    person = Stakeholder.objects.filter(account_id=account_id, email__iexact=address).first()
    waiting = [
        message
        for message in CapturedMessage.objects.filter(
            account_id=account_id, interaction__isnull=True, outside__contains=address
        )
        if address in message.outside_addresses()
    ]
    if person is None or not waiting:
        return 0
    with transaction.atomic():
        pks = interactions_bulk_create(
            _interaction_row(_values(message), [person.pk]) for message in waiting
        )
        for message, pk in zip(waiting, pks, strict=True):
            message.interaction_id = pk
        CapturedMessage.objects.bulk_update(waiting, ["interaction"])
    return len(waiting)


def _suggest(plans: list[Plan], directory: Directory) -> None:
    """Everyone at an account's domain who is not its stakeholder yet: suggested (or counted
    again, their name and title filled in if still unknown), unless a CSM dismissed or
    accepted them already."""
    seen: dict[tuple[int, str], dict] = {}
    for plan in plans:
        item = plan.item
        for address in plan.outside:
            if directory.stakeholder(address, plan.account_id) is not None:
                continue
            if len(address) > 254 or not directory.at_domain_of(address, plan.account_id):
                continue  # not at the customer's domain, or longer than an address can be
            entry = seen.setdefault(
                (plan.account_id, address), {"name": "", "title": "", "moments": []}
            )
            entry["moments"].append(item.sent_at)
            entry["name"] = entry["name"] or next(
                (a.name for a in (item.sender, *item.others) if a.address == address), ""
            )
            if address == item.sender.address:
                entry["title"] = entry["title"] or item.title
    if not seen:
        return
    existing = {
        (suggestion.account_id, suggestion.email.lower()): suggestion
        for suggestion in SuggestedStakeholder.objects.filter(
            account_id__in={account_id for account_id, _ in seen},
            email__in={address for _, address in seen},
        )
    }
    new, changed = [], []
    for (account_id, address), found in seen.items():
        moments, name, title = found["moments"], found["name"][:200], found["title"][:200]
        suggestion = existing.get((account_id, address))
        if suggestion is None:
            new.append(
                SuggestedStakeholder(
                    account_id=account_id,
                    email=address,
                    name=name,
                    title=title,
                    messages=len(moments),
                    first_seen=min(moments),
                    last_seen=max(moments),
                )
            )
        elif suggestion.state == Decision.OPEN:
            suggestion.messages += len(moments)
            suggestion.first_seen = min(suggestion.first_seen, *moments)
            suggestion.last_seen = max(suggestion.last_seen, *moments)
            suggestion.name = suggestion.name or name
            suggestion.title = suggestion.title or title
            changed.append(suggestion)
    SuggestedStakeholder.objects.bulk_create(new)
    SuggestedStakeholder.objects.bulk_update(
        changed, ["messages", "first_seen", "last_seen", "name", "title"]
    )


def _repeated_requests(plans: list[Plan]) -> None:
    """A customer asking again in a thread opens an open item, once per thread."""
    inbound = [plan for plan in plans if plan.direction == INBOUND and plan.item.text]
    if not inbound:
        return
    threads = {(plan.account_id, plan.item.thread) for plan in inbound}
    thread = ("account_id", "thread")
    done = set(fetch_pairs(RepeatedRequest.objects, thread, threads, "account_id", "thread"))
    earlier = defaultdict(list)  # (account, thread) -> [(sent_at, words)]
    for account_id, name, sent_at, snippet in fetch_pairs(
        CapturedMessage.objects.filter(direction=INBOUND),
        thread,
        threads,
        "account_id",
        "thread",
        "sent_at",
        "snippet",
    ):
        earlier[account_id, name].append((sent_at, snippet))
    asked_again = []
    for plan in sorted(inbound, key=lambda plan: plan.item.sent_at):
        key = (plan.account_id, plan.item.thread)
        before = [words for sent_at, words in sorted(earlier[key]) if sent_at < plan.item.sent_at]
        if key not in done and asks_again(plan.item.text, before):
            asked_again.append(plan)
            done.add(key)
        earlier[key].append((plan.item.sent_at, plan.item.snippet))
    items = open_items_bulk_create(
        {
            "account_id": plan.account_id,
            "kind": OpenItem.Kind.REPEATED_REQUEST,
            "title": f"Asked again: {plan.item.subject or '(no subject)'}"[:200],
            "opened_on": timezone.localdate(plan.item.sent_at),
            "stakeholder_id": plan.people[0] if plan.people else None,
        }
        for plan in asked_again
    )
    RepeatedRequest.objects.bulk_create(
        RepeatedRequest(account_id=plan.account_id, thread=plan.item.thread, open_item=item)
        for plan, item in zip(asked_again, items, strict=True)
    )


def _departures(items: list[Item], directory: Directory) -> None:
    """An auto-reply or bounce saying someone has left: a may-have-left signal on each active
    stakeholder with that address, unless one is open already."""
    reasons = {}
    for item in items:
        for person in directory.stakeholders.get(item.left_address, ()):
            if person.active:
                reasons[person] = item.left_signal
    if not reasons:
        return
    kind = PersonSignal.Kind.MAY_HAVE_LEFT
    open_now = set(
        PersonSignal.objects.filter(
            stakeholder_id__in={person.pk for person in reasons},
            kind=kind,
            state=PersonSignal.State.OPEN,
        ).values_list("stakeholder_id", flat=True)
    )
    raised = {person: reason for person, reason in reasons.items() if person.pk not in open_now}
    PersonSignal.objects.bulk_create(
        PersonSignal(
            account_id=person.account_id,
            stakeholder_id=person.pk,
            kind=kind,
            reason=f"An automatic answer said: {reason}."[:200],
        )
        for person, reason in raised.items()
    )
    if raised:
        may_have_left_record(reasons={person.pk: reason for person, reason in raised.items()})


def going_dark_refresh(*, account_ids: Iterable[int]) -> None:
    """Open a going-dark signal for each stakeholder of these accounts who has written to us
    before and has not answered our last CAPTURE_GOING_DARK_AFTER messages to them; clear the
    signals of those who answered since."""
    account_ids = set(account_ids)
    if not account_ids:
        return
    addresses = {
        (account_id, email.lower()): pk
        for pk, account_id, email in Stakeholder.objects.filter(
            account_id__in=account_ids, status=Stakeholder.Status.ACTIVE
        )
        .exclude(email="")
        .values_list("pk", "account_id", "email")
    }
    answered, unanswered = set(), defaultdict(int)
    rows = (
        CapturedMessage.objects.filter(account_id__in=account_ids, kind=CapturedMessage.Kind.EMAIL)
        .order_by("sent_at", "pk")
        .values_list("account_id", "direction", "sender", "outside")
    )
    for account_id, direction, sender, outside in rows.iterator(5000):
        if direction == INBOUND:
            key = (account_id, sender)
            answered.add(key)
            unanswered[key] = 0
        else:
            for address in outside.split():
                unanswered[account_id, address] += 1
    after = settings.CAPTURE_GOING_DARK_AFTER
    dark = {
        pk: unanswered[key]
        for key, pk in addresses.items()
        if key in answered and unanswered[key] >= after
    }
    signals = PersonSignal.objects.filter(
        account_id__in=account_ids, kind=PersonSignal.Kind.GOING_DARK, state=PersonSignal.State.OPEN
    )
    with transaction.atomic():
        signals.filter(~Q(stakeholder_id__in=dark)).update(
            state=PersonSignal.State.CLEARED, decided_at=timezone.now()
        )
        already = set(signals.values_list("stakeholder_id", flat=True))
        people = dict(
            Stakeholder.objects.filter(pk__in=set(dark) - already).values_list("pk", "account_id")
        )
        PersonSignal.objects.bulk_create(
            PersonSignal(
                account_id=account_id,
                stakeholder_id=pk,
                kind=PersonSignal.Kind.GOING_DARK,
                reason=f"Has not answered our last {dark[pk]} messages.",
            )
            for pk, account_id in people.items()
        )
