"""Pages for signed-in users: the account list (home) and the account page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import accounts_for_list, get_account_for_user

ACCOUNTS_PER_PAGE = 25


@require_GET
def home(request):
    page = Paginator(accounts_for_list(user=request.user), ACCOUNTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/home.html", {"page": page})


@require_GET
def account_detail(request, pk):
    account = get_account_for_user(request.user, pk)
    return render(request, "accounts/account_detail.html", {"account": account})
