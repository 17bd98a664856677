"""In real Chromium: a CSM works a relationship gap across the board to its resolution."""

import pytest
from playwright.sync_api import expect

from relationships.models import GapCase
from tests.browser.test_account_page import log_in
from tests.factories import GapCaseFactory

pytestmark = pytest.mark.browser


def test_csm_works_a_gap_case_across_the_board_to_resolution(page, org):
    # the factors agree again: the case may be resolved without saying why
    case = GapCaseFactory(account=org.account, gap_class="uses_needs_unmet", converged=True)
    log_in(page)
    page.get_by_role("link", name="Gaps").click()
    board = page.locator("#gap-board")
    detected = board.locator('[data-state="detected"]')
    expect(detected.get_by_role("link", name="Acme")).to_be_visible()
    url = page.url

    # With the card's own button: acknowledged, in place.
    detected.get_by_label("Move Acme to").select_option("acknowledged")
    detected.get_by_role("button", name="Move").click()
    acknowledged = board.locator('[data-state="acknowledged"]')
    expect(acknowledged.get_by_role("link", name="Acme")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("is now acknowledged")
    assert page.url == url

    # Dragged to the next column.
    page.locator(f"#gap-case-{case.pk}").drag_to(board.locator('[data-state="investigating"]'))
    expect(
        board.locator('[data-state="investigating"]').get_by_role("link", name="Acme")
    ).to_be_visible()

    # On the case page: tick the playbook's action off, then resolve.
    board.get_by_role("link", name="Acme").click()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    page.get_by_label("Move to").select_option("resolved")
    page.get_by_label("Note", exact=True).fill("They have the reporting they needed.")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator("h1 [data-state]")).to_have_text("Resolved")
    expect(page.get_by_text("They have the reporting they needed.")).to_be_visible()

    case.refresh_from_db()
    assert case.state == "resolved"
    assert [t.to_state for t in case.transitions.all()] == [
        "acknowledged",
        "investigating",
        "resolved",
    ]
    assert case.actions.get().done_by == org.csm
    assert GapCase.objects.count() == 1
