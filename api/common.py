"""What the routers share: finding the account or people a request names (by id or by the
external id the CSV import matches on), always behind the access gate."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Account
from relationships.models import Stakeholder


def visible_accounts(user) -> QuerySet[Account]:
    return Account.objects.visible_to(user)


def account_named(user, *, account: int | None, account_external_id: str | None) -> Account:
    """The account named by id or by external id, if the user may see it: 404 otherwise (an
    outsider learns nothing); neither named: 422."""
    if account is None and not account_external_id:
        raise ValidationError({"account": "Name the account: account or account_external_id."})
    lookup = {"pk": account} if account is not None else {"external_id": account_external_id}
    found = visible_accounts(user).select_related("team").filter(**lookup).first()
    if found is None:
        raise Http404("No such account.")
    return found


def people_named(
    account: Account,
    *,
    ids: list[int] | None = None,
    external_ids: list[str] | None = None,
    field: str = "stakeholders",
) -> list[Stakeholder]:
    """The account's stakeholders with these ids or external ids, in one query; 422 on `field`
    for any that is not one of the account's people."""
    ids, external_ids = list(ids or []), [e for e in external_ids or [] if e]
    if not ids and not external_ids:
        return []
    people = list(Stakeholder.objects.filter(account=account, pk__in=ids)) if ids else []
    if external_ids:
        people += Stakeholder.objects.filter(account=account, external_id__in=external_ids)
    found_ids = {p.pk for p in people}
    found_external = {p.external_id for p in people}
    if set(ids) - found_ids or set(external_ids) - found_external:
        raise ValidationError({field: "Must be a stakeholder of the same account."})
    return list({p.pk: p for p in people}.values())


def person_named(
    account: Account, *, id: int | None, external_id: str | None, field: str = "stakeholder"
) -> Stakeholder | None:
    people = people_named(
        account,
        ids=[id] if id is not None else None,
        external_ids=[external_id] if external_id else None,
        field=field,
    )
    return people[0] if people else None
