"""Surveys, read: campaigns (with what happened to the invitations of the accounts you see)
and the responses of the people at those accounts."""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema

from api.common import visible_accounts
from api.paging import Paging, Since, page
from api.schemas import PathId, Ref, answers
from surveys.models import Response
from surveys.selectors import campaigns_for_list, get_campaign_for_user

router = Router(tags=["surveys"])


class CampaignOut(Schema):
    id: int
    name: str
    template: str
    created_at: dt.datetime
    send_at: dt.datetime
    cancelled_at: dt.datetime | None
    invited: int
    delivered: int
    opened: int
    answered: int
    failed: int

    @staticmethod
    def resolve_template(obj) -> str:
        return obj.template.slug


class CampaignPage(Schema):
    next: str | None
    results: list[CampaignOut]


class AnswerOut(Schema):
    question_id: int
    question: str
    kind: str
    value: Any
    feeling: float | None

    @staticmethod
    def resolve_question(obj) -> str:
        return obj.question.text


class ResponseOut(Schema):
    id: int
    campaign_id: int
    account_id: int
    stakeholder_id: int
    submitted_at: dt.datetime
    answers: list[AnswerOut]

    @staticmethod
    def resolve_campaign_id(obj) -> int:
        return obj.invitation.campaign_id

    @staticmethod
    def resolve_account_id(obj) -> int:
        return obj.invitation.account_id

    @staticmethod
    def resolve_stakeholder_id(obj) -> int:
        return obj.invitation.stakeholder_id

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.answers.all())


class ResponsePage(Schema):
    next: str | None
    results: list[ResponseOut]


class ResponseFilters(Since):
    """`updated_since`: responses submitted since."""

    campaign: Ref | None = None
    account: Ref | None = None


@router.get("/survey-campaigns", response=answers(CampaignPage), summary="List survey campaigns")
def campaign_list(request, paging: Query[Paging]):
    return page(request, campaigns_for_list(user=request.auth), paging)


@router.get("/survey-campaigns/{campaign_id}", response=answers(CampaignOut))
def campaign_read(request, campaign_id: PathId):
    get_campaign_for_user(request.auth, campaign_id)  # 404 for a campaign the user cannot see
    return campaigns_for_list(user=request.auth).get(pk=campaign_id)


@router.get("/survey-responses", response=answers(ResponsePage), summary="List survey responses")
def response_list(request, filters: Query[ResponseFilters]):
    responses = Response.objects.filter(
        invitation__account__in=visible_accounts(request.auth)
    ).select_related("invitation")
    if filters.campaign is not None:
        responses = responses.filter(invitation__campaign_id=filters.campaign)
    if filters.account is not None:
        responses = responses.filter(invitation__account_id=filters.account)
    if filters.updated_since is not None:
        responses = responses.filter(submitted_at__gte=filters.updated_since)
    return page(request, responses.prefetch_related("answers__question"), filters)
