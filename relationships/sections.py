"""The account page's sections that relationships serves (people, activity, score, gaps,
competitors, goals). After a write, a section comes back with the score card out of band when a
score recompute follows, and has the other panels the write changed fetch themselves again
(accounts.panels). The competitors section is drawn here: it shows positioning's standings and
activity's form to log a rating."""

from django.utils import timezone

from accounts import panels
from accounts.models import Account, Competitor
from core.forms import offer
from relationships.activity.forms import ActivityChoices, CompetitorRatingForm
from relationships.activity.selectors import activity_choices
from relationships.models import Stakeholder
from relationships.positioning.selectors import account_competitors
from relationships.scoring.selectors import account_score_card


def score_context(account, waiting) -> dict:
    """The score card. While a recompute is pending it polls, and has the `waiting` panels
    fetched again once the recompute is done; otherwise it fetches itself again on
    "score-changed", then has every panel showing the recompute's numbers fetched again."""
    card = account_score_card(account)
    context = {"score": card}
    if card["pending"]:
        context["score_poll_url"] = panels.score_poll_url(account, waiting)
    else:
        context["score_refresh_url"] = panels.score_poll_url(account, panels.RECOMPUTED)
    return context


def render_section(
    request, template, account, context, *, panel, partial="section", status=200, changes=None
):
    """The section `panel` from `template` (accounts.panels.render_section); `changes` are
    what the write before it changed."""
    context = dict(context)
    refreshed = []
    if changes and request.htmx:
        if changes.recomputed:
            context.update(score_context(account, changes.recomputed))
        pending = "score" in context and context["score"]["pending"]
        refreshed = panels.refreshed_now(changes, recomputed=not pending, shown=panel)
    return panels.render_section(
        request, template, account, context, partial=partial, status=status, refreshed=refreshed
    )


def competitor_rating_form(account, data=None, *, competitors=()) -> CompetitorRatingForm:
    """The competitors section's form to add a rating: bound to `data`, or blank and offering
    the account's active people and the `competitors` read already."""
    if data is not None:
        return CompetitorRatingForm(data, account=account, choices=activity_choices(account))
    people = Stakeholder.objects.filter(account=account, status=Stakeholder.Status.ACTIVE)
    choices = ActivityChoices(
        stakeholders=list(people.only("pk", "name")),
        channels=[], touchpoints=[], moment_types=[],
    )  # fmt: skip
    initial = {"rated_on": timezone.localdate()}
    form = CompetitorRatingForm(account=account, choices=choices, initial=initial)
    offer(form.fields["competitor"], competitors, form.fields["competitor"].empty_label)
    return form


def render_competitors(request, account, *, rating_form=None, status=200, changes=None):
    """The competitors section: the account's standing against competitors and the form to
    add a rating (blank, or `rating_form` with its errors). An account read without its
    leader (a section's GET by htmx) has it from the competitors the blank form offers."""
    if rating_form is None:
        competitors = list(Competitor.objects.all())
        rating_form = competitor_rating_form(account, competitors=competitors)
        if not Account.leading_competitor.is_cached(account):
            leader = {c.pk: c for c in competitors}.get(account.leading_competitor_id)
            Account.leading_competitor.field.set_cached_value(account, leader)
    competition = account_competitors(account)
    offer(rating_form.fields["dimension"], competition["dimensions"], "—")
    context = {"competition": competition, "rating_form": rating_form}
    return render_section(
        request, "relationships/account_competitors.html", account, context,
        panel="competitors", status=status, changes=changes,
    )  # fmt: skip
