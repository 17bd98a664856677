"""Fixtures of the capture tests: a real IMAP server (Dovecot)."""

from tests.capture.imap_server import imap, imap_server  # noqa: F401  (fixtures)
