"""End to end in real Chromium with a real SMTP server: a CSM sends a campaign, the stakeholder
follows the emailed link and answers, and the relationship model moves."""

import pytest
from playwright.sync_api import expect

from accounts.models import Account
from relationships.models import CompetitorRating, FeedbackItem, Moment
from relationships.scoring import recompute
from tests.browser.test_account_page import log_in
from tests.factories import CompetitorFactory, StakeholderFactory
from tests.smtp import launch, token_in

pytestmark = pytest.mark.browser


@pytest.fixture
def ada(org, settings, live_server):
    settings.SITE_URL = live_server.url
    person = StakeholderFactory(
        account=org.account, name="Ada Lovelace", email="ada@acme.example", role="champion",
        buying_influence="high", trust="low", respect="low",
    )  # fmt: skip
    org.account.leading_competitor = CompetitorFactory(name="Orbit CX")
    org.account.save()
    recompute.scores_recompute(account_ids=[org.account.pk])
    return person


def send_campaign(page):
    log_in(page)
    page.get_by_role("link", name="Surveys").click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Campaign name").fill("Spring relationship check")
    page.get_by_label("Accounts", exact=True).select_option(label="Acme")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Will be invited (1)")).to_be_visible()
    expect(page.locator("pre")).to_contain_text("Hello Ada Lovelace,")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.locator("#messages")).to_contain_text("1 invitation being sent")


def test_stakeholder_answers_the_emailed_survey_and_the_scores_move(page, org, ada, smtp):
    before = Account.objects.get(pk=org.account.pk).relationship_score
    send_campaign(page)
    [message] = smtp.wait_for(1)
    link = f"/s/{token_in(message)}/"

    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.context.clear_cookies()  # the stakeholder has no login
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(link)
    expect(page.get_by_text("Ada Lovelace · Acme")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Some answers need another look")

    page.get_by_text("5 · Gushing promoter").click()
    page.locator("fieldset", has_text="recommend").get_by_text("10", exact=True).click()
    page.locator("fieldset", has_text="trust us").get_by_text("High").click()
    page.locator("fieldset", has_text="respect").get_by_text("High").click()
    page.get_by_label("Go-live").select_option("delighted")
    page.get_by_label("Service: us").select_option("5")
    page.get_by_label("Service: Orbit CX").select_option("3")
    page.get_by_label("What should we start, stop or keep doing?").fill("Keep the weekly calls.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you, Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("Your answers are recorded, and every answer is read")).to_be_visible()
    expect(page.get_by_text("already been answered")).to_have_count(0)

    ada.refresh_from_db()
    assert (ada.trust, ada.respect) == ("high", "high")
    assert Moment.objects.get(stakeholder=ada).identified_by == "customer"
    assert FeedbackItem.objects.get().text == "Keep the weekly calls."
    rating = CompetitorRating.objects.get()
    assert (rating.dimension.slug, rating.our_rating, rating.their_rating) == ("service", 5, 3)
    assert (rating.source, rating.stakeholder) == ("survey", ada)
    after = Account.objects.get(pk=org.account.pk)
    assert before is None  # nothing about Ada was observed before she answered
    assert after.relationship_score > 1  # her answers are: warm ones
    assert after.competitor_index == 2  # we lead Orbit CX on service by two points

    page.goto(link)
    expect(page.get_by_text("This survey has already been answered")).to_be_visible()
    assert violations == []


def test_survey_page_works_without_javascript_on_a_phone(browser, live_server, org, ada, smtp):
    launch(org, [ada])
    [message] = smtp.wait_for(1)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    response = page.goto(f"/s/{token_in(message)}/")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert page.get_by_role("button", name="Send my answers").bounding_box()["width"] < 360
    page.get_by_text("3 · Satisfied").click()
    page.locator("fieldset", has_text="recommend").get_by_text("7", exact=True).click()
    page.locator("fieldset", has_text="trust us").get_by_text("Low").click()
    page.locator("fieldset", has_text="respect").get_by_text("High").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you, Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("Your answers are recorded, and every answer is read")).to_be_visible()
    expect(page.get_by_text("already been answered")).to_have_count(0)
    context.close()
    ada.refresh_from_db()
    assert (ada.trust, ada.respect) == ("low", "high")
