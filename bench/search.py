"""Benchmark: search across everything on PostgreSQL at the scale of a large team.

    DATABASE_URL=postgres://user@host:5432/anything python bench/search.py

Creates the throw-away database rapport_bench_search (RAPPORT_BENCH_DB names another stem;
dropped at the end) and loads in bulk, with set-based SQL: 2,000 accounts (a name, a domain, a
segment), 20,000 stakeholders (10 an account; names from 57 first and 200 last names, a title, an
email), 1,000,000 interactions (500 an account) whose summaries are 8 to 15 words drawn from a
vocabulary: 40 common words (each in about a quarter of the summaries), 2,000 rarer product
words, a first name of the account's people in one summary in five, and "outage" in one in
2,000; 100,000 moments, 50,000 open items, 20,000 feedback items and 2,000 gap cases with notes
from the same vocabulary. PostgreSQL stores each row's search vector as it is inserted; the GIN
indexes on them are built after the load (as on a table that already holds the data), then the
tables are analysed.

For each typical query it prints the median and the range of RUNS runs, after a warm-up run:

- the selector the results page uses (`desk.selectors.search(...).page(1, 20)`: the accounts
  the user may see, then the first page of 20 with the number found, in one query), for an
  admin (every account) and for a CSM (a team's 500 accounts);
- the dropdown's query (the top 8) for the CSM;
- the rendered results page, GET /search/?q=... through Django's test client, for the CSM.

"found" is what the page says it found: at most desk.selectors.CANDIDATES of each kind. Target:
under 150 ms each. It prints figures and asserts nothing. BENCH_SCALE=0.1 runs at a tenth of
the size; BENCH_EXPLAIN=word prints the plan of the CSM's search for that word first.
"""

import importlib
import os
import statistics
import time

import benchlib

benchlib.BENCH_DB += "_search"
SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # e.g. 0.1 for a quick run at a tenth
ACCOUNTS, PEOPLE, INTERACTIONS = int(2_000 * SCALE), 10, int(1_000_000 * SCALE)
MOMENTS, OPEN_ITEMS, FEEDBACK = int(100_000 * SCALE), int(50_000 * SCALE), int(20_000 * SCALE)
RUNS = 7
QUERIES = {
    "a rare word (outage)": "outage",
    "a common word (renewal)": "renewal",
    "two common words (renewal call)": "renewal call",
    "a product word (feature12)": "feature12",
    "as typed, two letters (re)": "re",
}

FIRST = [
    "omar",
    "ana",
    "ben",
    "chloe",
    "david",
    "emma",
    "farid",
    "grace",
    "hiro",
    "ines",
    "jack",
    "kate",
    "liam",
    "maya",
    "noah",
    "olga",
    "pablo",
    "quinn",
    "rosa",
    "sam",
    "tara",
    "umar",
    "vera",
    "will",
    "xena",
    "yusuf",
    "zoe",
    "adam",
    "bella",
    "carl",
    "dina",
    "eric",
    "fay",
    "gil",
    "hana",
    "ivan",
    "june",
    "karl",
    "lena",
    "marc",
    "nina",
    "otto",
    "pia",
    "raj",
    "sara",
    "tom",
    "uma",
    "vic",
    "wen",
    "yara",
    "zack",
    "amir",
    "bea",
    "cruz",
    "dora",
    "eli",
    "finn",
]
LAST = [f"{stem}{end}" for stem in ("pet", "mor", "lan", "kov", "sil", "bar", "fen", "gro",
        "hal", "jas") for end in ("rov", "ales", "ton", "ski", "va", "er", "ley", "ini", "sen",
        "ard", "ez", "ic", "o", "an", "is", "ova", "ek", "ur", "ami", "oux")]  # fmt: skip
COMMON = [
    "call",
    "meeting",
    "renewal",
    "update",
    "team",
    "usage",
    "question",
    "follow",
    "review",
    "plan",
    "customer",
    "product",
    "support",
    "ticket",
    "training",
    "onboarding",
    "contract",
    "pricing",
    "budget",
    "roadmap",
    "feedback",
    "report",
    "dashboard",
    "integration",
    "issue",
    "request",
    "demo",
    "quarterly",
    "business",
    "value",
    "goal",
    "adoption",
    "success",
    "manager",
    "email",
    "process",
    "data",
    "access",
    "account",
    "license",
]
SEGMENTS = ["enterprise", "mid-market", "smb", "strategic"]
TITLES = ["CTO", "VP Operations", "Head of Procurement", "Director of IT", "CFO", "Team lead"]

LOAD_SQL = [
    "SELECT setseed(0.42)",
    """UPDATE accounts_account SET domain = 'customer' || id || '.example',
           segment = (%(segments)s::text[])[1 + id %% 4]""",
    """INSERT INTO relationships_stakeholder (account_id, external_id, name, title, email, role,
           buying_influence, trust, respect, strength, status, version)
       SELECT a.id, 'S-' || a.id || '-' || k,
              initcap((%(first)s::text[])[1 + (a.id * 7 + k * 13) %% %(n_first)s]) || ' ' ||
              initcap((%(last)s::text[])[1 + (a.id * 3 + k * 31) %% %(n_last)s]),
              (%(titles)s::text[])[1 + k %% 6],
              'person' || k || '@customer' || a.id || '.example',
              'user', 'medium', '', '', 3, 'active', 0
       FROM accounts_account a, generate_series(0, %(people)s - 1) k""",
    # A summary of 8..15 words: common words, a product word now and then, the first name of
    # one of the account's people in one summary in five, "outage" in one in 2,000.
    """CREATE TEMPORARY TABLE vocabulary AS
       SELECT array_agg(word) AS common FROM unnest(%(common)s::text[]) word""",
    """CREATE FUNCTION pg_temp.words(seed bigint, n int) RETURNS text LANGUAGE sql AS $$
         SELECT string_agg(CASE WHEN random() < 0.1 THEN 'feature' || floor(random() * 2000)::int
                                ELSE (SELECT common FROM vocabulary)[1 + floor(random() * 40)::int]
                           END, ' ')
         FROM generate_series(1, n + seed * 0) $$""",
    """INSERT INTO relationships_interaction (import_key, account_id, occurred_at, channel_id,
           touchpoint_id, direction, sentiment, verbosity, summary, source, updated_at)
       SELECT '', a.id, now() - random() * interval '365 days',
              (SELECT min(id) FROM relationships_channel) + floor(random() * 6)::int,
              (SELECT min(id) FROM relationships_touchpoint) + floor(random() * 6)::int,
              'inbound', 0, 'normal',
              initcap(pg_temp.words(n, 8 + floor(random() * 8)::int))
              || CASE WHEN random() < 0.2 THEN ' with ' || initcap((%(first)s::text[])
                      [1 + (a.id * 7 + (n %% %(people)s) * 13) %% %(n_first)s]) ELSE '' END
              || CASE WHEN random() < 0.0005 THEN ' after the outage' ELSE '' END,
              '', now()
       FROM accounts_account a, generate_series(1, %(per_account)s) n""",
    """INSERT INTO relationships_moment (import_key, account_id, moment_type_id, occurred_on,
           emotion, intensity, value_impact, identified_by, note, updated_at)
       SELECT '', (SELECT min(id) FROM accounts_account) + (n %% %(accounts)s),
              (SELECT min(id) FROM relationships_momenttype), current_date - (n %% 365), 'met',
              2, '', 'csm',
              pg_temp.words(n, 6) || CASE WHEN n %% 500 = 0 THEN ' outage' ELSE '' END, now()
       FROM generate_series(1, %(moments)s) n""",
    """INSERT INTO relationships_openitem (import_key, account_id, kind, title, opened_on,
           updated_at)
       SELECT '', (SELECT min(id) FROM accounts_account) + (n %% %(accounts)s), 'promise',
              'Send the ' || pg_temp.words(n, 3), current_date - (n %% 365), now()
       FROM generate_series(1, %(open_items)s) n""",
    """INSERT INTO surveys_feedbackitem (account_id, text, received_on, action_note)
       SELECT (SELECT min(id) FROM accounts_account) + (n %% %(accounts)s),
              pg_temp.words(n, 12), current_date - (n %% 365), ''
       FROM generate_series(1, %(feedback)s) n""",
    """INSERT INTO relationships_gapcase (account_id, gap_class, state, owner_id, notes,
           dismissed_reason, converged, opened_at, state_changed_at, version)
       SELECT a.id, 'declining', 'detected', a.owner_id, pg_temp.words(a.id, 10), '', false,
              now(), now(), 0
       FROM accounts_account a""",
]


def say(line: str) -> None:
    print(line, flush=True)


def load() -> None:
    from django.db import connection

    indexes = importlib.import_module("desk.migrations.0002_stored_search_vectors")
    benchlib.create_accounts(ACCOUNTS)
    params = {
        "segments": SEGMENTS, "first": FIRST, "n_first": len(FIRST), "last": LAST,
        "n_last": len(LAST), "titles": TITLES, "people": PEOPLE, "common": COMMON,
        "per_account": INTERACTIONS // ACCOUNTS, "accounts": ACCOUNTS, "moments": MOMENTS,
        "open_items": OPEN_ITEMS, "feedback": FEEDBACK,
    }  # fmt: skip
    with connection.schema_editor(atomic=False) as editor:
        indexes.drop_indexes(editor)
    with connection.cursor() as cursor:
        for statement in LOAD_SQL:
            start = time.perf_counter()
            cursor.execute(statement, params if "%(" in statement else None)
            words = statement.split()
            say(f"  {' '.join(words[:3])[:40]:<40} {time.perf_counter() - start:6.1f} s")
    start = time.perf_counter()
    with connection.schema_editor(atomic=False) as editor:
        indexes.create_indexes(editor)
    say(f"  search indexes built in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def figures(action) -> tuple[float, float, float]:
    """Median, fastest and slowest of RUNS runs of `action`, in ms, after one warm-up run."""
    action()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def run() -> None:
    from django.db import connection
    from django.test import Client

    from accounts.models import Account, Team, User
    from desk.selectors import search
    from relationships.models import Interaction, Stakeholder

    say(f"Rapport search benchmark on PostgreSQL {benchlib.server_version()}")
    start = time.perf_counter()
    load()
    say(f"  loaded in {time.perf_counter() - start:.1f} s")
    say(
        f"({Account.objects.count():,} accounts, {Stakeholder.objects.count():,} stakeholders, "
        f"{Interaction.objects.count():,} interactions, {MOMENTS:,} moments, "
        f"{OPEN_ITEMS:,} open items, {FEEDBACK:,} feedback items, {ACCOUNTS:,} gap cases)\n"
    )
    admin = User.objects.create_superuser(email="admin@bench.example")
    csm = User.objects.get(email="csm0@bench.example")
    Team.objects.get(name="Team 0").members.add(csm)
    client = Client(HTTP_HOST="localhost")
    client.force_login(csm)

    def page(user, text):
        found = search(user=user, text=text).page(1, 20)
        return found.count, found.object_list

    if os.environ.get("BENCH_EXPLAIN"):
        union = search(user=csm, text=os.environ["BENCH_EXPLAIN"]).union
        sql, params = union.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            say("\n".join(row[0] for row in cursor.fetchall()))
    first_name, last_name = Stakeholder.objects.order_by("pk")[ACCOUNTS * PEOPLE // 2].name.split()
    name_prefix = f"{first_name.lower()} {last_name[:3].lower()}"
    queries = {**QUERIES, f"a name prefix ({name_prefix})": name_prefix}
    say(f"{'query':<34} {'found':>9}  {'who':<6} {'what':<10} {'median':>8}  range (ms)")
    for label, text in queries.items():
        count, first = page(admin, text)
        csm_count = page(csm, text)[0]
        cases = [
            ("admin", "page", lambda t=text: page(admin, t)),
            ("CSM", "page", lambda t=text: page(csm, t)),
            ("CSM", "dropdown", lambda t=text: search(user=csm, text=t).top(8)),
            ("CSM", "rendered", lambda t=text: client.get("/search/", {"q": t})),
        ]
        for who, what, action in cases:
            median, low, high = figures(action)
            shown = f"{count if who == 'admin' else csm_count:>9,}"
            say(f"{label:<34} {shown}  {who:<6} {what:<10} {median:8.1f}  {low:.1f}-{high:.1f}")
        top = first[0].label if first else "-"
        say(f"{'':<34} (the best result: {top})")


if __name__ == "__main__":
    benchlib.run_on_bench_database(run)
