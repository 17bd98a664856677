"""The production settings, plus a hello-world view to measure the pages against (bench/load.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
