"""Nothing shown to a signed-in user is kept by a cache, the browser's or a shared one: every
page, download and action answers `Cache-Control: private, no-store`; static files stay
cacheable."""

import pytest
from django.templatetags.static import static
from django.urls import reverse

from tests.test_access_matrix import MATRIX, PUBLIC, a_survey_link, assert_outcome

TURNED_AWAY = {"404", "403", "admin login"}
# The public survey pages and /healthz choose their own Cache-Control.
SIGNED_IN_ROUTES = sorted(name for name, route in MATRIX.items() if route.expect != PUBLIC)


def directives(response) -> set[str]:
    return {item.strip() for item in response.get("Cache-Control", "").split(",") if item}


@pytest.mark.parametrize("name", SIGNED_IN_ROUTES)
def test_every_response_to_a_signed_in_user_is_private_and_never_stored(client, org, name):
    route = MATRIX[name]
    role = next(
        role for role in ("csm", "manager", "admin") if route.expect[role] not in TURNED_AWAY
    )
    client.force_login(getattr(org, role))
    url = reverse(name, args=route.args(org))
    data = route.data(org) if callable(route.data) else route.data
    response = getattr(client, route.method)(url, data)
    assert_outcome(response, route.expect[role], url, org)
    assert {"private", "no-store"} <= directives(response), url


def test_a_page_turned_away_is_private_too(client, org):
    client.force_login(org.outsider)
    response = client.get(org.account.get_absolute_url())
    assert response.status_code == 404
    assert directives(response) == {"private", "no-store"}


def test_the_csv_download_is_private_and_never_stored(client, org):
    client.force_login(org.csm)
    response = client.get(reverse("report_export"))
    assert "Acme" in b"".join(response.streaming_content).decode()
    assert directives(response) == {"private", "no-store"}


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, org):
    client.force_login(org.csm)
    response = client.get(reverse("survey_answer", args=a_survey_link(org)))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"  # as the survey page set it


def test_static_files_stay_cacheable_for_a_signed_in_user(client, org):
    client.force_login(org.csm)
    response = client.get(static("css/rapport.css"))
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    assert not {"private", "no-store"} & directives(response)
