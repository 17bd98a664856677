"""How hard the hypothesis suites push: RAPPORT_FUZZ_EXAMPLES examples for each property, 100
unless set (a laptop's `make test`); CI sets 1,000 (.ci/run). And how a fuzzed form post is
judged."""

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post_judged(client, url: str, data: dict, state, *, refusals=(422,), **extra):
    """Post `data` and tell a refusal from a success: a refusal answers 422 (or another of
    `refusals`, such as 409 for an edit of a stale version) and leaves `state()` as it was; a
    success answers 2xx or 3xx and changes it. Never a server error. Returns the response."""
    before = state()
    response = client.post(url, data, **extra)
    status, after = response.status_code, state()
    if status in refusals:
        assert after == before, f"refused with {status} but changed data: {data!r}"
    else:
        assert status < 400, f"{status} is neither a success nor a refusal: {data!r}"
        assert after != before, f"answered {status} but wrote nothing: {data!r}"
    return response
