from tests.smtp import smtp, smtp_port  # noqa: F401  (fixtures)
