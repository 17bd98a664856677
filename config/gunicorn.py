"""Gunicorn's logger for Rapport (the Procfile's --logger-class): survey links stay out of the
access log, whatever its format."""

from gunicorn import glogging

from surveys.tokens import token_redact


class RedactingLogger(glogging.Logger):
    """Every access log atom that is text (the request line, path, raw URI, query, referrer,
    headers) with the token of any /s/<token>/ path replaced by [token]."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: token_redact(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
