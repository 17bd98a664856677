"""Sign-in throttling. LOGIN_FAILURES_PER_ACCOUNT failed sign-ins for one email, or
LOGIN_FAILURES_PER_ADDRESS from one client address (REMOTE_ADDR), within LOGIN_LOCKOUT_MINUTES
lock its sign-ins for LOGIN_LOCKOUT_MINUTES, the right password included. Emails are counted
whether or not a user has them, so a lockout tells nothing about who has an account. Counted in
the shared cache, so that every web process counts together; a successful sign-in clears the
account's failures, and an admin can lift its lockout. Refused input on the sign-in and password
pages answers 422, like every form's."""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import render
from django.template.defaultfilters import pluralize

from core.cache import CacheUnreachable
from core.counters import count_in_window

LOCKED = "locked"
ACCOUNT_LOCKED = (
    "Too many failed sign-ins for this account; try again in {minutes} or ask an admin to lift "
    "the lockout."
)
ADDRESS_LOCKED = "Too many failed sign-ins from your network address; try again in {minutes}."

logger = logging.getLogger(__name__)


def _key(kind: str, scope: str, value: str) -> str:
    if scope == "account":
        value = value.strip().lower()
    return f"signin-{kind}:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _minutes_locked(scope: str, value: str) -> int | None:
    """Whole minutes until the lockout of this email or address ends, None when there is none."""
    until = cache.get(_key("lock", scope, value))
    return None if until is None else max(1, math.ceil((until - time.time()) / 60))


def signin_lockout_minutes(*, email: str) -> int | None:
    """Minutes left of the account's lockout, None when it is not locked."""
    return _minutes_locked("account", email)


def signin_lockout_message(*, email: str, address: str) -> str | None:
    """Why a sign-in for this email from this address is refused now, None when it is not."""
    for scope, value, message in (
        ("account", email, ACCOUNT_LOCKED),
        ("address", address, ADDRESS_LOCKED),
    ):
        if (minutes := _minutes_locked(scope, value)) is not None:
            return message.format(minutes=f"{minutes} minute{pluralize(minutes)}")
    return None


def signin_failure_record(*, email: str, address: str) -> None:
    """Count a failed sign-in; the one that reaches a limit locks that email or address."""
    seconds = settings.LOGIN_LOCKOUT_MINUTES * 60
    for scope, value, limit in (
        ("account", email, settings.LOGIN_FAILURES_PER_ACCOUNT),
        ("address", address, settings.LOGIN_FAILURES_PER_ADDRESS),
    ):
        if count_in_window(_key("failures", scope, value), seconds=seconds) >= limit:
            cache.set(_key("lock", scope, value), time.time() + seconds, timeout=seconds)


def signin_failures_clear(*, email: str) -> None:
    cache.delete(_key("failures", "account", email))


def signin_lockout_lift(*, email: str) -> None:
    cache.delete_many([_key("failures", "account", email), _key("lock", "account", email)])


class ThrottledSignIn:
    """For Django's sign-in forms: while locked out the password is not even checked; failures
    are counted and a success clears the account's."""

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR", "")
        if message := signin_lockout_message(email=email, address=address):
            raise ValidationError(message, code=LOCKED)
        try:
            cleaned = super().clean()
        except ValidationError:
            signin_failure_record(email=email, address=address)
            raise
        if self.get_user() is not None:
            signin_failures_clear(email=email)
        return cleaned


class SignInForm(ThrottledSignIn, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    pass


class SignInView(LoginView):
    """The login page; a refused sign-in answers 422, or 429 Too Many Requests when a lockout
    refused it."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 429 if form.has_error(NON_FIELD_ERRORS, LOCKED) else 422
        return response


class PasswordChangePage(PasswordChangeView):
    """The password change page; a refused change answers 422, the password unchanged."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class SignOutView(LogoutView):
    """Signing out; while the shared cache cannot be reached it answers 503 and the user stays
    signed in (core/sessions.py: a session that ended in the database alone would come back
    with the cache)."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except CacheUnreachable as error:
            logger.warning("Sign-out refused, the cache is unreachable: %s", error)
            return render(request, "registration/logout_refused.html", status=503)
