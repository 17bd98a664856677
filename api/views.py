"""A user's personal API tokens, a section of their preferences page (it loads from here): the
list, a form to create one (its secret is shown in this answer only) and revoking one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import ApiTokenForm
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke

PAGE = "api/tokens.html"


def render_tokens(request, *, form=None, secret="", status=200):
    context = {
        "tokens": list(ApiToken.objects.filter(user=request.user)),
        "form": form or ApiTokenForm(),
        "secret": secret,
        "now": timezone.now(),
    }
    template = f"{PAGE}#section" if request.htmx else PAGE
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def tokens(request):
    """GET lists the tokens; POST creates one and shows its secret, once (invalid input: 422
    with the form's errors, nothing written)."""
    if request.method == "GET":
        return render_tokens(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _, secret = api_token_create(user=request.user, **form.token_fields())
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            return render_tokens(request, secret=secret, status=201 if request.htmx else 200)
    return render_tokens(request, form=form, status=422)


@require_POST
def token_revoke(request, pk):
    """Revoke one of the user's own tokens (anyone else's: 404)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    if request.htmx:
        return render_tokens(request)
    messages.success(request, f"Revoked the token {token.name}.")
    return redirect("api_tokens")
