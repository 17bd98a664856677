"""The shared cache (CACHE_URL): Redis, and nothing worse than a miss while Redis is away.

Sessions are read through the cache and kept in the database, catalogs are loaded again from
the database, and the survey pages' rate limits let requests through, so pages keep answering
during a Redis outage instead of failing. Each failure is logged.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class CacheUnreachable(Exception):
    """Redis could not be reached for something that may not be skipped."""


def _miss(name: str, error: Exception) -> None:
    logger.warning("Cache unavailable (%s): %s", name, error)


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are skipped when Redis cannot be reached."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _miss("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            _miss("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            _miss("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            _miss("add", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _miss("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            _miss("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            _miss("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            _miss("delete", error)
            return False

    def delete_or_raise(self, key, version=None) -> None:
        """Delete `key`, or raise CacheUnreachable: for a deletion that must not be skipped
        (a session that ends, whose copy would come back with Redis)."""
        try:
            super().delete(key, version)
        except RedisError as error:
            raise CacheUnreachable(str(error)) from error

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            _miss("delete_many", error)

    def incr(self, key, delta=1, version=None):
        """A counter Redis cannot reach counts as missing (ValueError), as Django's API says
        of a key that does not exist."""
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _miss("incr", error)
            raise ValueError(f"Key '{key}' not found: the cache is unavailable.") from error
