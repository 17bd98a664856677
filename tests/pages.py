"""Reading pages as the browser does: the account page's sections that load after it shows, and
what a section shows."""

import re

from django.test.html import parse_html

SECTIONS = {  # a section of the account page, and the address it loads from
    "score": "score", "gaps": "gaps", "usage": "usage", "people": "people",
    "activity": "activity", "competitors": "competitors", "goals": "goals",
    "survey-section": "surveys", "captured": "captured", "tasks": "tasks",
}  # fmt: skip


def section_url(account, section: str) -> str:
    """Where the account page loads `section` from ("usage", "survey-section", ...; a
    quick-log tab's form: "quicklog-moment")."""
    if section.startswith("quicklog-"):
        return f"/accounts/{account.pk}/log/{section.removeprefix('quicklog-')}/"
    return f"/accounts/{account.pk}/{SECTIONS[section]}/"


def account_section(client, account, section: str) -> str:
    """The HTML of one section the account page loads after it shows (see section_url), as
    htmx asks for it."""
    response = client.get(section_url(account, section), headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def account_page(client, account) -> str:
    """The account page as the browser shows it once its sections have loaded in place."""
    response = client.get(account.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for section in SECTIONS:
        placeholder = rf'<section id="{section}"[^>]* aria-busy="true".*?</section>'
        drawn = re.search(placeholder, page, re.S)
        assert drawn, f"the page does not load #{section}"
        loaded = account_section(client, account, section)
        page = page[: drawn.start()] + loaded + page[drawn.end() :]
    return page


def section_text(html: str, element_id: str) -> str:
    """What the element with `element_id` in `html` shows: its text, whitespace collapsed."""
    element = _element(parse_html(html), element_id)
    assert element is not None, f"nothing has the id {element_id!r}"
    return " ".join(" ".join(_texts(element)).split())


def _element(node, element_id: str):
    if isinstance(node, str):
        return None
    if ("id", element_id) in node.attributes:
        return node
    for child in node.children:
        if (found := _element(child, element_id)) is not None:
            return found
    return None


def _texts(node):
    if isinstance(node, str):
        yield node
        return
    for child in node.children:
        yield from _texts(child)
