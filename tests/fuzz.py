"""How hard the hypothesis suites push: RAPPORT_FUZZ_EXAMPLES examples for each property (1,000
unless set, as CI runs them; set fewer for a quick local run)."""

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
