"""What every operation may answer besides its success: the API's two error shapes, in the
OpenAPI document so that clients (and the schema tests) know them."""

from typing import Any

from ninja import Schema


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
