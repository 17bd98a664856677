"""Reading pages as the browser does: the account page's sections that load after it shows, and
what a section shows."""

from django.test.html import parse_html


def account_section(client, account, section: str) -> str:
    """The HTML of one section the account page loads lazily ("usage", "competitors", "goals",
    "survey-section", or a quick-log tab's form: "quicklog-moment"), as htmx asks for it."""
    response = client.get(
        account.get_absolute_url(), headers={"HX-Request": "true", "HX-Target": section}
    )
    assert response.status_code == 200
    return response.content.decode()


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
