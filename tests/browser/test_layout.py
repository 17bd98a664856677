"""In real Chromium, at a desktop's 1,400 px and a phone's 390 px: every page a CSM can reach
fits the window's width, and the browser reports no error while it is used.

The pages are the signed-in GET pages of the access matrix (tests/test_access_matrix.py), so a
new page is walked as soon as it has an access rule. They show a full organisation: several
people at each account, months of activity, gap cases in every column, a campaign with answers,
usage and scores. On the account page the sections that load after it shows are loaded, each
tab of the stakeholder map and each quick-log form is shown, and one interaction is logged.

A page fits when the document is no wider than the window and no element of the main content
reaches past the window's edges, unless a scrolling box of its own (a `.table-responsive`
wrapper) holds it; on the desktop nothing has to scroll sideways at all. A console error (a
Content Security Policy violation, a failed request, an uncaught exception) fails the test, with
the page it happened on, and so does an element id that a page (with its sections loaded)
repeats: a label or an htmx target would find the wrong element. LAYOUT_SCREENSHOTS=<folder>
keeps a screenshot of each page and step.
"""

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Account, Competitor, UsageSnapshot
from relationships.models import (
    Alert,
    Channel,
    CompetitorDimension,
    GapCase,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    Stakeholder,
    Touchpoint,
)
from relationships.scoring.recompute import scores_recompute
from surveys.models import Question, SurveyTemplate
from tests.browser.test_account_page import log_in
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    CompetitorRatingFactory,
    FeedbackItemFactory,
    GapCaseFactory,
    InvitationFactory,
    PulseCheckFactory,
    StakeholderFactory,
    TeamFactory,
    invitation_token,
)
from tests.test_access_matrix import MATRIX, OK

pytestmark = pytest.mark.browser

DESKTOP = 1400
WIDTHS = [DESKTOP, 390]
# A folder to keep a full-page screenshot of every page and step in, to look at them.
SCREENSHOTS = os.environ.get("LAYOUT_SCREENSHOTS")
PAGES = sorted(
    name
    for name, route in MATRIX.items()
    if route.method == "get"
    and route.expect["csm"] == OK
    and name not in ("healthz", "report_export")  # JSON and CSV
)
LONG_LINK = "https://support.acme-logistics.example/tickets/INC-2026-004711?view=full&tab=history"

PEOPLE = [
    # name, title, "role, buying influence, strength, trust, respect" ("-": not known)
    ("Rita Alvarez-Montgomery", "Chief Operating Officer", "decision_maker high 4 high high"),
    ("Samuel Okonkwo", "Vice President, Global Procurement and Vendor Management",
     "economic_buyer high 2 low high"),
    ("Mei-Ling Christiansen", "Director of Customer Operations", "champion medium 5 high high"),
    ("Jonathan Fairweather-Smith", "Head of IT Infrastructure", "blocker medium 3 low low"),
    ("Priya Venkataraman", "Senior Logistics Analyst", "user low 3 high low"),
    ("Lars Øvergaard", "Warehouse Systems Lead", "user low - - -"),
    ("Aisha Rahman", "Finance Business Partner", "executive_sponsor medium 1 low low"),
    ("Tomás Ferreira", "Regional Operations Manager", "user medium 4 high high"),
]  # fmt: skip
SUMMARIES = [
    "Quarterly review: they want the carrier dashboards before peak season, and asked twice "
    "about the data export. Rita will sponsor the rollout to the Rotterdam sites.",
    f"Escalated the late invoices again; the ticket is at {LONG_LINK}.",
    "Short check-in.",
    "Walked through the roadmap. Samuel pushed on price and on the contract's termination "
    "clause; he compares us with the incumbent every quarter.",
]


def fill(org) -> dict[str, list]:
    """A CSM's organisation with every table and board full; returns the URL arguments of the
    pages that show one object."""
    today = timezone.localdate()
    now = timezone.now()
    org.csm.full_name = "Charlotte Ashworth-Delacroix"
    org.csm.save()
    enterprise = TeamFactory(name="Enterprise EMEA", manager=org.manager, members=[org.csm])
    account = org.account
    Account.objects.filter(pk=account.pk).update(
        name="Acme Logistics International",
        domain="acmelogisticsinternational.example",  # in email addresses: no place to break
        segment="Enterprise",
        customer_since=today - dt.timedelta(days=3 * 365),
        renewal_date=today + dt.timedelta(days=45),
        arr=Decimal("1250000"),
        cost_to_serve=Decimal("310000"),
        seats_purchased=1200,
        share_of_wallet=Decimal("55"),
        notes=f"Renewal hinges on the carrier dashboards. Contract: {LONG_LINK}",
    )
    account.refresh_from_db()
    others = [
        AccountFactory(
            name=name,
            team=team,
            owner=org.csm,
            segment=segment,
            arr=Decimal(arr),
            cost_to_serve=Decimal(arr) / 4,
            renewal_date=today + dt.timedelta(days=days),
            customer_since=today - dt.timedelta(days=days * 7),
            seats_purchased=1200,
        )
        for name, team, segment, arr, days in [
            ("Northwind Traders", org.team, "Mid-market", "240000", 20),
            ("Globomantics Health Systems", enterprise, "Enterprise", "980000", 200),
            ("Initech", org.team, "SMB", "36000", 75),
            ("Umbrella Pharmaceuticals Europe", enterprise, "Enterprise", "1500000", 330),
            ("Stark Renewable Energy Partners", enterprise, "Enterprise", "720000", 120),
            ("Wayne Shipping & Freight", org.team, "Mid-market", "185000", 60),
        ]
    ]
    accounts = [account, *others]

    channels, touchpoints = list(Channel.objects.all()), list(Touchpoint.objects.all())
    moment_types = list(MomentType.objects.all())
    rivals = [Competitor.objects.create(name=n) for n in ("FreightFlow", "CargoSense Analytics")]
    dimensions = list(CompetitorDimension.objects.all())
    emotions = [value for value, _label in Moment._meta.get_field("emotion").choices]
    for n, target in enumerate(accounts):
        people = []
        for m, (name, title, spec) in enumerate(PEOPLE):
            if target != account and m > 3:
                break
            role, influence, strength, trust, respect = (
                "" if value == "-" else value for value in spec.split()
            )
            person = StakeholderFactory(
                account=target,
                name=name if target == account else f"{name.split()[0]} {target.name.split()[0]}",
                title=title,
                email=f"{name.lower().replace(' ', '.')}@{target.domain or f'customer{n}.example'}",
                role=role,
                buying_influence=influence,
                strength=int(strength) if strength else None,
                trust=trust,
                respect=respect,
                reports_to=people[0] if m in (1, 2, 3) else (people[1] if m > 3 else None),
                relationship_since=today - dt.timedelta(days=400 + 30 * m),
                reference_willing=m == 2,
            )
            person.owners.add(org.csm)
            people.append(person)
        for k in range(14 if target == account else 3):
            interaction = Interaction.objects.create(
                account=target,
                occurred_at=now - dt.timedelta(days=3 + 9 * k, hours=k),
                channel=channels[k % len(channels)],
                touchpoint=touchpoints[k % len(touchpoints)],
                direction=("inbound", "outbound")[k % 2],
                sentiment=(k % 5) - 2,
                response_hours=Decimal(k * 3 + 1),
                summary=SUMMARIES[k % len(SUMMARIES)],
                our_person=org.csm,
            )
            interaction.stakeholders.set(people[k % len(people) : k % len(people) + 2])
        for k in range(10 if target == account else 2):
            Moment.objects.create(
                account=target,
                stakeholder=people[k % len(people)],
                moment_type=moment_types[k % len(moment_types)],
                occurred_on=today - dt.timedelta(days=5 + 33 * k),
                emotion=emotions[k % len(emotions)],
                intensity=1 + k % 3,
                value_impact=("destroyed", "created", "")[k % 3],
                value_amount=Decimal(12500 * (k + 1)) if k % 3 != 2 else None,
                note="Customer was on the call for two hours." if k % 2 else "",
            )
        for k in range(4):
            OpenItem.objects.create(
                account=target,
                stakeholder=people[k % len(people)],
                kind=("promise", "ticket", "feature_request", "unanswered_email")[k],
                title=("Send the recovery plan for the Rotterdam outage", "Price proposal")[k % 2],
                opened_on=today - dt.timedelta(days=20 + k),
                due_on=today + dt.timedelta(days=10 * k - 15),
                closed_on=today - dt.timedelta(days=2) if k == 3 else None,
            )
        for k in range(3):
            PulseCheckFactory(
                account=target,
                csm=org.csm,
                checked_on=today - dt.timedelta(days=7 + 30 * k),
                happiness=(4, 2, 3)[k],
                note="They sound tired of the outages." if k == 1 else "",
            )
        for k in range(12):
            UsageSnapshot.objects.create(
                account=target,
                period_start=(today - dt.timedelta(days=31 * (12 - k))).replace(day=1),
                active_users=400 + 37 * k - (k % 4) * 60,
                features_used=8 + k % 5,
                features_available=20,
            )
        for k, person in enumerate(people[:4]):
            for dimension in dimensions[:4]:
                CompetitorRatingFactory(
                    stakeholder=person,
                    competitor=rivals[k % 2],
                    dimension=dimension,
                    our_rating=2 + k % 3,
                    their_rating=3,
                )
        target.competitors.set(rivals)
        Account.objects.filter(pk=target.pk).update(leading_competitor=rivals[0])
        for k in range(3):
            FeedbackItemFactory(
                account=target,
                stakeholder=people[k],
                text=("Please answer support tickets faster.", f"See {LONG_LINK}", "More QBRs.")[k],
            )
    Alert.objects.create(
        account=account,
        stakeholder=account.stakeholders.first(),
        kind=Alert.Kind.CHAMPION_LEFT,
        key="champion_left:layout",
        reason="Mei-Ling Christiansen, the champion, has left.",
        first_seen=now,
    )

    # Gap cases in every column of the board.
    classes = [value for value, _label in GapCase._meta.get_field("gap_class").choices]
    states = [value for value, _label in GapCase._meta.get_field("state").choices]
    case = GapCaseFactory(account=account, gap_class=classes[0], due_on=today + dt.timedelta(7))
    for n, (target, state) in enumerate(zip(others, states, strict=True)):
        closed = state in (GapCase.State.RESOLVED, GapCase.State.DISMISSED)
        GapCaseFactory(
            account=target,
            gap_class=classes[n % len(classes)],
            state=state,
            due_on=today + dt.timedelta(days=n),
            notes="Agreed to meet their CFO.",
            closed_on=today if closed else None,
            dismissed_reason="Seasonal dip." if state == GapCase.State.DISMISSED else "",
        )

    # A campaign sent to a dozen people, three of whom answered.
    template = SurveyTemplate.objects.get(slug="relationship-check")
    campaign = CampaignFactory(
        name="Spring relationship check", template=template, created_by=org.csm
    )
    invitations = [
        InvitationFactory(campaign=campaign, stakeholder=person, account=person.account)
        for person in Stakeholder.objects.filter(account__in=accounts)[:12]
    ]
    questions = {q.kind: q for q in Question.objects.filter(template=template)}
    client = Client()
    for invitation in invitations[:3]:
        response = client.post(
            f"/s/{invitation_token(invitation)}/",
            {
                f"q{questions['scale'].pk}": "4",
                f"q{questions['nps'].pk}": "8",
                f"q{questions['trust'].pk}": "high",
                f"q{questions['respect'].pk}": "low",
                f"q{questions['text'].pk}": "Keep the weekly calls, please.",
            },
        )
        assert response.status_code == 302, response.content  # to the thank-you page
    survey_link = invitation_token(invitations[-1])

    scores_recompute(account_ids=[a.pk for a in accounts], day=today - dt.timedelta(days=7))
    scores_recompute(account_ids=[a.pk for a in accounts])
    return {
        "account_detail": [account.pk],
        "account_edit": [account.pk],
        "account_history": [account.pk],
        "account_score": [account.pk],
        "account_timeline": [account.pk],
        "stakeholder_create": [account.pk],
        "stakeholder_detail": [account.stakeholders.get(name=PEOPLE[4][0]).pk],
        "stakeholder_edit": [account.stakeholders.get(name=PEOPLE[0][0]).pk],
        "gap_detail": [case.pk],
        "campaign_detail": [campaign.pk],
        "survey_template_preview": [template.pk],
        "survey_answer": [survey_link],
        "survey_opt_out": [survey_link],
    }


def path(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def watch(page, console: list[str]) -> None:
    """Collect the console's errors (Content Security Policy violations and failed requests
    among them) and uncaught exceptions, each with the page it happened on."""
    page.on(
        "console",
        lambda message: (
            console.append(f"{path(page)}: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: console.append(f"{path(page)}: {error}"))


OVERFLOW = """(scrolling) => {
  const width = window.innerWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`the document is ${document.documentElement.scrollWidth} px wide`);
  }
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "")
    + ` (${(el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40)})`;
  const outside = (rect) => rect.right > width + 0.5 || rect.left < -0.5;
  // Whether a box within the window scrolls or clips el: one with overflow that holds el's
  // containing block (an absolutely positioned element escapes a box that is not positioned).
  const heldInside = (el) => {
    const absolute = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let box = el.parentElement; box && box.tagName !== "MAIN"; box = box.parentElement) {
      if (getComputedStyle(box).overflowX === "visible") continue;
      if (absolute && !(el.offsetParent && box.contains(el.offsetParent))) continue;
      if (!outside(box.getBoundingClientRect())) return true;
    }
    return false;
  };
  const seen = new Map();  // whether an element reaches out of the window
  const sticksOut = (el) => {
    if (!seen.has(el)) {
      const rect = el.getBoundingClientRect();
      seen.set(el, rect.width > 0 && outside(rect) && !heldInside(el));
    }
    return seen.get(el);
  };
  for (const el of document.querySelectorAll("main *")) {
    if (!sticksOut(el) || (el.parentElement.tagName !== "MAIN" && sticksOut(el.parentElement))) {
      continue;  // only the outermost element that sticks out
    }
    const rect = el.getBoundingClientRect();
    found.push(`${describe(el)} spans ${Math.round(rect.left)} to ${Math.round(rect.right)} px`);
  }
  if (!scrolling) {
    for (const el of document.querySelectorAll("main *")) {
      if (["auto", "scroll"].includes(getComputedStyle(el).overflowX)
          && el.scrollWidth > el.clientWidth + 1) {
        found.push(`${describe(el)} scrolls: ${el.scrollWidth} px in ${el.clientWidth} px`);
      }
    }
  }
  return found.slice(0, 8);
}"""


REPEATED_IDS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map((el) => el.id).filter(Boolean);
  return [...new Set(ids.filter((id, n) => ids.indexOf(id) !== n))].sort();
}"""


def overflow(page, width: int) -> list[str]:
    """What is wider than the window; on a desktop, also what has to scroll sideways to be
    seen whole (on a phone a wide table scrolls inside its own box)."""
    return page.evaluate(OVERFLOW, width < DESKTOP)


STYLED_BY_AN_EXTENSION = """(form) => {
  for (const input of form.querySelectorAll("input, textarea")) {
    input.style.setProperty("--filled-by", "extension");
    input.style.removeProperty("--filled-by");
  }
}"""


def use_account_page(page, measure) -> None:
    """Wait for the sections that load after the page, show each tab of the stakeholder map and
    each quick-log form, and log an interaction."""
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    people = page.locator("#people")
    for tab in people.get_by_role("tab").all():
        tab.click()
        expect(people.locator(f"#{tab.get_attribute('aria-controls')}")).to_be_visible()
        measure(tab.inner_text())
    activity = page.locator("#activity")
    for tab in activity.get_by_role("tab").all()[1:]:
        tab.click()
        pane = activity.locator(f"#{tab.get_attribute('aria-controls')}")
        pane.scroll_into_view_if_needed()  # its form loads once it is seen
        expect(pane.locator("form.quicklog")).to_be_visible()
        measure(tab.inner_text())
    activity.get_by_role("tab").first.click()
    form = activity.locator("#log-interaction")
    form.get_by_label("Stakeholders").select_option(label=PEOPLE[0][0])
    form.get_by_label("Channel").select_option(label="Call")
    form.get_by_label("Touchpoint").select_option(label="Delivery")
    form.get_by_label("Direction").select_option("outbound")
    form.get_by_label("Summary").fill("Called about the dashboards; a demo on Friday.")
    # Password managers and other extensions style the inputs they fill, through the CSSOM,
    # which the policy allows (Chromium left an empty style attribute on them in some runs).
    # The form drawn again after the save must not copy such an attribute over: htmx's settle
    # step did, with setAttribute, which the policy refuses.
    form.evaluate(STYLED_BY_AN_EXTENSION)
    form.get_by_role("button", name="Save interaction").click()
    expect(activity.locator(".timeline-entry").first).to_contain_text("a demo on Friday")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_window_and_logs_no_error(browser, live_server, org, width):
    args = fill(org)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    console: list[str] = []
    watch(page, console)
    log_in(page)
    too_wide: dict[str, list[str]] = {}
    repeated: dict[str, list[str]] = {}

    def measure(step: str = "") -> None:
        where = " ".join(filter(None, [path(page), step]))
        if found := overflow(page, width):
            too_wide[where] = found
        if width == DESKTOP:  # with the sections that load after the page
            page.wait_for_load_state("networkidle")
            if ids := page.evaluate(REPEATED_IDS):
                repeated[where] = ids
        if SCREENSHOTS:
            name = re.sub(r"\W+", "-", where).strip("-")
            page.screenshot(path=Path(SCREENSHOTS) / f"{width}-{name}.png", full_page=True)

    for name in PAGES:
        page.goto(reverse(name, args=args.get(name) or MATRIX[name].args(org)))
        if name == "account_detail":
            use_account_page(page, measure)
        measure()
    context.close()
    found = [f"console: {line}" for line in console] + [
        f"too wide: {where}: {problem}"
        for where, problems in too_wide.items()
        for problem in problems
    ]
    found += [f"ids repeated: {where}: {', '.join(ids)}" for where, ids in repeated.items()]
    assert not found, "\n".join(found)


NAV_ROW = """() => {
  const nav = document.querySelector("nav[aria-label=Main] .container");
  const parts = [...nav.querySelectorAll(
    ".navbar-brand, .navbar-nav > .nav-item, #nav-search, #notification-bell, .dropdown > button"
  )].filter((el) => el.closest(".dropdown-menu") === null);
  const middles = parts.map((el) => {
    const rect = el.getBoundingClientRect();
    return rect.top + rect.height / 2;
  });
  const right = nav.getBoundingClientRect().right;
  return {
    rows: Math.round(Math.max(...middles) - Math.min(...middles)),
    search: Math.round(document.querySelector("#nav-search").getBoundingClientRect().width),
    outside: parts.filter((el) => el.getBoundingClientRect().right > right + 0.5).length,
  };
}"""


@pytest.mark.parametrize("width", [1200, 1300, DESKTOP])
def test_the_navigation_bar_keeps_to_one_row_on_a_laptop(page, org, width):
    """An admin's bar, the widest (it adds Configuration to the user's menu): every link, the
    search box, the bell and the user's menu on one row, inside the page's width, and the
    search box wide enough to type in."""
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, org.admin.email)
    found = page.evaluate(NAV_ROW)
    assert found["rows"] <= 4, found
    assert found["outside"] == 0, found
    assert found["search"] >= 130, found
