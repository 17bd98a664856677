"""The quadrant board's links: every dot and every row of its table opens its account's page."""

import re

import pytest
from django.urls import reverse

from tests.factories import AccountFactory
from tests.relationships.positioning.test_views import place

pytestmark = pytest.mark.django_db


def test_board_links_each_dot_and_row_to_its_account_page(client, org):
    place(org.account, pulse=5)
    initech = AccountFactory(team=org.team, owner=org.csm, name="Initech")
    place(initech, pulse=1)
    unplaced = AccountFactory(team=org.team, owner=org.csm, name="Umbrella")
    client.force_login(org.csm)
    page = client.get(reverse("quadrant_board")).content.decode()
    dots = dict(re.findall(r'<a class="board-link" href="([^"]+)"><title>(\w+):', page))
    rows = dict(re.findall(r'<th scope="row" class="user-text"><a href="([^"]+)">(\w+)</a>', page))
    pages = {account.name: account.get_absolute_url() for account in (org.account, initech)}
    assert {name: href for href, name in dots.items()} == pages
    assert {name: href for href, name in rows.items()} == {
        **pages,
        "Umbrella": unplaced.get_absolute_url(),
    }


def test_a_dots_title_shows_the_accounts_name_as_text(client, org):
    """The dot's hover title is drawn in Python, outside the template's escaping."""
    org.account.name = '<b>"Tom & Jerry\'s"</b>'
    org.account.save()
    place(org.account, pulse=5)
    client.force_login(org.csm)
    page = client.get(reverse("quadrant_board")).content.decode()
    title = re.search(r'<a class="board-link" href="[^"]+"><title>([^<]*)</title>', page)
    assert title.group(1).startswith("&lt;b&gt;&quot;Tom &amp; Jerry&#x27;s&quot;&lt;/b&gt;: ")
    assert "<b>" not in page.split('<svg class="quadrant-board"')[1].split("</svg>")[0]
