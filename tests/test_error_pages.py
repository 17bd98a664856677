"""Error pages look like the rest of Rapport: the site's layout, a sentence that says what
happened and a way back; the server-error page is drawn without the database."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_forbidden_page_uses_the_layout_and_says_why(client, org):
    client.force_login(org.csm)
    response = client.get("/data/import/")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'class="navbar' in page
    assert "You may not do this" in page
    assert "Back to your accounts" in page


def test_not_found_page_uses_the_layout(client, org):
    client.force_login(org.csm)
    response = client.get(f"/accounts/{org.other_account.pk}/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'class="navbar' in page
    assert "This page does not exist, or you do not have access to it." in page


def test_server_error_page_uses_the_layout_without_the_database():
    # no database fixture: any query raises here
    response = server_error(RequestFactory().get("/accounts/1/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert 'class="navbar' in page
    assert "Something went wrong on our side" in page
    assert "Nothing you entered was saved" in page


def test_every_layout_names_its_icon(client, org):
    client.force_login(org.admin)
    for url in ("/", "/admin/"):
        assert 'rel="icon" href="/static/favicon.svg"' in client.get(url).content.decode(), url
    assert client.get("/static/favicon.svg").status_code == 200
