"""Browser timings: what a person waits for in real Chromium, on the demo data.

    DATABASE_URL=postgres://user@host:5432/anything python bench/browser_timings.py

Creates the throw-away database rapport_browser on that server (dropped at the end), fills it
with the demo data (seed_demo), and serves it as bench/security.py does: gunicorn with the
production settings on 127.0.0.1, four workers, a redis-server of its own as the shared cache,
no broker (tasks run in the web process, the embedded default, so a write's score recompute is
done before its response). Headless Chromium (/usr/bin/chromium, driven by Playwright) signs in
as the demo CSM through the login form and measures, in the browser's own clock
(performance.now(), milliseconds):

1. account page complete: from the navigation's start (performance.timeOrigin) until the page
   is complete, on the demo CSM's account with the most people. Complete means: the document
   has loaded (its load event has ended), no element is left with a `load` trigger (each lazy
   section, hx-trigger="load", and the navigation bar's notification bell is replaced by what
   it loads), and every htmx request begun has ended (a counter of htmx:beforeRequest less
   htmx:afterRequest, which htmx fires once the response is swapped in, is back to 0) and stays
   so for QUIET_MS. The figure is the latest of the load event's end and the last request's
   end;
2. quick-log save to refreshed score card: on that account page, complete, the quick-log
   interaction form filled in (a stakeholder, channel, touchpoint, direction, sentiment,
   summary); from its submit event until the score card is a new element, swapped in after the
   POST, that is not waiting for a recompute (it shows the recomputed figures; the POST's
   answer carries it out of band);
3. survey submit: a stakeholder's personal survey link, made through the survey services as the
   campaign page does (campaign_audience, campaign_create: the link is read from the email the
   outbox sends), opened and its required questions answered; from the form's submit event
   until the thank-you page has loaded (its load event's end: the POST, its redirect and the
   thank-you page, timed across the two documents on the browser's clock).

Each figure is the median and range of RUNS runs after WARM_UP runs not counted, a fresh page
for every run. Run first with the production settings, the page cache on (core/pagecache.py:
a page is replayed while nothing it was drawn from has changed: a quick log draws its
account's pages again, and the pages that read what it wrote), then with every request
rendered (PAGE_CACHE=0).
So that a missed target shows where the time goes, it also gives, for the counted runs of each
figure, the requests made with gunicorn's own time for each (its access log: from reading the
request to writing the answer) and, on the account page, the browser's wait for each (request
sent to first byte, in its resource timings: queueing for one of Chromium's six connections and
for a free worker included) and how the page cache answered it (X-Page-Cache).

It prints a table of figure, target and whether it is met, and asserts nothing about time.
Playwright cannot download browsers here: Chromium comes from Debian (apt-get install
chromium).
"""

import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("RAPPORT_BENCH_DB", "rapport_browser")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import load  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CSM = "csm@rapport.example"  # the demo's CSM
WARM_UP, RUNS = 1, 5
QUIET_MS = 500
SITE = f"http://{load.ADDRESS}"
TARGETS = {  # figure: target in ms
    "account page complete": 250,
    "quick-log save to refreshed score card": 300,
    "survey submit to thank-you page": 300,
}
CONFIGURATIONS = [  # title, PAGE_CACHE
    ("Production settings, the page cache on", "1"),
    ("Every request rendered (PAGE_CACHE=0)", "0"),
]
LINK = re.compile(r"/s/([A-Za-z0-9_-]+)/")
ACCESS = "%(m)s %(U)s?%(q)s %(D)s"  # gunicorn's access log: method, address, microseconds

# Installed in every document before its own scripts: counts htmx requests in flight, notes when
# the last one ended, when a form was submitted (performance.now() and, across documents,
# timeOrigin + performance.now() in sessionStorage) and when a new score card not waiting for a
# recompute was swapped in.
PROBE = """
(() => {
  const probe = window.rapportProbe = {pending: 0, last: 0, submitAt: null, scoredAt: null,
                                       cardBefore: null};
  document.addEventListener("htmx:beforeRequest", () => {
    probe.pending += 1;
    probe.last = performance.now();
  });
  document.addEventListener("htmx:afterRequest", () => {
    probe.pending -= 1;
    probe.last = performance.now();
    const card = document.getElementById("score");
    const waiting = card && (card.getAttribute("hx-trigger") || "").startsWith("every");
    if (probe.cardBefore && card && card !== probe.cardBefore && !waiting
        && probe.scoredAt === null) probe.scoredAt = probe.last;
  });
  document.addEventListener("submit", () => {
    probe.submitAt = performance.now();
    sessionStorage.setItem("submitAt", String(performance.timeOrigin + probe.submitAt));
  }, true);
})();
"""
COMPLETE = """
(quiet) => {
  const probe = window.rapportProbe;
  const loading = [...document.querySelectorAll("[hx-trigger]")].some(
    (element) => /(^|,)\\s*load(\\s|,|$)/.test(element.getAttribute("hx-trigger")));
  const [navigation] = performance.getEntriesByType("navigation");
  if (document.readyState !== "complete" || !navigation || !navigation.loadEventEnd
      || loading || probe.pending !== 0 || performance.now() - probe.last < quiet) return null;
  return Math.max(navigation.loadEventEnd, probe.last);
}
"""
REQUESTS = """
() => performance.getEntriesByType("resource")
  .filter((entry) => entry.initiatorType === "xmlhttprequest")
  .map((entry) => ["GET " + new URL(entry.name).pathname, entry.responseStart - entry.requestStart])
  .concat([["GET " + location.pathname,
            performance.getEntriesByType("navigation")[0].responseStart
            - performance.getEntriesByType("navigation")[0].requestStart]])
"""
THANKED = """
() => {
  const [navigation] = performance.getEntriesByType("navigation");
  const submitAt = Number(sessionStorage.getItem("submitAt"));
  if (!navigation || !navigation.loadEventEnd || !submitAt) return null;
  return performance.timeOrigin + navigation.loadEventEnd - submitAt;
}
"""


class Figures:
    """What one configuration measured: each figure's runs; the requests of its counted runs
    with gunicorn's time for each (`served`); the browser's wait for each of the account page's
    requests and the page cache's answers to them."""

    def __init__(self):
        self.runs = {}
        self.served = {}  # figure: {request: [ms]}
        self.waits = defaultdict(list)  # request: [ms]
        self.cache = defaultdict(Counter)  # request: its X-Page-Cache answers


def prepare():
    """The demo data; returns the demo CSM's account with the most people, and survey links."""
    from django.conf import global_settings
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import override_settings

    from accounts.demo import DEMO_PASSWORD
    from accounts.models import Account, User

    call_command("seed_demo", verbosity=0)
    csm = User.objects.get(email=CSM)
    # Seeded here with the test settings' fast hasher, which the production settings (Django's
    # default hashers) do not read: the CSM's password is hashed again as they would hash it.
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        csm.set_password(DEMO_PASSWORD)
        csm.save(update_fields=["password"])
    account = (
        Account.objects.filter(owner=csm)
        .annotate(people=Count("stakeholders"))
        .order_by("-people", "name")
        .first()
    )
    return account, survey_links(csm, account, (WARM_UP + RUNS) * len(CONFIGURATIONS))


def survey_links(csm, account, count: int) -> list[str]:
    """`count` personal survey links of the account's people, each from a campaign created as
    the campaign page creates it (sent now: the email, with its link, leaves the outbox at once
    in this process, into memory)."""
    from django.core import mail
    from django.utils import timezone

    from surveys.models import SurveyTemplate
    from surveys.services import campaign_audience, campaign_create

    links, number = [], 0
    while len(links) < count:
        number += 1
        data = {
            "name": f"Browser timings {number}",
            "template": SurveyTemplate.objects.get(slug="relationship-check"),
            "sender_name": "Customer Success",
            "send_at": timezone.now(),
            "reminder_days": "",
            "expiry_days": 30,
            "quiet_days": 0,
        }
        audience = campaign_audience(
            user=csm, accounts=[account], roles=[], stakeholders=[],
            quiet_days=0, send_at=data["send_at"],
        )  # fmt: skip
        if not audience.invite:
            sys.exit(f"No one at {account} can be sent a survey.")
        mail.outbox = []
        campaign_create(user=csm, data=data, audience=audience, chosen_accounts=[account])
        links += [f"/s/{LINK.search(message.body).group(1)}/" for message in mail.outbox]
    return links[:count]


def sign_in(browser):
    """A page of a new browser context, signed in as the demo CSM through the login form."""
    from accounts.demo import DEMO_PASSWORD

    context = browser.new_context(base_url=SITE, viewport={"width": 1280, "height": 900})
    context.add_init_script(PROBE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto("/login/?next=/")
    page.get_by_label("Email address").fill(CSM)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Accounts").wait_for()
    return page


def complete(page, url: str) -> float:
    """Open `url` and wait until it is complete; when it was, in ms after navigation start."""
    page.goto(url)
    return page.wait_for_function(COMPLETE, arg=QUIET_MS, polling=50).json_value()


def account_page(page, url: str, figures: Figures) -> float:
    answers = []

    def listen(answer) -> None:
        answers.append(answer)

    page.on("response", listen)
    took = complete(page, url)
    page.remove_listener("response", listen)
    for request, wait in page.evaluate(REQUESTS):
        figures.waits[request].append(wait)
    for answer in answers:
        if answer.request.resource_type in {"document", "xhr"}:
            request = f"{answer.request.method} {urlsplit(answer.url).path}"
            figures.cache[request][answer.headers.get("x-page-cache", "-")] += 1
    return took


def quick_log(page, url: str, run: int) -> float:
    complete(page, url)
    form = page.locator("#log-interaction")
    form.get_by_label("Stakeholders").select_option(index=0)
    form.get_by_label("Channel").select_option(index=1)
    form.get_by_label("Touchpoint").select_option(index=1)
    form.get_by_label("Direction").select_option("inbound")
    form.get_by_label("Sentiment").select_option("1")
    form.get_by_label("Summary").fill(f"Browser timing run {run}: checked in on the rollout.")
    page.evaluate("() => { window.rapportProbe.cardBefore = document.getElementById('score'); }")
    form.get_by_role("button", name="Save interaction").click()
    page.wait_for_function("() => window.rapportProbe.scoredAt !== null", polling=50)
    return page.evaluate("() => window.rapportProbe.scoredAt - window.rapportProbe.submitAt")


def survey(page, link: str) -> float:
    """Answer every question of choices (the required ones among them) with its first choice."""
    page.goto(link)
    for group in page.locator("fieldset .answer-choices").all():
        group.locator("label").first.click()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name=re.compile("^Thank you")).wait_for()
    return page.wait_for_function(THANKED, polling=50).json_value()


def measure(browser, account, links: list[str], log: Path) -> Figures:
    """Every figure, WARM_UP + RUNS times each, on the server running now (writing its access
    log to `log`)."""
    figures = Figures()
    page = sign_in(browser)
    url = f"/accounts/{account.pk}/"
    steps = {
        "account page complete": lambda run, into: account_page(page, url, into),
        "quick-log save to refreshed score card": lambda run, into: quick_log(page, url, run),
        "survey submit to thank-you page": lambda run, into: survey(page, links.pop()),
    }
    for label, step in steps.items():
        if label.startswith("survey"):
            page.context.clear_cookies()  # the stakeholder has no login
        for run in range(WARM_UP):
            step(run, Figures())
        start = log.stat().st_size
        figures.runs[label] = [step(run, figures) for run in range(WARM_UP, WARM_UP + RUNS)]
        figures.served[label] = served(log, start)
    page.context.close()
    return figures


def report(title: str, figures: Figures) -> None:
    print(f"\n{title} (median of {RUNS} runs after {WARM_UP} not counted; range)")
    print(f"{'figure':<40} {'median ms':>10} {'range ms':>14} {'target':>8}  met")
    for label, target in TARGETS.items():
        runs = figures.runs[label]
        median = statistics.median(runs)
        spread = f"{min(runs):.0f}-{max(runs):.0f}"
        met = "met" if median < target else "not met"
        print(f"{label:<40} {median:>10.0f} {spread:>14} {f'< {target}':>8}  {met}")
    print(
        "Where the time goes, medians in ms over the counted runs: 'server' is gunicorn's time"
        " for the request (read to answer written), 'wait' the browser's on the account page"
        " (sent to first byte: queueing for a connection and a worker included) and how the"
        " page cache answered it (X-Page-Cache: hit, miss, off; - not a cached view)"
    )
    for label, requests in figures.served.items():
        if label.startswith("quick-log"):  # the page loads before each save are not timed
            requests = {key: times for key, times in requests.items() if key.startswith("POST")}
        print(f"  {label + ':':<42} {'count':>5} {'server':>7} {'wait':>6}  page cache")
        by_time = sorted(requests.items(), key=lambda item: -statistics.median(item[1]))
        for request, times in by_time:
            waits = figures.waits.get(request)
            wait = f"{statistics.median(waits):>6.0f}" if waits else f"{'-':>6}"
            cache = " ".join(f"{n} {how}" for how, n in sorted(figures.cache[request].items()))
            server = statistics.median(times)
            print(f"    {request:<40} {len(times):>5} {server:>7.0f} {wait}  {cache}".rstrip())


def served(log: Path, start: int) -> dict[str, list[float]]:
    """The requests in gunicorn's access log from byte `start` on, each with its times in ms
    (a survey link's token shown as <token>; static files left out)."""
    times = defaultdict(list)
    with log.open() as lines:
        lines.seek(start)
        entries = [line.split() for line in lines]
    for method, address, microseconds in entries:
        if address.startswith("/static/"):
            continue
        address = LINK.sub("/s/<token>/", address.removesuffix("?"))
        times[f"{method} {address}"].append(int(microseconds) / 1000)
    return times


def run() -> None:
    from playwright.sync_api import sync_playwright

    logging.getLogger("celery").setLevel(logging.WARNING)  # the survey emails, sent in place
    account, links = prepare()
    print(
        f"Browser timings on PostgreSQL {benchlib.server_version()}, the demo data: {account}"
        f" ({account.people} people), signed in as {CSM}"
    )
    cache = benchlib.Redis().start()  # shared by the web processes, as in production
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
            )
            for title, page_cache in CONFIGURATIONS:
                log = Path(tempfile.mkstemp(suffix=".log")[1])
                os.environ["GUNICORN_CMD_ARGS"] = (
                    f"--access-logfile {log} --access-logformat '{ACCESS}'"
                )
                server = load.serve(cache_url=cache.url, page_cache=page_cache)
                try:
                    figures = measure(browser, account, links, log)
                finally:
                    server.terminate()
                    server.wait(timeout=30)
                report(title, figures)
                log.unlink()
            browser.close()
    finally:
        cache.stop()
    print(f"\nLoad average while measuring (1, 5, 15 min): {' '.join(load_average())}")


def load_average() -> list[str]:
    with open("/proc/loadavg") as averages:
        return averages.read().split()[:3]


def main() -> None:
    if not os.path.exists(CHROMIUM):
        sys.exit(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    if not shutil.which("redis-server"):
        sys.exit("redis-server is not installed: apt-get install redis-server")
    benchlib.run_on_bench_database(run)


if __name__ == "__main__":
    main()
