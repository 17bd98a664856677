"""Sessions read through the cache and kept in the database (Django's cached_db), except that
ending one never skips the cache.

The shared cache skips what it cannot reach (core.cache), and a session's copy in Redis is read
before the database. A sign-out while Redis is away would delete the database row only, and the
copy would sign the cookie in again once Redis is back. So `flush` (a sign-out) forgets the
session in the cache first: when that cannot be done, CacheUnreachable is raised and nothing has
changed. A key cycled at sign-in or at a password change still ends whatever Redis says: the
old copy holds no one (before sign-in) or an old password's hash, which Django refuses.
"""

from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    def flush(self):
        if self.session_key is not None:
            forget = getattr(self._cache, "delete_or_raise", self._cache.delete)
            forget(self.cache_key_prefix + self.session_key)
        super().flush()
