"""Take the README screenshot: the demo, logged in as the demo CSM, in headless Chromium.

Usage: python scripts/screenshot.py docs/screenshot.png [PATH]   (PATH defaults to /)
Runs on a throw-away SQLite database with the demo data, on 127.0.0.1:8765.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT_DIR = Path(__file__).resolve().parent.parent
ADDRESS = "127.0.0.1:8765"


def main(output: str, path: str = "/") -> None:
    with tempfile.TemporaryDirectory() as workdir:
        env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{workdir}/demo.sqlite3"}
        manage = [sys.executable, str(PROJECT_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
        subprocess.run([*manage, "seed_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([*manage, "runserver", ADDRESS, "--noreload"], env=env)
        try:
            for _ in range(50):
                try:
                    urllib.request.urlopen(f"http://{ADDRESS}/healthz")
                    break
                except OSError:
                    time.sleep(0.2)
            shoot(output, path)
        finally:
            server.terminate()
            server.wait()


def shoot(output: str, path: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"http://{ADDRESS}/login/")
        page.get_by_label("Email address").fill("csm@rapport.example")
        page.get_by_label("Password").fill("rapport-demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        page.goto(f"http://{ADDRESS}{path}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=output, full_page=False)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
