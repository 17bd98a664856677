"""Security scan: sqlmap and wapiti, tools no one here wrote, against Rapport on loopback.

    DATABASE_URL=postgres://user@host:5432/anything python bench/security.py

Creates the throw-away database rapport_security on that server (dropped at the end), fills it
with the demo data (seed_demo), and serves it with gunicorn and the production settings on
127.0.0.1 (plain HTTP; the survey and API rate limits raised, or the tools would meet 429s).
Signed in as the demo CSM, it runs:

- sqlmap (`--batch --level 2 --risk 1`) on the account list's search, filters and sort, the
  search page, a survey page (its link's token) and the JSON API's account list (a personal
  token), each for at most SECURITY_SECONDS (default 600; a target cut short is said so);
- wapiti (its default modules: SQL, blind SQL, XSS, stored XSS, command execution, file
  disclosure, open redirect, SSRF, CSP, security headers, cookie flags) over the signed-in
  site from the account list, three links deep, sign-out excluded, for about SECURITY_SECONDS
  (a tenth of it per module's attacks).

It prints what each tool found and exits 1 on any finding of medium severity or above: an
injection point sqlmap confirms, or a wapiti vulnerability or anomaly of level 2 (medium) or
more. sqlmap and wapiti are Debian packages (`apt-get install sqlmap wapiti`).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("RAPPORT_BENCH_DB", "rapport_security")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import load  # noqa: E402

SECONDS = int(os.environ.get("SECURITY_SECONDS", "600"))
CSM = "csm@rapport.example"  # the demo's CSM
MEDIUM = 2  # wapiti's levels: 0 info, 1 low, 2 medium, 3 high, 4 critical
SITE = f"http://{load.ADDRESS}"
# wapiti as Debian ships it (3.0.4), its excluded addresses' patterns mended: it ends them with
# a regular expression's flags, which Python 3.11 refuses, so `-x` stops it at once.
WAPITI = """
import re, sys
from wapitiCore.net import crawler


def wildcard_translate(pattern):
    return re.compile("(?ms)" + ".*".join(map(re.escape, pattern.split("*"))) + r"\\Z")


crawler.wildcard_translate = wildcard_translate
sys.argv[0] = "wapiti"
from wapitiCore.main.wapiti import wapiti_main

sys.exit(wapiti_main())
"""


@dataclass
class Targets:
    session_key: str
    survey_token: str
    api_secret: str
    team: int
    owner: int
    found: list[str] = field(default_factory=list)  # findings of medium severity or more


def prepare() -> Targets:
    """The demo data, a signed-in session of the CSM, a survey link and an API token of theirs."""
    from django.core.management import call_command

    from accounts.models import Account, User
    from api.services import api_token_create
    from surveys.models import Invitation, InvitationToken
    from surveys.tokens import token_new

    call_command("seed_demo", verbosity=0)
    csm = User.objects.get(email=CSM)
    account = Account.objects.visible_to(csm).order_by("pk").first()
    token, hashed = token_new()
    invitation = Invitation.objects.filter(stakeholder__account=account).first()
    if invitation is None:
        sys.exit("The demo data has no survey invitation to scan.")
    InvitationToken.objects.create(invitation=invitation, token_hash=hashed)
    _token, secret = api_token_create(user=csm, name="Security scan", read_only=True)
    return Targets(load.session_for(csm), token, secret, account.team_id, account.owner_id)


def sqlmap(label: str, url: str, targets: Targets, *headers: str) -> None:
    """sqlmap on one address: what it says, and an injection point counts as a finding."""
    with tempfile.TemporaryDirectory() as output:
        command = [
            "sqlmap", "-u", url, "--batch", "--level", "2", "--risk", "1", "--flush-session",
            "--output-dir", output, "--cookie", f"sessionid={targets.session_key}",
        ]  # fmt: skip
        for header in headers:
            command += ["--header", header]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS)
            out, finished = result.stdout, True
        except subprocess.TimeoutExpired as stopped:
            out, finished = (stopped.stdout or b"").decode(errors="replace"), False
    injectable = "identified the following injection point" in out
    tested = re.findall(r"testing if (?:GET|URI|Header) parameter '([^']+)' is dynamic", out)
    requests = re.search(r"(\d+) HTTP\(s\) requests", out)
    print(
        f"sqlmap, {label}: {'INJECTABLE' if injectable else 'no injection found'};"
        f" parameters tested: {', '.join(dict.fromkeys(tested)) or 'none'}"
        + (f"; {requests.group(1)} requests" if requests else "")
        + ("" if finished else f"; stopped after {SECONDS} s")
    )
    if injectable:
        targets.found.append(f"sqlmap: {label} is injectable")


def wapiti(targets: Targets) -> None:
    """wapiti over the signed-in site: its findings by category and level."""
    with tempfile.TemporaryDirectory() as folder:
        cookies, report = Path(folder, "cookies.json"), Path(folder, "report.json")
        cookie = {"value": targets.session_key, "expires": None, "secure": False}
        cookies.write_text(
            json.dumps({"127.0.0.1": {"/": {"sessionid": {**cookie, "port": None, "version": 0}}}})
        )
        command = [
            "/usr/bin/python3", "-c", WAPITI,
            "-u", f"{SITE}/", "--scope", "folder", "-c", str(cookies),
            "-x", f"{SITE}/logout/", "--flush-session", "-d", "3",
            "--max-scan-time", str(SECONDS), "--max-attack-time", str(SECONDS // 10),
            "-f", "json", "-o", str(report),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS * 3)
        if not report.exists():
            sys.exit(f"wapiti wrote no report:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        findings = json.loads(report.read_text())
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in findings.get(kind, {}).items():
            for item in items:
                level = int(item.get("level") or 0)
                print(f"wapiti, {kind}: {category} (level {level}) {item['method']} {item['path']}")
                if level >= MEDIUM:
                    targets.found.append(f"wapiti: {category} at {item['path']}")
    print(f"wapiti: done; a finding of level {MEDIUM} (medium) or more fails the run")


def scan() -> None:
    targets = prepare()
    os.environ.update(SURVEY_RATE_PER_IP="1000000", SURVEY_RATE_PER_TOKEN="1000000")
    os.environ.update(API_RATE_LIMIT="1000000")
    server = load.serve()
    try:
        load.signed_in("/", targets.session_key)
        filters = (
            f"q=acme&team={targets.team}&owner={targets.owner}&segment=enterprise&status=active"
            "&renewal_within=90&flag=single_threaded&sort=name"
        )
        sqlmap("the account list", f"{SITE}/?{filters}", targets)
        sqlmap("the search page", f"{SITE}/search/?q=renewal&kind=interaction", targets)
        sqlmap("a survey page", f"{SITE}/s/{targets.survey_token}*/", targets)
        sqlmap(
            "the API's account list",
            f"{SITE}/api/v1/accounts?q=acme&status=active&renewal_within=90",
            targets,
            f"Authorization: Bearer {targets.api_secret}",
        )
        wapiti(targets)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if targets.found:
        print("\nFindings of medium severity or more:\n" + "\n".join(targets.found))
        sys.exit(1)
    print("\nNo finding of medium severity or more.")


def main() -> None:
    for program in ("sqlmap", "wapiti"):
        if not shutil.which(program):
            sys.exit(f"{program} is not installed: apt-get install sqlmap wapiti")
    benchlib.run_on_bench_database(scan)


if __name__ == "__main__":
    main()
