"""Every page is one well-formed document: a title of plain text, one main heading, and no id
given twice (labels, tabs, htmx targets and screen readers rely on ids being unique)."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_access_matrix import MATRIX, OK
from tests.test_query_budgets import grow, reader

HTML_PAGES = sorted(
    name
    for name, route in MATRIX.items()
    if route.method == "get"
    and any(outcome == OK for outcome in route.expect.values())
    and name not in ("healthz", "report_export")  # JSON and CSV
)


class Outline(HTMLParser):
    """What the checks need of a document: its title, its h1 count and its ids."""

    def __init__(self):
        super().__init__()
        self.title, self.tags_in_title, self.headings, self.ids = "", 0, 0, Counter()
        self._in_title = self._in_body = False

    def handle_starttag(self, tag, attrs):
        self.tags_in_title += self._in_title
        self._in_title = self._in_title or (tag == "title" and not self._in_body)
        self._in_body = self._in_body or tag == "body"  # <title> in an SVG is a tooltip
        self.headings += tag == "h1"
        self.ids.update(value for key, value in attrs if key == "id")

    def handle_endtag(self, tag):
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.mark.parametrize("name", HTML_PAGES)
def test_every_page_is_one_well_formed_document(client, org, name):
    grow(org, 2)
    if user := reader(org, name):
        client.force_login(user)
    response = client.get(reverse(name, args=MATRIX[name].args(org)))
    assert response.status_code == 200
    outline = Outline()
    outline.feed(response.content.decode())
    assert outline.tags_in_title == 0, outline.title[:200]
    assert outline.title.strip(), "no title"
    assert outline.headings == 1
    assert [key for key, count in outline.ids.items() if count > 1] == []
