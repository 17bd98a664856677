"""Search across everything a user may see: accounts, people, interactions, moments, open items,
feedback and gap cases, in one query (a UNION ALL of one branch per kind) behind the access gate.

On PostgreSQL each branch matches with full-text search: each searched table's `search_vector`
column (a weighted `to_tsvector('simple', ...)` of the kind's fields that PostgreSQL stores with
the row, indexed with GIN, added by desk's migrations) against `to_tsquery(...)`, every word a
prefix, and ranks with `ts_rank`; on SQLite each word must be contained in one of the kind's
fields and results come newest first by kind. docs/search.md says what is searched.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import (
    CharField,
    DateField,
    Expression,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Concat, TruncDate
from django.urls import reverse

from accounts.models import Account
from desk import terms as query_terms
from relationships.models import FeedbackItem, GapCase, Interaction, Moment, OpenItem, Stakeholder

# Each kind's branch ranks at most this many of its newest matches: a word found in a hundred
# thousand interactions still answers at once, ranked among the latest of them.
CANDIDATES = 100
CONFIG = "simple"  # no stemming, no stop words: names, emails and prefixes match as typed
COLUMNS = ["r_kind", "r_id", "r_account_id", "r_account", "r_title", "r_body", "r_day", "r_rank"]


@dataclass(frozen=True)
class Kind:
    """One kind of thing searched: its model, the fields searched with their weights in its
    stored search vector (A counts most; desk.migrations.0001_search_indexes makes the vector
    of the same fields and weights), and the columns a result shows."""

    slug: str
    label: str
    model: type
    fields: list[tuple[str, str]]
    account: str = "account_id"
    account_name: str = "account__name"
    title: object = None
    body: object = None
    day: object = None
    order: int = 0


class StoredVector(Expression):
    """The row's `search_vector` column on PostgreSQL. The models do not declare it, so that no
    other query loads it: this names it on the table of the query it is used in."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, *args, **kwargs):
        column = SearchVectorField()
        column.set_attributes_from_name("search_vector")
        column.model = query.model
        return Col(query.get_initial_alias(), column, self.output_field)


def _text(expression) -> object:
    return Cast(expression, CharField()) if isinstance(expression, str) else expression


NO_DAY = Cast(Value(None), DateField())  # typed NULL: PostgreSQL matches UNION column types

KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in [
        Kind(
            "account", "Account", Account,
            [("name", "A"), ("external_id", "B"), ("domain", "B"), ("segment", "C")],
            account="pk", account_name="name", title=F("name"),
            body=Concat("domain", Value(" "), "segment", output_field=CharField()),
            day=NO_DAY, order=0,
        ),
        Kind(
            "person", "Person", Stakeholder, [("name", "A"), ("title", "B"), ("email", "B")],
            title=F("name"),
            body=Concat("title", Value(" "), "email", output_field=CharField()),
            day=NO_DAY, order=1,
        ),
        Kind(
            "gap", "Gap case", GapCase, [("notes", "C")], title=F("gap_class"), body=F("notes"),
            day=TruncDate("opened_at"), order=2,
        ),
        Kind(
            "open_item", "Open item", OpenItem, [("title", "B")], title=F("kind"),
            body=F("title"), day=F("opened_on"), order=3,
        ),
        Kind(
            "moment", "Moment", Moment, [("note", "C")], title=F("moment_type__name"),
            body=F("note"), day=F("occurred_on"), order=4,
        ),
        Kind(
            "feedback", "Feedback", FeedbackItem, [("text", "C")], title=Value(""),
            body=F("text"), day=F("received_on"), order=5,
        ),
        Kind(
            "interaction", "Interaction", Interaction, [("summary", "C")], title=F("source"),
            body=F("summary"), day=TruncDate("occurred_at"), order=6,
        ),
    ]
}  # fmt: skip
KIND_CHOICES = [(slug, kind.label) for slug, kind in KINDS.items()]


def full_text() -> bool:
    return connection.vendor == "postgresql"


def _matching(kind: Kind, words: list[str], visible) -> QuerySet:
    """The kind's rows that match every word, on accounts in `visible`."""
    return _matching_words(kind, words).filter(**{f"{kind.account}__in": visible})


def _matching_words(kind: Kind, words: list[str]) -> QuerySet:
    """The kind's rows that match every word, whoever may see them."""
    rows = kind.model.objects.all()
    if full_text():
        query = SearchQuery(query_terms.prefix_tsquery(words), search_type="raw", config=CONFIG)
        return rows.alias(r_vector=StoredVector()).filter(r_vector=query)
    for word in words:
        rows = rows.filter(
            Q.create([(f"{name}__icontains", word) for name, _ in kind.fields], connector=Q.OR)
        )
    return rows


def _branch(kind: Kind, words: list[str], visible) -> QuerySet:
    candidates = _matching(kind, words, visible).order_by("-pk").values("pk")[:CANDIDATES]
    if full_text():
        query = SearchQuery(query_terms.prefix_tsquery(words), search_type="raw", config=CONFIG)
        rank = SearchRank(StoredVector(), query)
    else:
        rank = Value(0.0, output_field=FloatField())
    return (
        kind.model.objects.filter(pk__in=candidates)
        .annotate(
            r_kind=Value(kind.order, output_field=IntegerField()),
            r_id=F("pk"),
            r_account_id=F(kind.account),
            r_account=F(kind.account_name),
            r_title=_text(kind.title),
            r_body=_text(kind.body),
            r_day=kind.day,
            r_rank=rank,
        )
        .values(*COLUMNS)
        .order_by()
    )


@dataclass
class Result:
    """One thing found: what it is, on which account, a snippet with the matches marked, and
    where it is worked."""

    kind: str
    label: str
    pk: int
    account_id: int
    account: str
    title: str
    body: str
    day: object
    rank: float
    words: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        if self.kind == "gap":
            return dict(GapCase._meta.get_field("gap_class").choices).get(self.title, self.title)
        if self.kind == "open_item":
            return dict(OpenItem.Kind.choices).get(self.title, self.title)
        if self.kind == "interaction":
            return dict(Interaction.Source.choices).get(self.title, "Interaction")
        if self.kind == "feedback":
            return "Feedback"
        return self.title

    @property
    def title_pieces(self):
        return query_terms.highlight(self.heading, self.words)

    @property
    def snippet(self):
        return query_terms.highlight(self.body, self.words)

    @property
    def url(self) -> str:
        account = [self.account_id]
        if self.kind == "account":
            return reverse("account_detail", args=account)
        if self.kind == "person":
            return reverse("stakeholder_detail", args=[self.pk])
        if self.kind == "gap":
            return reverse("gap_detail", args=[self.pk])
        if self.kind == "feedback":
            return reverse("account_surveys", args=account)
        if self.kind == "interaction" and self.title:
            return reverse("captured_message", args=[self.pk])
        return reverse("account_activity", args=account)


def _day(value):
    """A day as the database gave it: a date, or on SQLite its ISO text."""
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


ORDERS = {kind.order: kind for kind in KINDS.values()}


@dataclass
class ResultsPage:
    """A page of results, with what components/pagination.html asks of a Django Page."""

    object_list: list[Result]
    number: int
    count: int
    size: int

    @property
    def paginator(self):
        return self

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.count else 0


class SearchResults:
    """The matches of a search: `top(n)` the best n, `page(number, size)` a page of them with
    the number of matches. Each is one query: the UNION ALL of the kinds, counted with a window
    (no second query for the count, and the query compiled once)."""

    def __init__(self, union: QuerySet | None, words: list[str]):
        self.union, self.words = union, words

    def _fetch(self, offset: int, limit: int) -> tuple[list[Result], int]:
        if self.union is None:
            return [], 0
        sql, params = self.union.query.sql_with_params()
        wrapped = (
            f"SELECT found.*, COUNT(*) OVER () AS r_total FROM ({sql}) found"
            " ORDER BY r_rank DESC, r_kind, r_id DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(wrapped, (*params, limit, offset))
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return [self._result(row) for row in rows], (rows[0]["r_total"] if rows else 0)

    def top(self, count: int) -> list[Result]:
        return self._fetch(0, count)[0]

    def page(self, number: int, size: int) -> ResultsPage:
        """Page `number` (from 1) of `size` results; past the last page, the last page."""
        results, total = self._fetch((number - 1) * size, size)
        if not results and number > 1:
            total = self._fetch(0, 1)[1]
            number = max(1, -(-total // size))
            results = self._fetch((number - 1) * size, size)[0] if total else []
        return ResultsPage(results, number, total, size)

    def _result(self, row: dict) -> Result:
        kind = ORDERS[row["r_kind"]]
        return Result(
            kind=kind.slug,
            label=kind.label,
            pk=row["r_id"],
            account_id=row["r_account_id"],
            account=row["r_account"],
            title=row["r_title"] or "",
            body=row["r_body"] or "",
            day=_day(row["r_day"]),
            rank=row["r_rank"],
            words=self.words,
        )


def search(*, user, text: str, kind: str = "") -> SearchResults:
    """What `user` may see that matches `text` (every word as the start of a word), best first;
    `kind` (a slug of KINDS) keeps one kind. Nothing for a query without a word."""
    words = query_terms.terms(text)
    if not words:
        return SearchResults(None, words)
    visible = Account.objects.visible_to(user).values("pk")
    kinds = [KINDS[kind]] if kind in KINDS else list(KINDS.values())
    branches = [_branch(each, words, visible) for each in kinds]
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return SearchResults(union.order_by("-r_rank", "r_kind", "-r_id"), words)
