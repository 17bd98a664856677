"""factory_boy factories for the models tests need."""

import factory

from accounts.models import Account, Team, User
from relationships.models import Stakeholder

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
