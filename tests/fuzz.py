"""How hard the hypothesis suites push: RAPPORT_FUZZ_EXAMPLES examples for each property, 100
unless set (a laptop's `make test`); CI sets 1,000 (.ci/run)."""

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
