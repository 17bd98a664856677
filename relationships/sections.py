"""The account page's sections that relationships serves (people, activity, score, gaps,
competitors, goals). After a write, a section comes back with the score card out of band when a
score recompute follows, and has the other panels the write changed fetch themselves again
(accounts.panels). The competitors section is drawn here: it shows positioning's standings and
activity's form to log a rating."""

from django.utils import timezone

from accounts import panels
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


def competitor_rating_form(account, data=None) -> CompetitorRatingForm:
    """The competitors section's form to add a rating: bound to `data`, or blank and offering
    the account's active people."""
    if data is not None:
        return CompetitorRatingForm(data, account=account, choices=activity_choices(account))
    people = Stakeholder.objects.filter(account=account, status=Stakeholder.Status.ACTIVE)
    choices = ActivityChoices(
        stakeholders=list(people.only("pk", "name")),
        channels=[], touchpoints=[], moment_types=[],
    )  # fmt: skip
    initial = {"rated_on": timezone.localdate()}
    return CompetitorRatingForm(account=account, choices=choices, initial=initial)


def render_competitors(request, account, *, rating_form=None, status=200, changes=None):
    """The competitors section: the account's standing against competitors and the form to
    add a rating (blank, or `rating_form` with its errors)."""
    if rating_form is None:
        rating_form = competitor_rating_form(account)
    competition = account_competitors(account)
    offer(rating_form.fields["dimension"], competition["dimensions"], "—")
    context = {"competition": competition, "rating_form": rating_form}
    return render_section(
        request, "relationships/account_competitors.html", account, context,
        panel="competitors", status=status, changes=changes,
    )  # fmt: skip
