"""What every operation may answer besides its success: the API's two error shapes, in the
OpenAPI document so that clients (and the schema tests) know them."""

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Path, Schema
from pydantic import AfterValidator, BaseModel, field_validator


class Input(Schema):
    """What a client sends: no text in it holds a NUL character (PostgreSQL cannot store one,
    and the forms refuse it too), so such input answers 422 on its field."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        if _holds_nul(value):
            raise ValueError("Null characters are not allowed.")
        return value


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(map(_holds_nul, value))
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, BaseModel):
        return any(map(_holds_nul, value.__dict__.values()))
    return False


def _in_utc(value: dt.datetime) -> dt.datetime:
    """The time in UTC (UTC when it says no offset): ISO 8601 allows offsets (+17:17) that
    PostgreSQL refuses, and a time at the edge of the calendar stays there (before or after
    every row; a time the rules bound is then refused on its field)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        edge = dt.datetime.min if value.year == dt.MINYEAR else dt.datetime.max
        return edge.replace(tzinfo=dt.UTC)


UtcTime = Annotated[dt.datetime, AfterValidator(_in_utc)]


class Problem(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Refusal(Schema):
    """Input refused (422): one entry per problem, `loc` naming where (body, query, path) and
    the field; nothing was written."""

    detail: list[FieldError]


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Refusal,
          429: Problem}  # fmt: skip


def answers(success: Any, status: int = 200) -> dict:
    """An operation's responses: `success` under `status`, and the errors."""
    return {status: success, **ERRORS}


MAX_ID = 2**63 - 1  # the largest id a database row has
MAX_VERSION = 2_147_483_647
Ref = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_VERSION)]


PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive whole number.")]
