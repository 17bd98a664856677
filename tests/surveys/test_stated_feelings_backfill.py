"""The answers given before stated feelings existed are written as stated feelings by the
migration that brings them, so the scores and gaps they fed stay the same."""

import datetime as dt

import pytest

from surveys.models import Answer, Question, Response
from tests.factories import InvitationFactory, StakeholderFactory
from tests.migrations import migrate, migrate_to_latest

BEFORE = [
    ("relationships", "0013_date_ranges_text_limits_one_email_per_account"),
    ("surveys", "0006_outbox_moves_to_core"),
]
AFTER = [("surveys", "0007_stated_feelings_from_answers")]
DAY = dt.date(2026, 3, 2)


def answer(person, kind, value, feeling):
    return Answer.objects.create(
        response=Response.objects.create(invitation=InvitationFactory(stakeholder=person)),
        question=Question.objects.get(template__slug="relationship-check", kind=kind),
        account=person.account,
        stakeholder=person,
        answered_on=DAY,
        kind=kind,
        value=value,
        feeling=feeling,
    )


@pytest.fixture
def answers_before_stated_feelings(transactional_db):
    person = StakeholderFactory()
    answer(person, "scale", 4, 0.75)
    answer(person, "trust", "high", None)
    migrate(BEFORE)
    yield person
    migrate_to_latest()


def test_answers_given_before_become_stated_feelings(answers_before_stated_feelings):
    person = answers_before_stated_feelings
    apps = migrate(AFTER)
    stated = apps.get_model("relationships", "StatedFeeling").objects
    assert list(stated.values_list("account_id", "stakeholder_id", "stated_on", "feeling")) == [
        (person.account_id, person.pk, DAY, 0.75)
    ]
