"""The shared cache on Redis: sessions and catalogs read through it, and pages that keep
answering from the database while Redis cannot be reached."""

import shutil
import subprocess
from unittest.mock import patch

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from relationships.activity import catalogs
from relationships.models import Channel, MomentType, Touchpoint
from tests import services
from tests.pages import section_url
from tests.smtp import free_port
from tests.waiting import wait_until


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def live_redis_cache(settings):
    broker = services.need_redis()
    settings.CACHES = redis_cache(broker.rsplit("/", 1)[0] + "/7")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dead_redis_cache(settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens


def test_sessions_and_catalogs_are_read_from_redis(
    org, live_redis_cache, django_assert_num_queries
):
    client = Client()
    client.force_login(org.csm)
    client.get("/preferences/")  # the session was saved to the cache; the catalogs are loaded
    with django_assert_num_queries(1):  # the user: the session comes from Redis
        assert client.get("/preferences/").status_code == 200
    assert catalogs.channels() == list(Channel.objects.all())
    with django_assert_num_queries(0):
        catalogs.channels()


def test_signing_out_ends_the_session_in_redis_too(org, live_redis_cache):
    client = Client()
    client.force_login(org.csm)
    cookie = client.cookies["sessionid"].value
    assert client.get("/").status_code == 200
    client.post("/logout/")
    thief = Client()
    thief.cookies["sessionid"] = cookie
    assert thief.get("/").status_code == 302


def test_pages_answer_from_the_database_while_redis_is_away(org, dead_redis_cache, caplog):
    client = Client()
    client.force_login(org.csm)
    assert client.get("/").status_code == 200
    response = client.get(section_url(org.account, "activity"))
    assert response.status_code == 200
    assert "Email" in response.text  # the quick-log forms' channels, loaded from the database
    assert "Cache unavailable" in caplog.text


class RedisServer:
    """A redis-server of the test's own that can be stopped (saving what it holds, as a
    production Redis with snapshots does) and started again with it."""

    def __init__(self, directory):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.directory), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: services.port_open("127.0.0.1", self.port), 20, "redis-server")

    def stop(self) -> None:
        redis.Redis(port=self.port).shutdown(save=True)
        self.process.wait(timeout=20)


@pytest.fixture
def stoppable_redis(settings, tmp_path):
    services.need(bool(shutil.which("redis-server")), "redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = redis_cache(server.url)
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


def test_a_sign_out_while_redis_is_down_is_refused_so_no_session_comes_back_with_it(
    org, stoppable_redis
):
    client = Client()
    client.force_login(org.csm)
    cookie = client.cookies["sessionid"].value
    assert client.get("/").status_code == 200  # the session is in Redis
    stoppable_redis.stop()
    refused = client.post("/logout/")
    assert refused.status_code == 503
    assert "You are still signed in" in refused.text
    stoppable_redis.start()  # with the session it held
    thief = Client()
    thief.cookies["sessionid"] = cookie
    assert thief.get("/").status_code == 200  # signed in, as the refusal said
    assert client.post("/logout/").status_code == 302
    assert thief.get("/").status_code == 302  # ended in Redis and in the database


def test_survey_rate_limits_let_answers_through_while_redis_is_away(dead_redis_cache):
    from surveys.ratelimit import survey_rate_exceeded

    assert not any(survey_rate_exceeded(ip="127.0.0.1", token="t") for _ in range(100))


def test_a_changed_catalog_is_read_again(db):
    before = catalogs.channels()
    channel = Channel.objects.get(slug="email")
    channel.name = "E-mail"
    channel.save()
    assert "E-mail" in [c.name for c in catalogs.channels()]
    assert len(catalogs.channels()) == len(before)


def test_the_quick_log_catalogs_are_read_in_one_round_trip(
    db, live_redis_cache, django_assert_num_queries
):
    catalogs.quicklog_catalogs()  # loaded from the database and kept in Redis
    with (
        patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        patch.object(cache, "get", wraps=cache.get) as get,
        django_assert_num_queries(0),
    ):
        channels, touchpoints, moment_types = catalogs.quicklog_catalogs()
    assert (get_many.call_count, get.call_count) == (1, 0)
    assert channels == catalogs.channels() == list(Channel.objects.all())
    assert touchpoints == list(Touchpoint.objects.all())
    assert moment_types == list(MomentType.objects.all())
