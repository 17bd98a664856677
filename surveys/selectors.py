"""Reusable reads of surveys. Everything a signed-in user sees starts from the access gate
`Account.objects.visible_to`; the public pages start from a link token."""

from collections import Counter, defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare

from accounts.models import Account, Competitor
from core.mail.models import OutboundEmail
from relationships.models import CompetitorDimension, FeedbackItem, MomentType, Stakeholder
from surveys.models import (
    Answer,
    Campaign,
    Invitation,
    InvitationToken,
    SurveyTemplate,
)
from surveys.questions import QUESTION_TYPES, Spec, nps
from surveys.tokens import token_hash, token_well_formed


def invitation_for_token(
    token: str, *, purposes=(InvitationToken.Purpose.ANSWER,)
) -> Invitation | None:
    """The invitation a link token of one of these purposes opens, or None for anything else."""
    if not token_well_formed(token):
        return None
    hashed = token_hash(token)
    row = (
        InvitationToken.objects.filter(token_hash=hashed, purpose__in=purposes)
        .select_related(
            "invitation__campaign__template",
            "invitation__stakeholder",
            "invitation__account__leading_competitor",
        )
        .first()
    )
    if row is None or not constant_time_compare(row.token_hash, hashed):
        return None
    return row.invitation


def question_specs(
    template: SurveyTemplate, *, competitor: Competitor | None = None
) -> list[tuple[int, Spec]]:
    """The template's questions as plain specs, in two queries (one more for moment questions,
    one more for a competitor matrix). `competitor`: the one a competitor matrix compares with."""
    questions = list(template.questions.select_related("scale").prefetch_related("scale__points"))
    kinds = {question.kind for question in questions}
    listed = {
        "moments": MomentType.objects.order_by("name") if "moments" in kinds else None,
        "competitor": CompetitorDimension.objects.all() if "competitor" in kinds else None,
    }
    listed = {
        kind: tuple(rows.values_list("pk", "name"))
        for kind, rows in listed.items()
        if rows is not None
    }
    specs = []
    for question in questions:
        if question.kind == "scale":
            choices = tuple((p.value, p.label) for p in question.scale.points.all())
        else:
            choices = listed.get(question.kind, ())
        specs.append(
            (
                question.pk,
                Spec(
                    key=f"q{question.pk}",
                    kind=question.kind,
                    text=question.text,
                    help_text=question.help_text,
                    required=question.required,
                    choices=choices,
                    competitor=(competitor.pk, competitor.name) if competitor else None,
                ),
            )
        )
    return specs


def campaigns_for_list(*, user):
    """Campaigns the user may see, newest first, with what happened to the invitations of the
    accounts the user may see (one query)."""
    visible = Q(invitations__account__in=Account.objects.visible_to(user).values("pk"))

    def count(**conditions):
        return Count(
            "invitations",
            filter=visible & Q(**{f"invitations__{k}": v for k, v in conditions.items()}),
        )

    return (
        Campaign.objects.visible_to(user)
        .select_related("template", "created_by")
        .annotate(
            invited=Count("invitations", filter=visible),
            delivered=count(email__state=OutboundEmail.State.SENT),
            opened=count(opened_at__isnull=False),
            answered=count(answered_at__isnull=False),
            failed=count(email__state=OutboundEmail.State.FAILED),
        )
        .order_by("-send_at", "-pk")
    )


def get_campaign_for_user(user, pk) -> Campaign:
    campaigns = Campaign.objects.visible_to(user).select_related("template", "cancelled_by")
    return get_object_or_404(campaigns, pk=pk)


def campaign_audience_described(*, campaign: Campaign, user) -> str:
    """The audience as chosen, in words, naming only the accounts and people this reader may
    see (the others are counted), in two queries."""
    visible = Account.objects.visible_to(user)
    accounts = campaign.chosen_accounts.annotate(shown=Exists(visible.filter(pk=OuterRef("pk"))))
    people = campaign.picked_stakeholders.annotate(
        shown=Exists(visible.filter(pk=OuterRef("account_id")))
    ).select_related("account")
    labels = dict(Stakeholder.Role.choices)
    parts = [
        ("Accounts", [(account.shown, account.name) for account in accounts.order_by("name")]),
        ("Roles", [(True, labels.get(role, role)) for role in campaign.chosen_roles]),
        (
            "Picked",
            [
                (person.shown, f"{person.name} · {person.account.name}")
                for person in people.order_by("account__name", "name")
            ],
        ),
    ]
    return "; ".join(f"{title}: {_names_and_others(items)}" for title, items in parts if items)


def _names_and_others(items: list[tuple[bool, str]]) -> str:
    names = [name for shown, name in items if shown]
    others = len(items) - len(names)
    if others:
        names.append(f"{others} of other teams")
    return ", ".join(names)


def campaign_report(*, campaign: Campaign, user) -> dict:
    """Everything the campaign page shows, restricted to the accounts the user may see, in a
    fixed number of queries."""
    invitations = list(
        Invitation.objects.filter(campaign=campaign, account__in=Account.objects.visible_to(user))
        .select_related("stakeholder", "account", "email")
        .prefetch_related(
            Prefetch(
                "response__answers",
                queryset=Answer.objects.select_related("question").order_by("question__position"),
            )
        )
        .order_by("account__name", "stakeholder__name")
    )
    specs = dict(question_specs(campaign.template))
    stats = Counter()
    by_account, by_role = defaultdict(Counter), defaultdict(Counter)
    answers_by_question = defaultdict(list)
    people = []
    for invitation in invitations:
        for label, happened in _milestones(invitation):
            stats[label] += happened
        for group in (
            by_account[invitation.account.name],
            by_role[invitation.stakeholder.get_role_display()],
        ):
            group["invited"] += 1
            group["answered"] += invitation.answered_at is not None
        answered = hasattr(invitation, "response")
        answers = list(invitation.response.answers.all()) if answered else []
        for answer in answers:
            answers_by_question[answer.question_id].append(answer.value)
        people.append(
            {
                "invitation": invitation,
                "answers": [(answer.question.text, _display(specs, answer)) for answer in answers],
            }
        )
    return {
        "stats": [
            (label, stats[label]) for label in (STATS_CANCELLED if campaign.cancelled_at else STATS)
        ],
        "rate_tables": [("Account", _rates(by_account)), ("Role", _rates(by_role))],
        "questions": [
            _summary(spec, answers_by_question.get(question_id, []))
            for question_id, spec in specs.items()
        ],
        "people": people,
    }


STATS = ["Invited", "Sent", "Delivered", "Opened", "Answered", "Expired", "Opted out", "Failed"]
STATS_CANCELLED = [*STATS, "Cancelled"]


def _milestones(invitation: Invitation) -> list[tuple[str, bool]]:
    """Which of the campaign page's counts an invitation adds to."""
    email_state = invitation.email.state if invitation.email_id else None
    return [
        ("Invited", True),
        ("Sent", invitation.sent_at is not None),
        ("Delivered", email_state == OutboundEmail.State.SENT),
        ("Opened", invitation.opened_at is not None),
        ("Answered", invitation.answered_at is not None),
        ("Expired", invitation.is_expired and not invitation.cancelled),
        ("Opted out", invitation.opted_out_at is not None and invitation.answered_at is None),
        ("Failed", email_state == OutboundEmail.State.FAILED),
        ("Cancelled", invitation.cancelled and invitation.answered_at is None),
    ]


def _display(specs: dict[int, Spec], answer: Answer) -> str:
    spec = specs.get(answer.question_id)
    return QUESTION_TYPES[answer.kind].display(spec, answer.value) if spec else str(answer.value)


def _rates(groups) -> list[dict]:
    return [
        {
            "name": name,
            "invited": counts["invited"],
            "answered": counts["answered"],
            "rate": round(100 * counts["answered"] / counts["invited"]),
        }
        for name, counts in sorted(groups.items())
    ]


def _summary(spec: Spec, values: list) -> dict:
    """A question's answers in a few lines (see each question type's tally), and the NPS of an
    NPS question."""
    return {
        "text": spec.text,
        "kind": spec.kind,
        "answers": len(values),
        "nps": nps(values) if spec.kind == "nps" else None,
        "counts": QUESTION_TYPES[spec.kind].tally(spec, values),
    }


def account_surveys(*, account: Account, limit: int = 10) -> dict:
    """The surveys section of the account page: recent invitations and the feedback loop."""
    return {
        "invitations": list(
            Invitation.objects.filter(account=account)
            .select_related("campaign", "stakeholder", "email")
            .order_by("-campaign__send_at", "stakeholder__name")[:limit]
        ),
        "feedback": list(
            FeedbackItem.objects.filter(account=account)
            .select_related("stakeholder", "acknowledged_by", "acted_by")
            .order_by("acted_on", "-received_on", "-pk")[:limit]
        ),
    }


def get_feedback_for_user(user, pk) -> FeedbackItem:
    return get_object_or_404(
        FeedbackItem.objects.filter(account__in=Account.objects.visible_to(user)), pk=pk
    )


def stakeholders_for_picking(user):
    """Active stakeholders with an email, of accounts the user may see, for hand-picking."""
    return (
        Stakeholder.objects.filter(account__in=Account.objects.visible_to(user))
        .exclude(status=Stakeholder.Status.LEFT)
        .select_related("account")
        .order_by("account__name", "name")
    )


def templates_for_campaigns():
    return SurveyTemplate.objects.filter(is_active=True).annotate(n=Count("questions"))
