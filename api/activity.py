"""Activity: interactions, moments, open items, pulse checks and competitor ratings, read and
logged through the same write services as the quick-log forms (the signed-in user is the one
who took part in an interaction and whose read a pulse check is)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from accounts.models import Competitor
from api.common import account_named, people_named, person_named, visible_accounts
from api.paging import Since, page
from api.schemas import Input, PathId, Ref, UtcTime, answers
from relationships.activity.services import (
    competitor_rating_create,
    interaction_create,
    moment_create,
    open_item_close,
    open_item_create,
    pulse_check_create,
)
from relationships.models import (
    Channel,
    CompetitorDimension,
    CompetitorRating,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Touchpoint,
)

router = Router(tags=["activity"])
Text = Field("", max_length=5000)


class ByAccount(Since):
    account: Ref | None = None


class AccountNamed(Input):
    """The account, by id or by the external id the CSV import matches on."""

    account: Ref | None = None
    account_external_id: str | None = Field(None, max_length=64)


def _rows(request, model, filters: ByAccount, *related: str):
    rows = model.objects.filter(account__in=visible_accounts(request.auth))
    if filters.account is not None:
        rows = rows.filter(account_id=filters.account)
    if filters.updated_since is not None:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    return rows.select_related(*related) if related else rows


def _account(request, body: AccountNamed):
    return account_named(
        request.auth, account=body.account, account_external_id=body.account_external_id
    )


def _catalog(model, slug: str, field: str):
    """A catalog entry (channel, touchpoint, moment type, dimension) by its slug: 422 if none."""
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError({field: f"Not a {model._meta.verbose_name} Rapport knows."})
    return found


# --- interactions -------------------------------------------------------------------------


class InteractionOut(Schema):
    id: int
    account_id: int
    occurred_at: dt.datetime
    stakeholder_ids: list[int]
    our_person_id: int | None
    channel: str
    touchpoint: str
    direction: str
    sentiment: int
    verbosity: str
    response_hours: Decimal | None
    summary: str
    source: str

    @staticmethod
    def resolve_stakeholder_ids(obj) -> list[int]:
        return [person.pk for person in obj.stakeholders.all()]

    @staticmethod
    def resolve_channel(obj) -> str:
        return obj.channel.slug

    @staticmethod
    def resolve_touchpoint(obj) -> str:
        return obj.touchpoint.slug


class InteractionPage(Schema):
    next: str | None
    results: list[InteractionOut]


class InteractionIn(AccountNamed):
    occurred_at: UtcTime
    stakeholders: list[Ref] = Field(default_factory=list, max_length=100)
    stakeholder_external_ids: list[str] = Field(default_factory=list, max_length=100)
    channel: str = Field(max_length=50, description="A channel's slug: call, email, …")
    touchpoint: str = Field(max_length=50, description="A touchpoint's slug.")
    direction: Literal[tuple(Interaction.Direction.values)]
    sentiment: int = Field(ge=-2, le=2)
    verbosity: Literal[tuple(Interaction.Verbosity.values)] = Interaction.Verbosity.NORMAL
    response_hours: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    summary: str = Text


@router.get("/interactions", response=answers(InteractionPage), summary="List interactions")
def interaction_list(request, filters: Query[ByAccount]):
    """`updated_since`: interactions logged or changed since (a corrected sentiment, a hidden
    summary, a file imported again)."""
    rows = _rows(request, Interaction, filters, "channel", "touchpoint")
    return page(request, rows.prefetch_related("stakeholders"), filters)


@router.post("/interactions", response=answers(InteractionOut, 201), summary="Log an interaction")
def interaction_new(request, body: InteractionIn):
    account = _account(request, body)
    people = people_named(
        account, ids=body.stakeholders, external_ids=body.stakeholder_external_ids
    )
    interaction = interaction_create(
        account=account,
        occurred_at=body.occurred_at,
        stakeholders=people,
        channel=_catalog(Channel, body.channel, "channel"),
        touchpoint=_catalog(Touchpoint, body.touchpoint, "touchpoint"),
        direction=body.direction,
        sentiment=body.sentiment,
        our_person=request.auth,
        verbosity=body.verbosity,
        response_hours=body.response_hours,
        summary=body.summary,
    )
    return Status(201, interaction)


# --- moments ------------------------------------------------------------------------------


class MomentOut(Schema):
    id: int
    account_id: int
    stakeholder_id: int | None
    moment_type: str
    occurred_on: dt.date
    emotion: str
    intensity: int
    value_impact: str
    value_amount: Decimal | None
    identified_by: str
    note: str

    @staticmethod
    def resolve_moment_type(obj) -> str:
        return obj.moment_type.slug


class MomentPage(Schema):
    next: str | None
    results: list[MomentOut]


class MomentIn(AccountNamed):
    moment_type: str = Field(max_length=50, description="A moment type's slug.")
    occurred_on: dt.date
    emotion: Literal[tuple(Moment.Emotion.values)]
    stakeholder: Ref | None = None
    stakeholder_external_id: str | None = Field(None, max_length=64)
    intensity: int = Field(2, ge=1, le=3)
    value_impact: Literal[tuple(Moment.Impact.values)] = Moment.Impact.NONE
    value_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    identified_by: Literal[tuple(Moment.IdentifiedBy.values)] = Moment.IdentifiedBy.CSM
    note: str = Text


@router.get("/moments", response=answers(MomentPage), summary="List moments")
def moment_list(request, filters: Query[ByAccount]):
    """`updated_since`: moments logged or changed since."""
    return page(request, _rows(request, Moment, filters, "moment_type"), filters)


@router.post("/moments", response=answers(MomentOut, 201), summary="Log a moment")
def moment_new(request, body: MomentIn):
    account = _account(request, body)
    fields = body.dict(exclude={"account", "account_external_id", "stakeholder_external_id"})
    fields["stakeholder"] = person_named(
        account, id=body.stakeholder, external_id=body.stakeholder_external_id
    )
    fields["moment_type"] = _catalog(MomentType, body.moment_type, "moment_type")
    return Status(201, moment_create(account=account, **fields))


# --- open items ---------------------------------------------------------------------------


class OpenItemOut(Schema):
    id: int
    account_id: int
    stakeholder_id: int | None
    kind: str
    title: str
    opened_on: dt.date
    due_on: dt.date | None
    closed_on: dt.date | None


class OpenItemPage(Schema):
    next: str | None
    results: list[OpenItemOut]


class OpenItemFilters(ByAccount):
    open: bool | None = Field(None, description="true: only open items; false: only closed.")


class OpenItemIn(AccountNamed):
    kind: Literal[tuple(OpenItem.Kind.values)]
    title: str = Field(min_length=1, max_length=200)
    opened_on: dt.date
    due_on: dt.date | None = None
    closed_on: dt.date | None = None
    stakeholder: Ref | None = None
    stakeholder_external_id: str | None = Field(None, max_length=64)


@router.get("/open-items", response=answers(OpenItemPage), summary="List open items")
def open_item_list(request, filters: Query[OpenItemFilters]):
    """`updated_since`: items opened or changed (closed, for one) since."""
    rows = _rows(request, OpenItem, filters)
    if filters.open is not None:
        rows = rows.filter(closed_on__isnull=filters.open)
    return page(request, rows, filters)


@router.post("/open-items", response=answers(OpenItemOut, 201), summary="Open an item")
def open_item_new(request, body: OpenItemIn):
    account = _account(request, body)
    fields = body.dict(exclude={"account", "account_external_id", "stakeholder_external_id"})
    fields["stakeholder"] = person_named(
        account, id=body.stakeholder, external_id=body.stakeholder_external_id
    )
    return Status(201, open_item_create(account=account, **fields))


@router.post("/open-items/{item_id}/close", response=answers(OpenItemOut), summary="Close an item")
def open_item_close_op(request, item_id: PathId):
    item = get_object_or_404(
        OpenItem.objects.filter(account__in=visible_accounts(request.auth)), pk=item_id
    )
    return open_item_close(item=item)


# --- pulse checks -------------------------------------------------------------------------


class PulseOut(Schema):
    id: int
    account_id: int
    csm_id: int
    checked_on: dt.date
    happiness: int
    note: str


class PulsePage(Schema):
    next: str | None
    results: list[PulseOut]


class PulseIn(AccountNamed):
    checked_on: dt.date
    happiness: int = Field(ge=1, le=5)
    note: str = Text


@router.get("/pulse-checks", response=answers(PulsePage), summary="List pulse checks")
def pulse_list(request, filters: Query[ByAccount]):
    """`updated_since`: pulse checks recorded or changed since."""
    return page(request, _rows(request, PulseCheck, filters), filters)


@router.post("/pulse-checks", response=answers(PulseOut, 201), summary="Record your pulse check")
def pulse_new(request, body: PulseIn):
    account = _account(request, body)
    pulse = pulse_check_create(
        account=account,
        csm=request.auth,
        checked_on=body.checked_on,
        happiness=body.happiness,
        note=body.note,
    )
    return Status(201, pulse)


# --- competitor ratings -------------------------------------------------------------------


class RatingOut(Schema):
    id: int
    account_id: int
    stakeholder_id: int
    competitor: str
    dimension: str
    our_rating: int
    their_rating: int
    rated_on: dt.date
    source: str

    @staticmethod
    def resolve_competitor(obj) -> str:
        return obj.competitor.name

    @staticmethod
    def resolve_dimension(obj) -> str:
        return obj.dimension.slug


class RatingPage(Schema):
    next: str | None
    results: list[RatingOut]


class RatingIn(AccountNamed):
    stakeholder: Ref | None = None
    stakeholder_external_id: str | None = Field(None, max_length=64)
    competitor: str = Field(max_length=100, description="The competitor's name.")
    dimension: str = Field(max_length=50, description="A dimension's slug.")
    our_rating: int = Field(ge=1, le=5)
    their_rating: int = Field(ge=1, le=5)
    rated_on: dt.date
    source: Literal[tuple(CompetitorRating.Source.values)] = CompetitorRating.Source.CSM


@router.get("/competitor-ratings", response=answers(RatingPage), summary="List competitor ratings")
def rating_list(request, filters: Query[ByAccount]):
    """`updated_since`: ratings recorded or changed since."""
    rows = _rows(request, CompetitorRating, filters, "competitor", "dimension")
    return page(request, rows, filters)


@router.post("/competitor-ratings", response=answers(RatingOut, 201), summary="Record a rating")
def rating_new(request, body: RatingIn):
    account = _account(request, body)
    person = person_named(account, id=body.stakeholder, external_id=body.stakeholder_external_id)
    if person is None:
        raise ValidationError({"stakeholder": "Name the person who rated."})
    competitor = Competitor.objects.filter(name=body.competitor).first()
    if competitor is None:
        raise ValidationError({"competitor": "Not a competitor Rapport knows."})
    rating = competitor_rating_create(
        account=account,
        stakeholder=person,
        competitor=competitor,
        dimension=_catalog(CompetitorDimension, body.dimension, "dimension"),
        our_rating=body.our_rating,
        their_rating=body.their_rating,
        rated_on=body.rated_on,
        source=body.source,
    )
    return Status(201, rating)
