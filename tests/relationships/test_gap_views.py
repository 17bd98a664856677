"""The gap board and the case page: working a case, refused moves, and who sees what."""

import pytest
from django.utils import timezone

from relationships.models import GapCase, GapTransition
from tests.factories import AccountFactory, GapCaseFactory, UserFactory

HTMX = {"HX-Request": "true", "HX-Target": "gap-board"}


def board_cards(response) -> dict[str, list[str]]:
    return {
        column["state"]: [case.account.name for case in column["cases"]]
        for column in response.context["columns"]
    }


def test_board_shows_cases_in_columns_by_state(client, org):
    GapCaseFactory(account=org.account, gap_class="says_happy_usage_down")
    other = AccountFactory(name="Initech", team=org.team, owner=org.teammate)
    GapCaseFactory(account=other, state="investigating")
    client.force_login(org.csm)
    response = client.get("/gaps/")
    cards = board_cards(response)
    assert cards["detected"] == ["Acme"]
    assert cards["investigating"] == ["Initech"]
    assert "Says happy, usage down" in response.text
    assert "0/1 actions" in response.text


def test_board_filters_by_owner_and_class_in_place(client, org):
    GapCaseFactory(account=org.account, gap_class="generic")
    other = AccountFactory(name="Initech", team=org.team, owner=org.teammate)
    GapCaseFactory(account=other, gap_class="uses_needs_unmet")
    client.force_login(org.csm)
    response = client.get("/gaps/", {"owner": org.teammate.pk}, headers=HTMX)
    assert response.text.lstrip().startswith('<div id="gap-board"')
    assert board_cards(response)["detected"] == ["Initech"]
    response = client.get("/gaps/", {"gap_class": "generic"})
    assert board_cards(response)["detected"] == ["Acme"]


def test_board_shows_outsiders_none_of_another_teams_cases(client, org):
    GapCaseFactory(account=org.account)
    client.force_login(org.outsider)
    response = client.get("/gaps/")
    assert all(not cases for cases in board_cards(response).values())
    assert "Acme" not in response.text


def test_board_empty_columns_say_so(client, org):
    client.force_login(org.csm)
    assert client.get("/gaps/").text.count("No cases.") == len(GapCase.State.values)


@pytest.mark.parametrize("cases", [1, 12])
def test_board_query_count_is_the_same_at_any_size(client, org, django_assert_num_queries, cases):
    for n in range(cases):
        GapCaseFactory(account=AccountFactory(team=org.team, owner=org.csm, name=f"A{n}"))
    client.force_login(org.csm)
    # user, filter choices (teams, owners), the cases with accounts and progress
    with django_assert_num_queries(4):
        response = client.get("/gaps/")
    assert len(board_cards(response)["detected"]) == cases


def test_moving_a_card_on_the_board_updates_it_in_place(client, org):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(
        f"/gaps/{case.pk}/move/?owner={org.csm.pk}",
        {"to": "investigating", "from": "board"},
        headers=HTMX,
    )
    assert response.text.lstrip().startswith('<div id="gap-board"')
    assert board_cards(response)["investigating"] == ["Acme"]
    assert "is now investigating" in response.text
    step = GapTransition.objects.get(case=case, by=org.csm)
    assert (step.from_state, step.to_state) == ("detected", "investigating")


def test_working_a_case_to_resolution_keeps_its_history(client, org):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    for state in ("acknowledged", "action_planned"):
        client.post(f"/gaps/{case.pk}/move/", {"to": state, "note": f"now {state}"})
    response = client.post(f"/gaps/{case.pk}/move/", {"to": "resolved"}, follow=True)
    case.refresh_from_db()
    assert (case.state, case.closed_on) == ("resolved", timezone.localdate())
    assert [s.to_state for s in response.context["trail"]] == [
        "acknowledged",
        "action_planned",
        "resolved",
    ]
    assert "now action_planned" in response.text
    assert "Move the case" not in response.text  # a resolved case is not moved by hand


def test_resolving_a_dismissed_case_is_refused_with_a_message(client, org):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    client.post(f"/gaps/{case.pk}/move/", {"to": "dismissed", "reason": "Seasonal dip"})
    response = client.post(f"/gaps/{case.pk}/move/", {"to": "resolved"}, follow=True)
    case.refresh_from_db()
    assert (case.state, case.dismissed_reason) == ("dismissed", "Seasonal dip")
    assert "was dismissed; it cannot be resolved" in response.text
    assert GapTransition.objects.filter(case=case).count() == 1


def test_dismissing_needs_a_reason(client, org):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(f"/gaps/{case.pk}/move/", {"to": "dismissed", "reason": "  "})
    assert response.status_code == 422
    assert "Say why the case is dismissed." in response.text
    case.refresh_from_db()
    assert case.state == "detected"


def test_a_refused_move_on_the_board_changes_nothing_and_says_why(client, org):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(
        f"/gaps/{case.pk}/move/", {"to": "detected", "from": "board"}, headers=HTMX
    )
    assert "Select a valid choice. detected is not one of the available choices." in response.text
    case.refresh_from_db()
    assert case.state == "detected"


def test_acting_on_another_teams_case_is_404(client, org):
    case = GapCaseFactory(account=org.other_account)
    action = case.actions.get()
    client.force_login(org.csm)
    assert client.get(f"/gaps/{case.pk}/").status_code == 404
    assert client.post(f"/gaps/{case.pk}/move/", {"to": "resolved"}).status_code == 404
    assert client.post(f"/gaps/actions/{action.pk}/toggle/").status_code == 404
    case.refresh_from_db()
    action.refresh_from_db()
    assert (case.state, action.done_at) == ("detected", None)


def test_ticking_off_a_playbook_action_in_place(client, org):
    case = GapCaseFactory(account=org.account)
    action = case.actions.get()
    client.force_login(org.csm)
    response = client.post(f"/gaps/actions/{action.pk}/toggle/", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<li class="list-group-item')
    assert "Undo" in response.text
    action.refresh_from_db()
    assert action.done_by == org.csm
    client.post(f"/gaps/actions/{action.pk}/toggle/")
    action.refresh_from_db()
    assert (action.done_at, action.done_by) == (None, None)


def test_reassigning_a_case_within_the_team_only(client, org):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(
        f"/gaps/{case.pk}/edit/",
        {"owner": org.outsider.pk, "due_on": "2026-12-24", "notes": "", "version": case.version},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.text
    client.post(
        f"/gaps/{case.pk}/edit/",
        {
            "owner": org.teammate.pk,
            "due_on": "2026-12-24",
            "notes": "Ask about the QBR.",
            "version": case.version,
        },
    )
    case.refresh_from_db()
    assert (case.owner, str(case.due_on), case.notes) == (
        org.teammate,
        "2026-12-24",
        "Ask about the QBR.",
    )


def test_case_page_shows_the_factors_and_a_converged_gap(client, org):
    org.account.customer_voice, org.account.product_usage = 0.8, -0.45
    org.account.save()
    case = GapCaseFactory(account=org.account, converged=True)
    client.force_login(org.csm)
    response = client.get(f"/gaps/{case.pk}/")
    assert 'data-factor="customer_voice">+0.80' in response.text
    assert 'data-factor="product_usage">-0.45' in response.text
    assert "CSM perception unknown" in response.text
    assert "Confirm resolution" in response.text


def test_account_page_shows_its_open_gap_and_playbook(client, org):
    GapCaseFactory(account=org.account, gap_class="uses_needs_unmet")
    client.force_login(org.csm)
    response = client.get(org.account.get_absolute_url())
    assert "Uses it, needs unmet" in response.text
    assert "They rely on the product but it does not meet their needs" in response.text
    assert "Next action" in response.text


def test_notes_are_escaped(client, org):
    case = GapCaseFactory(account=org.account, notes="<script>alert(1)</script>")
    user = UserFactory()
    org.team.members.add(user)
    client.force_login(user)
    response = client.get(f"/gaps/{case.pk}/")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_board_shows_the_oldest_cards_of_a_long_column_and_counts_the_rest(client, org, settings):
    from relationships import selectors

    for n in range(selectors.BOARD_COLUMN_CARDS + 3):
        GapCaseFactory(account=AccountFactory(team=org.team, owner=org.csm, name=f"A{n:02d}"))
    client.force_login(org.csm)
    response = client.get("/gaps/")
    (detected,) = [c for c in response.context["columns"] if c["state"] == "detected"]
    assert len(detected["cases"]) == selectors.BOARD_COLUMN_CARDS
    assert detected["cases"][0].account.name == "A00"  # the oldest first
    assert (detected["total"], detected["more"]) == (selectors.BOARD_COLUMN_CARDS + 3, 3)
    assert "and 3 more, newer" in response.text
