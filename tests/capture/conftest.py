"""Fixtures of the capture tests: a real IMAP server (Dovecot), and Acme with Jane Doe."""

import pytest

from tests.capture.imap_server import imap, imap_server  # noqa: F401  (fixtures)
from tests.factories import StakeholderFactory


@pytest.fixture
def acme(org, settings):
    """The org's account at the domain acme.example (typed as a web address), with Jane Doe
    <jane.doe@acme.example>; the users' domain example.com is the team's own."""
    settings.CAPTURE_INTERNAL_DOMAINS = ["example.com"]
    org.account.domain = "https://www.acme.example/"
    org.account.save(update_fields=["domain"])
    jane = StakeholderFactory(account=org.account, name="Jane Doe", email="Jane.Doe@acme.example")
    return org.account, jane
