"""The worked example of docs/my-day.md, figure by figure."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from accounts.models import Account
from tests.desk.test_my_day import section
from tests.factories import AccountFactory, TaskFactory

DOC = (Path(__file__).resolve().parents[2] / "docs" / "my-day.md").read_text()
ZONE = ZoneInfo(settings.TIME_ZONE)
DAY = reverse("my_day")


def test_the_worked_example_in_the_docs(client, org, time_machine, settings):
    settings.CURRENCY = "USD"
    time_machine.move_to(dt.datetime(2026, 3, 10, 9, 0, tzinfo=ZONE))
    org.csm.full_name = "Dana"
    org.csm.save()
    Account.objects.filter(owner=org.csm).delete()
    rows = {  # the doc's table: status, score, ARR, quadrant, renewal
        "Acme": ("active", "2.10", 120_000, "reassess", dt.date(2026, 5, 1)),
        "Birch Bank": ("at_risk", "3.60", 80_000, "customer_success", dt.date(2026, 7, 20)),
        "Cedar Cloud": ("active", "4.40", 200_000, "customer_success", dt.date(2026, 3, 30)),
        "Dune Ltd": ("churned", "1.20", 50_000, "reassess", None),
    }
    accounts = {}
    for name, (status, score, arr, quadrant, renewal) in rows.items():
        assert f"| {name} |" in DOC
        accounts[name] = AccountFactory(
            name=name, team=org.team, owner=org.csm, status=status, quadrant=quadrant,
            relationship_score=Decimal(score), arr=Decimal(arr), renewal_date=renewal,
        )  # fmt: skip
    deck = TaskFactory(
        account=accounts["Acme"], title="Send the QBR deck", due_on=dt.date(2026, 3, 8)
    )
    TaskFactory(account=accounts["Cedar Cloud"], title="Call Rita", due_on=dt.date(2026, 3, 10))
    TaskFactory(
        account=accounts["Birch Bank"], title="Plan the workshop", due_on=dt.date(2026, 3, 12)
    )
    client.force_login(org.csm)
    page = client.get(DAY)

    # Portfolio: 3 accounts, 2 customer success, 1 reassess; a score in each band 2-3, 3-4, 4-5
    portfolio = section(page, "portfolio")
    assert "**ARR at risk: $200,000**" in DOC
    assert ">$200,000<" in portfolio
    assert "2 of 3 accounts" in portfolio
    for code, count in (("customer_success", 2), ("reassess", 1)):
        assert f'data-quadrant="{code}">{count}<' in portfolio
    for band, count in (("1-2", 0), ("2-3", 1), ("3-4", 1), ("4-5", 1), ("none", 0)):
        assert f'data-band="{band}">{count}<' in portfolio

    # Tasks: the overdue deck, then Call Rita; the workshop is due later
    tasks = section(page, "tasks")
    assert tasks.index("Send the QBR deck") < tasks.index("Call Rita")
    assert "Plan the workshop" not in tasks

    # Renewals: Cedar Cloud, then Acme; Birch Bank is 132 days away
    renewals = section(page, "renewals")
    assert renewals.index("Cedar Cloud") < renewals.index("Acme")
    assert "Birch Bank" not in renewals
    assert (dt.date(2026, 7, 20) - dt.date(2026, 3, 10)).days == 132

    # Done on the deck: Call Rita is the only task of the day
    client.post(reverse("task_complete", args=[deck.pk]), headers={"HX-Request": "true"})
    tasks = section(client.get(DAY), "tasks")
    assert "Send the QBR deck" not in tasks
    assert tasks.count('class="list-group-item task-row') == 1
