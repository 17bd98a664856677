"""Relationship surveys: templates and their questions, campaigns, invitations with single-use
links, responses and answers (and the feedback item each text answer became), and opt-outs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from core.mail.models import OutboundEmail
from relationships.models import Scale, Stakeholder
from surveys.questions import QUESTION_TYPES
from surveys.validators import refuse_control_characters


class SurveyTemplate(models.Model):
    """An ordered set of questions, configured in the admin."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    intro = models.TextField(blank=True, help_text="Shown at the top of the survey page.")
    is_active = models.BooleanField(default=True, help_text="Offered for new campaigns.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Question(models.Model):
    KINDS = [(kind, question_type.label) for kind, question_type in QUESTION_TYPES.items()]

    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=KINDS)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=True)
    scale = models.ForeignKey(
        Scale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Only for scale questions: the scale the answer is given on.",
    )

    class Meta:
        ordering = ["template", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="scale", scale__isnull=False) | (~Q(kind="scale")),
                name="question_scale_needs_a_scale",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.kind == "scale" and self.scale_id is None:
            raise ValidationError({"scale": "A scale question needs a scale."})
        if self.kind != "scale" and self.scale_id is not None:
            raise ValidationError({"scale": "Only scale questions use a scale."})


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns `user` created or that invited people of accounts they may see."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all_accounts:
            return self.all()
        accounts = Account.objects.visible_to(user).values("pk")
        return self.filter(
            Q(created_by=user)
            | Q(pk__in=Invitation.objects.filter(account__in=accounts).values("campaign"))
        )


class Campaign(models.Model):
    """One sending of a survey template to an audience, with its schedule and reminders."""

    name = models.CharField(max_length=120, validators=[refuse_control_characters])
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="campaigns")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="campaigns"
    )
    created_at = models.DateTimeField(default=timezone.now)
    send_at = models.DateTimeField()
    reminder_days = models.CharField(
        max_length=40, blank=True, help_text="Days after sending, e.g. 4,9."
    )
    expiry_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    sender_name = models.CharField(max_length=120, validators=[refuse_control_characters])
    quiet_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MaxValueValidator(3650)],  # ten years: further, a date overflows
    )
    # The audience as chosen; each reader is shown only the accounts and people they may see.
    chosen_accounts = models.ManyToManyField(Account, blank=True, related_name="+")
    chosen_roles = models.JSONField(default=list, blank=True)
    picked_stakeholders = models.ManyToManyField(Stakeholder, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-send_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_days__gte=1), name="campaign_expiry_positive"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_by__isnull=True) | Q(cancelled_at__isnull=False),
                name="campaign_cancelled_by_has_time",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaign_detail", args=[self.pk])

    def may_be_cancelled_by(self, user) -> bool:
        """Its creator or an admin may cancel a campaign: it may reach other teams' people."""
        return user.pk == self.created_by_id or user.sees_all_accounts


class Invitation(models.Model):
    """One stakeholder invited by one campaign. Its links carry random tokens whose hashes are
    kept in InvitationToken; the invitation is answered at most once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    email = models.ForeignKey(
        OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claim = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    # Stopped by the campaign's cancellation before it was answered: never sent from then on.
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["campaign", "account", "stakeholder"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "stakeholder"], name="invitation_one_per_campaign"
            )
        ]
        indexes = [
            models.Index(fields=["sent_at"], name="invitation_unsent", condition=Q(sent_at=None)),
            models.Index(fields=["next_reminder_at"], name="invitation_reminder_due"),
            models.Index(fields=["account", "-sent_at"]),
        ]

    def __str__(self):
        return f"{self.campaign} to {self.stakeholder}"

    @property
    def is_expired(self) -> bool:
        return self.answered_at is None and self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        """What happened last, in words for the campaign and account pages."""
        if self.answered_at:
            return "Answered"
        if self.opted_out_at:
            return "Opted out"
        if self.cancelled:
            return "Cancelled"
        if self.email_id and self.email.state == OutboundEmail.State.FAILED:
            return "Failed"
        if self.is_expired:
            return "Expired"
        if self.opened_at:
            return "Opened"
        if self.email_id and self.email.state == OutboundEmail.State.SENT:
            return "Delivered"
        if self.sent_at:
            return "Sending"
        return "Scheduled"


class InvitationToken(models.Model):
    """The SHA-256 hash of one emailed link's token (the first email and each reminder carry
    their own). The token itself is never stored. An email's survey link and its opt-out link
    carry different tokens: the opt-out token (also in the List-Unsubscribe header, which mail
    systems keep and show) cannot open the survey."""

    class Purpose(models.TextChoices):
        ANSWER = "answer", "Answer the survey"
        OPT_OUT = "opt_out", "Opt out"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=8, choices=Purpose.choices, default=Purpose.ANSWER)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Link of {self.invitation}"


class SurveyOptOut(models.Model):
    """A stakeholder who asked not to receive surveys."""

    stakeholder = models.OneToOneField(
        Stakeholder, on_delete=models.CASCADE, related_name="survey_opt_out"
    )
    opted_out_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.stakeholder} opted out"


class Response(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Response to {self.invitation}"


class Answer(models.Model):
    """One answered question. `value` is what the question type stores; `feeling` is the answer
    on 0..1 (scale and NPS questions), also recorded as the stakeholder's stated feeling in
    relationships, which is what the sentiment component and the customer voice read."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="survey_answers"
    )
    answered_on = models.DateField()
    kind = models.CharField(max_length=20)
    value = models.JSONField()
    feeling = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["response", "question__position"]
        indexes = [models.Index(fields=["account", "answered_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(feeling__gte=0, feeling__lte=1) | Q(feeling__isnull=True),
                name="answer_feeling_0_1",
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.value}"


class FeedbackSource(models.Model):
    """Which answer a feedback item was written from. Feedback items belong to relationships
    (`FeedbackItem`, the feedback loop) and keep their table, whose `answer_id` column is the
    survey's: this model maps only that column, so that an answer's deletion still clears it
    and relationships knows nothing of answers."""

    answer = models.OneToOneField(
        Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback_source"
    )

    class Meta:
        managed = False
        db_table = "surveys_feedbackitem"

    def __str__(self):
        return f"Feedback item {self.pk} from answer {self.answer_id}"
