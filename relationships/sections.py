"""The account page's sections that relationships serves (people, activity, score, gaps,
competitors, goals). After a write, a section comes back with the score card out of band when a
score recompute follows, and has the other panels the write changed fetch themselves again
(accounts.panels)."""

from accounts import panels
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
