"""A logging filter that keeps survey tokens out of the logs (Django logs the path of every
4xx response, and the development server every request)."""

import logging

from surveys.tokens import token_redact


class RedactSurveyTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = token_redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
