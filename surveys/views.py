"""Survey pages: campaigns for CSMs and managers (list, create with preview, report), the
feedback loop's actions, and the public pages a stakeholder reaches from an email link."""

import contextlib
import datetime as dt
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import panels
from accounts.models import Competitor
from core.idempotency import AlreadySubmitted, submission_answer, submission_claim
from core.mail.outbox import Rendered, email_render
from core.pagecache import cached_page
from core.paging import page_number
from relationships.activity.voice import feedback_acknowledge, feedback_act
from surveys.forms import CampaignForm, FeedbackActionForm, SurveyForm
from surveys.models import InvitationToken, SurveyTemplate
from surveys.questions import answerable
from surveys.ratelimit import survey_rate_exceeded
from surveys.selectors import (
    account_surveys,
    campaign_audience_described,
    campaign_report,
    campaigns_for_list,
    get_campaign_for_user,
    get_feedback_for_user,
    invitation_for_token,
    question_specs,
)
from surveys.services import (
    EMAIL_TEMPLATE,
    AlreadyAnswered,
    AlreadyCancelled,
    campaign_audience,
    campaign_cancel,
    campaign_create,
    invitation_mark_opened,
    invitation_opt_out,
    response_submit,
)

PREVIEW_LEADER = "the competitor they see as the leader"
Purpose = InvitationToken.Purpose

CAMPAIGNS_PER_PAGE = 25
PEOPLE_PER_PAGE = 50
SAMPLE_LINK = "(the stakeholder's personal link)"
FEEDBACK_ITEM = "surveys/account_section.html#feedback-item"  # a feedback card, updated in place


@require_GET
def campaign_list(request):
    page = Paginator(campaigns_for_list(user=request.user), CAMPAIGNS_PER_PAGE)
    return render(
        request, "surveys/campaign_list.html", {"page": page.get_page(page_number(request))}
    )


@require_http_methods(["GET", "POST"])
def campaign_new(request):
    """Choose template, audience and schedule; "Preview" shows who is invited, who is skipped
    and why, and the email; "Create" saves and (if due) sends."""
    form = CampaignForm(
        request.POST or None, user=request.user, accounts=request.GET.getlist("accounts")
    )
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        audience = campaign_audience(
            user=request.user,
            accounts=list(data["accounts"]),
            roles=data["roles"],
            stakeholders=list(data["stakeholders"]),
            quiet_days=data["quiet_days"],
            send_at=data["send_at"],
        )
        if request.POST.get("action") == "create":
            key = data["submission_key"]
            if (created := submission_answer(key=key, user=request.user)) is not None:
                return redirect(created)  # sent before: whom it invited, it would skip now
            if not audience.invite:
                form.add_error(None, "Nobody to invite: everyone chosen is skipped.")
            else:
                try:
                    with transaction.atomic():  # the campaign and its form's key, or neither
                        submitted = submission_claim(key=key, user=request.user)
                        campaign = campaign_create(
                            user=request.user,
                            data=form.campaign_data(),
                            audience=audience,
                            chosen_accounts=list(data["accounts"]),
                            picked_stakeholders=list(data["stakeholders"]),
                        )
                        submitted.answer_with(campaign.get_absolute_url())
                except AlreadySubmitted as first:  # sent twice at once
                    return redirect(first.answer)
                messages.success(
                    request,
                    f"Campaign “{campaign.name}” created: {len(audience.invite)} invitation"
                    f"{'s' if len(audience.invite) != 1 else ''}"
                    f"{' being sent' if campaign.send_at <= timezone.now() else ' scheduled'}.",
                )
                return redirect(campaign)
        context["audience"] = audience
        context["email"] = _email_preview(data, audience)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "surveys/campaign_new.html", context, status=status)


def _email_preview(data: dict, audience) -> Rendered:
    """The first invited person's email as it will be sent, with a placeholder for the link."""
    person = audience.invite[0] if audience.invite else None
    context = {
        "campaign": {"name": data["name"], "sender_name": data["sender_name"]},
        "stakeholder": person or {"name": "Alex Example"},
        "account": person.account if person else {"name": "Example Ltd"},
        "expires_at": data["send_at"] + dt.timedelta(days=data["expiry_days"]),
        "survey_url": SAMPLE_LINK,
        "opt_out_url": SAMPLE_LINK,
    }
    return email_render(EMAIL_TEMPLATE, context)


@require_GET
def campaign_detail(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    report = campaign_report(campaign=campaign, user=request.user)
    people = Paginator(report.pop("people"), PEOPLE_PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "people": people,
            "may_cancel": not campaign.cancelled_at and campaign.may_be_cancelled_by(request.user),
            "audience": campaign_audience_described(campaign=campaign, user=request.user),
            **report,
        },
    )


@require_POST
def campaign_cancel_view(request, pk):
    campaign = get_campaign_for_user(request.user, pk)
    if not campaign.may_be_cancelled_by(request.user):
        raise PermissionDenied("Only the campaign's creator or an admin may cancel it.")
    try:
        stopped = campaign_cancel(campaign=campaign, user=request.user)
    except AlreadyCancelled:
        messages.info(request, f"Campaign “{campaign.name}” was already cancelled.")
    else:
        messages.success(
            request,
            f"Campaign “{campaign.name}” cancelled: nothing more will be sent, and {stopped}"
            f" unanswered link{pluralize(stopped)} no longer take{pluralize(stopped, 's,')}"
            " answers.",
        )
    return redirect(campaign)


@require_GET
def survey_template_preview(request, pk):
    """The survey page as a stakeholder would see it, with sample names and no way to submit."""
    template = get_object_or_404(SurveyTemplate, pk=pk)
    context = {
        "preview": True,
        "sender_name": request.GET.get("sender") or request.user.get_full_name(),
        "stakeholder": {"name": "Alex Example"},
        "account": {"name": "Example Ltd"},
        "template": template,
        "form": SurveyForm(
            questions=question_specs(template, competitor=Competitor(pk=0, name=PREVIEW_LEADER))
        ),
    }
    return render(request, "surveys/survey_page.html", context)


@require_GET
@cached_page(account="pk")
def surveys_section(request, pk):
    """The account page's surveys section: recent invitations and the feedback loop."""
    return _surveys(request, panels.section_account(request, pk))


def _surveys(request, account, *, status=200):
    context = {"surveys": account_surveys(account=account)}
    return panels.render_section(
        request, "surveys/account_surveys.html", account, context, status=status
    )


def _feedback_done(request, item, message: str):
    """htmx: the item's card, updated in place; otherwise back to the account page."""
    if request.htmx:
        return render(request, FEEDBACK_ITEM, {"item": item})
    messages.success(request, message)
    return redirect(item.account)


def _feedback_saved(request, item, message: str):
    """As _feedback_done, and the account page's panels that count feedback fetch again."""
    return panels.refresh(_feedback_done(request, item, message), panels.CHANGES["feedback"].stored)


@require_POST
def feedback_acknowledge_view(request, pk):
    item = feedback_acknowledge(item=get_feedback_for_user(request.user, pk), user=request.user)
    return _feedback_saved(request, item, "Feedback acknowledged.")


@require_POST
def feedback_act_view(request, pk):
    item = get_feedback_for_user(request.user, pk)
    form = FeedbackActionForm(request.POST)
    if not form.is_valid():  # 422, nothing written: htmx gets the card saying why
        refused = "Say what was done about the feedback."
        if request.htmx:
            return render(request, FEEDBACK_ITEM, {"item": item, "refused": refused}, status=422)
        messages.error(request, refused)
        return _surveys(request, item.account, status=422)
    item = feedback_act(item=item, user=request.user, note=form.cleaned_data["note"])
    return _feedback_saved(request, item, "Recorded what was done about the feedback.")


# --- public pages ------------------------------------------------------------------------------


def public_survey_page(*purposes):
    """No login; rate limited per address and per link (429); the link never leaks through the
    Referer header or a shared cache; only a token of one of these purposes opens the page.

    The views are exempt from CSRF checks: the unguessable token in the URL already proves the
    request comes from the link's holder, and under Referrer-Policy no-referrer browsers send
    `Origin: null` with the form, which Django's CSRF check would refuse.
    """

    def decorator(view):
        @login_not_required
        @functools.wraps(view)
        def wrapper(request, token):
            if survey_rate_exceeded(ip=request.META.get("REMOTE_ADDR", ""), token=token):
                context = {"kind": "rate"}
                response = render(request, "surveys/survey_message.html", context, status=429)
                response["Retry-After"] = "60"
            else:
                invitation = invitation_for_token(token, purposes=purposes)
                if invitation is None:
                    raise Http404("No such survey link.")
                response = view(request, invitation)
            response["Referrer-Policy"] = "no-referrer"
            response["Cache-Control"] = "no-store"
            response["X-Robots-Tag"] = "noindex"
            return response

        return wrapper

    return decorator


def _page_context(invitation) -> dict:
    return {
        "sender_name": invitation.campaign.sender_name,
        "stakeholder": invitation.stakeholder,
        "account": invitation.account,
        "template": invitation.campaign.template,
        "invitation": invitation,
    }


@csrf_exempt  # see public_survey_page
@require_http_methods(["GET", "POST"])
@public_survey_page(Purpose.ANSWER)
def survey_answer(request, invitation):
    context = _page_context(invitation)
    if invitation.answered_at:
        kind = "thanks" if request.GET.get("sent") else "answered"  # just sent, or again later
        return render(request, "surveys/survey_message.html", {**context, "kind": kind})
    if invitation.opted_out_at:
        return render(request, "surveys/survey_message.html", {**context, "kind": "opted_out"})
    if invitation.is_expired:
        return render(
            request, "surveys/survey_message.html", {**context, "kind": "expired"}, status=410
        )
    questions = answerable(
        question_specs(
            invitation.campaign.template, competitor=invitation.account.leading_competitor
        )
    )
    form = SurveyForm(request.POST or None, questions=questions)
    if request.method == "POST":
        if form.is_valid():
            with contextlib.suppress(AlreadyAnswered):  # a double submit: the first one counts
                response_submit(
                    invitation=invitation, questions=questions, cleaned=form.cleaned_data
                )
            return redirect(f"{request.path}?sent=1")
        return render(request, "surveys/survey_page.html", {**context, "form": form}, status=422)
    invitation_mark_opened(invitation=invitation)
    return render(request, "surveys/survey_page.html", {**context, "form": form})


@csrf_exempt  # and one-click unsubscribe (RFC 8058) posts without a form
@require_http_methods(["GET", "POST"])
@public_survey_page(Purpose.OPT_OUT, Purpose.ANSWER)  # the survey's own link may opt out too
def survey_opt_out(request, invitation):
    context = _page_context(invitation)
    if request.method == "POST":
        invitation_opt_out(invitation=invitation)
        return render(request, "surveys/survey_message.html", {**context, "kind": "opted_out"})
    return render(request, "surveys/survey_opt_out.html", context)
