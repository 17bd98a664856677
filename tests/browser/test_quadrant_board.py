"""In real Chromium: a manager reads the quadrant board and narrows it with the filters."""

import pytest
from playwright.sync_api import expect

from relationships.scoring import recompute
from tests.browser.test_account_page import log_in
from tests.factories import AccountFactory, PulseCheckFactory

pytestmark = pytest.mark.browser


def placed(org, name, owner, *, pulse, cost):
    account = AccountFactory(
        name=name, team=org.team, owner=owner, arr=100_000, cost_to_serve=cost, segment="SMB"
    )
    PulseCheckFactory(account=account, csm=owner, happiness=pulse)
    return account


def test_manager_sees_accounts_in_each_quadrant_and_filters_in_place(page, org):
    accounts = [
        placed(org, "Summit Bank", org.csm, pulse=5, cost=30_000),
        placed(org, "Harbor Foods", org.csm, pulse=5, cost=150_000),
        placed(org, "Vertex Labs", org.teammate, pulse=1, cost=30_000),
        placed(org, "Quarry Tools", org.teammate, pulse=1, cost=150_000),
    ]
    recompute.scores_recompute(account_ids=[account.pk for account in accounts])
    log_in(page, "manager@example.com")
    page.get_by_role("link", name="Quadrant").click()
    expect(page.get_by_role("heading", name="Quadrant board")).to_be_visible()

    board = page.locator("svg.quadrant-board")
    expect(board.locator("a.board-link")).to_have_count(4)
    table = page.locator("#board-table")
    for name, quadrant in [
        ("Summit Bank", "Customer success"),
        ("Harbor Foods", "Work to keep: happy but unprofitable"),
        ("Vertex Labs", "Work to keep: profitable but unhappy"),
        ("Quarry Tools", "Reassess"),
    ]:
        expect(table.get_by_role("row", name=name)).to_contain_text(quadrant)
    expect(page.locator("section[data-quadrant=reassess] .badge")).to_have_text("1")

    # Filter by owner: the board and the table change without a page load.
    page.evaluate("window.loaded = true")
    page.get_by_label("Owner").select_option(label=str(org.teammate))
    expect(board.locator("a.board-link")).to_have_count(2)
    expect(table).not_to_contain_text("Summit Bank")
    expect(page.locator("section[data-quadrant=customer_success] .badge")).to_have_text("0")
    assert page.evaluate("window.loaded") is True
    assert f"owner={org.teammate.pk}" in page.url

    # A dot is a link to its account, named for hover and keyboard users.
    dot = board.locator("a.board-link", has_text="Vertex Labs")
    expect(dot.locator("title")).to_contain_text("Vertex Labs: happiness -1.00, margin 70 %")
    tip = dot.locator("text.board-tip")
    expect(tip).to_be_hidden()
    dot.focus()
    expect(tip).to_be_visible()
    expect(tip).to_have_text("Vertex Labs · -1.00 · 70 %")
    dot.click()
    expect(page.get_by_role("heading", name="Vertex Labs")).to_be_visible()
