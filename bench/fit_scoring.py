"""Benchmark: fit_scoring and evaluate_scores on PostgreSQL at the scale of a large team.

    DATABASE_URL=postgres://user@host:5432/anything python bench/fit_scoring.py

Creates the throw-away database rapport_bench_fit (RAPPORT_BENCH_DB names another stem; dropped
at the end) with what the fit and the evaluation read, loaded with set-based SQL: 2,000
accounts (one in twenty churned), 20,000 stakeholders (10 each) and 30 days of score snapshots
for each (600,000 rows: the evaluation reads each person's latest). Each person has a hidden
strength that their observed components follow with noise; 60 % carry a CSM rating near it,
30 % have stated a feeling in a survey near it (survey answers outrank ratings, as the labels
do). The full recompute is timed by bench/recompute_scores.py on its own 1,000,000
interactions; the fit reads only snapshots and labels, so it needs no interactions.

Prints the time of `scores_evaluate` and of `scoring_fit` (what evaluate_scores and fit_scoring
run, 5 folds), the best of two runs each, their ratio to the one-minute budget (target <= 1.0)
and the figures they measured on this synthetic organisation. It asserts nothing about time.
"""

import os
import time

import benchlib

SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # e.g. 0.1 for a quick run at a tenth
ACCOUNTS, PEOPLE_PER_ACCOUNT, DAYS = int(2_000 * SCALE), 10, 30
BUDGET = 60.0  # seconds each may take
benchlib.BENCH_DB += "_fit"

LOAD_SQL = [
    "SELECT setseed(0.42)",
    """UPDATE accounts_account
       SET status = CASE WHEN mod(id, 20) = 0 THEN 'churned' ELSE 'active' END,
           customer_since = CASE WHEN mod(id, 20) = 1 THEN CURRENT_DATE - 100
                                 ELSE DATE '2021-01-01' END""",
    """INSERT INTO relationships_stakeholder (account_id, external_id, name, title, email, role,
           buying_influence, trust, respect, status, version)
       SELECT a.id, 'S-' || a.id || '-' || k, 'Person ' || k, '', '', 'user', 'medium', '', '',
              'active', 0
       FROM accounts_account a, generate_series(0, %(people)s - 1) k""",
    # The hidden strength of each relationship, 0..1.
    """CREATE TEMPORARY TABLE hidden AS
       SELECT id, account_id, random() AS t FROM relationships_stakeholder""",
    """UPDATE relationships_stakeholder s
       SET strength = CASE WHEN random() < 0.6
                           THEN greatest(1, least(5, round(1 + 4 * h.t + random() - 0.5))) END
       FROM hidden h WHERE h.id = s.id""",
    """INSERT INTO relationships_statedfeeling (account_id, stakeholder_id, stated_on, feeling)
       SELECT account_id, id, CURRENT_DATE - floor(random() * 90)::int,
              greatest(0, least(1, t + (random() - 0.5) * 0.4))
       FROM hidden WHERE random() < 0.3""",
    """INSERT INTO relationships_stakeholderscore (stakeholder_id, account_id, day, value, label,
           confidence, components, config_version, computed_at)
       SELECT h.id, h.account_id, CURRENT_DATE - d, 3.00, '', 1.000,
              jsonb_build_object(
                'sentiment', jsonb_build_object('value', 0.6 * h.t + 0.4 * random(),
                                                'weight', 0.25, 'inputs', 4),
                'channels', jsonb_build_object('value', random(), 'weight', 0.10, 'inputs', 4),
                'engagement', jsonb_build_object('value', 0.4 * h.t + 0.6 * random(),
                                                 'weight', 0.20, 'inputs', 4),
                'responsiveness', jsonb_build_object(
                    'value', CASE WHEN random() < 0.7 THEN 0.2 * h.t + 0.8 * random() END,
                    'weight', 0.10, 'inputs', 2),
                'open_items', jsonb_build_object('value', random(), 'weight', 0.10,
                                                 'inputs', 1)),
              1, now()
       FROM hidden h, generate_series(0, %(days)s - 1) d""",
    "VACUUM ANALYZE",
]


def say(line: str) -> None:
    print(line, flush=True)


def load() -> None:
    from django.db import connection

    benchlib.create_accounts(ACCOUNTS)
    params = {"people": PEOPLE_PER_ACCOUNT, "days": DAYS}
    with connection.cursor() as cursor:
        for statement in LOAD_SQL:
            cursor.execute(statement, params if "%(" in statement else None)


def best_of_two(action, label: str):
    """The shorter of two runs of `action` and the last run's result; each run printed."""
    times, result = [], None
    for run in range(2):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
        say(f"  {label}, run {run + 1} of 2: {times[-1]:.2f} s")
    return min(times), result


def run() -> None:
    from django.db import connection

    from relationships.scoring import evaluation
    from relationships.scoring.fitting import metrics_line

    version = connection.cursor().connection.info.server_version
    people = ACCOUNTS * PEOPLE_PER_ACCOUNT
    say(f"Rapport fit and evaluation benchmark on PostgreSQL {version // 10000}.{version % 10000}")
    say(f"({ACCOUNTS:,} accounts, {people:,} stakeholders, {people * DAYS:,} score snapshots)\n")
    start = time.perf_counter()
    load()
    say(f"  loaded in bulk in {time.perf_counter() - start:.1f} s")
    evaluate_time, _ = best_of_two(evaluation.scores_evaluate, "evaluate_scores")
    fit_time, fit = best_of_two(evaluation.scoring_fit, "fit_scoring")
    say(f"labels: {fit.labels.summary()}")
    say(metrics_line("current weights", fit.current))
    say(metrics_line("fitted weights", fit.fitted))
    say("fitted observed weights: " + ", ".join(f"{n} {w:.2f}" for n, w in fit.weights.items()))
    say(
        f"evaluate_scores, 5 folds (best of 2)   {evaluate_time:7.2f} s"
        f"   {evaluate_time / BUDGET:5.2f} of the one-minute budget (target <= 1.0)"
    )
    say(
        f"fit_scoring, 5 folds (best of 2)       {fit_time:7.2f} s"
        f"   {fit_time / BUDGET:5.2f} of the one-minute budget (target <= 1.0)"
    )


if __name__ == "__main__":
    import logging

    logging.getLogger("relationships").setLevel(logging.WARNING)
    benchlib.run_on_bench_database(run)
