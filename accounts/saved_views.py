"""Saved views of the account list: the reads (whose views a user may pick, the view the list
opens with) and the writes (save, rename or share, delete, choose the default).

A view keeps its filters and sort as the query string the list's filter form reads, and the
list reads it again each time the view is opened: a team or an owner it names may have gone
since, and is then left out (the list says so). A shared view shows in the picker of everyone
who shares a team with its owner (as member or manager); only its owner changes it.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from accounts.models import SavedView, Team, User
from accounts.selectors import reader
from core.db.kept import kept_statement

ALL_ACCOUNTS = "all"  # ?view=all: every account, whatever the default view
# The query parameters a view keeps: the filter form's fields, the sort included.
VIEW_PARAMETERS = ("q", "team", "owner", "segment", "status", "renewal_within", "flag", "sort")


def teammates_of(user) -> QuerySet[User]:
    """The people who share a team with `user` (as a member or its manager), `user` among
    them."""
    teams = Team.objects.filter(Q(members=user) | Q(manager=user)).values("pk")
    return User.objects.filter(Q(teams__in=teams) | Q(managed_teams__in=teams) | Q(pk=user.pk))


def saved_views_for(user) -> QuerySet[SavedView]:
    """The views `user` may open: their own and their teammates' shared ones, by name."""
    if not user.is_authenticated:
        return SavedView.objects.none()
    shared = Q(shared=True, owner__in=teammates_of(user).values("pk"))
    return SavedView.objects.filter(Q(owner=user) | shared).select_related("owner")


def _pickable(user_pk: int) -> QuerySet[SavedView]:
    """saved_views_for the user `user_pk`, each with its owner's name (`owner_name`)."""
    return saved_views_for(reader(user_pk, sees_all=False)).annotate(
        owner_name=Coalesce(
            NullIf("owner__full_name", Value("")), "owner__email", output_field=CharField()
        )
    )


def saved_views_listed(user) -> list[SavedView]:
    """The views `user` may pick on the account list, as saved_views_for gives them, each with
    its owner's name (`owner_name`): by a statement built once (core.db.kept)."""
    if not user.is_authenticated:
        return []
    return list(SavedView.objects.raw(*kept_statement(_pickable, (), [user.pk])))


def saved_view_for_user(user, pk) -> SavedView:
    """A view `user` may open; 404 otherwise."""
    return get_object_or_404(saved_views_for(user), pk=pk)


def own_saved_view(user, pk) -> SavedView:
    """One of `user`'s own views, which they may change; 404 for anyone else's (a teammate
    sees a shared view, but changes nothing of it)."""
    return get_object_or_404(SavedView.objects.filter(owner=user), pk=pk)


def default_view_of(user) -> SavedView | None:
    """The view the account list opens with for `user`, if they chose one they may still open
    (a teammate's view stops being theirs to open when it is unshared)."""
    if not user.is_authenticated or user.default_view_id is None:
        return None
    return saved_views_for(user).filter(pk=user.default_view_id).first()


def view_query(data: QueryDict) -> QueryDict:
    """The part of a query string a view keeps: the filters and sort that have a value."""
    kept = QueryDict(mutable=True)
    for name in VIEW_PARAMETERS:
        if value := data.get(name, "").strip():
            kept[name] = value
    return kept


def _name_free(*, owner: User, name: str, view: SavedView | None = None) -> None:
    taken = SavedView.objects.filter(owner=owner, name=name)
    if view is not None:
        taken = taken.exclude(pk=view.pk)
    if taken.exists():
        raise ValidationError({"name": f"You already have a view named “{name}”."})


def _saved(view: SavedView, **save) -> SavedView:
    """Save the view; the database's rule of one name per owner, met by a concurrent save
    after our check, refuses it on the name."""
    try:
        with transaction.atomic():
            view.save(**save)
    except IntegrityError:
        raise ValidationError({"name": f"You already have a view named “{view.name}”."}) from None
    return view


def saved_view_create(
    *, owner: User, name: str, query: str, shared: bool = False, default: bool = False
) -> SavedView:
    """Save the account list's filters and sort (`query`, as the filter form reads it) under
    `name`, unique among the owner's views; ValidationError on the name otherwise, and nothing
    is written. `default`: the list opens with it from now on."""
    name = name.strip()
    view = SavedView(owner=owner, name=name, query=query, shared=shared)
    view.full_clean(exclude=["owner"], validate_constraints=False)
    _name_free(owner=owner, name=name)
    with transaction.atomic():
        _saved(view)
        if default:
            default_view_set(user=owner, view=view)
    return view


def saved_view_update(*, view: SavedView, name: str, shared: bool) -> SavedView:
    """Rename the view or share it (or stop sharing it): ValidationError on the name if its
    owner has another view of that name."""
    view.name, view.shared = name.strip(), shared
    view.full_clean(exclude=["owner"], validate_constraints=False)
    _name_free(owner=view.owner, name=view.name, view=view)
    return _saved(view, update_fields=["name", "shared"])


def saved_view_delete(*, view: SavedView) -> None:
    """Delete the view; whoever opened the list with it opens it with every account again."""
    view.delete()


def default_view_set(*, user: User, view: SavedView | None) -> None:
    """The view the account list opens with for `user` (None: every account). The caller has
    checked that `user` may open it."""
    user.default_view = view
    User.objects.filter(pk=user.pk).update(default_view=view)
