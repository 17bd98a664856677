"""Reusable reads of accounts, all starting from the access gate."""

from django.shortcuts import get_object_or_404

from accounts.models import Account


def get_account_for_user(user, pk) -> Account:
    """The account with `pk` if `user` may see it; 404 otherwise (outsiders learn nothing)."""
    return get_object_or_404(
        Account.objects.visible_to(user).select_related("owner", "team"), pk=pk
    )


def accounts_for_list(*, user):
    return Account.objects.visible_to(user).select_related("owner", "team").order_by("name")
