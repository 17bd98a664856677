"""Search across everything (desk.selectors.search and /search/), on whichever database the
suite runs: SQLite by default, PostgreSQL's full-text search with DATABASE_URL=postgres://..."""

import pytest
from django.urls import reverse

from desk.selectors import search
from desk.terms import highlight, prefix_tsquery, terms
from relationships.models import GapCase
from tests.capture.factories import captured_interaction
from tests.factories import (
    AccountFactory,
    FeedbackItemFactory,
    GapCaseFactory,
    InteractionFactory,
    MomentFactory,
    OpenItemFactory,
    StakeholderFactory,
)


def found(user, text, kind=""):
    return [(r.kind, r.heading, r.body) for r in search(user=user, text=text, kind=kind).top(100)]


# --- reading the query (pure) -------------------------------------------------------------------


def test_terms_keep_words_only_so_tsquery_syntax_never_reaches_the_database():
    assert terms("a & | ! :* (b) 'c' <-> d_e") == ["a", "b", "c", "d", "e"]
    assert terms("Omar  PET omar") == ["omar", "pet"]
    assert terms("") == terms("!!! ::: ***") == []


def test_terms_keep_at_most_eight_words_of_forty_letters():
    assert terms(" ".join(f"w{n}" for n in range(20))) == [f"w{n}" for n in range(8)]
    assert terms("x" * 100) == ["x" * 40]


def test_prefix_tsquery_asks_for_every_word_as_a_prefix():
    assert prefix_tsquery(["omar", "pet"]) == "omar:* & pet:*"


def test_highlight_marks_words_that_start_with_a_term():
    pieces = highlight("Called Omar Petrov about the outage", ["pet", "out"])
    assert pieces == [
        ("Called Omar ", False),
        ("Petrov", True),
        (" about the ", False),
        ("outage", True),
    ]


def test_highlight_does_not_mark_a_term_inside_a_word():
    assert highlight("a trumpet", ["pet"]) == [("a trumpet", False)]


def test_highlight_cuts_a_window_around_the_first_match():
    text = "word " * 100 + "outage " + "word " * 100
    pieces = highlight(text, ["outage"], width=60)
    assert pieces[0] == ("… ", False)
    assert pieces[-1] == (" …", False)
    assert ("outage", True) in pieces
    assert sum(len(piece) for piece, _ in pieces[1:-1]) <= 60


# --- what is searched ---------------------------------------------------------------------------


def test_search_finds_a_person_by_the_start_of_each_name(org):
    StakeholderFactory(account=org.account, name="Omar Petrov", title="CTO")
    StakeholderFactory(account=org.account, name="Omar Said", title="CFO")
    assert found(org.csm, "omar pet") == [("person", "Omar Petrov", "CTO ")]


def test_search_finds_a_person_by_title_and_email(org):
    StakeholderFactory(account=org.account, name="Ann Lee", title="Head of Procurement")
    StakeholderFactory(account=org.account, name="Bo Chu", email="bo.chu@acme.example")
    assert [h for _, h, _ in found(org.csm, "procure")] == ["Ann Lee"]
    assert [h for _, h, _ in found(org.csm, "bo chu acme")] == ["Bo Chu"]


def test_search_finds_accounts_by_name_domain_and_segment(org):
    AccountFactory(team=org.team, name="Initech", domain="initech.example", segment="enterprise")
    assert [h for _, h, _ in found(org.csm, "initech")] == ["Initech"]
    assert [h for _, h, _ in found(org.csm, "enterpr")] == ["Initech"]


def test_search_finds_every_kind_of_text(org):
    InteractionFactory(account=org.account, summary="Call about the outage and the RCA")
    MomentFactory(account=org.account, note="Outage on go-live day")
    OpenItemFactory(account=org.account, title="Send the outage RCA")
    FeedbackItemFactory(account=org.account, text="The outage hurt us")
    GapCaseFactory(account=org.account, notes="Outage made the champion cool")
    kinds = sorted(kind for kind, _, _ in found(org.csm, "outage"))
    assert kinds == ["feedback", "gap", "interaction", "moment", "open_item"]


def test_search_finds_captured_interactions_and_links_to_the_captured_message(org):
    message = captured_interaction(org.account, subject="Quarterly review agenda")
    [result] = search(user=org.csm, text="quarterly agenda").top(10)
    assert (result.kind, result.heading) == ("interaction", "Captured from email")
    assert result.url == reverse("captured_message", args=[message.interaction_id])


def test_search_requires_every_word(org):
    InteractionFactory(account=org.account, summary="Renewal call")
    InteractionFactory(account=org.account, summary="Renewal email")
    assert [b for _, _, b in found(org.csm, "renewal call")] == ["Renewal call"]


def test_search_kind_keeps_one_kind(org):
    StakeholderFactory(account=org.account, name="Renata Outage")
    InteractionFactory(account=org.account, summary="Outage call")
    assert [k for k, _, _ in found(org.csm, "outage", kind="person")] == ["person"]
    assert [k for k, _, _ in found(org.csm, "outage", kind="interaction")] == ["interaction"]


def test_search_without_words_finds_nothing_and_asks_nothing(org, django_assert_num_queries):
    StakeholderFactory(account=org.account, name="Omar Petrov")
    with django_assert_num_queries(0):
        results = search(user=org.csm, text=" :* & ! ")
        assert results.top(10) == []
        assert results.page(1, 20).count == 0


def test_results_link_to_where_each_thing_is_worked(org):
    person = StakeholderFactory(account=org.account, name="Zed Quill")
    case = GapCaseFactory(account=org.account, notes="Zed is cooling")
    FeedbackItemFactory(account=org.account, text="Zed says thanks")
    OpenItemFactory(account=org.account, title="Zed wants a demo")
    urls = {r.kind: r.url for r in search(user=org.csm, text="zed").top(10)}
    assert urls == {
        "person": reverse("stakeholder_detail", args=[person.pk]),
        "gap": reverse("gap_detail", args=[case.pk]),
        "feedback": reverse("account_surveys", args=[org.account.pk]),
        "open_item": reverse("account_activity", args=[org.account.pk]),
    }


def test_a_gap_case_result_is_named_by_its_class_and_account(org):
    GapCaseFactory(account=org.account, notes="Sponsor silent")
    [result] = search(user=org.csm, text="sponsor").top(10)
    assert result.heading == GapCase.objects.get().get_gap_class_display()
    assert result.account == "Acme"


# --- only what the user may see -----------------------------------------------------------------


def outsider_data(org):
    """One of everything on the other team's account, all saying 'secretword'."""
    account = org.other_account
    StakeholderFactory(account=account, name="Secretword Person", email="secretword@x.example")
    InteractionFactory(account=account, summary="secretword call")
    MomentFactory(account=account, note="secretword moment")
    OpenItemFactory(account=account, title="secretword promise")
    FeedbackItemFactory(account=account, text="secretword feedback")
    GapCaseFactory(account=account, notes="secretword notes")
    captured_interaction(account, subject="secretword subject")
    account.name = account.domain = "secretword"
    account.save()


def test_search_never_shows_what_another_team_has(org):
    outsider_data(org)
    assert found(org.csm, "secretword") == []
    assert found(org.manager, "secretword") == []
    assert len(found(org.outsider, "secretword")) == 8
    assert len(found(org.admin, "secretword")) == 8


def test_search_page_never_shows_what_another_team_has(client, org):
    outsider_data(org)
    client.force_login(org.csm)
    for kind in ["", "account", "person", "interaction", "moment", "open_item", "feedback", "gap"]:
        response = client.get(reverse("search"), {"q": "secretword", "kind": kind})
        assert "Secretword" not in response.text
        assert "secretword call" not in response.text
        assert "Nothing found" in response.text
        dropdown = client.get(
            reverse("search"),
            {"q": "secretword", "kind": kind},
            headers={"HX-Request": "true", "HX-Target": "search-suggestions"},
        )
        assert "Nothing found for" in dropdown.text
        assert "Secretword P" not in dropdown.text


# --- the page and the dropdown ------------------------------------------------------------------


def test_search_page_shows_kind_account_snippet_and_link(client, org):
    person = StakeholderFactory(account=org.account, name="Omar Petrov", title="VP Operations")
    client.force_login(org.csm)
    response = client.get(reverse("search"), {"q": "omar pet"})
    assert response.status_code == 200
    html = response.text
    assert '<span class="badge search-kind-person">Person</span>' in html
    assert "<mark>Omar</mark> <mark>Petrov</mark>" in html
    assert f'href="{reverse("stakeholder_detail", args=[person.pk])}"' in html
    assert ">Acme</a>" in html
    assert "1 result, best first." in html


def test_search_page_paginates(client, org):
    for n in range(25):
        InteractionFactory(account=org.account, summary=f"Weekly sync {n}")
    client.force_login(org.csm)
    first = client.get(reverse("search"), {"q": "weekly"})
    second = client.get(reverse("search"), {"q": "weekly", "page": 2})
    assert first.text.count("<mark>Weekly</mark>") == 20
    assert second.text.count("<mark>Weekly</mark>") == 5
    assert "Page 2 of 2" in second.text


def test_search_page_without_a_query_invites_one(client, org):
    client.force_login(org.csm)
    response = client.get(reverse("search"))
    assert "Search everything" in response.text


def test_search_dropdown_is_the_top_results_only(client, org):
    for n in range(12):
        StakeholderFactory(account=org.account, name=f"Kim Number{n}")
    client.force_login(org.csm)
    response = client.get(
        reverse("search"),
        {"q": "kim"},
        headers={"HX-Request": "true", "HX-Target": "search-suggestions"},
    )
    assert "<html" not in response.text
    assert "<h1" not in response.text
    assert response.text.count("search-kind-person") == 8
    assert 'href="/search/?q=kim"' in response.text


def test_search_escapes_stored_markup(client, org):
    StakeholderFactory(account=org.account, name="<script>alert(1)</script> Eve")
    client.force_login(org.csm)
    for headers in ({}, {"HX-Request": "true", "HX-Target": "search-suggestions"}):
        response = client.get(reverse("search"), {"q": "eve"}, headers=headers)
        assert "<script>alert(1)" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Eve</mark>" in response.text


def test_navigation_bar_has_the_search_box_that_gets_the_dropdown(client, org):
    client.force_login(org.csm)
    html = client.get(reverse("home")).text
    assert 'action="/search/"' in html
    assert 'name="q"' in html
    assert 'hx-get="/search/"' in html
    assert 'hx-target="#search-suggestions"' in html
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert '<label class="visually-hidden" for="nav-search">' in html


@pytest.mark.parametrize("q", ["a & | ! :*", "'", "\\", "((", "x" * 5000, "🙂 été", "\x00"])
def test_search_answers_any_text(client, org, q):
    client.force_login(org.csm)
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    assert 'name="q"' in response.text


def test_the_worked_example_of_docs_search(org):
    """docs/search.md, "A worked example", on either database."""
    StakeholderFactory(account=org.account, name="Omar Petrov", title="CTO")
    InteractionFactory(account=org.account, summary="Omar Petrov asked for the outage RCA")
    OpenItemFactory(account=org.account, title="Send the RCA to Omar")
    results = search(user=org.csm, text="omar pet").top(10)
    assert [(r.label, r.heading, r.account) for r in results] == [
        ("Person", "Omar Petrov", "Acme"),
        ("Interaction", "Logged", "Acme"),
    ]
    assert ("Omar", True) in results[1].snippet
    assert sorted(r.label for r in search(user=org.csm, text="rca").top(10)) == [
        "Interaction",
        "Open item",
    ]


def test_each_kind_ranks_only_its_newest_matches(org, monkeypatch):
    monkeypatch.setattr("desk.selectors.CANDIDATES", 3)
    for n in range(5):
        InteractionFactory(account=org.account, summary=f"Weekly sync {n}")
    StakeholderFactory(account=org.account, name="Weekly Person")
    page = search(user=org.csm, text="weekly").page(1, 20)
    assert page.count == 4
    assert sorted(r.body for r in page.object_list if r.kind == "interaction") == [
        "Weekly sync 2",
        "Weekly sync 3",
        "Weekly sync 4",
    ]


def test_a_page_past_the_last_is_the_last_page(org):
    for n in range(25):
        InteractionFactory(account=org.account, summary=f"Weekly sync {n}")
    page = search(user=org.csm, text="weekly").page(99, 20)
    assert (page.number, page.num_pages, len(page.object_list)) == (2, 2, 5)
