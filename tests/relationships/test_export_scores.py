"""The report export carries the relationship score columns."""

import csv
import io

from django.core.management import call_command

from relationships.recompute import scores_recompute
from tests.factories import InteractionFactory, StakeholderFactory

SCORE_COLUMNS = [
    "relationship_score",
    "relationship_label",
    "score_confidence",
    "score_trend_30d",
    "engagement_drop",
]


def exported() -> str:
    out = io.StringIO()
    call_command("export_report", stdout=out)
    return out.getvalue()


def test_export_appends_the_score_columns_in_order(org):
    header = next(csv.reader(io.StringIO(exported())))
    assert header[11:16] == SCORE_COLUMNS
    assert header[:2] == ["external_id", "name"]


def test_export_writes_the_current_score(org):
    rita = StakeholderFactory(account=org.account, trust="high", respect="high", strength=5)
    InteractionFactory(account=org.account, stakeholders=[rita], sentiment=1)
    scores_recompute(account_ids=[org.account.pk])
    org.account.refresh_from_db()
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(exported()))}
    acme = rows["Acme"]
    assert acme["relationship_score"] == str(org.account.relationship_score)
    assert acme["relationship_label"] == org.account.relationship_label
    assert acme["score_confidence"] == str(org.account.score_confidence)
    assert acme["score_trend_30d"] == ""  # unknown: no score 30 days ago
    assert acme["engagement_drop"] == "false"
    assert rows["Globex"]["relationship_score"] == ""  # never scored
