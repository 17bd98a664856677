"""Logging in by email, logging out, changing the password."""

from tests.factories import PASSWORD


def test_login_by_email_lands_on_my_day(client, org):
    response = client.post(
        "/login/", {"username": "csm@example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/day/"
    assert '<h1 class="h3 mb-0">My day</h1>' in response.text


def test_login_from_a_page_goes_back_to_that_page(client, org):
    response = client.post(
        "/login/?next=/", {"username": "csm@example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Acme" in response.text


def test_login_with_wrong_password_says_so_and_stays_logged_out(client, org):
    response = client.post("/login/", {"username": "csm@example.com", "password": "nope"})
    assert response.status_code == 422
    assert "Please enter a correct email address and password" in response.text
    assert client.get("/").status_code == 302


def test_login_returns_to_the_page_asked_for(client, org):
    url = org.account.get_absolute_url()
    response = client.post(
        f"/login/?next={url}",
        {"username": "csm@example.com", "password": PASSWORD, "next": url},
    )
    assert response.url == url


def test_logout_ends_the_session(client, org):
    client.force_login(org.csm)
    response = client.post("/logout/")
    assert response.url == "/login/"
    assert client.get("/").status_code == 302


def test_password_change_takes_the_new_password(client, org):
    client.force_login(org.csm)
    new = "a-much-longer-passphrase-42"
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your password has been changed" in response.text
    org.csm.refresh_from_db()
    assert org.csm.check_password(new)


def test_password_change_with_the_wrong_old_password_is_refused(client, org):
    client.force_login(org.csm)
    new = "a-much-longer-passphrase-42"
    response = client.post(
        "/password/", {"old_password": "nope", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 422
    assert "Your old password was entered incorrectly" in response.text
    org.csm.refresh_from_db()
    assert org.csm.check_password(PASSWORD)


def test_htmx_request_with_expired_session_redirects_the_whole_page(client, org):
    response = client.get(org.account.get_absolute_url(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/login/")


def test_user_chooses_a_daily_digest_of_gap_emails(client, org):
    client.force_login(org.csm)
    page = client.get("/preferences/")
    assert "An email for each gap detected or reopened" in page.text
    response = client.post("/preferences/", {"gap_emails": "daily"}, follow=True)
    assert "Your preferences are saved." in response.text
    org.csm.refresh_from_db()
    assert org.csm.gap_emails == "daily"
    response = client.post("/preferences/", {"gap_emails": "weekly"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.text
    org.csm.refresh_from_db()
    assert org.csm.gap_emails == "daily"
