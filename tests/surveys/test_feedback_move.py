"""The feedback loop moved from surveys to relationships without touching its table: an item
written before the move is the same row after it, still linked to its answer, and admin log
entries follow its content type."""

import datetime as dt

import pytest

from surveys.models import Answer, FeedbackSource, Question, Response
from tests.factories import InvitationFactory
from tests.migrations import migrate, migrate_to_latest

BEFORE = [
    ("relationships", "0014_stated_feelings"),
    ("surveys", "0007_stated_feelings_from_answers"),
]
AFTER = [("surveys", "0008_feedback_items_move_to_relationships")]
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def text_answer_before_the_move(transactional_db):
    invitation = InvitationFactory()
    answer = Answer.objects.create(
        response=Response.objects.create(invitation=invitation),
        question=Question.objects.get(template__slug="relationship-check", kind="text"),
        account=invitation.account,
        stakeholder=invitation.stakeholder,
        answered_on=DAY,
        kind="text",
        value="Keep the calls.",
    )
    yield answer, migrate(BEFORE)
    migrate_to_latest()


def test_a_feedback_item_written_before_the_move_is_the_same_row_after_it(
    text_answer_before_the_move,
):
    answer, before = text_answer_before_the_move
    content_types = before.get_model("contenttypes", "ContentType").objects
    content_types.filter(app_label="relationships", model="feedbackitem").delete()  # not yet
    content_types.get_or_create(app_label="surveys", model="feedbackitem")
    row = before.get_model("surveys", "FeedbackItem").objects.create(
        account_id=answer.account_id,
        stakeholder_id=answer.stakeholder_id,
        answer_id=answer.pk,
        text="Keep the calls.",
        received_on=DAY,
    )

    after = migrate(AFTER)
    moved = after.get_model("relationships", "FeedbackItem").objects.get(pk=row.pk)
    assert (moved.text, moved.received_on, moved.stakeholder_id) == (
        "Keep the calls.", DAY, answer.stakeholder_id,
    )  # fmt: skip
    assert moved._meta.db_table == "surveys_feedbackitem"
    content_type = after.get_model("contenttypes", "ContentType").objects
    assert content_type.filter(app_label="relationships", model="feedbackitem").exists()
    assert not content_type.filter(app_label="surveys", model="feedbackitem").exists()
    assert FeedbackSource.objects.get(pk=row.pk).answer_id == answer.pk
