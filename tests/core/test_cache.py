"""The shared cache on Redis: sessions and catalogs read through it, and pages that keep
answering from the database while Redis cannot be reached."""

import pytest
from django.core.cache import cache
from django.test import Client

from relationships.activity import catalogs
from relationships.models import Channel
from tests import services
from tests.pages import section_url
from tests.smtp import free_port


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
    client.post("/logout/")
    assert client.get("/").status_code == 302  # signed out all the same
    assert "Cache unavailable" in caplog.text


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
