"""The account page's panels agree with the data: a write's response shows, or has fetched again,
every panel the write changes (accounts.panels), and each section's address shows the same to
htmx and, opened on its own, in the page."""

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import panels
from accounts.models import Account, UsageSnapshot
from relationships.models import (
    Channel,
    CompetitorDimension,
    MomentType,
    RecomputeRequest,
    Touchpoint,
)
from relationships.scoring import recompute
from tests.accounts.test_account_page import profile_data
from tests.factories import (
    AccountFactory,
    CompetitorFactory,
    CompetitorRatingFactory,
    FeedbackItemFactory,
    InteractionFactory,
    InvitationFactory,
    MomentFactory,
    OpenItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
    catalog,
)
from tests.pages import SECTIONS, account_page, section_text, section_url

# Every panel of the page: its own (heading, profile) and those it loads; of the activity
# section, the timeline (its quick-log forms are drawn blank).
PANELS = ["heading", "profile", *(name for name in SECTIONS if name != "activity"), "timeline"]
HTMX = {"HX-Request": "true"}


def panel_url(account, name: str) -> str:
    if name == "timeline":
        return f"/accounts/{account.pk}/timeline/"
    return section_url(account, name)


def panel(client, account, name: str) -> str:
    """What the panel shows: from its own address, as htmx fetches it, or from the page."""
    if name in ("heading", "profile"):
        return section_text(client.get(account.get_absolute_url()).text, name)
    response = client.get(panel_url(account, name), headers=HTMX)
    assert response.status_code == 200
    assert starts_with(response, name)  # the panel alone, for htmx to swap in
    return section_text(response.text, name)


def starts_with(response, element_id: str) -> bool:
    return re.match(rf'\s*<\w+[^>]* id="{element_id}"', response.text) is not None


def refreshed(response) -> set[str]:
    """The panels a response has fetch themselves again (its HX-Trigger events)."""
    events = json.loads(response.headers.get("HX-Trigger", "{}"))
    assert all(event.endswith("-changed") for event in events)
    return {event.removesuffix("-changed") for event in events}


def score_poll(response) -> str | None:
    """Where the score card in the response polls, if it does."""
    card = re.search(r'<section id="score"[^>]*>', response.text)
    address = card and re.search(r'hx-get="([^"]*)" hx-trigger="every', card.group())
    return html.unescape(address.group(1)) if address else None


def score_listener(client, account) -> str:
    """Where the score card the page shows fetches itself again when it hears "score-changed"."""
    card = client.get(f"/accounts/{account.pk}/score/", headers=HTMX).text
    listener = re.search(r'id="score"[^>]* hx-get="([^"]*)" hx-trigger="score-changed', card)
    return html.unescape(listener.group(1))


def lived_in(org, account, people: int = 4) -> dict:
    """The account with `people` people and some of everything logged, its scores computed:
    its rows the writes below change."""
    Account.objects.filter(pk=account.pk).update(seats_purchased=100)
    account.refresh_from_db()
    rita = StakeholderFactory(
        account=account, name="Rita Alvarez", role="champion", buying_influence="high",
        strength=5, trust="high", respect="high",
    )  # fmt: skip
    omar = StakeholderFactory(account=account, name="Omar Haddad", role="decision_maker")
    others = StakeholderFactory.create_batch(people - 2, account=account)
    rival = CompetitorFactory(name="Orbit CX")
    for person in [rita, omar, *others]:
        InteractionFactory(account=account, stakeholders=[person, omar], sentiment=1)
        MomentFactory(account=account, stakeholder=person)
        CompetitorRatingFactory(stakeholder=person, competitor=rival, our_rating=4)
        InvitationFactory(account=account, stakeholder=person)
    promise = OpenItemFactory(account=account, stakeholder=rita, title="Send the plan")
    PulseCheckFactory(account=account, csm=org.csm, checked_on=timezone.localdate())
    for month, users in ((1, 60), (2, 70)):
        start = timezone.localdate().replace(day=1).replace(month=month)
        UsageSnapshot.objects.create(account=account, period_start=start, active_users=users)
    feedback = FeedbackItemFactory(account=account, stakeholder=rita)
    recompute.scores_recompute(account_ids=[account.pk])
    account.refresh_from_db()
    return {"account": account, "rita": rita, "omar": omar, "promise": promise,
            "rival": rival, "feedback": feedback}  # fmt: skip


@pytest.fixture
def acme(org) -> dict:
    return lived_in(org, org.account)


def quick_log(form: str, **fields) -> tuple[str, dict]:
    return f"log/{form}/", {f"{form}-{name}": value for name, value in fields.items()}


def write_request(name: str, acme: dict) -> tuple[str, dict, str]:
    """Each write on the account page: its address, form data and the section it answers."""
    account, rita, omar = acme["account"], acme["rita"], acme["omar"]
    today = timezone.localdate().isoformat()
    at_account = f"/accounts/{account.pk}/"
    match name:
        case "interaction":
            path, data = quick_log(
                "interaction", occurred_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                stakeholders=[rita.pk], channel=catalog(Channel, "call").pk,
                touchpoint=catalog(Touchpoint, "delivery").pk, direction="inbound",
                sentiment="-2", verbosity="normal", summary="Angry about the outage",
            )  # fmt: skip
            return at_account + path, data, "activity"
        case "moment":
            path, data = quick_log(
                "moment", moment_type=catalog(MomentType, "go_live").pk, occurred_on=today,
                stakeholder=rita.pk, emotion="enraged", intensity=3, identified_by="customer",
            )  # fmt: skip
            return at_account + path, data, "activity"
        case "open_item":
            path, data = quick_log(
                "open_item", kind="promise", title="Call back", stakeholder=omar.pk,
                opened_on=today,
            )  # fmt: skip
            return at_account + path, data, "activity"
        case "pulse":
            path, data = quick_log("pulse", happiness=1, checked_on=today)
            return at_account + path, data, "activity"
        case "open_item_close":
            return f"/open-items/{acme['promise'].pk}/close/", {}, "activity"
        case "stakeholder_add":
            data = {"name": "Sam Ortiz", "role": "champion", "buying_influence": "high",
                    "strength": "4", "status": "active"}  # fmt: skip
            return f"/accounts/{account.pk}/stakeholders/new/", data, "people"
        case "stakeholder_edit":
            data = {"name": "Omar Haddad-Li", "role": "decision_maker", "buying_influence": "low",
                    "status": "active", "version": omar.version}  # fmt: skip
            return f"/stakeholders/{omar.pk}/edit/", data, "people"
        case "stakeholder_left":
            return f"/stakeholders/{rita.pk}/left/", {}, "people"
        case "profile":
            data = profile_data(account, name="Acme Group", seats_purchased="400", arr="90000")
            return f"/accounts/{account.pk}/edit/", data, "profile"
        case "competitor_rating":
            data = {
                "rating-stakeholder": rita.pk, "rating-competitor": acme["rival"].pk,
                "rating-dimension": CompetitorDimension.objects.get(slug="value").pk,
                "rating-our_rating": 1, "rating-their_rating": 5, "rating-rated_on": today,
                "rating-source": "csm",
            }  # fmt: skip
            return f"/accounts/{account.pk}/competitor-ratings/", data, "competitors"
        case "feedback_acknowledge":
            item = acme["feedback"].pk
            return f"/feedback/{item}/acknowledge/", {}, f"feedback-{item}"
        case "feedback_act":
            item = acme["feedback"].pk
            return f"/feedback/{item}/acted/", {"note": "A second shift"}, f"feedback-{item}"
    raise AssertionError(name)


# What each write changes, besides the section its response shows: the panels showing what it
# stored, and those showing what the score recompute that follows it derives (none: no recompute).
# A section that cannot draw the score card (the profile, of accounts) has the card fetch itself
# again ("score" among what it stored), which then has the recomputed panels fetched again.
PEOPLE = {"timeline", "competitors", "goals", "survey-section"}
WRITES = {
    "interaction": (set(), {"gaps", "goals", "tasks"}),
    "moment": (set(), {"gaps", "goals", "tasks"}),
    "open_item": (set(), {"goals"}),
    "pulse": (set(), {"gaps", "goals", "tasks"}),
    "open_item_close": (set(), {"goals"}),
    "stakeholder_add": (PEOPLE, {"competitors", "goals"}),
    "stakeholder_edit": (PEOPLE, {"competitors", "goals"}),
    "stakeholder_left": ({"competitors", "goals"}, {"competitors", "goals"}),
    "profile": ({"score", "usage", "competitors", "goals"}, {"gaps", "goals", "tasks"}),
    "competitor_rating": (set(), {"competitors"}),
    "feedback_acknowledge": ({"goals"}, set()),
    "feedback_act": ({"goals"}, set()),
}
# The panels inside a section a response shows.
HOLDS = {"activity": {"timeline"}, "feedback": {"survey-section"}, "profile": {"heading"}}


def shown(section: str, *, score: bool) -> set[str]:
    """The panels a response shows: its section, what that holds, the score card if it came."""
    return {section, *HOLDS.get(section.split("-")[0], ()), *(["score"] if score else [])}


def carries_score_card(response) -> bool:
    return re.search(r'<section id="score"[^>]* hx-swap-oob="true"', response.text) is not None


def panels_of(client, account) -> dict[str, str]:
    return {name: panel(client, account, name) for name in PANELS}


@pytest.mark.parametrize("name", WRITES)
def test_with_no_broker_a_write_refreshes_every_panel_it_changes(
    transactional_db, client, org, acme, name
):
    """The recompute runs as the write commits (`make run`, tests): the response has every
    panel the write changed fetched again, those showing the recompute's numbers included."""
    account = acme["account"]
    client.force_login(org.csm)
    before = panels_of(client, account)
    listener = score_listener(client, account)
    url, data, section = write_request(name, acme)
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    assert starts_with(response, section)
    stored, derived = WRITES[name]
    every = refreshed(response)
    if "score" in stored:
        assert every == stored - {section}
        assert not carries_score_card(response)
        card = client.get(listener, headers=HTMX)
        assert score_poll(card) is None  # the score is fresh
        assert refreshed(card) == set(panels.RECOMPUTED)
        every |= refreshed(card)
    else:
        assert every == (stored | derived) - {section}
        assert carries_score_card(response) == bool(derived)
        assert score_poll(response) is None  # the score is fresh
    after = panels_of(client, account)
    changed = {name for name in PANELS if before[name] != after[name]}
    unseen = changed - every - shown(section, score=bool(derived))
    assert not unseen, f"{unseen} changed and were not refreshed"


@pytest.mark.parametrize("name", [name for name, (_, derived) in WRITES.items() if derived])
def test_with_a_worker_the_score_card_refreshes_what_the_recompute_changes(client, org, acme, name):
    """The recompute waits for a worker (this test's transaction never commits): the response
    has what the write stored fetched again, and the score card polls until the recompute is
    done, then has the panels showing its numbers fetched again."""
    account = acme["account"]
    client.force_login(org.csm)
    before = panels_of(client, account)
    listener = score_listener(client, account)
    url, data, section = write_request(name, acme)
    response = client.post(url, data, headers=HTMX)
    stored, derived = WRITES[name]
    assert refreshed(response) == stored - {section}
    if "score" in stored:
        assert not carries_score_card(response)
        poll = urlsplit(score_poll(client.get(listener, headers=HTMX)))
        waiting = set(panels.RECOMPUTED)
    else:
        assert carries_score_card(response)
        poll = urlsplit(score_poll(response))
        waiting = derived
    assert poll.path == f"/accounts/{account.pk}/score/"
    assert set(parse_qs(poll.query)["refresh"]) == waiting >= derived
    assert refreshed(client.get(poll.geturl(), headers=HTMX)) == set()  # still pending

    recompute.recompute_pending()  # the worker
    card = client.get(poll.geturl(), headers=HTMX)
    assert score_poll(card) is None
    assert refreshed(card) == waiting
    after = panels_of(client, account)
    changed = {name for name in PANELS if before[name] != after[name]}
    unseen = changed - stored - waiting - shown(section, score=True)
    assert not unseen, f"{unseen} changed and were not refreshed"


def test_a_pulse_check_brings_the_gap_panel_up_to_date(transactional_db, client, org, acme):
    """The panel used to keep the factors it had before the pulse check."""
    account = acme["account"]
    client.force_login(org.csm)
    before = panel(client, account, "gaps")
    url, data, section = write_request("pulse", acme)
    assert "gaps" in refreshed(client.post(url, data, headers=HTMX))
    gaps = panel(client, account, "gaps")
    account.refresh_from_db()
    perception = f"CSM perception {account.csm_perception:+.2f}"
    assert perception in gaps
    assert perception not in before
    assert f"spread {account.gap_size:.2f}" in gaps
    assert gaps == section_text(account_page(client, account), "gaps")


# The addresses of the page's sections, and of the editors that open in them.
EDITORS = {
    "profile editor": ("profile", "/accounts/{pk}/edit/"),
    "stakeholder form": ("people", "/accounts/{pk}/stakeholders/new/"),
    "stakeholder editor": ("people", "/stakeholders/{person}/edit/"),
}


@pytest.mark.parametrize("section", [*SECTIONS, "timeline"])
def test_a_section_shows_the_same_to_htmx_and_in_the_page_its_address_opens(
    client, org, acme, section
):
    account = acme["account"]
    client.force_login(org.csm)
    fetched = panel(client, account, section)
    opened = client.get(panel_url(account, section)).text  # without htmx, as a bookmark
    assert opened.startswith("<!doctype html>")
    assert section_text(opened, section) == fetched
    for own in ("heading", "profile"):
        assert section_text(opened, own) == panel(client, account, own)


@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_opened_without_htmx_is_the_page_with_the_editor_in_place(
    client, org, acme, editor
):
    account = acme["account"]
    client.force_login(org.csm)
    section, address = EDITORS[editor]
    opened = client.get(address.format(pk=account.pk, person=acme["omar"].pk)).text
    assert opened.startswith("<!doctype html>")
    assert re.search(
        rf'<section id="{section}"[^>]*>(?:(?!</section>).)*<form method="post"', opened, re.S
    )
    assert section_text(opened, "heading") == panel(client, account, "heading")


def test_every_panel_a_write_changes_listens_for_its_event(client, org, acme):
    account = acme["account"]
    client.force_login(org.csm)
    page = account_page(client, account)
    names = {name for changes in panels.CHANGES.values() for name in changes.stored}
    names |= set(panels.RECOMPUTED)
    for name in names:
        listener = re.search(rf'id="{name}"[^>]* hx-trigger="{name}-changed from:body"', page)
        assert listener, f"#{name} does not listen for {name}-changed"


def test_a_page_drawn_while_a_recompute_waits_refreshes_its_numbers_once_it_is_done(
    client, org, acme
):
    account = acme["account"]
    RecomputeRequest.objects.create(account=account, requested_at=timezone.now())
    client.force_login(org.csm)
    poll = urlsplit(score_poll(client.get(section_url(account, "score"), headers=HTMX)))
    assert parse_qs(poll.query)["refresh"] == list(panels.RECOMPUTED)
    recompute.recompute_pending()
    card = client.get(poll.geturl(), headers=HTMX)
    assert refreshed(card) == set(panels.RECOMPUTED)


@pytest.mark.parametrize("name", WRITES)
def test_a_write_answers_in_the_same_number_of_queries_at_any_size(client, org, name):
    small = lived_in(org, org.account)
    large = lived_in(org, AccountFactory(team=org.team, owner=org.csm), people=12)
    client.force_login(org.csm)
    for account in (small["account"], large["account"]):
        panels_of(client, account)  # the catalogs are cached
    counts = []
    for rows in (small, large):
        url, data, section = write_request(name, rows)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, data, headers=HTMX).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries, then {counts[1]}"


@pytest.mark.parametrize("section", list(SECTIONS))
def test_each_section_asked_by_htmx_shows_an_account_only_to_who_may_see_it(client, org, section):
    """A section fetched by htmx reads its account by a statement built once and kept
    (core.db.kept): who may see it is still decided per request, by the reader's teams and
    role, and a reader who is deactivated sees nothing."""
    url = section_url(org.account, section)
    shown = {}
    for reader in (org.csm, org.manager, org.admin, org.outsider, org.teammate):
        client.force_login(reader)
        shown[reader.email] = client.get(url, headers={"HX-Request": "true"}).status_code
    assert shown == {
        org.csm.email: 200,
        org.manager.email: 200,
        org.admin.email: 200,
        org.outsider.email: 404,
        org.teammate.email: 200,
    }
    org.teammate.is_active = False
    org.teammate.save()
    signed_out = client.get(url, headers={"HX-Request": "true"})
    assert signed_out.headers["HX-Redirect"].startswith("/login/")
    assert "Acme" not in signed_out.text
    client.force_login(org.outsider)
    assert (
        client.get(
            section_url(org.other_account, section), headers={"HX-Request": "true"}
        ).status_code
        == 200
    )
