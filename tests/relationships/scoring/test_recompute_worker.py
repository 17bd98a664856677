"""Scores recomputed by a real Celery worker on Redis: fresh within seconds of a change, and
nothing lost when the worker process is killed in the middle of a recompute."""

import datetime as dt
import os
import signal

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Account
from relationships.models import AccountScore, Channel, StakeholderScore, Touchpoint
from relationships.scoring import recompute
from relationships.tasks import recompute_accounts
from tests import services
from tests.factories import AccountFactory, InteractionFactory, StakeholderFactory, catalog
from tests.waiting import wait_until


def test_logging_an_interaction_updates_the_score_within_seconds(celery_worker, client, org):
    person = StakeholderFactory(account=org.account, role="decision_maker", strength=4)
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/log/interaction/",
        {
            "interaction-occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "interaction-stakeholders": [person.pk],
            "interaction-channel": catalog(Channel, "call").pk,
            "interaction-touchpoint": catalog(Touchpoint, "service").pk,
            "interaction-direction": "inbound",
            "interaction-sentiment": "1",
            "interaction-verbosity": "normal",
        },
        headers={"HX-Request": "true"},
    )
    assert "Recomputing" in response.text  # the card polls until the worker is done

    def scored():
        return Account.objects.get(pk=org.account.pk).relationship_score is not None

    wait_until(scored, 15, "a fresh score")  # no periodic sweep runs: the request sent it
    card = client.get(f"/accounts/{org.account.pk}/score/", headers={"HX-Request": "true"})
    assert "Recomputing" not in card.text
    assert "every 2s" not in card.text


def snapshot_values():
    """Everything a score says, without the time it was computed."""
    return (
        sorted(
            StakeholderScore.objects.values_list(
                "stakeholder_id", "day", "value", "label", "confidence", "components"
            )
        ),
        sorted(AccountScore.objects.values_list("account_id", "day", "value", "components")),
    )


def test_a_worker_killed_mid_recompute_loses_nothing(worker_factory, org):
    services.need(connection.vendor == "postgresql", "this test holds PostgreSQL row locks")
    accounts = [org.account, *AccountFactory.create_batch(3, team=org.team, owner=org.csm)]
    for account in accounts:
        people = StakeholderFactory.create_batch(2, account=account, strength=4)
        for days in range(0, 90, 9):
            InteractionFactory(
                account=account, stakeholders=people,
                occurred_at=timezone.now() - dt.timedelta(days=days),
            )  # fmt: skip
    ids = [account.pk for account in accounts]
    worker = worker_factory(pool="prefork")
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"], user=params["USER"], password=params["PASSWORD"],
        host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432,
    ) as blocker:  # fmt: skip
        # Hold the accounts' rows: the recompute will block half-way, inside its transaction.
        blocker.execute("SELECT id FROM accounts_account WHERE id = ANY(%s) FOR UPDATE", [ids])
        recompute_accounts.delay(account_ids=ids)

        def waiting_on_lock():
            blocker.execute("SELECT pg_stat_clear_snapshot()")  # fresh activity, not cached
            return blocker.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            ).fetchone()[0]

        wait_until(waiting_on_lock, 15, "the recompute to reach its writes")
        for pid in worker.child_pids():
            os.kill(pid, signal.SIGKILL)  # the process running the task dies mid-transaction
        wait_until(lambda: not waiting_on_lock() or worker.child_pids(), 15, "a new pool process")
        assert not StakeholderScore.objects.exists()  # the killed attempt wrote nothing
        blocker.rollback()  # let the redelivered task through
    wait_until(lambda: AccountScore.objects.count() == len(ids), 15, "the redelivered recompute")
    from_the_worker = snapshot_values()
    recompute.scores_recompute(account_ids=ids)  # a clean run, here
    assert snapshot_values() == from_the_worker


@pytest.mark.browser
def test_browser_sees_the_score_arrive_from_the_worker(worker_factory, page, org):
    from playwright.sync_api import expect

    from tests.browser.test_account_page import log_in

    worker_factory()
    person = StakeholderFactory(account=org.account, name="Rita", role="decision_maker", strength=4)
    log_in(page)
    page.goto(f"/accounts/{org.account.pk}/")
    card = page.locator("#score")
    expect(card).to_contain_text("No score yet")
    form = page.locator("#log-interaction")
    form.get_by_label("Stakeholders").select_option(label=person.name)
    form.get_by_label("Channel").select_option(label="Call")
    form.get_by_label("Touchpoint").select_option(label="Service / support")
    form.get_by_label("Direction").select_option("inbound")
    form.get_by_role("button", name="Save interaction").click()
    expect(card.locator("[data-score]")).to_be_visible(timeout=15_000)
    expect(card).not_to_contain_text("Recomputing")
