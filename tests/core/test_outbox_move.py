"""The outbox moved from surveys to core without touching its table: a message queued before the
move is the same row after it, invitations still point at it, and so do admin log entries."""

import uuid

import pytest

from tests.migrations import migrate, migrate_to_latest

BEFORE = [("core", "0001_initial"), ("surveys", "0005_campaign_audience_tokens_purpose")]
AFTER = [("core", "0002_outboundemail"), ("surveys", "0006_outbox_moves_to_core")]


@pytest.fixture
def before_the_move(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate_to_latest()


def test_a_message_queued_before_the_move_is_the_same_row_after_it(before_the_move):
    old = before_the_move.get_model("surveys", "OutboundEmail")
    content_types = before_the_move.get_model("contenttypes", "ContentType").objects
    content_types.filter(app_label="core", model="outboundemail").delete()  # not yet there
    content_types.get_or_create(app_label="surveys", model="outboundemail")
    message_id = uuid.uuid4()
    row = old.objects.create(
        message_id=message_id,
        to="ada@acme.example",
        from_email="a@b.c",
        subject="Hi",
        body_text="x",
    )

    apps = migrate(AFTER)
    moved = apps.get_model("core", "OutboundEmail").objects.get(pk=row.pk)
    assert (moved.message_id, moved.to, moved.subject) == (message_id, "ada@acme.example", "Hi")
    assert moved._meta.db_table == "surveys_outboundemail"
    invitation_email = apps.get_model("surveys", "Invitation")._meta.get_field("email")
    assert invitation_email.related_model._meta.label == "core.OutboundEmail"
    content_type = apps.get_model("contenttypes", "ContentType").objects
    assert content_type.filter(app_label="core", model="outboundemail").exists()
    assert not content_type.filter(app_label="surveys", model="outboundemail").exists()
