"""The gap board's bulk actions: the cases ticked moved to a state or given an owner, with a
transition, a history row and an event per case, only cases the user may see, and a summary."""

import pytest

from core.models import Event
from relationships.gaps.services import gap_case_move, gap_cases_move
from relationships.models import GapCase, GapTransition
from tests.factories import AccountFactory, GapCaseFactory, UserFactory

HTMX = {"HX-Request": "true", "HX-Target": "gap-board"}


def cases_of(org, count=3):
    return [
        GapCaseFactory(account=AccountFactory(name=f"Case {n}", team=org.team, owner=org.csm))
        for n in range(count)
    ]


def test_moving_cases_in_bulk_records_a_transition_and_an_event_each(client, org):
    first, second, third = cases_of(org)
    GapCase.objects.filter(pk=third.pk).update(state="acknowledged")
    client.force_login(org.csm)
    response = client.post(
        "/gaps/bulk/?team=",
        {"action": "move", "to": "acknowledged", "cases": [first.pk, second.pk, third.pk]},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="gap-board"' in response.text
    assert "2 cases moved to acknowledged; 1 skipped: already acknowledged." in response.text
    assert set(GapCase.objects.values_list("state", flat=True)) == {"acknowledged"}
    moves = GapTransition.objects.values_list("case", "from_state", "to_state", "by")
    assert sorted(moves) == [
        (first.pk, "detected", "acknowledged", org.csm.pk),
        (second.pk, "detected", "acknowledged", org.csm.pk),
    ]
    assert Event.objects.filter(kind="gap.moved").count() == 2
    assert [c.history.first().history_user for c in (first, second)] == [org.csm, org.csm]


def test_dismissing_in_bulk_needs_a_reason_and_writes_nothing_without(client, org):
    cases = cases_of(org, 2)
    client.force_login(org.csm)
    data = {"action": "move", "to": "dismissed", "cases": [c.pk for c in cases]}
    refused = client.post("/gaps/bulk/", data)
    assert refused.status_code == 422
    assert set(GapCase.objects.values_list("state", flat=True)) == {"detected"}
    assert GapTransition.objects.count() == 0
    done = client.post("/gaps/bulk/", {**data, "reason": "Seasonal dip"})
    assert done.url == "/gaps/"
    assert set(GapCase.objects.values_list("dismissed_reason", flat=True)) == {"Seasonal dip"}


def test_assigning_cases_in_bulk_and_refusing_an_owner_outside_the_team(client, org):
    cases = cases_of(org, 2)
    client.force_login(org.manager)
    data = {"action": "assign", "owner": org.teammate.pk, "cases": [c.pk for c in cases]}
    response = client.post("/gaps/bulk/", data)
    assert response.status_code == 302
    assert set(GapCase.objects.values_list("owner", flat=True)) == {org.teammate.pk}
    stranger = UserFactory(full_name="Sol Stranger")
    org.other_team.members.add(stranger)
    client.force_login(org.admin)
    refused = client.post("/gaps/bulk/", {**data, "owner": stranger.pk})
    assert refused.status_code == 422
    assert set(GapCase.objects.values_list("owner", flat=True)) == {org.teammate.pk}


def test_a_case_the_user_may_not_see_refuses_the_whole_post(client, org):
    mine = cases_of(org, 1)[0]
    theirs = GapCaseFactory(account=org.other_account)
    client.force_login(org.csm)
    data = {"action": "move", "to": "acknowledged", "cases": [mine.pk, theirs.pk]}
    assert client.post("/gaps/bulk/", data).status_code == 422
    assert set(GapCase.objects.values_list("state", flat=True)) == {"detected"}


def test_the_board_draws_a_box_per_case_in_the_bulk_form(client, org):
    case = cases_of(org, 1)[0]
    client.force_login(org.csm)
    page = client.get("/gaps/").text
    assert f'name="cases" value="{case.pk}" form="gap-bulk"' in page
    assert 'name="action" value="move"' in page


def trail(case) -> tuple:
    """What a move leaves of a case: its state and reason, its last transition, its history
    row's author, and its event (without the ids)."""
    case.refresh_from_db()
    step = case.transitions.last()
    event = Event.objects.filter(account_id=case.account_id).latest("pk")
    return (
        (case.state, case.dismissed_reason, case.closed_on, case.version),
        (step.from_state, step.to_state, step.by, step.note),
        case.history.first().history_user,
        (event.kind, event.summary.replace(case.account.name, "{account}"), event.actor_id),
        {**event.payload["gap_case"], "id": None},
    )


def test_a_card_moved_alone_or_in_bulk_leaves_the_same_trail(client, org):
    alone, in_bulk = cases_of(org, 2)
    client.force_login(org.csm)
    move = {"to": "dismissed", "reason": "Seasonal dip"}
    client.post(f"/gaps/{alone.pk}/move/", move)
    client.post("/gaps/bulk/", {"action": "move", "cases": [in_bulk.pk], **move})
    assert trail(alone) == trail(in_bulk)
    assert trail(alone)[1] == ("detected", "dismissed", org.csm, "Seasonal dip")


def test_a_case_moved_outside_a_request_keeps_its_mover_in_its_history(org):
    case = cases_of(org, 1)[0]
    gap_case_move(case=case, to="acknowledged", by=org.manager)
    assert case.history.first().history_user == org.manager


@pytest.mark.parametrize("count", [1, 10])
def test_moving_one_case_or_many_costs_the_same_queries(org, count, django_assert_num_queries):
    """The rows held, written, their history rows, the transitions, then the events (who sees
    them, the events, the webhooks and chat hooks that want them; the accounts came with the
    cases), and the savepoint of the transaction."""
    cases = cases_of(org, count)
    with django_assert_num_queries(9):
        moves = gap_cases_move(cases=cases, to="acknowledged", by=org.csm)
    assert len(moves.moved) == count
    assert GapTransition.objects.count() == Event.objects.filter(kind="gap.moved").count() == count
