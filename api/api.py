"""The JSON API at /api/v1/: one NinjaAPI object, a router per domain, one shape of error.

Errors answer `{"detail": ...}`: a list of `{"loc": [...], "msg": ..., "type": ...}` for input
that is refused (422, nothing written; the same shape whether the request's form or the write
service refused it), a sentence otherwise (401, 403, 404, 409, 429)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import Throttled

from api import accounts, activity, gaps, people, scores, surveys, work
from api.auth import AUTH
from core.versions import EditConflict
from relationships.gaps.services import TransitionRefused


class RapportAPI(NinjaAPI):
    @property
    def urls(self):
        """The API answers for itself (401 in JSON), not with the sign-in page's redirect."""
        patterns, app_name, namespace = super().urls
        _open(patterns)
        return patterns, app_name, namespace


def _open(patterns) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)


api = RapportAPI(
    title="Rapport API",
    version="1",
    description="Accounts, people, activity, scores, gaps and surveys: see docs/api.md.",
    auth=AUTH,
    urls_namespace="api",
)


def refusal_errors(refusal: ValidationError, location: str = "body") -> list[dict]:
    """A service's refusal as the API's field errors."""
    if not hasattr(refusal, "error_dict"):
        return [{"loc": [location], "msg": msg, "type": "invalid"} for msg in refusal.messages]
    return [
        {"loc": [location] if field == "__all__" else [location, field], "msg": msg,
         "type": "invalid"}
        for field, errors in refusal.message_dict.items()
        for msg in errors
    ]  # fmt: skip


@api.exception_handler(ValidationError)
def refused(request, exc):
    return api.create_response(request, {"detail": refusal_errors(exc)}, status=422)


@api.exception_handler(TransitionRefused)
def move_refused(request, exc):
    detail = [{"loc": ["body", exc.field], "msg": str(exc), "type": "invalid"}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(EditConflict)
def conflict(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Throttled)
def throttled(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


api.add_router("/accounts", accounts.router)
api.add_router("/", people.router)
api.add_router("/", activity.router)
api.add_router("/", scores.router)
api.add_router("/gap-cases", gaps.router)
api.add_router("/", surveys.router)
api.add_router("/tasks", work.router)
