from tests.smtp import fresh_rate_limits, smtp, smtp_port  # noqa: F401  (fixtures)
