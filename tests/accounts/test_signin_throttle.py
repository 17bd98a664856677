"""Sign-in throttling: failed sign-ins per email and per address lock sign-ins for a while, the
right password included, in the same words whether or not the email has an account; a success
clears the account's failures and an admin can lift its lockout."""

import time

import pytest
from django.test import Client

from tests.core.test_cache import dead_redis_cache, live_redis_cache  # noqa: F401 (fixtures)
from tests.factories import PASSWORD

ACCOUNT_LOCKED = (
    "Too many failed sign-ins for this account; try again in 15 minutes or ask an admin to lift "
    "the lockout."
)
ADDRESS_LOCKED = "Too many failed sign-ins from your network address; try again in 15 minutes."
WRONG = "Please enter a correct email address and password"


def sign_in(client, email, password, **extra):
    return client.post("/login/", {"username": email, "password": password}, **extra)


def fail(client, email, times, **extra):
    for _ in range(times):
        assert WRONG in sign_in(client, email, "wrong-password", **extra).text


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, org):
    fail(client, "csm@example.com", 5)
    response = sign_in(client, "csm@example.com", PASSWORD)
    assert response.status_code == 429
    assert ACCOUNT_LOCKED in response.text
    assert client.get("/").status_code == 302  # still signed out


def test_four_wrong_passwords_do_not_lock_the_account(client, org):
    fail(client, "csm@example.com", 4)
    response = sign_in(client, "csm@example.com", PASSWORD)
    assert response.url == "/day/"


def test_the_lockout_counts_the_email_however_it_is_typed(client, org):
    fail(client, " CSM@Example.com", 5)
    assert ACCOUNT_LOCKED in sign_in(client, "csm@example.com", PASSWORD).text


def test_a_successful_sign_in_clears_the_accounts_failures(client, org):
    fail(client, "csm@example.com", 4)
    assert sign_in(client, "csm@example.com", PASSWORD).url == "/day/"
    client.post("/logout/")
    fail(client, "csm@example.com", 4)
    assert sign_in(client, "csm@example.com", PASSWORD).url == "/day/"


def test_an_empty_password_neither_counts_nor_clears_failures(client, org):
    fail(client, "csm@example.com", 4)
    sign_in(client, "csm@example.com", "")
    fail(client, "csm@example.com", 1)
    assert ACCOUNT_LOCKED in sign_in(client, "csm@example.com", PASSWORD).text


def test_a_locked_email_without_an_account_reads_the_same(client, org):
    fail(client, "csm@example.com", 5)
    fail(client, "nobody@example.com", 5)
    known = sign_in(client, "csm@example.com", PASSWORD)
    unknown = sign_in(client, "nobody@example.com", PASSWORD)
    assert (unknown.status_code, unknown.context["form"].non_field_errors()) == (
        known.status_code,
        known.context["form"].non_field_errors(),
    )
    assert ACCOUNT_LOCKED in unknown.text


def test_the_lockout_ends_after_login_lockout_minutes(client, org, monkeypatch):
    fail(client, "csm@example.com", 5)
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert sign_in(client, "csm@example.com", PASSWORD).url == "/day/"


def test_the_message_says_how_long_is_left(client, org, monkeypatch):
    fail(client, "csm@example.com", 5)
    later = time.time() + 10 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert "try again in 5 minutes" in sign_in(client, "csm@example.com", PASSWORD).text


@pytest.mark.usefixtures("live_redis_cache")
def test_the_lockout_is_kept_in_the_shared_cache(org):
    fail(Client(), "csm@example.com", 5)
    other_process = Client()  # nothing shared with the first but Redis
    response = sign_in(other_process, "csm@example.com", PASSWORD)
    assert (response.status_code, ACCOUNT_LOCKED in response.text) == (429, True)


@pytest.mark.usefixtures("dead_redis_cache")
def test_sign_in_works_while_redis_is_away(client, org, caplog):
    fail(client, "csm@example.com", 5)  # nothing can be counted
    assert sign_in(client, "csm@example.com", PASSWORD).url == "/day/"
    assert "Cache unavailable" in caplog.text


def test_failures_from_one_address_across_emails_lock_that_address(client, org):
    for number in range(20):
        fail(client, f"guess{number}@example.com", 1)
    response = sign_in(client, "csm@example.com", PASSWORD)
    assert response.status_code == 429
    assert ADDRESS_LOCKED in response.text
    other = sign_in(Client(), "csm@example.com", PASSWORD, REMOTE_ADDR="192.0.2.7")
    assert other.url == "/day/"  # another address signs in


def test_the_limits_are_settings(client, org, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_LOCKOUT_MINUTES = 1
    fail(client, "csm@example.com", 2)
    assert "try again in 1 minute or ask" in sign_in(client, "csm@example.com", PASSWORD).text


def test_the_admin_login_shares_the_lockout(client, org):
    fail(client, "admin@example.com", 5)
    response = client.post("/admin/login/", {"username": "admin@example.com", "password": PASSWORD})
    assert ACCOUNT_LOCKED in response.text
    assert client.get("/admin/").status_code == 302


@pytest.fixture
def admin_client_(org):
    admin = Client()
    admin.force_login(org.admin)
    return admin


def test_an_admin_sees_the_lockout_and_lifts_it(client, org, admin_client_):
    page = f"/admin/accounts/user/{org.csm.pk}/change/"
    assert "Not locked" in admin_client_.get(page).text
    fail(client, "csm@example.com", 5)
    assert "Locked after too many failed sign-ins, for 15 more minutes" in (
        admin_client_.get(page).text
    )
    response = admin_client_.post(
        "/admin/accounts/user/",
        {"action": "lift_signin_lockout", "_selected_action": [org.csm.pk]},
        follow=True,
    )
    assert "Sign-in lockout lifted for 1 user." in response.text
    assert "Not locked" in admin_client_.get(page).text
    assert sign_in(client, "csm@example.com", PASSWORD).url == "/day/"


def test_the_changelist_offers_to_lift_the_lockout(org, admin_client_):
    response = admin_client_.get("/admin/accounts/user/")
    assert '<option value="lift_signin_lockout">Lift the sign-in lockout</option>' in (
        response.text
    )
