"""The report export carries the relationship score columns."""

import csv
import io

from django.core.management import call_command

from relationships.scoring.recompute import scores_recompute
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


GAP_COLUMNS = [
    "customer_voice",
    "product_usage",
    "csm_perception",
    "gap_size",
    "gap_class",
    "gap_state",
]


def test_export_appends_the_gap_columns_after_the_score(org):
    header = next(csv.reader(io.StringIO(exported())))
    assert header[16:22] == GAP_COLUMNS


def test_export_writes_the_gap_with_its_stable_codes(org):
    import datetime as dt

    from django.utils import timezone

    from accounts.models import UsageSnapshot
    from tests.factories import PulseCheckFactory

    month = timezone.localdate().replace(day=1)
    for back, value in enumerate([400, 1000, 1000, 1000]):
        UsageSnapshot.objects.create(
            account=org.account,
            period_start=(month - dt.timedelta(days=31 * back)).replace(day=1),
            usage_value=value,
        )
    PulseCheckFactory(account=org.account, csm=org.csm, happiness=5)
    scores_recompute(account_ids=[org.account.pk])
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(exported()))}
    acme = rows["Acme"]
    assert acme["customer_voice"] == ""  # unknown: the customer has said nothing yet
    assert acme["product_usage"] == "-1.000"
    assert float(acme["csm_perception"]) > 0.9  # a 5 four days ago, barely faded
    assert float(acme["gap_size"]) > 1.9
    assert (acme["gap_class"], acme["gap_state"]) == ("generic", "detected")
    assert [rows["Globex"][column] for column in GAP_COLUMNS] == [""] * 6
