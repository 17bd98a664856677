"""The account report's capture columns: interactions_90d, last_inbound,
suggested_stakeholders, may_have_left, going_dark."""

import datetime as dt

import pytest

from capture.models import PersonSignal
from tests.capture.mail import NOW, inbound, outbound
from tests.capture.test_pipeline import capture
from tests.dataio.test_report_export import exported, rows_of
from tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db


def acme_row() -> dict:
    return next(row for row in rows_of(exported()) if row["name"] == "Acme")


def test_capture_columns_count_what_the_mail_found(org, acme, settings):
    settings.CAPTURE_GOING_DARK_AFTER = 2
    account, jane = acme
    InteractionFactory(account=account, occurred_at=NOW - dt.timedelta(days=100))  # too old
    InteractionFactory(account=account, occurred_at=NOW - dt.timedelta(days=80))  # logged
    capture(
        org,
        inbound(message_id="<in@acme.example>", hours_ago=24 * 5),
        inbound(sender="omar@acme.example", message_id="<omar@acme.example>", hours_ago=24 * 4),
        outbound(message_id="<1@example.com>", hours_ago=24 * 3),
        outbound(message_id="<2@example.com>", hours_ago=24 * 2),
        inbound(
            "Lee no longer works at Acme.",
            sender="lee@acme.example",
            subject="Out of office",
            Auto_Submitted="auto-replied",
        ),
    )
    lee = account.stakeholders.create(name="Lee", email="lee@acme.example")
    PersonSignal.objects.create(account=account, stakeholder=lee, kind="may_have_left", reason="x")

    row = acme_row()

    assert row["interactions_90d"] == "4"  # one logged, three captured with Jane
    assert row["last_inbound"] == (NOW - dt.timedelta(days=5)).date().isoformat()
    assert row["suggested_stakeholders"] == "1"  # Omar
    assert row["may_have_left"] == "1"
    assert row["going_dark"] == "1"  # Jane wrote once and has not answered our last two
