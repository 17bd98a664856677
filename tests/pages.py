"""Reading pages as the browser does: the account page's sections that load after it shows."""


def account_section(client, account, section: str) -> str:
    """The HTML of one section the account page loads lazily ("usage", "competitors", "goals",
    "survey-section", or a quick-log tab's form: "quicklog-moment"), as htmx asks for it."""
    response = client.get(
        account.get_absolute_url(), headers={"HX-Request": "true", "HX-Target": section}
    )
    assert response.status_code == 200
    return response.content.decode()
