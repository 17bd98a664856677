"""Cursor pagination: rows in the order of their ids, `limit` at a time, and the address of the
next page (its `cursor` opaque) until there is none. Rows added while a client pages through
show up on a later page; none is skipped or repeated."""

import base64
import binascii

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field
from ninja.errors import ValidationError

from api.schemas import Input, UtcTime

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Paging(Input):
    cursor: str | None = Field(None, description="The `next` page's cursor, as given.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")


class Since(Paging):
    updated_since: UtcTime | None = Field(
        None,
        description="Only rows changed at or after this time (ISO 8601; UTC without an offset).",
    )


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, pk = text.partition(":")
        if kind != "after" or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
            raise ValueError(cursor)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        message = "Not a cursor this API gave."
        error = {"loc": ["query", "cursor"], "msg": message, "type": "invalid"}
        raise ValidationError([error]) from None
    return int(pk)


def page(request: HttpRequest, rows: QuerySet, paging: Paging) -> dict:
    """One page of `rows` (a query, filtered and with what it needs joined) and `next`."""
    if paging.cursor:
        rows = rows.filter(pk__gt=_decode(paging.cursor))
    found = list(rows.order_by("pk")[: paging.limit + 1])
    results = found[: paging.limit]
    following = None
    if len(found) > paging.limit:
        query = request.GET.copy()
        query["cursor"] = _encode(results[-1].pk)
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"next": following, "results": results}
