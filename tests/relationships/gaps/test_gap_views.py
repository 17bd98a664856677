"""The gap board and the case page: working a case, refused moves, and who sees what."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from relationships.models import GapCase, GapTransition, ScoringConfiguration
from tests.factories import AccountFactory, GapActionFactory, GapCaseFactory, UserFactory
from tests.pages import section_url

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
    # user, filter choices (teams, owners), the cases with accounts, their checklists' progress
    with django_assert_num_queries(5):
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
    case = GapCaseFactory(account=org.account, converged=True)
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
    response = client.post(f"/gaps/{case.pk}/move/", {"to": "resolved"})
    assert response.status_code == 422
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
    assert response.status_code == 422
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
    org.account.customer_voice, org.account.product_usage = 0.3, -0.2
    org.account.gap_size = 0.5
    org.account.save()
    case = GapCaseFactory(account=org.account, converged=True)
    client.force_login(org.csm)
    response = client.get(f"/gaps/{case.pk}/")
    assert 'data-factor="customer_voice">+0.30' in response.text
    assert 'data-factor="product_usage">-0.20' in response.text
    assert "CSM perception unknown" in response.text
    assert "Confirm resolution" in response.text
    assert (
        "The gap has closed: the spread fell below 0.60, where the factors agree, and has not "
        "reached the threshold of 0.80 since."
    ) in response.text
    assert "Spread <strong>0.50</strong>" in response.text
    assert "below 0.60, so the factors agree." in response.text


@pytest.mark.parametrize(
    ("spread", "words"),
    [
        (1.15, "at or above the threshold of 0.80, so the factors disagree."),
        (0.75, "below the threshold of 0.80 but not below 0.60, so the factors do not agree yet."),
    ],
)
def test_case_page_says_the_spread_the_threshold_and_what_agree_means(client, org, spread, words):
    org.account.gap_size = spread
    org.account.save()
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    text = " ".join(client.get(f"/gaps/{case.pk}/").text.split())
    assert (
        f"Spread <strong>{spread:.2f}</strong>, the highest factor minus the lowest: {words}"
        in text
    )
    assert (
        "They <em>agree</em> when the spread is below 0.60: the threshold less a margin of 0.20"
    ) in text
    assert "factors agree again" not in text
    assert "Confirm resolution" not in text


def test_case_page_follows_the_configured_thresholds(client, org):
    ScoringConfiguration.objects.create(gap_threshold="0.90", gap_close_margin="0.30")
    org.account.gap_size = 0.7
    org.account.save()
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    text = client.get(f"/gaps/{case.pk}/").text
    assert "below the threshold of 0.90 but not below 0.60" in text


def test_resolving_while_the_gap_is_open_needs_a_reason_and_writes_nothing_without(client, org):
    case = GapCaseFactory(account=org.account)  # not converged: the factors still disagree
    client.force_login(org.csm)
    response = client.post(f"/gaps/{case.pk}/move/", {"to": "resolved", "note": "Done"})
    assert response.status_code == 422
    assert response.context["move_form"].errors == {
        "reason": ["The gap is still open: say why the case is resolved anyway."]
    }
    assert "The gap is still open: say why the case is resolved anyway." in response.text
    case.refresh_from_db()
    assert (case.state, case.closed_on, case.version) == ("detected", None, 0)
    assert not GapTransition.objects.exists()

    client.post(
        f"/gaps/{case.pk}/move/",
        {"to": "resolved", "reason": "They are moving to the new plan.", "note": "Call in May."},
    )
    case.refresh_from_db()
    assert (case.state, case.closed_on) == ("resolved", timezone.localdate())
    step = GapTransition.objects.get()
    assert step.note == "They are moving to the new plan.\nCall in May."


def test_board_offers_resolving_only_once_the_gap_has_closed(client, org):
    GapCaseFactory(account=org.account)
    other = AccountFactory(name="Initech", team=org.team, owner=org.csm)
    GapCaseFactory(account=other, converged=True)
    client.force_login(org.csm)
    response = client.get("/gaps/")
    (detected,) = [c for c in response.context["columns"] if c["state"] == "detected"]
    targets = {case.account.name: dict(case.targets) for case in detected["cases"]}
    assert "resolved" not in targets["Acme"]
    assert targets["Initech"]["resolved"] == "Resolved"


def test_case_history_shows_a_reclassification_as_such(client, org):
    case = GapCaseFactory(account=org.account, state="investigating")
    case.transitions.create(
        from_state="investigating",
        to_state="investigating",
        at=timezone.now(),
        note="Reclassified: Factors disagree → Uses it, needs unmet.",
    )
    client.force_login(org.csm)
    text = client.get(f"/gaps/{case.pk}/").text
    assert "Investigating → " not in text
    assert "Reclassified: Factors disagree → Uses it, needs unmet." in text


def test_account_gap_panel_says_no_open_case_and_where_the_spread_stands(client, org):
    org.account.customer_voice, org.account.product_usage = 0.45, -0.3
    org.account.gap_size = 0.75
    org.account.save()
    client.force_login(org.csm)
    text = client.get(section_url(org.account, "gaps")).text
    assert "No open gap: the factors agree." not in text
    assert "No open case." in text
    assert "below the threshold of 0.80 but not below 0.60, so the factors do not agree yet" in text


def test_account_page_shows_its_open_gap_and_playbook(client, org):
    GapCaseFactory(account=org.account, gap_class="uses_needs_unmet")
    client.force_login(org.csm)
    response = client.get(section_url(org.account, "gaps"))
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
    from relationships.gaps import selectors

    for n in range(selectors.BOARD_COLUMN_CARDS + 3):
        GapCaseFactory(account=AccountFactory(team=org.team, owner=org.csm, name=f"A{n:02d}"))
    client.force_login(org.csm)
    response = client.get("/gaps/")
    (detected,) = [c for c in response.context["columns"] if c["state"] == "detected"]
    assert len(detected["cases"]) == selectors.BOARD_COLUMN_CARDS
    assert detected["cases"][0].account.name == "A00"  # the oldest first
    assert (detected["total"], detected["more"]) == (selectors.BOARD_COLUMN_CARDS + 3, 3)
    assert "and 3 more, newer" in response.text


def test_board_counts_each_column_within_the_filters(client, org):
    """The board reads only the cards it shows, numbered and counted per state after the
    filters: the newest cases of a long column, past its cards, are the first of an owner's."""
    from relationships.gaps import selectors

    cards = selectors.BOARD_COLUMN_CARDS
    for n in range(cards + 3):
        GapCaseFactory(account=AccountFactory(team=org.team, owner=org.csm, name=f"A{n:02d}"))
    for n in range(3):
        GapCaseFactory(account=AccountFactory(team=org.team, owner=org.teammate, name=f"T{n}"))
    GapCaseFactory(account=org.account, state="investigating")
    client.force_login(org.manager)

    def shown(**filters):
        columns = client.get("/gaps/", filters).context["columns"]
        return {c["state"]: (len(c["cases"]), c["total"], c["more"]) for c in columns}

    everyone = shown()
    assert everyone["detected"] == (cards, cards + 6, 6)
    assert everyone["investigating"] == (1, 1, 0)
    assert everyone["resolved"] == (0, 0, 0)
    teammate = shown(owner=org.teammate.pk)
    assert teammate["detected"] == (3, 3, 0)
    assert teammate["investigating"] == (0, 0, 0)
    response = client.get("/gaps/", {"owner": org.teammate.pk})
    assert board_cards(response)["detected"] == ["T0", "T1", "T2"]


MARK = (
    r'<g class="factor factor-(\w+)"><title>([^<]+)</title><circle cx="([\d.]+)" cy="15" r="7"/>'
    r'<text x="([\d.]+)" y="18.5" text-anchor="middle">(\w)</text></g>'
)


def test_board_cards_and_the_case_page_draw_the_known_factors_on_the_scale(client, org):
    org.account.customer_voice, org.account.product_usage = 0.3, -0.2
    org.account.save()
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    scale = (
        '<svg class="gap-factors" viewBox="0 0 220 30" role="img" aria-label="Customer voice'
        ' +0.30, Product usage -0.20, CSM perception unknown (−1 unhappy to +1 happy)">'
    )
    for url in ("/gaps/", f"/gaps/{case.pk}/", f"/accounts/{org.account.pk}/gaps/"):
        text = client.get(url).text
        assert text.count(scale) == 1, url
        assert text.count('<g class="factor ') == 2, url  # none for the unknown factor
        marks = re.findall(MARK, text)
        assert marks == [
            ("customer_voice", "Customer voice +0.30", "140.0", "140.0", "V"),
            ("product_usage", "Product usage -0.20", "90.0", "90.0", "U"),
        ], url


def test_a_board_card_counts_its_own_checklist_done_and_in_all(client, org):
    busy = GapCaseFactory(account=org.account)
    GapActionFactory(case=busy, done_at=timezone.now())
    GapActionFactory(case=busy, done_at=timezone.now())
    idle = GapCaseFactory(account=AccountFactory(team=org.team, owner=org.csm, name="Initech"))
    idle.actions.all().delete()
    client.force_login(org.csm)
    text = client.get("/gaps/").text

    def progress(case):
        card = text.split(f'id="gap-case-{case.pk}"')[1].split("</article>")[0]
        return re.search(r"(\d+)/(\d+) actions", card).groups()

    assert progress(busy) == ("2", "3")
    assert progress(idle) == ("0", "0")


def test_a_board_card_shows_its_owner_age_due_day_progress_and_a_move_form(client, org):
    due = timezone.localdate() + dt.timedelta(days=9)
    case = GapCaseFactory(
        account=org.account, owner=org.teammate, due_on=due, converged=True,
        opened_at=timezone.now() - dt.timedelta(days=3),
    )  # fmt: skip
    client.force_login(org.csm)
    response = client.get("/gaps/")
    card = response.text.split(f'id="gap-case-{case.pk}"')[1].split("</article>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert f"{org.teammate} · opened 3 days ago · due {due.day} {due:%b %Y} · 0/1 actions" in text
    assert "Gap closed: confirm resolution" in text
    token = response.context["csrf_token"]
    assert f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">' in card
    assert f'action="/gaps/{case.pk}/move/?"' in card
    assert '<svg class="gap-factors"' in card
