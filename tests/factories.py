"""factory_boy factories for the models tests need."""

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Account, Competitor, Team, User
from relationships.models import (
    Channel,
    CompetitorDimension,
    CompetitorRating,
    FeedbackItem,
    GapAction,
    GapCase,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Stakeholder,
    Task,
    Touchpoint,
)
from surveys.models import Campaign, Invitation, InvitationToken, SurveyTemplate
from surveys.tokens import token_new

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = User.Role.CSM
    password = factory.django.Password(PASSWORD)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Customer {n:04d}")
    team = factory.SubFactory(TeamFactory)
    owner = factory.SubFactory(UserFactory)


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    account = factory.SubFactory(AccountFactory)
    name = factory.Faker("name")
    title = "Director"
    role = Stakeholder.Role.USER
    buying_influence = Stakeholder.Influence.MEDIUM


def catalog(model, slug):
    """A row of a catalog created by the data migrations (channels, touchpoints, moment types)."""
    return model.objects.get(slug=slug)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    channel = factory.LazyFunction(lambda: catalog(Channel, "email"))
    touchpoint = factory.LazyFunction(lambda: catalog(Touchpoint, "service"))
    direction = Interaction.Direction.INBOUND
    sentiment = 0
    summary = factory.Sequence(lambda n: f"Interaction {n}")

    @factory.post_generation
    def stakeholders(self, create, extracted, **kwargs):
        if create and extracted:
            self.stakeholders.add(*extracted)


class MomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Moment

    account = factory.SubFactory(AccountFactory)
    moment_type = factory.LazyFunction(lambda: catalog(MomentType, "go_live"))
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=2))
    emotion = Moment.Emotion.MET


class OpenItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpenItem

    account = factory.SubFactory(AccountFactory)
    kind = OpenItem.Kind.PROMISE
    title = factory.Sequence(lambda n: f"Promise {n}")
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))


class PulseCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PulseCheck

    account = factory.SubFactory(AccountFactory)
    csm = factory.SubFactory(UserFactory)
    checked_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=4))
    happiness = 4


class GapCaseFactory(factory.django.DjangoModelFactory):
    """An open case with a one-step checklist."""

    class Meta:
        model = GapCase
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    gap_class = "generic"
    owner = factory.LazyAttribute(lambda case: case.account.owner)
    opened_at = factory.LazyFunction(timezone.now)
    state_changed_at = factory.LazyFunction(timezone.now)
    action = factory.RelatedFactory("tests.factories.GapActionFactory", factory_related_name="case")


class TaskFactory(factory.django.DjangoModelFactory):
    """An open task of the account's owner, due tomorrow."""

    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Call them back {n}")
    account = factory.SubFactory(AccountFactory)
    owner = factory.LazyAttribute(lambda task: task.account.owner)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1))


class GapActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GapAction

    text = factory.Sequence(lambda n: f"Next action {n}")


class CompetitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competitor
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Rival {n}")


class CompetitorRatingFactory(factory.django.DjangoModelFactory):
    """A rating by a person of the account; `dimension` is a default dimension's slug."""

    class Meta:
        model = CompetitorRating

    stakeholder = factory.SubFactory(StakeholderFactory)
    account = factory.SelfAttribute("stakeholder.account")
    competitor = factory.SubFactory(CompetitorFactory)
    dimension = factory.LazyFunction(lambda: catalog(CompetitorDimension, "service"))
    our_rating = 3
    their_rating = 3
    rated_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Relationship check {n}")
    template = factory.LazyFunction(lambda: SurveyTemplate.objects.get(slug="relationship-check"))
    created_by = factory.SubFactory(UserFactory)
    send_at = factory.LazyFunction(timezone.now)
    sender_name = "Acme Customer Success"
    reminder_days = "4,9"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    campaign = factory.SubFactory(CampaignFactory)
    stakeholder = factory.SubFactory(
        StakeholderFactory, email=factory.Sequence(lambda n: f"person{n}@customer.example")
    )
    account = factory.SelfAttribute("stakeholder.account")
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


def invitation_token(invitation: Invitation) -> str:
    """A working link token for this invitation (as if emailed)."""
    token, hashed = token_new()
    InvitationToken.objects.create(invitation=invitation, token_hash=hashed)
    return token


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    account = factory.SubFactory(AccountFactory)
    text = "Please answer support tickets faster."
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))


def campaign_form_data(**overrides) -> dict:
    """What a CSM types into the new-campaign form: the default survey, sent now."""
    data = {
        "name": "Spring check",
        "sender_name": "Acme Customer Success",
        "send_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "reminder_days": "4,9",
        "expiry_days": "30",
        "quiet_days": "60",
        **overrides,
    }
    if "template" not in data:
        data["template"] = SurveyTemplate.objects.get(slug="relationship-check").pk
    return data
